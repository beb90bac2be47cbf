"""How a rewritten program sends one request with each HTTP client, byte for byte as given.

A port to another client keeps the wire only if the program hands the client the whole header
list (the `Host`, `Accept-Encoding` and `Content-Length` the original client added included,
in their places) and stops it adding its own. Each entry is the text of a `send` function
(`async` for aiohttp) that the templates and replay tools paste into the program they write.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Client:
    """One HTTP client as the generated programs use it."""

    imports: str
    """Import lines."""
    send: str
    """`send(host, port, method, target, headers, body, timeout) -> (status, data)`."""
    asynchronous: bool = False
    """Whether `send` is a coroutine (the program then runs under `asyncio.run`)."""


HTTP_CLIENT = Client(
    "import http.client\n",
    """
def send(host, port, method, target, headers, body, timeout):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
    for name, value in headers:
        conn.putheader(name, value)
    conn.endheaders(body)
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    return answer.status, data
""",
)

REQUESTS = Client(
    "import requests\n",
    """
def send(host, port, method, target, headers, body, timeout):
    with requests.Session() as session:
        session.trust_env = False
        session.headers.clear()
        url = "http://%s:%d%s" % (host, port, target)
        answer = session.request(method, url, headers=dict(headers), data=body, timeout=timeout)
        return answer.status_code, answer.content
""",
)

REQUESTS_PREPARED = Client(
    "import requests\n",
    """
def send(host, port, method, target, headers, body, timeout):
    with requests.Session() as session:
        session.trust_env = False
        url = "http://%s:%d%s" % (host, port, target)
        prepared = requests.Request(method, url, headers=dict(headers), data=body).prepare()
        answer = session.send(prepared, timeout=timeout)
        return answer.status_code, answer.content
""",
)

HTTPX = Client(
    "import httpx\n",
    """
def send(host, port, method, target, headers, body, timeout):
    with httpx.Client(trust_env=False, timeout=timeout) as client:
        client.headers.clear()
        request = client.build_request(method, f"http://{host}:{port}{target}", content=body)
        request.headers = httpx.Headers(headers)
        answer = client.send(request)
        return answer.status_code, answer.content
""",
)

AIOHTTP = Client(
    "import asyncio\nimport aiohttp\nimport yarl\n",
    """
async def send(host, port, method, target, headers, body, timeout):
    auto = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
    limit = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(
        skip_auto_headers=auto, trust_env=False, timeout=limit
    ) as session:
        url = yarl.URL(f"http://{host}:{port}{target}", encoded=True)
        async with session.request(method, url, headers=list(headers), data=body) as answer:
            return answer.status, await answer.read()
""",
    asynchronous=True,
)

SOCKET = Client(
    "import socket\n",
    """
def send(host, port, method, target, headers, body, timeout):
    head = "%s %s HTTP/1.1\\r\\n" % (method, target)
    head += "".join("%s: %s\\r\\n" % pair for pair in headers) + "\\r\\n"
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1") + (body or b""))
        answer = b""
        while b"\\r\\n\\r\\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        top, _, rest = answer.partition(b"\\r\\n\\r\\n")
        length = 0
        for line in top.split(b"\\r\\n")[1:]:
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
    return int(top.split()[1]), rest[:length]
""",
)

CLIENTS = {
    "http.client": HTTP_CLIENT,
    "requests": REQUESTS,
    "requests-prepared": REQUESTS_PREPARED,
    "httpx": HTTPX,
    "aiohttp": AIOHTTP,
    "socket": SOCKET,
}
"""Every client a rewrite may be ported to, by name."""
