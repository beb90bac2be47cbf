#!/usr/bin/env python3
"""Benign look-alike for forewarn's tests: multipart uploads and basic auth, requests and httpx.

It sends harmless requests to the host given on the command line (a local listener).
"""

import argparse

import httpx
import requests

REPORT = ("scan_2207.txt", b"line one\n", "text/plain")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    options = parser.parse_args()
    base = f"http://{options.host}:{options.port}"
    files = [("report", REPORT), ("raw", b"\x00\x01 raw")]
    with requests.Session() as session:
        session.auth = ("analyst", "pw-5531")
        form = {"kind": "note", "seq": "3"}
        session.post(base + "/upload/v1", files=files, data=form, headers={"X-Up": "1"})
    basic = requests.auth.HTTPBasicAuth("u", "p")
    requests.put(base + "/upload/v2", files={"a": "text"}, auth=basic)
    with httpx.Client(base_url=base, auth=httpx.BasicAuth("analyst", "pw")) as client:
        parts = {"report": ("scan_2207.txt", b"line one\n"), "raw": b"xyz"}
        client.post("/upload/v3", files=parts, data={"kind": "note"})


if __name__ == "__main__":
    main()
