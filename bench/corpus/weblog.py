"""Generate a synthetic IIS-style web log of a given size with planted canary tokens."""

from __future__ import annotations

import random
from pathlib import Path

PATHS = [
    "/owa/auth/logon.aspx",
    "/ecp/default.aspx",
    "/autodiscover/autodiscover.xml",
    "/mapi/emsmdb/",
    "/EWS/Exchange.asmx",
    "/owa/service.svc",
    "/rpc/rpcproxy.dll",
]
AGENTS = [
    "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)",
    "Microsoft+Office/16.0",
    "curl/7.68.0",
    "python-requests/2.25.1",
    "ExchangeServicesClient/15.01.2176.009",
]


def tokens(count: int, seed: int) -> list[str]:
    """Canary strings like the ones the tokens channel plants (hostnames, query values)."""
    rng = random.Random(seed)
    return [f"cnry{rng.getrandbits(64):016x}.fw{rng.randrange(100)}.example" for _ in range(count)]


def _block(rng: random.Random, size: int, plant: list[str]) -> bytes:
    lines = [
        "#Software: Microsoft Internet Information Services 10.0",
        "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username "
        "c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken",
    ]
    total = 0
    while total < size:
        query = "-" if rng.random() < 0.6 else f"id={rng.getrandbits(48):x}&v={rng.randrange(99)}"
        if plant and rng.random() < 0.001:
            query = f"h={rng.choice(plant)}"
        line = (
            f"2021-02-{rng.randrange(23, 29)} {rng.randrange(24):02d}:{rng.randrange(60):02d}:"
            f"{rng.randrange(60):02d} 10.0.0.5 {rng.choice(['GET', 'POST'])} "
            f"{rng.choice(PATHS)} {query} 443 - 192.0.2.{rng.randrange(255)} "
            f"{rng.choice(AGENTS)} {rng.choice([200, 302, 401, 404])} 0 0 {rng.randrange(900)}"
        )
        lines.append(line)
        total += len(line) + 1
    return ("\n".join(lines) + "\n").encode()


def write_log(path: Path, size: int, plant: list[str], seed: int = 7) -> int:
    """Write about `size` bytes: 8 MB distinct blocks repeated (generation stays fast)."""
    rng = random.Random(seed)
    blocks = [_block(rng, 8 * 1024**2, plant) for _ in range(4)]
    written = 0
    with open(path, "wb") as handle:
        i = 0
        while written < size:
            block = blocks[i % len(blocks)]
            handle.write(block)
            written += len(block)
            i += 1
    return written
