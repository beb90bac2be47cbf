"""`module_code` is `module.code` on trees that share statements with trees written before, and
the source channel's path rewrite gives what libcst's full visit gives."""

from __future__ import annotations

import random

import libcst as cst
import pytest
from pysupport import poc_source, random_bits, stdlib_sources

from forewarn.marks.channels._python.codegen import module_code
from forewarn.marks.channels.pysource.channel import _plan
from forewarn.marks.channels.pysource.rewrite import rewrite

MATCH = """\
def handle(command):
    match command.split():
        case [action]:
            return action
        case [action, obj] if obj:
            try:
                return obj
            except* ValueError:
                pass
        case _:
            return None
    with open("x") as f:
        for line in f:
            if line:
                print(line)
            elif line is None:
                continue
            else:
                break
        else:
            pass
    while True:
      x = 1  # two-space indent
    return 0
"""


class _Touch(cst.CSTTransformer):
    """Rebuilds a random part of a tree: unvisited subtrees stay the same objects."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    def on_visit(self, node: cst.CSTNode) -> bool:
        return self.rng.random() < 0.8

    def leave_Integer(self, original_node: cst.Integer, updated_node: cst.Integer) -> cst.Integer:
        return updated_node.with_changes(value=updated_node.value + "0")

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        return updated_node.with_changes(indent=self.rng.choice([None, "  ", "\t", "    "]))


@pytest.mark.parametrize("seed", range(3))
def test_module_code_is_module_code(seed: int) -> None:
    rng = random.Random(seed)
    for source in [MATCH, poc_source(), *stdlib_sources(12, max_bytes=30_000)]:
        module = cst.parse_module(source)
        assert module_code(module) == module.code == source
        for _ in range(3):
            copy = module.visit(_Touch(rng))
            assert module_code(copy) == copy.code
            module_code(module)  # the original's statements stay remembered


def test_module_code_keeps_a_missing_trailing_newline() -> None:
    module = cst.parse_module("x = 1\nif x:\n    y = 2")
    assert module_code(module) == module.code


@pytest.mark.parametrize("seed", range(4))
def test_path_rewrite_writes_what_the_full_visit_writes(seed: int) -> None:
    for blind, version in ((False, 3), (True, 6)):
        plan = _plan(poc_source(), blind, version)
        assert plan.module is not None
        bits = random_bits(len(plan.located), seed)
        chosen = list(zip(plan.located, bits, strict=True))
        assert rewrite(plan.module, chosen, plan.above) == rewrite(plan.module, chosen)
