#!/usr/bin/env python3
# ruff: noqa: C408, UP031, UP032 - the spellings under test
"""Benign look-alike for forewarn's read-back tests: formatted call keywords.

Calls whose keyword arguments are formatted alike (`dict(a=…, b=…)`, `requests.post(…)`),
`urlencode` of formatted keywords and several posts to one route. It sends harmless requests
to the host given on the command line (a local toy server).
"""

import argparse
import urllib.parse

import requests

ROUTE = "/api/jobs"
AGENT = "python-requests/2.31.0"


def job_fields(name, owner, node):
    """The fields of a harmless job, built by keywords."""
    return dict(
        name="job-{}".format(name),
        owner="user-{}".format(owner),
        node="node-{}".format(node),
        kind="noop",
    )


def submit(base, fields, seq):
    """Post one job; the status code."""
    answer = requests.post(
        base + ROUTE,
        data=urllib.parse.urlencode(fields),
        headers=dict(Accept="application/json", Referer="{}/jobs/{}".format(base, seq)),
        timeout=10,
    )
    return answer.status_code


def query(**params):
    """A query string in keyword order."""
    return urllib.parse.urlencode(params)


def main():
    parser = argparse.ArgumentParser(description="Keyword look-alike (toy server only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    base = "http://%s:%d" % (args.host, args.port)
    for seq in range(3):
        print(submit(base, job_fields("a%d" % seq, "lab", seq), seq))
    url = base + ROUTE + "?" + query(state="s-{}".format("done"), owner="o-{}".format("lab"))
    print(requests.get(url, headers={"User-Agent": AGENT}, timeout=10).status_code)


if __name__ == "__main__":
    main()
