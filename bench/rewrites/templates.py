# ruff: noqa: E501 - the generated programs are written as a code assistant writes them
"""Hand rewrites kept as templates: a different program, its wire values filled from the copy.

A code assistant asked to port and restyle the PoC writes a new program (a class for the
exchange chain, small functions with early returns for the help desk) on another client. What
that program must keep is what the copy sends, so its constants are filled from the marked
copy's own requests, recorded on the listener: per step the path, the query pairs in order and
the header names as spelt, in order, with their literal values. What depends on the command line
(cookie, routing header, mailbox, tenant, bodies, lengths) the template computes itself, as
the original did, in the order and with the JSON separators the copy sends. A rewrite that keeps
behaviour keeps the copy's timeout, retry count, poll count and output indent too: those are
read from the copy's code, as the attacker reads it. The control template alters every one of
those wire values (its behaviour constants are the copy's: it changes only what it sends).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass
from string import Template

from rewrites.clients import CLIENTS
from rewrites.model import Leak, Output
from rewrites.replay import Sent, split

Step = tuple[str, str, list[tuple[str, str]], list[tuple[str, str]]]
"""`(method, path, query pairs, header pairs)` of one request, as captured."""


def steps_of(sent: list[Sent]) -> list[Step]:
    """The template's fill: every request's path, query pairs and headers as sent."""
    out: list[Step] = []
    for request in sent:
        path, _, query = request.target.partition("?")
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        out.append((request.method, path, pairs, list(request.headers)))
    return out


def altered(steps: list[Step]) -> list[Step]:
    """The control: every path, query key and value, header name, value and order changed."""
    out: list[Step] = []
    for method, path, query, headers in steps:
        new_query = [(f"k{k}_{key}", f"{value}-alt") for k, (key, value) in enumerate(query)]
        new_headers = [
            (name.swapcase(), value if name.lower() in {"host", "content-length"} else value + "-x")
            for name, value in reversed(headers)
        ]
        out.append((method, "/alt" + path, new_query, new_headers))
    return out


COMMON = """#!/usr/bin/env python3
import argparse
import json
import sys
import urllib.parse
$imports
STEPS = $steps
BODY_KEYS = $body_keys
SEPARATORS = $separators
ALTERED = $control
TIMEOUT = $timeout
ATTEMPTS = $attempts
POLLS = $polls
INDENT = $indent

$send

def headers_for(step, host, port, dynamic, body):
    computed = {k: v + "-x" if ALTERED else v for k, v in dynamic.items()}
    computed["host"] = "%s:%d" % (host, port)
    if body is not None:
        computed["content-length"] = str(len(body))
    return [(name, computed.get(name.lower(), value)) for name, value in STEPS[step][3]]


def target_for(step, dynamic):
    path, pairs = STEPS[step][1], [(k, dynamic.get(k, v)) for k, v in STEPS[step][2]]
    return path + ("?" + urllib.parse.urlencode(pairs) if pairs else "")


def after_default(step, name, part=""):
    # what the copy appended to a command-line default (the marks may have changed it)
    if ALTERED:
        return "/alt-" + name.lower()
    pairs = [(k.lower(), v) for k, v in STEPS[step][3] + STEPS[step][2]]
    value = next(v for k, v in pairs if k == name.lower())
    if part:
        value = urllib.parse.unquote(value.split(part, 1)[1].split(";", 1)[0])
    for default in ("localhost@lab.invalid", "administrator@lab.invalid"):
        value = value.removeprefix(default)
    return value


def body_of(text):
    return (b"alt:" if ALTERED else b"") + text.encode("utf-8")

