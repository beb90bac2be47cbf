"""The similarity benchmark's disguise levels keep behaviour (Python) and compile (Java)."""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import tree_sitter_java
from tree_sitter import Language, Parser

from forewarn.demo.disguise_levels import LEVELS, disguise_python
from forewarn.demo.disguise_levels_java import disguise_java

# Our own program, written to exercise every rewrite: loops of both kinds, `and` conditions,
# if/else, early returns, dict literals, nested calls, lambdas, a one-line helper, `+=`.
PROGRAM = """
import json


def scale(x, k):
    return x * k


def summarise(values, limit=3):
    counts = {"small": 0, "big": 0, "odd": 0}
    total = 0
    for i in range(len(values)):
        v = values[i]
        if v > 10 and v % 2 == 0:
            counts["big"] += 1
        elif v % 2:
            counts["odd"] += 1
        else:
            counts["small"] += 1
        total += scale(v, 2)
    seen = []
    for v in sorted(values, key=lambda n: (n % 3, -n)):
        if len(seen) >= limit:
            break
        seen.append(str(v))
    n = 0
    while n < len(seen) and seen[n] != "7":
        n += 1
    if total > 100:
        return json.dumps({"total": total, "counts": counts, "seen": ",".join(seen), "n": n})
    else:
        return json.dumps({"total": -total, "counts": counts, "seen": "", "n": n})


print(summarise([3, 7, 12, 40, 5, 8, 9]), summarise([1, 2]), summarise(list(range(30))))
"""

JAVA = """
import java.util.*;

public class Tally {
    static int scale(int x, int k) { return x * k; }

    public static String summarise(int[] values, int limit) {
        Map<String, Integer> counts = new HashMap<>();
        int total = 0;
        for (int i = 0; i < values.length; i++) {
            int v = values[i];
            if (v > 10 && v % 2 == 0) { counts.put("big", counts.getOrDefault("big", 0) + 1); }
            else { counts.put("other", counts.getOrDefault("other", 0) + 1); }
            total += scale(v, 2);
        }
        List<String> seen = new ArrayList<>();
        int n = 0;
        while (n < values.length && seen.size() < limit) {
            seen.add(String.valueOf(values[n]).trim());
            n++;
        }
        return String.join(",", seen) + ":" + total + ":" + new TreeMap<>(counts);
    }

    public static void main(String[] args) {
        System.out.println(summarise(new int[] {3, 7, 12, 40, 5}, 3));
    }
}
"""


def _run(source: str) -> str:
    """What our own program above prints (nothing from the wild is ever run)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<disguised>", "exec"), {})
    return out.getvalue()


@pytest.mark.parametrize("level", range(1, len(LEVELS) + 1))
@pytest.mark.parametrize("seed", range(4))
def test_python_levels_keep_behaviour(level: int, seed: int) -> None:
    disguised = disguise_python(PROGRAM, level, seed)
    assert disguised != PROGRAM
    assert _run(disguised) == _run(PROGRAM)


def test_python_levels_rewrite_structure() -> None:
    hardest = disguise_python(PROGRAM, len(LEVELS), 0)
    assert "for i in range(len(" not in hardest and "summarise" not in hardest
    assert "while True" in hardest and hardest.count("\n") > 2 * PROGRAM.count("\n")


def _errors(source: str) -> int:
    tree = Parser(Language(tree_sitter_java.language())).parse(source.encode())
    stack, found = [tree.root_node], 0
    while stack:
        node = stack.pop()
        found += node.type == "ERROR" or node.is_missing
        stack.extend(node.children)
    return found


@pytest.mark.parametrize("level", range(1, len(LEVELS) + 1))
def test_java_levels_parse_without_errors(level: int) -> None:
    for seed in range(3):
        disguised = disguise_java(JAVA, level, seed)
        assert _errors(disguised) == 0, disguised
        assert "summarise" not in disguised or level < 2


def test_java_hardest_level_compiles_and_prints_the_same(tmp_path: Path) -> None:
    assert shutil.which("javac"), "javac is missing: run `make system-deps`"
    outputs = []
    for n, text in enumerate([JAVA, disguise_java(JAVA, len(LEVELS), 1)]):
        folder = tmp_path / str(n)
        folder.mkdir()
        name = text.split("public class ", 1)[1].split()[0]
        (folder / f"{name}.java").write_text(text)
        subprocess.run(["javac", f"{name}.java"], cwd=folder, check=True, timeout=120)
        done = subprocess.run(
            ["java", "-cp", ".", name], cwd=folder, check=True, timeout=120, capture_output=True
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and outputs[0]
