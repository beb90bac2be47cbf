#!/usr/bin/env python3
# ruff: noqa: UP031, B007 - the spellings under test
"""Benign look-alike for forewarn's tests: every kind of scheme-3 wire mark, with `http.client`.

It sends a probe, an upload and two status polls, all harmless, to the host given on the
command line (a local listener), and prints a summary.
"""

import argparse
import http.client
import json
import sys
import time
import urllib.parse

REQUEST_ID = "20240611-58217"
PADDING = "A" * 24
TIMEOUT = 5
ATTEMPTS = 3
PAUSE = 0.1
POLLS = 2
CHUNK = 256


class Paths:
    """Where the requests go."""

    PROBE = "/portal/api/probe"
    UPLOAD = "/portal/api/upload"
    STATUS = "/portal/api/status"


def cookie(token):
    """The session cookie, part by part."""
    parts = []
    parts.append("session=" + token)
    parts.append("theme=dark")
    parts.append("lang=en")
    return "; ".join(parts)


def probe_headers(token):
    """Headers of the probe."""
    headers = {
        "Accept": "*/*",
        "Accept-Language": "en-US",
        "Connection": "close",
    }
    headers["X-Trace"] = "trace-" + REQUEST_ID
    headers["X-Mode"] = "probe"
    headers["Cookie"] = cookie(token)
    return headers


def send(conn, method, target, headers, body=None):
    """One request, tried a few times."""
    for attempt in range(ATTEMPTS):
        try:
            conn.request(method, target, body=body, headers=headers)
            answer = conn.getresponse()
            return answer.status, answer.read(CHUNK)
        except (ConnectionError, http.client.HTTPException):
            conn.close()
    raise SystemExit("no answer")


def main(argv=None):
    """Probe, upload, poll."""
    parser = argparse.ArgumentParser(description="scheme 3 look-alike (toy listener only)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--token", default="lab")
    args = parser.parse_args(argv)
    conn = http.client.HTTPConnection(args.host, args.port, timeout=TIMEOUT)
    query = urllib.parse.urlencode({"id": REQUEST_ID, "pad": PADDING})
    status, _ = send(conn, "GET", Paths.PROBE + "?" + query, probe_headers(args.token))
    summary = {"probe": status}
    document = json.dumps({"name": "note", "lines": 2}, separators=(",", ":"))
    upload = {"Content-Type": "application/json", "Content-Length": str(len(document))}
    summary["upload"], _ = send(conn, "POST", Paths.UPLOAD, upload, body=document)
    polls = []
    for number in range(POLLS):
        time.sleep(PAUSE)
        status, _ = send(conn, "GET", Paths.STATUS + "?job=%d" % number, {"Accept": "*/*"})
        polls.append(status)
    summary["polls"] = polls
    conn.close()
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
