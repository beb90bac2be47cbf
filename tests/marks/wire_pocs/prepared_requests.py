#!/usr/bin/env python3
# ruff: noqa: UP031 - the spellings under test
"""Benign look-alike for forewarn's tests: requests' `Request().prepare()` and `Session.send`,
and urllib with an installed opener and `add_header`.

It sends harmless requests to the host given on the command line (a local listener).
"""

import argparse
import urllib.request

import requests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    options = parser.parse_args()
    url = "http://%s:%d/api/items" % (options.host, options.port)
    session = requests.Session()
    headers = {"X-Trace": "t-77", "User-Agent": "probe/1"}
    request = requests.Request("POST", url, headers=headers, data={"a": "1"}, params={"q": "x"})
    prepared = request.prepare()
    prepared.headers["X-Late"] = "late-1"
    session.send(prepared, timeout=5)
    merged = requests.Request("GET", url, headers={"X-Trace": "t-78"}, cookies={"sid": "abc"})
    session.send(session.prepare_request(merged))
    bare = requests.Request("GET", url + "/bare", headers={"X-Trace": "t-79"}).prepare()
    session.send(bare)
    opener = urllib.request.build_opener()
    opener.addheaders = [("User-agent", "fetcher/2.1")]
    urllib.request.install_opener(opener)
    feed = urllib.request.Request(f"http://{options.host}:{options.port}/feed?page=2", method="PUT")
    feed.add_header("x-feed-id", "feed-4410")
    feed.add_header("Content-Type", "text/plain")
    feed.data = b"payload"
    with urllib.request.urlopen(feed, timeout=5) as answer:
        answer.read()


if __name__ == "__main__":
    main()
