"""The pieces of scheme 3's wire channel on their own: digits, value variants, roles, entries."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forewarn.marks.channels._python.entries import entry_runs
from forewarn.marks.channels._python.variants import fold_number, fold_text, header_value
from forewarn.marks.channels.wire.digits import run_edits
from forewarn.marks.channels.wire.roles import canonical, partner, role_sites
from forewarn.marks.channels.wire.statements import statement_orders


@pytest.mark.parametrize(
    ("text", "run", "expected"),
    [
        ("readme_81442.txt", "81442", [7, 8, 9, 10, 11]),  # every digit of an arbitrary number
        ("a=~1942062522", "1942062522", list(range(4, 13))),  # a leading 1 could become 0
        ("20210302-7731", "20210302", [3, 5, 6, 7]),  # year ±1, month stays 02/03, day 02-13
        ("Gecko/20100101 Firefox/91.0", "20100101", []),  # a browser's frozen number
        ("AppleWebKit/537.36", "537", []),
    ],
)
def test_digit_runs_carry_one_bit_per_free_digit(text: str, run: str, expected: list[int]) -> None:
    start = text.index(run)
    edits = run_edits(text, start, start + len(run))
    assert edits is not None
    assert [at for at, _, _ in edits] == expected


def test_versions_and_short_runs_keep_scheme_2_s_one_edit() -> None:
    ua = "Chrome/88.0.4324.190 Safari/537.36"
    assert run_edits(ua, ua.index("4324"), ua.index("4324") + 4) is None
    assert run_edits("id-123", 3, 6) is None


@given(st.from_regex(r"20[0-3][0-9](0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])", fullmatch=True))
def test_every_combination_of_a_date_s_free_digits_is_a_date(run: str) -> None:
    edits = run_edits(run, 0, 8) or []
    year = int(run[:4])
    for mask in range(1 << len(edits)):
        digits = list(run)
        for k, (at, forms, _) in enumerate(edits):
            digits[at] = forms[(mask >> k) & 1]
        made = "".join(digits)
        assert abs(int(made[:4]) - year) <= 1
        assert 1 <= int(made[4:6]) <= 12 and 1 <= int(made[6:]) <= 28


@pytest.mark.parametrize(
    ("name", "value", "other"),
    [
        ("Accept", "*/*", "application/json, text/javascript, */*; q=0.01"),
        ("accept-language", "en-US", "en-US,en;q=0.9"),
        ("Accept-Language", "en-GB,en;q=0.9", "en-GB,en;q=0.5"),
        ("Accept-Language", "en-GB,en;q=0.8", "en-GB,en;q=0.9"),
        ("Connection", "keep-alive", "close"),
        ("Content-Type", "text/plain; charset=utf-8", "text/plain"),
        ("Accept-Encoding", "gzip, deflate", "deflate, gzip"),
        ("X-Custom", "close", None),
        ("Accept-Language", "english", None),
    ],
)
def test_header_values_have_coherent_partners(name: str, value: str, other: str | None) -> None:
    assert header_value(name, value) == other


def test_folding_hides_every_form_a_scheme_3_mark_may_give() -> None:
    assert fold_text("*/*") == fold_text("application/json, text/javascript, */*; q=0.01")
    assert fold_text("readme_81442.txt") == fold_text("readme_90553.txt")
    assert fold_text("A") == fold_text("X") and fold_text(",") == fold_text(", ")
    assert fold_text("User-Agent") == fold_text("user-agent")
    assert fold_text("hello") != fold_text("world")
    assert fold_number(10.0) == fold_number(15.0) == "num"
    assert fold_number(37) != "num"


def test_roles_ladders_and_their_spelling() -> None:
    assert partner("timeout", 10) == 15 and partner("timeout", 600) == 300
    assert partner("retries", 3) == 5 and partner("timeout", 7) is None
    assert partner("unknown", 3) is None
    assert canonical(10.0) == canonical(10) == "10" and canonical(0.5) == "0.5"


def _roles(source: str, sending: list[int]) -> list[tuple[str, str, bool, bool]]:
    return [
        (s.role, canonical(s.value), s.literal is not None, s.movable)
        for s in role_sites(ast.parse(source), sending)
    ]


def test_roles_follow_constants_classes_defaults_and_arithmetic() -> None:
    source = """
import argparse, time, json
LIMIT = 4
class Config:
    WAIT = 30
    def __init__(self):
        self.chunk = 2048
    def get(self, conn):
        return conn.recv(self.chunk)
def send(conn, timeout=Config.WAIT):
    for attempt in range(1, LIMIT + 1):
        try:
            return conn.request("GET", "/x", timeout=timeout)
        except OSError:
            time.sleep(0.5)
