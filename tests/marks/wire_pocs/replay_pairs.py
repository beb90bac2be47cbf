#!/usr/bin/env python3
# ruff: noqa: C406, UP031, UP032 - the spellings under test
"""Benign replay look-alike for forewarn's tests: `http.client`, headers as lists of pairs.

It sends three harmless requests to the host given on the command line (a local listener).
"""

import argparse
import http.client
import urllib.parse

AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:86.0) Gecko/20100101 Firefox/86.0"
COMMON = [
    ("User-Agent", AGENT),
    ("accept", "text/html,application/xhtml+xml"),
    ("Accept-Language", "en-GB,en;q=0.7"),
]


class Paths:
    """Where the replay goes."""

    STATUS = "/owa/auth/status.aspx"
    UPLOAD = "/owa/auth/upload.aspx"


def probe_headers(token):
    """Headers of the probe, pairs in the order captured."""
    pairs = list(COMMON)
    pairs.append(("X-Forwarded-For", "10.%d.%d.%d" % (1, 2, 3)))
    pairs.append(("Cookie", "sid=" + token + "; lang=en"))
    return pairs


def send_pairs(conn, method, target, pairs, body=None):
    """One request written header by header."""
    conn.putrequest(method, target, skip_accept_encoding=True)
    for name, value in pairs:
        conn.putheader(name, value)
    if body is not None:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders()
    if body is not None:
        conn.send(body)
    response = conn.getresponse()
    return response.status, response.read()


def main():
    """Probe, upload, check."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    conn = http.client.HTTPConnection(args.host, args.port, timeout=10)
    query = urllib.parse.urlencode([("step", "1"), ("mode", "probe"), ("v", "2.4")])
    send_pairs(conn, "GET", Paths.STATUS + "?" + query, probe_headers("f00dbabe"))
    form = dict([("name", "report.txt"), ("kind", "plain")])
    body = urllib.parse.urlencode(form).encode()
    upload = COMMON + [("Content-Type", "application/x-www-form-urlencoded")]
    send_pairs(conn, "POST", Paths.UPLOAD, upload, body=body)
    for step in ["a", "b"]:
        send_pairs(conn, "GET", "{}?check={}".format(Paths.STATUS, step), COMMON)
    conn.close()


if __name__ == "__main__":
    main()
