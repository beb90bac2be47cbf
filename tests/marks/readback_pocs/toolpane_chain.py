#!/usr/bin/env python3
# ruff: noqa: UP032
"""Benign look-alike of a pre-auth collaboration-server request chain, for forewarn's tests.

THIS PROGRAM IS HARMLESS. It imitates only the *shape* of the requests of a 2025 collaboration
server exploit chain (a forged sign-out referer to a tool-pane endpoint, a posted "web part", a
request for a dropped page) so that forewarn can fingerprint and trace it. It exploits nothing: it
sends a few plain HTTP requests carrying harmless strings to the host given on the command line
(default 127.0.0.1, a local toy server) and prints what came back.
"""

import argparse
import http.client
import json
import sys
import urllib.parse

USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"
PANE_PATH = "/_layouts/15/ToolPane.aspx"
SIGNOUT_REFERER = "/_layouts/SignOut.aspx"
DROP_DIR = "/_layouts/15/"
DROP_NAME = "harmless_note_40713.aspx"
PADDING_CHAR = "A"
PADDING_LENGTH = 29
MAX_RETRIES = 3
TIMEOUT_SECONDS = 10.0

BASE_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "*/*",
    "Accept-Language": "en-US",
    "Connection": "close",
}


def pane_query(display):
    """Query string of the tool-pane request, with the padding the chain used."""
    params = {
        "DisplayMode": display,
        "a": "/ToolPane.aspx",
        "RequestId": "20250718-5512",
        "Pad": PADDING_CHAR * PADDING_LENGTH,
    }
    return PANE_PATH + "?" + urllib.parse.urlencode(params)


def send(conn, method, path, headers, body=None):
    """One request; returns status and the first bytes of the answer."""
    attempts = 0
    last_error = None
    while attempts < MAX_RETRIES:
        attempts += 1
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read(512)
            return response.status, data
        except (ConnectionError, http.client.HTTPException) as error:
            last_error = error
            conn.close()
    raise SystemExit("no answer after {} attempts: {}".format(attempts, last_error))


def classify(status, data):
    """Name the outcome of a step the way the chain's operators logged it."""
    if status >= 500:
        verdict = "server error"
    elif status in (401, 403):
        verdict = "blocked"
    elif status == 404:
        verdict = "missing"
    else:
        verdict = "answered" if len(data) > 0 else "empty"
    return verdict


def post_part(conn, args):
    """Step 1: the forged-referer post of a harmless "web part"."""
    headers = dict(BASE_HEADERS)
    headers["Referer"] = SIGNOUT_REFERER
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    form = {
        "MSOTlPn_Uri": "http://{}/_controltemplates/15/AclEditor.ascx".format(args.site),
        "MSOTlPn_DWP": "harmless web part for {}".format(args.site),
    }
    body = urllib.parse.urlencode(form)
    status, data = send(conn, "POST", pane_query("Edit"), headers, body=body)
    if status != 200:
        print("post:", classify(status, data), file=sys.stderr, flush=True)
    return status < 500


def read_keys(conn, args):
    """Step 2: ask for the dropped page, as the chain read the machine keys back."""
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/json",
        "X-Site": args.site,
    }
    status, data = send(conn, "GET", DROP_DIR + DROP_NAME, headers)
    found = data.decode("utf-8", "replace").strip() if status == 200 else ""
    return found or "nothing"


def report(conn, args, found):
    """Step 3: post a harmless summary back, as the operators posted their loot."""
    body = json.dumps({"site": args.site, "found": found, "seq": 1}, sort_keys=True)
    headers = {
        "User-Agent": USER_AGENT,
        "Content-Type": "application/json",
    }
    status, _ = send(conn, "POST", "/_vti_bin/harmless_report.ashx", headers, body=body)
    return status in (200, 201, 204)


def parse_args(argv):
    """Command line: everything defaults to the local toy server."""
    parser = argparse.ArgumentParser(
        description="Benign request-chain look-alike (toy server only)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="toy server address")
    parser.add_argument("--port", type=int, default=8080, help="toy server port")
    parser.add_argument("--site", default="portal.lab.invalid", help="site name of the lab")
    parser.add_argument(
        "--timeout", type=float, default=TIMEOUT_SECONDS, help="seconds per request"
    )
    return parser.parse_args(argv)


def main(argv=None):
    """Run the three steps against the toy server and print a summary."""
    args = parse_args(argv)
    conn = http.client.HTTPConnection(args.host, args.port, timeout=args.timeout)
    summary = {"posted": post_part(conn, args)}
    if summary["posted"]:
        found = read_keys(conn, args)
        summary["found"] = found
        summary["reported"] = report(conn, args, found)
    conn.close()
    print(json.dumps(summary, indent=2, sort_keys=True))
    return 0 if summary["posted"] else 1


if __name__ == "__main__":
    sys.exit(main())
