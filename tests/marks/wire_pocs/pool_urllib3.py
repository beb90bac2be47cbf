#!/usr/bin/env python3
"""Benign look-alike for forewarn's tests: urllib3 pools, `fields=`, `json=` and `urlopen`.

It sends harmless requests to the host given on the command line (a local listener).
"""

import argparse

import urllib3

AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:91.0) Gecko/20100101 Firefox/91.0"


def main():
    """Five requests, each through another urllib3 entry point."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    root = f"http://{args.host}:{args.port}"
    manager = urllib3.PoolManager(headers={"User-Agent": AGENT, "X-Pool": "pool-default"})
    manager.request("GET", root + "/status", fields={"probe": "7731", "verbose": "1"})
    manager.request(
        "POST",
        root + "/api/items",
        json={"name": "item-19", "count": 3},
        headers={"x-trace": "trace-2203", "Accept": "application/json"},
    )
    manager.request(
        "POST",
        root + "/form",
        fields={"b": "2", "a": "1"},
        encode_multipart=False,
        headers={"User-Agent": AGENT},
    )
    pool = urllib3.HTTPConnectionPool(args.host, port=args.port)
    pool.urlopen("PUT", "/raw?x=1", body=b"raw-body-0042", headers={"X-Order": "first"})
    urllib3.request("GET", root + "/last", fields={"z": "26"}, headers={"x-last": "yes"})


if __name__ == "__main__":
    main()
