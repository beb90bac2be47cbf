#!/usr/bin/env python3
# ruff: noqa: E501, PERF401, UP032
# fmt: off
"""Benign look-alike of a pre-auth collaboration-server request chain, for forewarn's tests.

THIS PROGRAM IS HARMLESS. It imitates only the *shape* of the requests of a 2025 collaboration
server exploit chain (a forged routing cookie to a tool-pane-like path, an identity request, a
"place a page" step) so that forewarn can fingerprint and trace it. It exploits nothing: it sends
a handful of plain HTTP requests carrying harmless strings to the host given on the command line
(default 127.0.0.1, meant for a local toy server) and prints what came back. Its structure is
that of the shipped exchange-2021 look-alike.
"""

import argparse
import http.client
import json
import sys
import urllib.parse

USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.127 Safari/537.36"
DISCOVER_PATH = "/_layouts/15/ToolPane.aspx"
BACKEND_SUFFIX = "/_layouts/15/start.aspx?a=~2025070711"
NOTE_DIR = "/_layouts/15/"
NOTE_NAME = "harmless_40713.aspx"
PADDING_CHAR = "A"
PADDING_LENGTH = 37
MAX_RETRIES = 3
TIMEOUT_SECONDS = 10.0

BASE_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "*/*",
    "Accept-Language": "en-US",
    "X-Requested-With": "XMLHttpRequest",
    "Connection": "close",
}


def build_cookie(target, domain):
    """Compose the routing cookie the real chain abused; here it is only a string."""
    backend = "{}@{}{}".format(target, domain, BACKEND_SUFFIX)
    parts = []
    parts.append("X-PaneResource=" + urllib.parse.quote(backend, safe="@/~=?"))
    parts.append("X-PaneAnon=true")
    if len(domain) > 0:
        parts.append("X-PaneAnon-Backend=" + domain)
    else:
        parts.append("X-PaneAnon-Backend=localhost")
    return "; ".join(parts)


def discover_query(mailbox):
    """Query string of the autodiscover-like probe, with the padding the chain used."""
    params = {
        "Email": mailbox + "/_api/web",
        "Protocol": "ToolPaneV15",
        "RequestId": "20250707-5512",
        "Pad": PADDING_CHAR * PADDING_LENGTH,
    }
    return DISCOVER_PATH + "?" + urllib.parse.urlencode(params)


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
        verdict = "backend error"
    elif status in (401, 403, 407):
        verdict = "blocked"
    elif status == 404:
        verdict = "missing"
    else:
        verdict = "answered" if len(data) > 0 else "empty"
    if data.find(b"S-1-5") != -1:
        verdict = verdict + ", identifier seen"
    return verdict


def probe(conn, args):
    """Step 1: the pre-auth probe with the crafted cookie."""
    headers = dict(BASE_HEADERS)
    headers["Cookie"] = build_cookie(args.target, args.domain)
    status, data = send(conn, "GET", discover_query(args.mailbox), headers)
    reachable = status < 500
    if not status == 200:
        print("probe:", classify(status, data), file=sys.stderr, flush=True)
    return reachable, data


def fetch_identity(conn, args):
    """Step 2: ask the backend-like endpoint for an identifier, as the chain asked for a SID."""
    headers = {
        "User-Agent": USER_AGENT,
        "Content-Type": "application/json",
        "X-PaneResource": "{}@{}/_vti_bin/identity.ashx".format(args.target, args.domain),
        "X-Pane-Identity": "S-1-5-20",
    }
    body = json.dumps(
        {"mailbox": args.mailbox, "requestKind": "identity", "seq": 1}, sort_keys=True
    )
    status, data = send(conn, "POST", "/_vti_bin/identity.ashx", headers, body=body)
    identity = data.decode("utf-8", "replace").strip() if status == 200 else ""
    if identity == "":
        identity = "anonymous"
    return identity


def write_note(conn, args, identity):
    """Step 3: the "write a file" step, reduced to posting a harmless note."""
    lines = []
    for index in range(args.lines):
        lines.append("note {} of {} for {}".format(index + 1, args.lines, identity))
    text = "\n".join(lines)
    headers = {
        "User-Agent": USER_AGENT,
        "Content-Type": "text/plain",
        "X-Note-Path": NOTE_DIR + NOTE_NAME,
    }
    status, _ = send(conn, "POST", NOTE_DIR + NOTE_NAME, headers, body=text.encode("utf-8"))
    written = status in (200, 201, 204)
    return written


def check_note(conn):
    """Step 4: read the note back, as the chain checked its file."""
    headers = dict(BASE_HEADERS)
    status, data = send(conn, "GET", NOTE_DIR + NOTE_NAME, headers)
    found = 0
    if status != 404:
        found = len(data)
    return found


def parse_args(argv):
    """Command line: everything defaults to the local toy server."""
    parser = argparse.ArgumentParser(
        description="Benign request-chain look-alike (toy server only)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="toy server address")
    parser.add_argument("--port", type=int, default=8080, help="toy server port")
    parser.add_argument("--target", default="localhost", help="backend name put in the cookie")
    parser.add_argument("--domain", default="portal.lab.invalid", help="mail domain of the lab")
    parser.add_argument("--mailbox", default="administrator@portal.lab.invalid", help="mailbox to probe")
    parser.add_argument(
        "--timeout", type=float, default=TIMEOUT_SECONDS, help="seconds per request"
    )
    parser.add_argument("--lines", type=int, default=3, help="lines in the harmless note")
    parser.add_argument("--skip-check", action="store_true", help="do not read the note back")
    return parser.parse_args(argv)


def main(argv=None):
    """Run the four steps against the toy server and print a summary."""
    args = parse_args(argv)
    if args.timeout <= 0:
        raise SystemExit("timeout must be positive")
    conn = http.client.HTTPConnection(args.host, args.port, timeout=args.timeout)
    summary = {}
    reachable, _ = probe(conn, args)
    summary["reachable"] = reachable
    if reachable:
        identity = fetch_identity(conn, args)
        summary["identity"] = identity
        summary["written"] = write_note(conn, args, identity)
        summary["read_back"] = 0 if args.skip_check else check_note(conn)
    else:
        summary["identity"] = None
    conn.close()
    print(json.dumps(summary, indent=2, sort_keys=True))
    return 0 if reachable else 1


if __name__ == "__main__":
    sys.exit(main())
