#!/usr/bin/env python3
# ruff: noqa: UP031 - the spellings under test
"""Benign look-alike for forewarn's read-back tests: `urllib.request` with %-formatted values.

Headers as a list of name/value pairs and as a dict, both with `%`-formatted values side by
side, a query built from formatted parameters, and the same route asked twice. It sends
harmless requests to the host given on the command line (a local toy server).
"""

import json
import sys
import urllib.parse
import urllib.request

AGENT = "curl/7.88.1"
TIMEOUT = 5


def header_pairs(host, build):
    """Header pairs in the order the tool adds them."""
    return [
        ("User-Agent", AGENT),
        ("X-Forwarded-Host", "%s" % host),
        ("X-Build", "build-%s" % build),
        ("Accept", "*/*"),
    ]


def fetch(url, pairs, data=None):
    """One request with the given header pairs; the first bytes of the answer."""
    request = urllib.request.Request(url, data=data)
    for name, value in pairs:
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
        return answer.read(128)


def status_url(base, node, job):
    """The status route, with formatted parameters."""
    query = urllib.parse.urlencode({"node": "n-%s" % node, "job": "j-%s" % job})
    return "%s/cgi-bin/status?%s" % (base, query)


def main(argv):
    host = argv[1] if len(argv) > 1 else "127.0.0.1"
    base = "http://%s:8080" % host
    pairs = header_pairs(host, 7)
    first = fetch(status_url(base, 1, 2), pairs)
    second = fetch(status_url(base, 3, 4), pairs)
    body = json.dumps({"first": len(first), "second": len(second)}).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "X-Run": "run-%d" % len(first),
        "X-Seq": "seq-%d" % len(second),
    }
    request = urllib.request.Request(base + "/cgi-bin/report", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
        print(answer.status)


if __name__ == "__main__":
    main(sys.argv)
