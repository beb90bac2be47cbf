"""The shared parse, the fast walk and the statement-wise module code give exactly what `ast` and
libcst give: marked copies depend on them byte for byte."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from forewarn.marks.channels._python.codegen import module_code
from forewarn.marks.wire.syntax import parse_python, walk_nodes

STDLIB = [
    path
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))
    if path.stat().st_size < 12_000
][:16]

EDGES = [
    "",
    "\n\n",
    "x = 1",  # no trailing newline
    "# only a comment",
    "if x:\r\n\ty = 2\r\n",  # CRLF and tabs
    "def f():\n    return 1\n\n\n# footer comment\n",
]


class _Rename(cst.CSTTransformer):
    """Rebuilds every statement with a name `self` or `i` in it, keeps the others."""

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node.value in ("self", "i"):
            return updated_node.with_changes(value=original_node.value + "_")
        return updated_node


def test_walk_nodes_is_ast_walk_in_the_same_order() -> None:
    for path in STDLIB:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        walked, fast = list(ast.walk(tree)), walk_nodes(tree)
        assert len(walked) == len(fast)
        assert all(a is b for a, b in zip(walked, fast, strict=True)), path.name


@pytest.mark.parametrize("source", EDGES)
def test_module_code_is_libcsts_on_edge_cases(source: str) -> None:
    module = cst.parse_module(source)
    assert module_code(module) == module.code == source


def test_module_code_is_libcsts_for_a_tree_and_its_rebuilt_copies() -> None:
    for path in STDLIB:
        module = cst.parse_module(path.read_text(encoding="utf-8"))
        assert module_code(module) == module.code
        renamed = module.visit(_Rename())
        shared = sum(a is b for a, b in zip(module.body, renamed.body, strict=True))
        assert module_code(renamed) == renamed.code, path.name
        assert module_code(module) == module.code  # the original's statements, remembered
        if renamed.code != module.code:
            assert shared < len(module.body)


def test_the_shared_parse_is_one_tree_and_fails_as_ast_parse_does() -> None:
    text = "import json\nprint(json.dumps({}))\n"
    assert parse_python(text) is parse_python(text)
    assert ast.dump(parse_python(text)) == ast.dump(ast.parse(text))
    with pytest.raises(SyntaxError):
        parse_python("def (:\n")
    with pytest.raises(SyntaxError):
        parse_python("def (:\n")  # a failure is not remembered as a tree
