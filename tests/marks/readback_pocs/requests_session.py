#!/usr/bin/env python3
# ruff: noqa: UP031, UP032 - the spellings under test
"""Benign look-alike for forewarn's read-back tests: a `requests.Session` with f-string values.

Session headers, query parameters and JSON bodies whose values are f-strings and `.format`
calls side by side, and call keywords that are formatted alike. It sends harmless requests to
the host given on the command line (a local toy server).
"""

import sys

import requests

BASE_HEADERS = {
    "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36",
    "Accept": "application/json, text/plain, */*",
    "Accept-Language": "en-US,en;q=0.9",
    "Accept-Encoding": "gzip, deflate",
}
TIMEOUT = 10
RETRIES = 3


def make_session(host, port, tenant):
    """A session whose headers name the tenant twice, formatted alike."""
    session = requests.Session()
    session.headers.update(BASE_HEADERS)
    session.headers.update(
        {
            "Origin": f"http://{host}:{port}",
            "Referer": f"http://{host}:{port}/app/",
            "X-Tenant": f"tenant-{tenant}",
        }
    )
    return session


def search(session, base, tenant, term):
    """A search whose parameters are formatted alike."""
    params = {
        "q": "{}*".format(term),
        "scope": "{}/docs".format(tenant),
        "limit": "25",
    }
    return session.get(base + "/api/search", params=params, timeout=TIMEOUT)


def upload(session, base, tenant, name):
    """A harmless JSON record, posted with formatted values."""
    record = {
        "name": f"{name}.txt",
        "path": f"/{tenant}/notes",
        "owner": "%s@lab.invalid" % tenant,
        "size": 12,
    }
    for attempt in range(RETRIES):
        answer = session.post(
            base + "/api/files",
            json=record,
            headers={"X-Attempt": str(attempt), "X-Name": f"{name}"},
            timeout=TIMEOUT,
        )
        if answer.status_code != 503:
            return answer.status_code
    return None


def main(argv):
    host = argv[1] if len(argv) > 1 else "127.0.0.1"
    port = argv[2] if len(argv) > 2 else "8080"
    base = f"http://{host}:{port}"
    session = make_session(host, port, "lab")
    print(search(session, base, "lab", "note").status_code)
    print(upload(session, base, "lab", "harmless"))
    session.close()


if __name__ == "__main__":
    main(sys.argv)
