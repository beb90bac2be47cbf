#!/usr/bin/env python3
# ruff: noqa: UP032 - the spellings under test
"""Benign look-alike for forewarn's read-back tests: an `httpx.Client` with formatted values.

Client headers, cookies and JSON bodies with formatted values side by side, keyword arguments
that are formatted alike, and several requests to one route. It sends harmless requests to the
host given on the command line (a local toy server).
"""

import argparse

import httpx

USER_AGENT = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15"
PAGES = 4


def client_for(host, port, account):
    """A client with formatted default headers."""
    return httpx.Client(
        base_url="http://{}:{}".format(host, port),
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "X-Account": "acct-{}".format(account),
            "X-Client": "probe-{}".format(account),
        },
        cookies={"session": "s-{}".format(account), "theme": "t-{}".format("light")},
        timeout=10.0,
    )


def list_pages(client, account):
    """The same route asked once per page."""
    sizes = []
    for page in range(1, PAGES + 1):
        answer = client.get(
            "/api/v1/items",
            params={"page": "{}".format(page), "owner": "{}".format(account)},
        )
        sizes.append(len(answer.content))
    return sizes


def rename(client, account, item):
    """A harmless rename, with a formatted body."""
    body = {
        "id": f"{item}",
        "title": f"note {item}",
        "owner": f"{account}",
    }
    answer = client.post("/api/v1/items/rename", json=body)
    return answer.status_code


def main():
    parser = argparse.ArgumentParser(description="httpx look-alike (toy server only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    with client_for(args.host, args.port, "lab") as client:
        print(list_pages(client, "lab"))
        print(rename(client, "lab", 3))


if __name__ == "__main__":
    main()
