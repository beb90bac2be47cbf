"""Independently written Python clients of one toy flaw: same server, constants, APIs and shape.

The toy flaw: the local toy server (127.0.0.1:8080) answers `GET /api/status` carrying the header
`X-Debug: 1` with a JSON body whose `debug_token` field it should never reveal. Every client
probes it with retries and reports the token; they were written apart, so they share what the
task forces (constants, `http.client`/`socket`/`urllib`, JSON parsing) and nothing else.
"""

CLIENTS = [
    """import http.client
import json
import sys

HOST = "127.0.0.1"
PORT = 8080
PATH = "/api/status"


def fetch(host, port):
    conn = http.client.HTTPConnection(host, port, timeout=5)
    conn.request("GET", PATH, headers={"X-Debug": "1", "User-Agent": "probe"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def main():
    for attempt in range(3):
        try:
            status, body = fetch(HOST, PORT)
        except OSError as error:
            print("attempt", attempt, "failed:", error, file=sys.stderr)
            continue
        if status == 200:
            token = json.loads(body).get("debug_token")
            print("vulnerable" if token else "patched", token)
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
""",
    """import json
import socket

TARGET = ("127.0.0.1", 8080)
REQUEST = (
    "GET /api/status HTTP/1.1\\r\\n"
    "Host: 127.0.0.1\\r\\n"
    "X-Debug: 1\\r\\n"
    "Connection: close\\r\\n\\r\\n"
)


def send_probe():
    with socket.create_connection(TARGET, timeout=5) as sock:
        sock.sendall(REQUEST.encode())
        chunks = []
        while True:
            data = sock.recv(4096)
            if not data:
                break
            chunks.append(data)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\\r\\n\\r\\n")
    code = int(head.split(b" ")[1])
    return code, body


def leaked_token():
    tries = 0
    while tries < 3:
        tries += 1
        try:
            code, body = send_probe()
        except ConnectionError:
            continue
        if code != 200:
            return None
        return json.loads(body.decode()).get("debug_token")
    return None


if __name__ == "__main__":
    token = leaked_token()
    print("token:", token if token is not None else "none")
""",
    """import json
import urllib.error
import urllib.request

URL = "http://127.0.0.1:8080/api/status"
RETRIES = 3


class Probe:
    def __init__(self, url=URL, retries=RETRIES):
        self.url = url
        self.retries = retries
        self.last_error = None

    def request(self):
        req = urllib.request.Request(self.url, headers={"X-Debug": "1"})
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.load(resp)

    def run(self):
        for _ in range(self.retries):
            try:
                status, doc = self.request()
            except urllib.error.URLError as exc:
                self.last_error = exc
                continue
            if status == 200 and "debug_token" in doc:
                return doc["debug_token"]
            break
        return None


if __name__ == "__main__":
    probe = Probe()
    result = probe.run()
    if result:
        print("leaked", result)
    else:
        print("no leak", probe.last_error)
""",
    """import argparse
import http.client
import json


def parse_args():
    parser = argparse.ArgumentParser(description="check the toy debug-token leak")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--retries", type=int, default=3)
    return parser.parse_args()


def check(host, port):
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request("GET", "/api/status", headers={"X-Debug": "1"})
        resp = conn.getresponse()
        if resp.status != 200:
            return {"status": resp.status, "token": None}
        payload = json.loads(resp.read().decode("utf-8"))
        return {"status": resp.status, "token": payload.get("debug_token")}
    finally:
        conn.close()


def main():
    args = parse_args()
    result = None
    for n in range(args.retries):
        try:
            result = check(args.host, args.port)
            break
        except ConnectionRefusedError:
            print("retry", n + 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
""",
]
