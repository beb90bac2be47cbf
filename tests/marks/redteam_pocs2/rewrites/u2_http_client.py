# ruff: noqa
"""Low-level port using http.client so every header goes out exactly as written."""

import http.client
import json
import sys


def send(conn, verb, target, pairs, body=None):
    conn.putrequest(verb, target)
    for k, v in pairs:
        conn.putheader(k, v)
    conn.endheaders(body)
    resp = conn.getresponse()
    return resp.status, resp.read(256)


def main():
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    conn = http.client.HTTPConnection(host, 8080, timeout=8)
    common = [
        ("X-Forwarded-Host", host),
        ("Accept", "*/*"),
        ("User-Agent", "curl/7.88.1"),
        ("X-Build", "build-" + str(7)),
    ]
    sizes = []
    for job, node in [(2, 1), (4, 3)]:
        _, data = send(conn, "GET", "/cgi-bin/status?job=j-{}&node=n-{}".format(job, node), common)
        sizes.append(len(data))
    body = json.dumps({"first": sizes[0], "second": sizes[1]}).encode()
    extra = [
        ("X-Run", "run-{}".format(sizes[0])),
        ("Content-Type", "application/json"),
        ("X-Seq", "seq-{}".format(sizes[1])),
    ]
    print(
        send(conn, "POST", "/cgi-bin/report", extra + [("Content-Length", str(len(body)))], body)[0]
    )
    conn.close()


main()
