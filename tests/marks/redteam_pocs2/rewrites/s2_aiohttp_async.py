# ruff: noqa
"""Async port of the search/upload tool (aiohttp)."""

import asyncio
import sys

import aiohttp

COMMON = (
    ("user-agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"),
    ("accept", "application/json, text/javascript, */*; q=0.01"),
    ("accept-encoding", "gzip, deflate"),
    ("accept-language", "en-US,en;q=0.9"),
)
MAX_TRIES = 4


async def go(host, port):
    origin = "http://%s:%s" % (host, port)
    async with aiohttp.ClientSession(headers=dict(COMMON)) as s:
        s.headers.update(
            {
                "origin": origin,
                "Referer": "%s/app/" % origin,
                "x-tenant": "tenant-%s" % "lab",
            }
        )
        query = {"q": "{0}*".format("note"), "scope": "{0}/docs".format("lab"), "limit": "25"}
        async with s.get(origin + "/api/search", params=query) as resp:
            print(resp.status)
        entry = dict(path="/lab/notes", name="harmless.txt", owner="lab@lab.invalid", size=12)
        for n in range(MAX_TRIES):
            extra = {"x-attempt": "%d" % n, "X-Name": "harmless"}
            async with s.post(origin + "/api/files", json=entry, headers=extra) as resp:
                if resp.status != 503:
                    print(resp.status)
                    break


if __name__ == "__main__":
    asyncio.run(
        go(
            sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1",
            sys.argv[2] if len(sys.argv) > 2 else "8080",
        )
    )
