#!/usr/bin/env python3
# ruff: noqa: UP031, UP032 - the spellings under test
"""Benign look-alike for forewarn's tests: `urllib.request`, helpers and format strings.

It sends harmless requests to the host given on the command line (a local listener).
"""

import json
import sys
import urllib.parse
import urllib.request

API_VERSION = "2.1"
AGENT = "curl/7.74.0"


def base_url(host, port):
    """The target, from the command line."""
    return "http://%s:%s" % (host, port)


def api_headers(extra=None):
    """Headers every call carries, plus any extra ones."""
    headers = {"User-Agent": AGENT, "X-Api-Version": API_VERSION}
    if extra:
        headers.update(extra)
    return headers


def query(**params):
    """A query string in keyword order."""
    return urllib.parse.urlencode(params)


def call(url, headers, data=None):
    """One request; the answer's first bytes."""
    request = urllib.request.Request(url, data=data, headers=headers)
    request.add_header("x-trace-id", "trace-" + str(4711))
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.read(256)


def main(argv):
    """List, then post a harmless record."""
    host = argv[argv.index("--host") + 1] if "--host" in argv else "127.0.0.1"
    port = argv[argv.index("--port") + 1] if "--port" in argv else "8080"
    base = base_url(host, port)
    call(f"{base}/api/v{API_VERSION}/items?{query(page=2, sort='name', q='x y')}", api_headers())
    record = json.dumps({"title": "note", "size": 3}, separators=(",", ":"))
    call(
        "{}/api/v{}/items".format(base, API_VERSION),
        api_headers({"Content-Type": "application/json", "Accept": "application/json"}),
        data=record.encode("utf-8"),
    )


if __name__ == "__main__":
    main(sys.argv[1:])
