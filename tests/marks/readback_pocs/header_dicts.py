#!/usr/bin/env python3
# ruff: noqa: UP031, UP032 - the spellings under test
"""Benign look-alike for forewarn's read-back tests: dict-heavy headers.

Nested dicts of headers per step with formatted values side by side, headers assigned one by
one, and `.format` / f-string / `%` values in one display. It sends harmless requests to the
host given on the command line (a local toy server).
"""

import http.client
import sys

STEPS = {
    "login": {
        "path": "/auth/login",
        "referer": "/auth/start",
    },
    "fetch": {
        "path": "/auth/profile",
        "referer": "/auth/login",
    },
}


def step_headers(host, step, token):
    """Headers of one step."""
    spec = STEPS[step]
    headers = {
        "Host": "{}".format(host),
        "Referer": "http://{}{}".format(host, spec["referer"]),
        "Origin": "http://{}".format(host),
        "Accept": "application/json",
        "Accept-Language": "en-US",
    }
    headers["X-Step"] = "step-%s" % step
    headers["X-Token"] = "tok-%s" % token
    headers["X-Trace"] = f"trace-{token}"
    return headers


def every_step(host, token):
    """Headers of every step, keyed by step."""
    return {
        "login": step_headers(host, "login", token),
        "fetch": step_headers(host, "fetch", token),
    }


def main(argv):
    host = argv[1] if len(argv) > 1 else "127.0.0.1"
    conn = http.client.HTTPConnection(host, 8080, timeout=10)
    for step, headers in every_step(host, "t1").items():
        conn.request("GET", STEPS[step]["path"], headers=headers)
        answer = conn.getresponse()
        answer.read(64)
        print(step, answer.status)
    conn.close()


if __name__ == "__main__":
    main(sys.argv)
