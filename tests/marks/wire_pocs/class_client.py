#!/usr/bin/env python3
# ruff: noqa: B009 - the spellings under test
"""Benign look-alike for forewarn's tests: a class-based client as a code assistant writes one.

A dataclass base with a property, a subclass calling `super().__init__`, `with Client() as c`,
`functools.partial` and `getattr` aliases, requests in a loop over paths inside `try`, a
fallback request in the `except` handler (never sent while the listener answers), and
`contextlib.closing` around an `http.client` connection. It sends harmless requests to the
host given on the command line (a local listener).
"""

import argparse
import functools
import http.client
import sys
from contextlib import closing
from dataclasses import dataclass, field

import requests

UA = "Mozilla/5.0 probe 4471"


@dataclass
class Base:
    host: str
    port: int
    headers: dict = field(default_factory=dict)

    @property
    def base_url(self):
        return f"http://{self.host}:{self.port}"


class Client(Base):
    PATHS = ("/a/1", "/b/2")

    def __init__(self, host, port):
        super().__init__(host, port, {"User-Agent": UA, "X-Client": "c-9"})
        self.session = requests.Session()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.session.close()

    def get(self, path, **extra):
        send = functools.partial(self.session.request, "GET")
        return send(self.base_url + path, headers={**self.headers, **extra})

    @staticmethod
    def label(text):
        return "step-" + text


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    options = parser.parse_args(argv)
    with Client(options.host, options.port) as client:
        for path in client.PATHS:
            try:
                client.get(path, **{"X-Step": Client.label(path[1])})
            except requests.RequestException as error:
                print(error, file=sys.stderr)
                requests.get(client.base_url + "/fallback")
    with closing(http.client.HTTPConnection(options.host, options.port)) as conn:
        call = getattr(conn, "request")
        call("GET", "/raw/3", headers={"X-Raw": "r"})
        conn.getresponse().read()


if __name__ == "__main__":
    main(sys.argv[1:])