"""

EXCHANGE = """
class MailChain:
    def __init__(self, options):
        self.options = options

    def cookie(self):
        o = self.options
        routed = urllib.parse.quote(f"{o.target}@{o.domain}" + $cookie_suffix, safe="@/~=?")
        backend = o.domain if o.domain else "localhost"
        return "; ".join([$cookie_parts])

    ${adef}def step(self, index, dynamic=None, query=None, body=None):
        o = self.options
        method = STEPS[index][0]
        headers = headers_for(index, o.host, o.port, dynamic or {}, body)
        for attempt in range(ATTEMPTS):
            try:
                return ${aw}send(o.host, o.port, method, target_for(index, query or {}), headers, body, timeout=TIMEOUT)
            except OSError:
                if attempt + 1 == ATTEMPTS:
                    raise
        return 599, b""

    ${adef}def run(self):
        o = self.options
        status, _ = ${aw}self.step(0, {"cookie": self.cookie()}, {"Email": o.mailbox + after_default(0, "Email")})
        if status >= 500:
            return {"reachable": False}
        document = json.dumps({"mailbox": o.mailbox, "requestKind": "identity", "seq": 1}, sort_keys=True)
        routed = {"x-beresource": f"{o.target}@{o.domain}" + after_default(1, "x-beresource")}
        status, data = ${aw}self.step(1, routed, body=body_of(document))
        who = data.decode("utf-8", "replace").strip() if status == 200 else ""
        who = who or "anonymous"
        note = "\\n".join(f"note {i + 1} of {o.lines} for {who}" for i in range(o.lines))
        status, _ = ${aw}self.step(2, body=body_of(note))
        written = status in (200, 201, 204)
        status, data = ${aw}self.step(3)
        return {"reachable": True, "identity": who, "written": written, "read_back": len(data)}


def options(argv):
    p = argparse.ArgumentParser()
    for flag, default in (("--host", "127.0.0.1"), ("--target", "localhost"), ("--domain", "lab.invalid"), ("--mailbox", "administrator@lab.invalid")):
        p.add_argument(flag, default=default)
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--lines", type=int, default=3)
    return p.parse_args(argv)


${adef}def start(argv):
    return ${aw}MailChain(options(argv)).run()
"""

TICKETDESK = """
def upload_document(user, lines):
    rows = ["line %d for %s" % (n, user) for n in range(1, lines + 1)]
    fields = dict(name=template_name(), owner=user, rows=rows, kind="note")
    return json.dumps({key: fields[key] for key in BODY_KEYS or fields}, separators=SEPARATORS)


def template_name():
    return next(v for k, v in STEPS[1][3] if k.lower() == "x-template-name")


${adef}def call(o, index, dynamic=None, query=None, body=None):
    headers = headers_for(index, o.host, o.port, dynamic or {}, body)
    return ${aw}send(o.host, o.port, STEPS[index][0], target_for(index, query or {}), headers, body, timeout=TIMEOUT)


