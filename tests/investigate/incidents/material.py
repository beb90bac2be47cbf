"""Material from the wild for the incident tests, made the way attackers and victims make it.

A *rewrite* is a new tool written from a copy's requests (another structure, no constants, no
tracking tokens): what a leak looks like once someone re-implements the PoC. A *web log* is what
a victim's server wrote while the tool ran, among ordinary traffic. Both are derived from the
requests the copy sends (read statically by forewarn's own evaluator, never run), so the wire
marks they carry are the copy's, exactly as in the wild. Benign: every request is a harmless
string sent to a test host.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from datetime import datetime, timedelta

from forewarn.domain.wire import HttpRequest
from forewarn.marks.wire import PLACEHOLDER, evaluate_requests

VICTIM = "portal.victim.example"
"""What the attacker puts where the PoC takes a command-line value."""

_ADDED = {"host", "accept-encoding", "content-length"}
"""Headers http.client adds by itself: a rewrite does not spell them."""


def requests_of(copy: str) -> list[HttpRequest]:
    """The requests a PoC copy sends, read statically."""
    return list(evaluate_requests(copy))


def _fill(text: str) -> str:
    return text.replace(PLACEHOLDER, VICTIM)


def rewrite_tool(requests: Sequence[HttpRequest]) -> str:
    """A re-implementation that sends the same requests: raw `putrequest`/`putheader` calls,
    one function per step, other names, no constants and no tokens."""
    lines = [
        "import http.client",
        "import sys",
        "",
        "",
        "def go(h, p):",
        "    c = http.client.HTTPConnection(h, p, timeout=15)",
    ]
    for request in requests:
        target = request.path
        if request.query:
            target += "?" + urllib.parse.urlencode([(k, _fill(v)) for k, v in request.query])
        body = _fill(request.body.decode("utf-8", "replace"))
        lines.append(f"    c.putrequest({request.method!r}, {target!r}, skip_accept_encoding=True)")
        for name, value in request.headers:
            if name.lower() in _ADDED:
                continue
            lines.append(f"    c.putheader({name!r}, {_fill(value)!r})")
        if body:
            lines.append(f"    c.putheader('Content-Length', {str(len(body.encode()))!r})")
        lines.append("    c.endheaders()")
        if body:
            lines.append(f"    c.send({body.encode()!r})")
        lines.append("    print(c.getresponse().status)")
    lines += [
        "",
        "",
        'if __name__ == "__main__":',
        "    go(sys.argv[1], int(sys.argv[2]))",
        "",
    ]
    return "\n".join(lines)


W3C_HEADER = (
    "#Software: Microsoft Internet Information Services 10.0\n"
    "#Version: 1.0\n"
    "#Date: {date} 00:00:00\n"
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
    "cs(User-Agent) cs(Cookie) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n"
)

_ORDINARY = (
    ("GET", "/_layouts/15/start.aspx", "-"),
    ("GET", "/sites/team/SitePages/Home.aspx", "-"),
    ("GET", "/_api/web/lists", "$top=10"),
)


def _w3c_line(at: datetime, method: str, stem: str, query: str, agent: str, ref: str) -> str:
    agent = agent.replace(" ", "+") or "-"
    return (
        f"{at:%Y-%m-%d %H:%M:%S} 10.30.0.8 {method} {stem} {query or '-'} 443 - 203.0.113.77 "
        f"{agent} - {ref or '-'} 200 0 0 31"
    )


def w3c_log(
    requests: Sequence[HttpRequest],
    start: datetime,
    *,
    runs: int = 3,
    malformed: bool = False,
) -> str:
    """An IIS log of a victim's server from `start` (UTC, as IIS writes): ordinary traffic,
    then the tool's requests `runs` times an hour apart; with `malformed`, a few damaged lines
    (a truncated write, a bad date) as real logs have."""
    out = [W3C_HEADER.format(date=f"{start:%Y-%m-%d}")]
    at = start
    for index in range(6):
        method, stem, query = _ORDINARY[index % len(_ORDINARY)]
        at += timedelta(minutes=7)
        out.append(_w3c_line(at, method, stem, query, "Mozilla/5.0 (Windows NT 10.0)", "") + "\n")
    if malformed:
        out.append("2025-13-45 99:99:99 10.30.0.8 GET /broken\n")
        out.append("\x00\x00\x00 truncated write\n")
    for _ in range(runs):
        at += timedelta(hours=1)
        for request in requests:
            query = urllib.parse.urlencode([(k, _fill(v)) for k, v in request.query])
            agent = request.header("User-Agent") or "-"
            out.append(
                _w3c_line(
                    at, request.method, request.path, query, agent, request.header("Referer") or ""
                )
                + "\n"
            )
            at += timedelta(seconds=2)
    return "".join(out)


def apache_log(requests: Sequence[HttpRequest], start: datetime, *, runs: int = 2) -> str:
    """An Apache combined log written in the server's own zone (`start` carries it): the
    tool's requests `runs` times, ten minutes apart."""
    out = []
    at = start
    for _ in range(runs):
        for request in requests:
            query = urllib.parse.urlencode([(k, _fill(v)) for k, v in request.query])
            target = request.path + ("?" + query if query else "")
            agent = request.header("User-Agent") or "-"
            referer = request.header("Referer") or "-"
            out.append(
                f'203.0.113.77 - - [{at:%d/%b/%Y:%H:%M:%S %z}] "{request.method} {target} '
                f'HTTP/1.1" 200 512 "{referer}" "{agent}"\n'
            )
            at += timedelta(seconds=3)
        at += timedelta(minutes=10)
    return "".join(out)


__all__ = ["VICTIM", "W3C_HEADER", "apache_log", "requests_of", "rewrite_tool", "w3c_log"]
