#!/usr/bin/env python3
# ruff: noqa: UP031, UP032 - the spellings under test
"""Benign look-alike for forewarn's read-back tests: an `aiohttp` session, requests gathered.

Headers and JSON payloads with f-string, `.format` and `%` values side by side, the same
route asked for several ids at once. It sends harmless requests to the host given on the
command line (a local toy server).
"""

import asyncio
import sys

import aiohttp

HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:102.0) Gecko/20100101 Firefox/102.0",
    "Accept": "*/*",
    "Connection": "keep-alive",
}
IDS = (11, 12, 13)


async def probe(session, base, item):
    """Ask for one item; its status code."""
    headers = {
        "X-Item": f"item-{item}",
        "X-Batch": f"batch-{len(IDS)}",
        "Cache-Control": "no-cache",
    }
    async with session.get(base + "/api/items/%d" % item, headers=headers) as answer:
        await answer.read()
        return answer.status


async def report(session, base, statuses):
    """Post a harmless summary."""
    payload = {
        "ok": "{}".format(sum(1 for s in statuses if s == 200)),
        "failed": "{}".format(sum(1 for s in statuses if s != 200)),
        "note": "summary of %d probes" % len(statuses),
    }
    async with session.post(base + "/api/report", json=payload) as answer:
        return answer.status


async def run(host, port):
    base = "http://%s:%s" % (host, port)
    async with aiohttp.ClientSession(headers=HEADERS) as session:
        statuses = await asyncio.gather(*(probe(session, base, i) for i in IDS))
        print(await report(session, base, statuses))


if __name__ == "__main__":
    asyncio.run(run(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1", 8080))
