#!/usr/bin/env python3
# ruff: noqa: PERF401, UP031, UP032 - a PoC as such PoCs are written
"""Benign look-alike of a help-desk pre-auth request chain, for forewarn's attribution benchmark.

THIS PROGRAM IS HARMLESS. "TicketDesk" is fictional; the program imitates only the *shape* of a
request chain (a session probe, a template upload, an export poll) so that forewarn can
fingerprint and trace it. It exploits nothing: it sends a few plain HTTP requests carrying
harmless strings, with `requests`, to the host given on the command line (default 127.0.0.1,
meant for a local toy listener) and prints what came back.
"""

import argparse
import json
import sys

import requests

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:91.0) Gecko/20100101 Firefox/91.0"
PROBE_PATH = "/helpdesk/api/v2/session"
UPLOAD_PATH = "/helpdesk/api/v2/templates/import"
EXPORT_PATH = "/helpdesk/api/v2/export/status"
TEMPLATE_NAME = "welcome_note_4471.tpl"
POLL_ROUNDS = 2
TIMEOUT_SECONDS = 8.0

COMMON_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "application/json, text/plain, */*",
    "Accept-Language": "en-GB,en;q=0.8",
    "X-Client-Build": "desk-web/5.12.3",
    "Connection": "keep-alive",
}


def session_headers(tenant):
    """Headers of the session probe; the tenant header routes it, as in the real chain."""
    headers = dict(COMMON_HEADERS)
    headers["X-Tenant"] = tenant
    headers["Referer"] = "http://desk.lab.invalid/helpdesk/login"
    return headers


def probe_params(user):
    """Query of the probe, in the order the chain sent it."""
    params = {
        "user": user,
        "lang": "en",
        "embed": "1",
        "trace": "tdk-5512",
    }
    return params


def upload_body(user, lines):
    """The template "upload": a harmless JSON document."""
    rows = []
    for index in range(lines):
        rows.append("line {} for {}".format(index + 1, user))
    document = {"name": TEMPLATE_NAME, "owner": user, "rows": rows, "kind": "note"}
    return json.dumps(document, separators=(",", ":"))


def send(session, method, url, headers, params=None, data=None, timeout=TIMEOUT_SECONDS):
    """One request through the session; status and the first bytes of the answer."""
    response = session.request(
        method, url, headers=headers, params=params, data=data, timeout=timeout
    )
    return response.status_code, response.content[:512]


def poll_export(session, base, tenant, timeout):
    """Poll the export status a few times, as the chain's operators did."""
    seen = []
    for round_number in range(POLL_ROUNDS):
        headers = {
            "User-Agent": USER_AGENT,
            "X-Tenant": tenant,
            "X-Poll-Round": str(round_number),
        }
        status, _ = send(
            session,
            "GET",
            base + EXPORT_PATH,
            headers,
            params={"job": "exp-%d" % round_number},
            timeout=timeout,
        )
        seen.append(status)
    return seen


def parse_args(argv):
    """Command line: everything defaults to the local toy listener."""
    parser = argparse.ArgumentParser(description="Benign TicketDesk look-alike (toy server only).")
    parser.add_argument("--host", default="127.0.0.1", help="toy server address")
    parser.add_argument("--port", type=int, default=8080, help="toy server port")
    parser.add_argument("--tenant", default="lab", help="tenant routed to")
    parser.add_argument("--user", default="agent@lab.invalid", help="user probed")
    parser.add_argument("--lines", type=int, default=2, help="rows in the harmless template")
    parser.add_argument(
        "--timeout", type=float, default=TIMEOUT_SECONDS, help="seconds per request"
    )
    return parser.parse_args(argv)


def main(argv=None):
    """Probe, upload, poll; print a summary."""
    args = parse_args(argv)
    base = "http://{}:{}".format(args.host, args.port)
    summary = {}
    with requests.Session() as session:
        session.trust_env = False
        session.headers.clear()
        status, _ = send(
            session,
            "GET",
            base + PROBE_PATH,
            session_headers(args.tenant),
            params=probe_params(args.user),
            timeout=args.timeout,
        )
        summary["probe"] = status
        upload_headers = {
            "User-Agent": USER_AGENT,
            "Content-Type": "application/json",
            "X-Tenant": args.tenant,
            "X-Template-Name": TEMPLATE_NAME,
        }
        body = upload_body(args.user, args.lines).encode("utf-8")
        status, _ = send(
            session, "POST", base + UPLOAD_PATH, upload_headers, data=body, timeout=args.timeout
        )
        summary["upload"] = status
        summary["polls"] = poll_export(session, base, args.tenant, args.timeout)
    print(json.dumps(summary, sort_keys=True))
    return 0 if summary["probe"] < 500 else 1


if __name__ == "__main__":
    sys.exit(main())
