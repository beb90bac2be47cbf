# ruff: noqa
"""Concurrent variant: all pages fetched at once with httpx.AsyncClient."""

import asyncio
import sys

import httpx

BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15"


async def page_size(cl, user, n):
    res = await cl.get("/api/v1/items", params={"owner": f"{user}", "page": f"{n}"})
    return len(res.content)


async def main(host, port):
    user = "lab"
    async with httpx.AsyncClient(
        base_url=f"http://{host}:{port}",
        headers=[
            ("User-Agent", BROWSER),
            ("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            ("X-Account", f"acct-{user}"),
            ("X-Client", f"probe-{user}"),
        ],
        cookies={"session": f"s-{user}", "theme": "t-light"},
    ) as cl:
        sizes = await asyncio.gather(*[page_size(cl, user, n) for n in (1, 2, 3, 4)])
        print(list(sizes))
        res = await cl.post(
            "/api/v1/items/rename", json={"title": f"note {3}", "id": "3", "owner": user}
        )
        print(res.status_code)


asyncio.run(
    main(
        sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1",
        sys.argv[2] if len(sys.argv) > 2 else 8080,
    )
)