${adef}def start(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--tenant", default="lab")
    p.add_argument("--user", default="agent@lab.invalid")
    p.add_argument("--lines", type=int, default=2)
    o = p.parse_args(argv)
    tenant = {"x-tenant": o.tenant}
    probe, _ = ${aw}call(o, 0, tenant, {"user": o.user})
    if probe >= 500:
        return {"probe": probe}
    upload, _ = ${aw}call(o, 1, tenant, body=body_of(upload_document(o.user, o.lines)))
    polls = []
    for index in range(2, 2 + POLLS):
        status, _ = ${aw}call(o, index, dict(tenant, **{"x-poll-round": str(index - 2)}), {"job": "exp-%d" % (index - 2)})
        polls.append(status)
    return {"polls": polls, "probe": probe, "upload": upload}
"""

MAIN = {
    False: 'if __name__ == "__main__":\n    print(json.dumps(start(sys.argv[1:]), indent=INDENT))\n',
    True: 'if __name__ == "__main__":\n'
    "    print(json.dumps(asyncio.run(start(sys.argv[1:])), indent=INDENT))\n",
}

PROGRAMS = {"exchange": EXCHANGE, "ticketdesk": TICKETDESK}


@dataclass(frozen=True, slots=True)
class Behaviour:
    """What the copy does beside what it sends, as a rewrite that keeps behaviour keeps it."""

    timeout: float = 10.0
    """Seconds per request."""
    attempts: int = 1
    """Tries per request."""
    polls: int = 0
    """Export polls (the help desk's)."""
    indent: int | None = None
    """Indent of the printed summary."""


def behaviour_of(source: str) -> Behaviour:
    """The copy's behaviour constants, read from its code as the attacker reads it."""

    def number(pattern: str) -> str | None:
        found = re.search(pattern, source)
        return None if found is None else found.group(1)

    timeout = number(r"TIMEOUT_SECONDS = ([\d.]+)")
    attempts = number(r"MAX_RETRIES = (\d+)")
    polls = number(r"POLL_ROUNDS = (\d+)")
    indent = number(r"json\.dumps\(summary, indent=(\d+)")
    return Behaviour(
        float(timeout) if timeout else 10.0,
        int(attempts) if attempts else 1,
        int(polls) if polls else 0,
        int(indent) if indent else None,
    )


def program(
    poc: str,
    client: str,
    steps: list[Step],
    *,
    control: bool = False,
    body_keys: list[str] | None = None,
    separators: tuple[str, str] = (",", ":"),
    behaviour: Behaviour | None = None,
) -> str:
    """The template of `poc` over `client`, filled with `steps` (and the order of the JSON
    body's keys and its separators, as the copy sends them: a rewrite keeps the program's own
    dict order and `json.dumps` call), with the copy's behaviour constants."""
    chosen = CLIENTS[client]
    kept = behaviour or Behaviour()
    suffix, order = _cookie(steps, control)
    parts = {
        "X-BEResource": 'f"X-BEResource={routed}"',
        "X-AnonResource": '"X-AnonResource=true"',
        "X-AnonResource-Backend": 'f"X-AnonResource-Backend={backend}"',
    }
    values = {
        "cookie_suffix": repr(suffix),
        "cookie_parts": ", ".join(parts[name] for name in order if name in parts),
        "imports": chosen.imports,
        "steps": repr(steps),
        "body_keys": repr(body_keys or []),
        "separators": repr(separators),
        "timeout": repr(kept.timeout),
        "attempts": repr(kept.attempts),
        "polls": repr(kept.polls),
        "indent": repr(kept.indent),
        "control": repr(control),
        "send": chosen.send,
        "aw": "await " if chosen.asynchronous else "",
        "adef": "async " if chosen.asynchronous else "",
    }
    text = Template(COMMON + PROGRAMS[poc]).substitute(values)
    return text + "\n\n" + MAIN[chosen.asynchronous]


def port_to(client: str, *, control: bool = False) -> object:
    """The attack: the hand rewrite over `client`, filled from the leaked copy."""

    def build(leak: Leak) -> Output:
        sent = leak.sent()
        steps = steps_of([split(raw) for raw in sent])
        if control:
            steps = altered(steps)
        text = program(
            leak.poc.name,
            client,
            steps,
            control=control,
            body_keys=_body_keys(sent),
            separators=_separators(sent),
            behaviour=behaviour_of(leak.source),
        )
        return Output({f"{leak.poc.name}_{client.replace('.', '_')}.py": text.encode()})

    return build


def _cookie(steps: list[Step], control: bool) -> tuple[str, list[str]]:
    """What the exchange copy's routing cookie appends to the command-line backend, and the
    order of its cookies: a rewrite writes both as the copy sends them."""
    order = ["X-BEResource", "X-AnonResource", "X-AnonResource-Backend"]
    value = next((v for k, v in steps[0][3] if k.lower() == "cookie"), "") if steps else ""
    if value:
        order = [part.split("=", 1)[0].strip() for part in value.split(";")]
    if control:
        return "/alt-cookie", order
    routed = next((p for p in value.split(";") if p.strip().startswith("X-BEResource=")), "")
    suffix = urllib.parse.unquote(routed.strip().removeprefix("X-BEResource="))
    return suffix.removeprefix("localhost@lab.invalid"), order


def _separators(sent: list[bytes]) -> tuple[str, str]:
    """The separators of the first JSON object body the copy sends, as `json.dumps` wrote it."""
    for raw in sent:
        body = raw.partition(b"\r\n\r\n")[2]
        try:
            document = json.loads(body)
        except ValueError:
            continue
        if isinstance(document, dict):
            for pair in ((",", ":"), (", ", ": "), (",", ": "), (", ", ":")):
                if json.dumps(document, separators=pair).encode() == body:
                    return pair
    return (",", ":")


def _body_keys(sent: list[bytes]) -> list[str]:
    """The keys of the first JSON object body the copy sends, in the order it sends them."""
    for raw in sent:
        body = raw.partition(b"\r\n\r\n")[2]
        try:
            document = json.loads(body)
        except ValueError:
            continue
        if isinstance(document, dict):
            return [str(key) for key in document]
    return []
