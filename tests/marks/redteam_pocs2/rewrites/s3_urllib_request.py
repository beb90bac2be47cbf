# ruff: noqa
"""Standard-library only version: no third-party dependencies."""

import json
import sys
import urllib.parse
import urllib.request

DEFAULTS = [
    ("user-agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"),
    ("accept", "application/json, text/javascript, */*; q=0.01"),
    ("accept-encoding", "gzip, deflate"),
    ("accept-language", "en-US,en;q=0.9"),
]


def call(url, extra, data=None):
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    for k, v in DEFAULTS + extra:
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def run(host, port):
    site = "http://{}:{}".format(host, port)
    ctx = [("origin", site), ("Referer", site + "/app/"), ("x-tenant", "tenant-lab")]
    params = urllib.parse.urlencode([("q", "note*"), ("scope", "lab/docs"), ("limit", "25")])
    print(call(site + "/api/search?" + params, ctx))
    blob = json.dumps(
        {"path": "/lab/notes", "name": "harmless.txt", "owner": "lab@lab.invalid", "size": 12}
    ).encode()
    for i in range(4):
        code = call(
            site + "/api/files",
            ctx
            + [("Content-Type", "application/json"), ("x-attempt", str(i)), ("X-Name", "harmless")],
            blob,
        )
        if code != 503:
            print(code)
            return


if __name__ == "__main__":
    run(
        sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1",
        sys.argv[2] if len(sys.argv) > 2 else "8080",
    )
