"""Suricata rules for the requests a case's PoCs send: one rule per distinct request.

Each rule inspects the HTTP sticky buffers Suricata fills for a request: `http.method`,
`http.uri` (normalised, percent-decoded: the path with `startswith`, then `key=value` pieces
matched anywhere, since the marks reorder the query), `http.header` (distinctive header names,
without case, and their invariant values), `http.cookie`, `http.user_agent` (only a
non-browser agent every copy sends) and `http.request_body`. Only pieces every partner's copy
sends are used (`signatures`), so the rule fires on the traffic of each copy alike. The free
parts (`msg`, `reference`, `classtype`, `sid`, `rev`, `metadata`) are what the marks later
reword and reorder per partner.
"""

from __future__ import annotations

from forewarn.domain.rules import PocView, RuleSource
from forewarn.exchange.rules.signatures import RequestSignature, signatures
from forewarn.exchange.rules.syntax import content, free_text, identifier

CLASSTYPE = "web-application-attack"
"""Suricata's classification for attacks on web applications."""


def _content(piece: str, *modifiers: str) -> list[str]:
    return [f'content:"{content(piece.encode("utf-8"))}";', *(f"{m};" for m in modifiers)]


def detection(signature: RequestSignature) -> list[str]:
    """The detection options of a request's rule, in order (sticky buffer, then contents)."""
    out = ["flow:established,to_server;", "http.method;", *_content(signature.method)]
    out += ["http.uri;", *_content(signature.path, "startswith")]
    for piece in signature.uri:
        out += _content(piece)
    if signature.header_names or signature.header_values:
        out.append("http.header;")
        for name in signature.header_names:
            out += _content(f"{name}: ", "nocase")
        for piece in signature.header_values:
            out += _content(piece)
    if signature.cookie:
        out.append("http.cookie;")
        for piece in signature.cookie:
            out += _content(piece)
    if signature.user_agent:
        out += ["http.user_agent;", *_content(signature.user_agent)]
    if signature.body:
        out.append("http.request_body;")
        for piece in signature.body:
            out += _content(piece)
    return out


def _severity(source: RuleSource) -> str:
    cvss = source.case.cvss
    if cvss is None:
        return "Major"
    return {"Critical": "Critical", "High": "Major", "Medium": "Minor"}.get(cvss.severity, "Info")


def _metadata(source: RuleSource, poc: PocView, signature: RequestSignature) -> str:
    day = source.written.strftime("%Y_%m_%d")
    entries = [
        f"affected_product {identifier(source.case.product)}",
        "attack_target Server",
        f"created_at {day}",
        "deployment Perimeter",
        f"signature_severity {_severity(source)}",
        f"forewarn_case {identifier(source.case.id)}",
        *(f"cve {identifier(cve)}" for cve in source.case.cves),
        f"tool {identifier(poc.artifact)}",
        f"request_step {signature.index + 1}",
        "confidence Medium",
        "performance_impact Low",
        f"updated_at {day}",
    ]
    return ", ".join(entries)


def _rule(source: RuleSource, poc: PocView, signature: RequestSignature, sid: int) -> str:
    case = source.case
    msg = free_text(
        f"{source.author} {case.id} Possible {case.product} Exploitation Attempt - Inbound "
        f"{signature.method} Request Step {signature.index + 1} of {poc.artifact}"
    )
    options = [f'msg:"{msg}";', *detection(signature)]
    options += [f"reference:cve,{cve.removeprefix('CVE-')};" for cve in case.cves]
    options += [f"classtype:{CLASSTYPE};", f"sid:{sid};", "rev:1;"]
    options.append(f"metadata:{_metadata(source, poc, signature)};")
    return f"alert http $EXTERNAL_NET any -> $HOME_NET any ({' '.join(options)})"


def suricata_rules(source: RuleSource) -> str:
    """The Suricata rule file of a case: one rule per distinct request of each PoC."""
    lines = [
        f"# Suricata rules for {free_text(source.case.id)}: {free_text(source.case.title)}",
        f"# Written by {free_text(source.author)} on {source.written.isoformat()} from the "
        "requests its proof-of-concept code sends.",
    ]
    seen: set[tuple[str, ...]] = set()
    sid = source.first_sid
    for poc in source.pocs:
        for signature in signatures(poc):
            if not signature.pieces:
                continue  # method and a short path alone would match benign traffic
            key = tuple(detection(signature))
            if key in seen:
                continue
            seen.add(key)
            lines.append(_rule(source, poc, signature, sid))
            sid += 1
    return "\n".join(lines) + "\n"


__all__ = ["CLASSTYPE", "detection", "suricata_rules"]