def main():
    p = argparse.ArgumentParser()
    p.add_argument("--retries", type=int, default=LIMIT)
    p.add_argument("--port", type=int, default=8080)
    print(json.dumps({}, indent=4))
"""
    found = _roles(source, [13])
    assert ("read-size", "2048", True, True) in found
    assert ("timeout", "30", True, True) in found
    assert ("retries", "4", False, True) in found  # range(1, LIMIT + 1): four attempts
    assert ("pause", "0.5", True, True) in found  # between the tries of a sending loop
    assert ("retries", "4", True, True) in found  # the --retries option's default
    assert ("json-indent", "4", True, True) in found
    assert not any(role == "timeout" and value == "8080" for role, value, _, _ in found)


def test_roles_that_could_change_what_the_tool_achieves_are_not_moved() -> None:
    source = """
import time
PARTS = ["a", "b", "c"]
def spray(conn):
    time.sleep(2)
    for k in range(3):
        conn.request("POST", "/p", body=PARTS[k])
    for n in range(5):
        conn.request("GET", "/s?n=%d" % n)
def local(conn):
    timeout = 1
    timeout = timeout * 2
    conn.request("GET", "/t", timeout=timeout)
"""
    found = _roles(source, [7, 9, 13])
    assert ("pause", "2", True, False) in found  # a delay before the requests, not a poll
    assert ("request-loop", "3", True, False) in found  # its counter picks the payload
    assert ("request-loop", "5", True, True) in found  # its counter is only printed
    assert not any(role == "timeout" for role, *_ in found)  # a local bound twice


def test_loops_that_send_nothing_play_no_role() -> None:
    assert _roles("for k in range(5):\n    print(k)\n", []) == []


def _runs(source: str) -> list[list[str]]:
    tree = ast.parse(source)
    return [[ast.unparse(s) for s in run] for run in entry_runs(tree.body)]


def test_entry_runs_are_free_runs_of_one_container() -> None:
    assert _runs('p.append("a=" + x)\np.append("b=1")\nq.append("c")\n') == [
        ["p.append('a=' + x)", "p.append('b=1')"]
    ]
    assert _runs('h["A"] = 1\nh["B"] = 2\n') == [["h['A'] = 1", "h['B'] = 2"]]
    branchy = 'p.append("a")\nif d:\n    p.append("b=" + d)\nelse:\n    p.append("b=x")\n'
    assert len(_runs(branchy)[0]) == 2


@pytest.mark.parametrize(
    "source",
    [
        'p.append(read())\np.append("b")\n',  # a call with side effects
        'p.append("a")\np.append("a")\n',  # the same entry twice: no order to tell
        'h["A"] = 1\nh["a"] = 2\n',  # the same header twice: the later one wins
        'p.append("a" + str(len(p)))\np.append("b")\n',  # reads the container
        "p.append(x)\np.append(y)\n",  # nothing tells them apart but names
    ],
)
def test_entry_runs_that_are_not_free_are_refused(source: str) -> None:
    assert _runs(source) == []


def test_statement_orders_leave_comments_and_shared_lines_alone() -> None:
    plain = 'def f(p, x):\n    p.append("a=" + x)\n    p.append("b=1")\n'
    assert len(statement_orders(plain, ast.parse(plain))) == 1
    commented = 'def f(p, x):\n    p.append("a=" + x)\n    # b\n    p.append("b=1")\n'
    assert statement_orders(commented, ast.parse(commented)) == []
    shared = 'def f(p, x):\n    p.append("a=" + x); p.append("b=1")\n'
    assert statement_orders(shared, ast.parse(shared)) == []
    trailing = 'def f(p, x):\n    p.append("a=" + x)\n    p.append("b=1")  # b\n'
    assert statement_orders(trailing, ast.parse(trailing)) == []


def test_user_agents_have_parts_the_same_browser_sends_otherwise() -> None:
    from forewarn.marks.channels._python.variants import agent_parts

    chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/88.0.4324.190"
    assert [(chrome[a:b], other) for a, b, other in agent_parts(chrome)] == [("10.0", "6.1")]
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:91.0) Gecko/20100101 Firefox/91.0"
    found = [(firefox[a:b], other) for a, b, other in agent_parts(firefox)]
    assert found == [
        ("", "Ubuntu; "),
        ("91.0) Gecko/20100101 Firefox/91.0", "102.0) Gecko/20100101 Firefox/102.0"),
    ]
    newest = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    assert [other for _, _, other in agent_parts(newest)] == [
        "",
        "115.0) Gecko/20100101 Firefox/115.0",
    ]
    assert agent_parts("curl/8.5.0") == []
    for a, b, other in agent_parts(firefox):
        assert fold_text(firefox[:a] + other + firefox[b:]) == fold_text(firefox)
