"""Similarity sees through partners' marks and an attacker's cosmetics, not through independence."""

from __future__ import annotations

from pathlib import Path

import black
import pytest

import forewarn
from forewarn.demo.disguises import pad_with_dead_code, rename
from forewarn.domain import ArtifactKind
from forewarn.hunt import SimilarityIndex
from forewarn.hunt.similarity import MATCH_THRESHOLD, fingerprint
from forewarn.marks.engine import CodeSpec, Marker

POC = (Path(forewarn.__file__).parent / "data/scenarios/exchange-2021/poc.py").read_text()
SECRET = bytes(range(32))

# Written apart from the shipped PoC for the same toy flaw: same path, cookie and header names.
INDEPENDENT_CLIENT = """import requests_free_client as http
import sys

AUTODISCOVER = "/autodiscover/autodiscover.json"


def run(host, port=443):
    session = http.Session(host, port)
    cookie = "X-BEResource=localhost/ews/exchange.asmx?a=~1942062522; X-AnonResource=true"
    for n in range(3):
        reply = session.get(AUTODISCOVER + "?Email=a@b/mapi/nspi", cookie=cookie)
        if reply.status == 200 and b"S-1-5" in reply.body:
            print("sid leaked after", n, "tries")
            return True
    print("nothing leaked", file=sys.stderr)
    return False


if __name__ == "__main__":
    run(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1")
"""


@pytest.fixture(scope="module")
def index() -> SimilarityIndex:
    built = SimilarityIndex()
    built.add("c/poc.py", POC, case="FW-2021-0001", name="poc.py", language="python")
    return built


@pytest.fixture(scope="module")
def marked() -> list[str]:
    marker = Marker(SECRET, "FW-2021-0001", CodeSpec(1000))
    return [
        marker.mark("poc.py", ArtifactKind.POC, POC.encode(), partner).content.decode()
        for partner in ("partner-0001", "partner-0002", "partner-0003")
    ]


def _score(index: SimilarityIndex, text: str) -> float:
    return index.scores(fingerprint(text, "python"))["c/poc.py"]


def test_marked_copies_score_high_against_the_original(
    index: SimilarityIndex, marked: list[str]
) -> None:
    assert all(copy != POC for copy in marked)
    assert min(_score(index, copy) for copy in marked) >= 0.8


def test_marked_renamed_black_formatted_copy_scores_high(
    index: SimilarityIndex, marked: list[str]
) -> None:
    for copy in marked:
        disguised = black.format_str(rename(copy), mode=black.Mode(line_length=72))
        assert disguised != copy
        assert _score(index, disguised) >= 0.8


def test_dead_code_padded_copy_stays_above_threshold(
    index: SimilarityIndex, marked: list[str]
) -> None:
    padded = pad_with_dead_code(rename(marked[0]))
    (match,) = index.query(padded, "python", min_score=MATCH_THRESHOLD)
    assert match.artifact == "poc.py" and match.similarity >= 2 * MATCH_THRESHOLD


def test_independent_client_of_the_same_flaw_stays_below_threshold(
    index: SimilarityIndex,
) -> None:
    assert _score(index, INDEPENDENT_CLIENT) < MATCH_THRESHOLD
    assert index.query(INDEPENDENT_CLIENT, "python", min_score=MATCH_THRESHOLD) == []


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("x = a != b\n", "x = not a == b\n"),
        ("a += 1\n", "a = a + 1\n"),
        ("d = dict()\n", "d = {}\n"),
        ("f(a, key=1, flag=True)\n", "f(a, flag=True, key=1)\n"),
        ("if x > 5:\n    g()\n", "if 5 < x:\n    g()\n"),
        ("y = a if not c else b\n", "y = b if c else a\n"),
        ("if not c:\n    f()\nelse:\n    g()\n", "if c:\n    g()\nelse:\n    f()\n"),
        ("s = '{}-{}'.format(a, b)\n", "s = f'{a}-{b}'\n"),
        ("ok = status in (200, 201, 204)\n", "ok = status in (204, 200, 201)\n"),
    ],
)
def test_equivalent_python_forms_fingerprint_alike(one: str, other: str) -> None:
    prefix = "def work(a, b, c, x, status):\n"
    body = "    q = [a, b, c]\n    r = q.count(a) * 7 + len(b)\n"
    first = fingerprint(prefix + body + _indent(one), "python")
    second = fingerprint(prefix + body + _indent(other), "python")
    assert set(first.features.tolist()) == set(second.features.tolist())


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("i += 1;", "i = i + 1;"),
        ("i++;", "i = i + 1;"),
        ("boolean y = a != b;", "boolean y = !(a == b);"),
        ("if (!ok) { f(); } else { g(); }", "if (ok) { g(); } else { f(); }"),
    ],
)
def test_equivalent_java_forms_fingerprint_alike(one: str, other: str) -> None:
    def wrap(line: str) -> str:
        return "class A { void m(int i, int a, int b, boolean ok) { int k = a * b; " + line + " } }"

    first, second = fingerprint(wrap(one), "java"), fingerprint(wrap(other), "java")
    assert set(first.features.tolist()) == set(second.features.tolist())


def _indent(code: str) -> str:
    return "".join("    " + line + "\n" for line in code.splitlines())
