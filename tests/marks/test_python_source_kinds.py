"""Every kind of choice point, on code written to exercise it: both forms compute the same."""

from __future__ import annotations

import ast
from collections import Counter

import pytest
from pysupport import random_bits

from forewarn.marks.channels.pysource.channel import PythonSourceChannel, _plan

CHANNEL = PythonSourceChannel()

SAMPLE = """\
import json


def grade(score, bonus=0):
    total = 0
    label = "none"
    total += 1
    total = total + score - bonus
    total = total - 2
    if total != 0 and not score == 7:
        label = "some"
    if total > 0:
        if total > 50:
            label = "high"
    if score in (1, 2, 3):
        label = label + "-small"
    else:
        label = label + "-big"
    return label if total >= 10 else "low"


def collect(values):
    seen = []
    index = {}
    for position in range(len(values)):
        value = values[position]
        if value is not None:
            seen.append("{}:{}".format(position, value))
            index[value] = f"at {position!r}"
    for name in (1, 2, 3):
        seen.append(str(name * 2))
    return seen, index


def render(rows):
    try:
        text = json.dumps(rows, indent=2, sort_keys=True)
    except (TypeError, ValueError) as error:
        text = repr(error)
    marks = sorted(rows)
    for number, row in enumerate(marks):
        if isinstance(row, (int, float)):
            text = text + str(number)
    return text + str(len(marks) < 3)
"""
"""Code with at least one choice point of every kind."""

INPUTS = [0, 7, 12, 55, 2, -4]


def _behaviour(source: str) -> list[object]:
    namespace: dict[str, object] = {}
    exec(
        compile(source, "<sample>", "exec"), namespace
    )  # our own sample, not material from the wild
    grade, collect, render = namespace["grade"], namespace["collect"], namespace["render"]
    out: list[object] = [grade(v, bonus=b) for v in INPUTS for b in (0, 3)]  # type: ignore[operator]
    out.append(collect([*INPUTS, None, "x"]))  # type: ignore[operator]
    out.extend(render(rows) for rows in ([3, 1, 2], [1.5, 2], [2, 1, 0, 5]))  # type: ignore[operator]
    return out


def test_sample_offers_every_kind() -> None:
    kinds = Counter(located.site.kind for located in _plan(SAMPLE).located)
    assert set(kinds) == {
        "augassign",
        "cmporder",
        "defaultarg",
        "empty",
        "fstring",
        "ifswap",
        "kwargorder",
        "name",
        "negcmp",
        "nestedif",
        "quote",
        "range",
        "seqkind",
        "stmtorder",
        "ternary",
        "tupleorder",
    }


@pytest.mark.parametrize("seed", range(6))
def test_every_marking_computes_what_the_original_computes(seed: int) -> None:
    capacity = CHANNEL.capacity(SAMPLE)
    bits = [seed % 2] * capacity if seed < 2 else random_bits(capacity, seed)
    marked = CHANNEL.embed(SAMPLE, bits)
    assert marked != SAMPLE
    assert ast.dump(ast.parse(marked)) != ast.dump(ast.parse(SAMPLE))
    assert _behaviour(marked) == _behaviour(SAMPLE)
    assert CHANNEL.extract(SAMPLE, marked) == bits


@pytest.mark.parametrize(
    ("snippet", "kind"),
    [
        ("list = tuple\n", "empty"),
        ("range = lambda *a: a\n", "range"),
        ("sorted = list\nenumerate = zip\n", "defaultarg"),
    ],
)
def test_rebound_builtins_are_never_marked(snippet: str, kind: str) -> None:
    source = snippet + SAMPLE
    assert kind not in {located.site.kind for located in _plan(source).located}


@pytest.mark.parametrize(
    "code",
    [
        "def f(x, lst):\n    lst += 'ab'\n    lst = lst + [x]\n    y = x\n    y *= 2\n"
        "    return lst, y\n",
        "def f(a):\n    b = a.c\n    a.c = 1\n    return b\n",
        "def f(x):\n    print(x for x in 'abc')\n    return sorted(i for i in x)\n",
    ],
)
def test_unsafe_constructs_are_not_choice_points(code: str) -> None:
    padded = code + "\n\n" + SAMPLE
    lines = len(code.splitlines())
    assert all(located.site.nodes[0].lineno > lines for located in _plan(padded).located)  # type: ignore[attr-defined]
