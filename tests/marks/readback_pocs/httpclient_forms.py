#!/usr/bin/env python3
# ruff: noqa: UP031, UP032 - the spellings under test
"""Benign look-alike for forewarn's read-back tests: `http.client` with formatted form values.

Dict values built by `.format` side by side (a form, a header dict), sent several times to
one route. It sends harmless requests to the host given on the command line (a local toy
server) and prints the status codes.
"""

import argparse
import http.client
import urllib.parse

AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0"
ROUTE = "/portal/forms/submit.aspx"
ROUNDS = 3


def form_for(site, user, round_no):
    """A harmless form whose fields are formatted alike."""
    return {
        "ReturnUrl": "http://{}/portal/home.aspx".format(site),
        "Title": "harmless note for {}".format(user),
        "Round": "round-{}".format(round_no),
        "Flag": "on",
    }


def headers_for(site, round_no):
    """Headers with formatted values, in the order a browser sends them."""
    return {
        "User-Agent": AGENT,
        "Accept": "application/json",
        "Referer": "http://{}/portal/start.aspx".format(site),
        "X-Request-Id": "req-{}".format(round_no),
        "Content-Type": "application/x-www-form-urlencoded",
        "Connection": "close",
    }


def submit(conn, site, user, round_no):
    """One post of the form; the status code."""
    body = urllib.parse.urlencode(form_for(site, user, round_no))
    conn.request("POST", ROUTE, body=body, headers=headers_for(site, round_no))
    response = conn.getresponse()
    response.read(256)
    return response.status


def main():
    parser = argparse.ArgumentParser(description="Form look-alike (toy server only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--site", default="portal.lab.invalid")
    args = parser.parse_args()
    conn = http.client.HTTPConnection(args.host, args.port, timeout=10)
    statuses = [submit(conn, args.site, "tester", round_no) for round_no in range(ROUNDS)]
    conn.close()
    print("statuses: %s" % ", ".join(str(s) for s in statuses))


if __name__ == "__main__":
    main()
