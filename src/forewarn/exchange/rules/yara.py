"""YARA rules for a case's PoCs and tools: one rule for each tool's code, one per request.

The *tool* rule of a PoC matches its code and code derived from it: distinctive string constants
and the wire values (paths, header names, cookie and body pieces) that every partner's copy
spells verbatim, most of them required. The *request* rules match captured traffic (pcaps, raw
HTTP dumps, proxy logs) of each request the PoC sends. Header names are matched without case
(the marks change their casing); every other string exactly as every copy has it. The free parts
(rule names, `meta` entries, string order) are what the marks later reword and reorder.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from forewarn.domain.rules import PocView, RuleSource
from forewarn.exchange.rules.signatures import (
    RequestSignature,
    constants,
    signatures,
)
from forewarn.exchange.rules.syntax import free_text, identifier, text

MAX_STRINGS = 24
"""Most strings one rule carries (the longest are kept)."""

MAX_FILESIZE = "5MB"
"""Tool rules look at files up to this size: tools and scripts, not disk images."""

String = tuple[str, bool]
"""`(literal, nocase)`."""


def _tool_strings(poc: PocView, found: Sequence[RequestSignature]) -> list[String]:
    """Constants and wire pieces every copy of the PoC's source spells verbatim."""
    strings: list[String] = [(c, False) for c in constants(poc)]
    have = {s for s, _ in strings}
    for signature in found:
        for piece in signature.pieces:
            if piece not in have and all(piece in source for source in poc.sources):
                strings.append((piece, False))
                have.add(piece)
        for name in signature.header_names:
            if name not in {s.lower() for s in have} and all(
                name in source.lower() for source in poc.sources
            ):
                strings.append((name, True))
                have.add(name)
    kept = [s for s in strings if not any(s[0] in o[0] and s != o for o in strings)]
    kept.sort(key=lambda s: (-len(s[0]), s[0]))
    return kept[:MAX_STRINGS]


def _request_strings(signature: RequestSignature) -> list[String]:
    strings: list[String] = [(p, False) for p in signature.pieces]
    strings += [(f"{name}:", True) for name in signature.header_names]
    return strings[:MAX_STRINGS]


def _meta(source: RuleSource, poc: PocView, description: str, scope: str) -> list[str]:
    case = source.case
    entries = [
        f'description = "{text(free_text(description))}"',
        f'author = "{text(free_text(source.author))}"',
        f'date = "{source.written.isoformat()}"',
        f'case = "{text(case.id)}"',
        *(f'cve = "{text(cve)}"' for cve in case.cves),
        f'product = "{text(free_text(case.product))}"',
        f'artifact = "{text(poc.artifact)}"',
        f'scope = "{scope}"',
        'tlp = "AMBER"',
        'confidence = "medium"',
    ]
    if case.cvss is not None:
        entries.append(f'severity = "{case.cvss.severity.lower()}"')
    entries.append("version = 1")
    return entries


def _rule(name: str, meta: list[str], strings: list[String], condition: str) -> str:
    lines = [f"rule {name}", "{", "    meta:", *(f"        {m}" for m in meta), "    strings:"]
    for k, (literal, nocase) in enumerate(strings, start=1):
        suffix = " nocase" if nocase else ""
        lines.append(f'        $s{k} = "{text(literal)}"{suffix}')
    lines += ["    condition:", f"        {condition}", "}"]
    return "\n".join(lines)


def _tool_rule(source: RuleSource, poc: PocView, found: Sequence[RequestSignature]) -> str | None:
    strings = _tool_strings(poc, found)
    if len(strings) < 2:
        return None
    base = f"{identifier(source.case.id)}_{identifier(poc.artifact)}"
    description = (
        f"Detects the shared proof-of-concept {poc.artifact} of {source.case.id} and any tool "
        "derived from it"
    )
    need = max(2, math.ceil(len(strings) * 0.6))
    return _rule(
        f"{base}_Possible_Exploitation_Tool",
        _meta(source, poc, description, "code"),
        strings,
        f"filesize < {MAX_FILESIZE} and {need} of them",
    )


def _request_rule(source: RuleSource, poc: PocView, signature: RequestSignature) -> str | None:
    strings = _request_strings(signature)
    if not strings:
        return None
    step = signature.index + 1
    base = f"{identifier(source.case.id)}_{identifier(poc.artifact)}"
    description = (
        f"Detects an inbound {signature.method} request of step {step} of {poc.artifact} "
        f"({source.case.id}) in captured traffic"
    )
    need = len(strings) if len(strings) <= 3 else math.ceil(len(strings) * 2 / 3)
    condition = "all of them" if need == len(strings) else f"{need} of them"
    return _rule(
        f"{base}_Exploitation_Request_Step_{step}",
        _meta(source, poc, description, "traffic"),
        strings,
        condition,
    )


def yara_rules(source: RuleSource) -> str:
    """The YARA rule file of a case: a tool rule per PoC, then a rule per distinct request."""
    parts = [
        f"// YARA rules for {free_text(source.case.id)}: {free_text(source.case.title)}",
        f"// Written by {free_text(source.author)} on {source.written.isoformat()}.",
    ]
    seen: set[tuple[String, ...]] = set()
    for poc in source.pocs:
        found = signatures(poc)
        tool = _tool_rule(source, poc, found)
        if tool is not None:
            parts.append(tool)
        for signature in found:
            key = tuple(_request_strings(signature))
            rule = _request_rule(source, poc, signature)
            if rule is None or key in seen:
                continue
            seen.add(key)
            parts.append(rule)
    return "\n\n".join(parts) + "\n"


__all__ = ["MAX_FILESIZE", "MAX_STRINGS", "yara_rules"]
