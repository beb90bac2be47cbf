"""Splitting into temporaries, dead code and loop rewrites leave the canonical tree unchanged."""

from __future__ import annotations

import pytest

from forewarn.grammars import parser_for
from forewarn.hunt.similarity.canon import canonical_tree


def _value(source: str, language: str = "python") -> int:
    parser = parser_for(language)
    assert parser is not None
    tree = canonical_tree(parser.parse(source.encode()).root_node)
    assert tree is not None
    return tree.value


BASE = "def f(xs, n):\n    for x in xs:\n        g(h(x), n)\n    return k(n)\n"
SAME = [
    # a temporary split out of a call and out of the return
    "def f(xs, n):\n    for x in xs:\n        t = h(x)\n        g(t, n)\n"
    "    r = k(n)\n    return r\n",
    # dead code: detached statements between the live ones
    "def f(xs, n):\n    v = 7 * 3\n    if v < 0:\n        v = [v] * 2\n    for x in xs:\n"
    "        g(h(x), n)\n        for q in range(0):\n            print(5)\n    return k(n)\n",
]


@pytest.mark.parametrize("variant", SAME)
def test_temporaries_and_dead_code_read_as_the_original(variant: str) -> None:
    assert _value(variant) == _value(BASE)


def _loops(source: str, language: str = "python") -> list[int]:
    parser = parser_for(language)
    assert parser is not None
    tree = canonical_tree(parser.parse(source.encode()).root_node)
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if node is not None:
            found += [node.value] if node.kind == "LOOP" else []
            stack.extend(node.kids)
    return found


def test_loops_read_as_their_bodies() -> None:
    counting = "def f(n):\n    i = 0\n    while i < n:\n        g(i)\n        i += 1\n"
    endless = (
        "def f(n):\n    i = 0\n    while True:\n        if not i < n:\n            break\n"
        "        g(i)\n        i = i + 1\n"
    )
    ranged = "def f(n):\n    for i in range(n):\n        g(i)\n"
    assert _loops(counting) == _loops(endless) == _loops(ranged) != []


def test_live_code_is_kept() -> None:
    # a value used twice is no temporary; a statement feeding the result is not dead
    used_twice = "def f(x):\n    t = h(x)\n    return g(t, t)\n"
    assert _value(used_twice) != _value("def f(x):\n    return g(h(x), h(x))\n")
    live = "def f(x):\n    total = 0\n    total = total + x\n    return total\n"
    assert _value(live) != _value("def f(x):\n    return total\n")


def test_dead_literals_stay_as_clues() -> None:
    parser = parser_for("python")
    assert parser is not None
    literals: list[bytes] = []
    canonical_tree(
        parser.parse(b'def f():\n    note = "leaked by partner"\n    return 1\n').root_node,
        literals,
    )
    assert literals == [b"leaked by partner"]


def test_java_counting_for_reads_as_its_while() -> None:
    loop = (
        "class A { int f(int[] a) { int s = 0;"
        " for (int i = 0; i < a.length; i++) { s += a[i]; } return s; } }"
    )
    spelt = (
        "class A { int f(int[] a) { int s = 0; { int i = 0; while (true) {"
        " if (!(i < a.length)) break; s = s + (a[i]); i = i + 1; } } return s; } }"
    )
    assert _loops(loop, "java") == _loops(spelt, "java") and _loops(loop, "java")
