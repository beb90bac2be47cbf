"""Values a rewrite keeps apart from its requests, followed when a suspect is read to `follow`.

A code assistant makes a leaked PoC "configurable": argparse options whose defaults are the
copy's values, a `SimpleNamespace` or a JSON profile of settings, an `Enum` of steps, steps
registered by a decorator, `raise SystemExit(main())`, `main(*sys.argv[1:2])`, a subclass of
a client library's class, a generator of headers (tests/marks/redteam_pocs3/). Each table
row is read as sent (every value known) and as a plan reads it (as before: the released
copies stay planned as they were).
"""

from __future__ import annotations

import pytest

from forewarn.marks.wire import PLACEHOLDER, evaluate

_SEND = """
import requests
def send(agent, note):
    requests.get("http://127.0.0.1:8080" + note, headers={"User-Agent": agent})
"""

CASES = {
    "argparse defaults": _SEND
    + """
import argparse
def options(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("port", nargs="?", type=int, default=8080)
    group = ap.add_argument_group("lab")
    group.add_argument("--agent", default="Lab/7.1")
    ap.add_argument("--note-path", default="/notes/readme_91453.txt")
    return ap.parse_args(argv)
opts = options()
send(opts.agent, opts.note_path)
""",
    "SimpleNamespace": _SEND
    + """
from types import SimpleNamespace
CFG = SimpleNamespace(agent="Lab/7.1", note="/notes/readme_91453.txt")
send(CFG.agent, CFG.note)
""",
    "JSON profile": _SEND
    + """
import json
P = json.loads('{"agent": "Lab/7.1", "note": "/notes/readme_91453.txt"}')
send(P["agent"], P["note"])
""",
    "enum of steps": _SEND
    + """
import enum
class Step(enum.Enum):
    NOTE = "/notes/readme_91453.txt"
    OTHER = "/other"
for step in Step:
    if step is Step.NOTE:
        send("Lab/7.1", step.value)
""",
    "decorator registry": _SEND
    + """
STEPS = []
def step(fn):
    STEPS.append(fn)
    return fn
@step
def note():
    return "/notes/readme_91453.txt"
def main():
    for fn in STEPS:
        send("Lab/7.1", fn())
""",
    "raise SystemExit(main())": _SEND
    + """
def main(note):
    send("Lab/7.1", note)
    return 0
if __name__ == "__main__":
    raise SystemExit(main("/notes/readme_91453.txt"))
""",
    "unknown star arguments": _SEND
    + """
import sys
def main(*argv):
    send("Lab/7.1", NOTE)
NOTE = "/notes/readme_91453.txt"
main(*sys.argv[1:2])
NOTE = "/other"
""",
    "a requests.Session subclass": """
import requests
class Lab(requests.Session):
    def __init__(self, base):
        super().__init__()
        self.base = base
        self.headers.clear()
        self.headers["User-Agent"] = "Lab/7.1"
    def note(self):
        return self.get(self.base + "/notes/readme_91453.txt")
Lab("http://127.0.0.1:8080").note()
""",
    "a urllib Request subclass": """
import urllib.request
class LabRequest(urllib.request.Request):
    def __init__(self, url, pairs):
        super().__init__(url)
        for name, value in pairs:
            self.add_header(name, value)
urllib.request.urlopen(
    LabRequest("http://127.0.0.1:8080/notes/readme_91453.txt", [("User-Agent", "Lab/7.1")])
)
""",
    "a header generator": _SEND
    + """
def browser():
    yield "User-Agent", "Lab/7.1"
    yield "Accept", "*/*"
agent = dict(browser())["User-Agent"]
send(agent, "/notes/readme_91453.txt")
""",
}
"""Each sends `GET /notes/readme_91453.txt` with `User-Agent: Lab/7.1`, written another way."""


def _sent(source: str, *, follow: bool) -> set[tuple[str, str]]:
    requests = evaluate(source, as_sent=True, follow=follow).requests
    return {(r.path, dict(r.headers).get("User-Agent", "")) for r in requests}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_suspect_is_read_with_its_settings(name: str) -> None:
    sent = _sent(CASES[name], follow=True)
    assert ("/notes/readme_91453.txt", "Lab/7.1") in sent, sent
    assert all(PLACEHOLDER not in path for path, _ in sent), sent


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_plan_reads_them_as_it_always_did(name: str) -> None:
    """Planning never follows these (a released copy's plan must not move)."""
    assert ("/notes/readme_91453.txt", "Lab/7.1") not in _sent(CASES[name], follow=False)


def test_an_option_nobody_passes_takes_argparse_default() -> None:
    """`store_true` is `False` unless given; a default `type=int` converts from a string."""
    source = (
        _SEND
        + """
import argparse
ap = argparse.ArgumentParser()
ap.add_argument("--loud", action="store_true")
ap.add_argument("--lines", type=int, default="3")
opts = ap.parse_args()
send("Lab/7.1", "/loud" if opts.loud else "/notes/readme_9145" + str(opts.lines) + ".txt")
"""
    )
    assert {path for path, _ in _sent(source, follow=True)} == {"/notes/readme_91453.txt"}
