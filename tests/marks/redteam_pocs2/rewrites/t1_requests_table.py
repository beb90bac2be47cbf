# ruff: noqa
"""Two-step auth probe, table-driven, with requests."""

import sys

import requests

FLOW = [
    ("login", "/auth/login", "/auth/start"),
    ("fetch", "/auth/profile", "/auth/login"),
]


def headers_for(h, name, prev, tok):
    return {
        "accept-language": "en-US,en;q=0.9",
        "host": h,
        "Origin": "http://" + h,
        "Accept": "application/json, text/plain, */*",
        "Referer": "http://" + h + prev,
        "X-Step": "step-" + name,
        "x-token": "tok-" + tok,
        "x-trace": "trace-" + tok,
    }


if __name__ == "__main__":
    h = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    with requests.Session() as s:
        s.headers.clear()
        for name, path, prev in FLOW:
            r = s.get(
                "http://%s:8080%s" % (h, path), headers=headers_for(h, name, prev, "t1"), timeout=15
            )
            print(name, r.status_code)
