"""Generated IIS W3C web logs of a given size, with a known number of planted tokens.

Two pattern sets: `program_tokens` are the tokens forewarn really plants (scheme 4: AWS key ids,
GitHub tokens, JWTs, request ids, callback hosts and paths, from `marks.tokens.carriers`, for
many fictional cases and partners), with the verifier the hunt would ship; `tokens` are the
older synthetic host names sharing long suffixes. Background lines carry near misses (request
ids of other systems, `/r/` short links, `edge-` hosts, ticket ids) so that a scanner pays for
verification as it would on a real server's log.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from pathlib import Path

from forewarn.marks import tokens as token_marks
from forewarn.marks.tokens import carriers, sealed

DOMAINS = ("t.contoso-cdn.net", "status.fabrikam.org")
"""Domains the benchmark's program configures for host tokens."""
PARTNERS_PER_CASE = 1000

PATHS = [
    "/owa/auth/logon.aspx",
    "/owa/auth/15.2.1118/themes/resources/favicon.ico",
    "/owa/service.svc",
    "/ecp/default.aspx",
    "/ecp/DDI/DDIService.svc/GetList",
    "/autodiscover/autodiscover.xml",
    "/mapi/emsmdb/",
    "/EWS/Exchange.asmx",
    "/rpc/rpcproxy.dll",
    "/Microsoft-Server-ActiveSync",
    "/_layouts/15/start.aspx",
    "/api/v2/orders/search",
    "/static/js/main.4f2a9c1e.chunk.js",
    "/r/promo-spring",
    "/images/edge-banner.png",
]
AGENTS = [
    "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36+(KHTML,+like+Gecko)"
    "+Chrome/88.0.4324.190+Safari/537.36",
    "Mozilla/5.0+(Macintosh;+Intel+Mac+OS+X+11_2_1)+AppleWebKit/605.1.15+(KHTML,+like+Gecko)"
    "+Version/14.0.3+Safari/605.1.15",
    "Microsoft+Office/16.0+(Windows+NT+10.0;+Microsoft+Outlook+16.0.13628;+Pro)",
    "Microsoft+Edge/88.0.705.74",
    "curl/7.68.0",
    "python-requests/2.25.1",
    "ExchangeServicesClient/15.01.2176.009",
    "Apple-iPhone12C1/1803.89",
]
REFERERS = [
    "-",
    "https://mail.contoso.com/owa/",
    "https://edge-cdn01.fabrikam.net/r/landing",
    "https://portal.contoso.com/r/abc123?utm_source=mail",
]
FIELDS = (
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
    "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken"
)
PLANT_RATE = 0.0005
"""Share of lines carrying a token (one line in 2,000)."""
FOREIGN_RATE = 0.1
"""Share of lines carrying another system's request id (a UUID the check must reject)."""


@dataclass(frozen=True, slots=True)
class LogStats:
    """What was written: the ground truth every tool must find."""

    size: int
    """Bytes written."""
    hits: int
    """Canary occurrences planted."""
    lines: int
    """Lines carrying at least one canary (what `grep -c` counts)."""


def tokens(count: int, seed: int) -> list[str]:
    """Synthetic canary host names sharing long suffixes (the first benchmark's set)."""
    rng = random.Random(seed)
    return [f"cnry{rng.getrandbits(64):016x}.fw{rng.randrange(100)}.example" for _ in range(count)]


def program_tokens(
    count: int, secret: bytes = b"bench-scan-secret-32-bytes......"
) -> tuple[list[str], token_marks.TokenVerifier]:
    """`count` tokens as forewarn plants them (scheme 4), and the verifier `program_hunt` would
    build for them: per case, 1,000 fictional partners each get a PoC (AWS key id, GitHub token,
    JWT, request id, callback host and path) and an advisory (document id, host and path)."""
    key = sealed.token_key(secret)
    verifier = token_marks.verifier(secret, DOMAINS)
    partners = [f"Partner {i:04d} Security" for i in range(PARTNERS_PER_CASE)]
    found: list[str] = []
    case = 0
    while len(found) < count:
        case_id = f"FW-2099-{case:04d}"  # no clash with a demo program's cases
        for artifact, slots in (
            ("poc.py", carriers.SLOTS),
            ("advisory.md", ("id", "host", "path")),
        ):
            verifier.add_scope(case_id, artifact, partners)
            for partner in partners:
                made = carriers.token_values(key, case_id, artifact, partner, DOMAINS)
                found += [made.shown(slot) for slot in slots]
        case += 1
    return found[:count], verifier


def _planted(rng: random.Random, token: str) -> tuple[str, str, str, int]:
    """Where a token shows in a log line: (stem, query, user agent, occurrences)."""
    if token.endswith(DOMAINS):
        query = f"cb=https://{token}/x&t={rng.getrandbits(32):x}"
        return "/owa/auth/logon.aspx", query, rng.choice(AGENTS), 1
    if token.startswith("AKIA"):
        return "/ecp/default.aspx", f"AWSAccessKeyId={token}", rng.choice(AGENTS), 1
    if token.startswith("eyJ"):
        return "/owa/service.svc", f"access_token={token}", rng.choice(AGENTS), 1
    if token.startswith("ghp_"):
        return "/api/v2/orders/search", "-", f"python-requests/2.25.1+(token+{token})", 1
    if len(token) == 36:  # a request id, or a callback path
        return f"/autodiscover/{token}", "-", rng.choice(AGENTS), 1
    return "/owa/auth/logon.aspx", f"h={token}", rng.choice(AGENTS), 1


def _block(
    rng: random.Random, size: int, plant: list[str], foreign: float
) -> tuple[bytes, int, int]:
    lines = ["#Software: Microsoft Internet Information Services 10.0", FIELDS]
    total = hits = planted_lines = 0
    while total < size:
        stem = rng.choice(PATHS)
        agent = rng.choice(AGENTS)
        query = "-" if rng.random() < 0.6 else f"id={rng.getrandbits(48):x}&v={rng.randrange(99)}"
        if rng.random() < foreign:  # another system's request id: a candidate the check rejects
            query = f"rid={uuid.UUID(int=rng.getrandbits(128), version=4)}"
        if plant and rng.random() < PLANT_RATE:
            stem, query, agent, found = _planted(rng, rng.choice(plant))
            hits += found
            planted_lines += 1
        line = (
            f"2021-02-{rng.randrange(23, 29)} {rng.randrange(24):02d}:{rng.randrange(60):02d}:"
            f"{rng.randrange(60):02d} 10.0.0.5 {rng.choice(['GET', 'POST'])} {stem} {query} 443 "
            f"- 192.0.2.{rng.randrange(255)} {agent} {rng.choice(REFERERS)} "
            f"{rng.choice([200, 302, 401, 404])} 0 0 {rng.randrange(900)}"
        )
        lines.append(line)
        total += len(line) + 1
    return ("\n".join(lines) + "\n").encode(), hits, planted_lines


def write_log(
    path: Path, size: int, plant: list[str], seed: int = 7, foreign: float = FOREIGN_RATE
) -> LogStats:
    """Write about `size` bytes: 8 MB distinct blocks repeated (generation stays fast)."""
    rng = random.Random(seed)
    blocks = [_block(rng, 8 * 1024**2, plant, foreign) for _ in range(4)]
    written = hits = lines = 0
    with open(path, "wb") as handle:
        i = 0
        while written < size:
            block, block_hits, block_lines = blocks[i % len(blocks)]
            handle.write(block)
            written += len(block)
            hits += block_hits
            lines += block_lines
            i += 1
    return LogStats(written, hits, lines)
