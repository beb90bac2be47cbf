"""The allowed arrows between forewarn's packages (docs/architecture.md), checked on the source.

Every `import forewarn.…` in `src/forewarn/` is read from the syntax tree (nothing is imported)
and mapped to the unit it lands in; an arrow the table below does not allow fails the test, and
so does a new top-level package the table does not know yet (add it here and in the doc).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src"
PACKAGE = SRC / "forewarn"

_BELOW_CLI = {
    "domain",
    "errors",
    "encoding",
    "bounded",
    "grammars",
    "settings",
    "marks",
    "marks.wire",
    "hunt",
    "store",
    "program",
    "exchange",
    "investigate",
}

ALLOWED: dict[str, set[str]] = {
    "forewarn": set(),
    "errors": set(),
    "settings": {"errors"},
    "domain": {"errors"},
    "encoding": {"domain", "errors"},
    "bounded": {"errors"},
    "grammars": set(),
    "marks.wire": {"domain"},
    "marks": {"domain", "errors", "encoding", "grammars", "marks.wire"},
    "hunt": {"domain", "errors", "encoding", "grammars"},
    "store": {"domain", "errors"},
    "exchange": {"domain", "errors", "encoding"},
    "program": {
        "domain",
        "errors",
        "encoding",
        "bounded",
        "settings",
        "marks",
        "marks.wire",
        "store",
        "exchange",
    },
    "investigate": _BELOW_CLI - {"investigate"},
    "api": {
        "domain",
        "errors",
        "encoding",
        "bounded",
        "settings",
        "program",
        "investigate",
        "exchange",
    },
    "demo": _BELOW_CLI,
    "cli": _BELOW_CLI | {"demo", "api"},
}
"""Unit → the units it may import. `marks.wire` (the static evaluator) is its own unit."""


def unit_of(module: str) -> str:
    """`forewarn.marks.wire.values` → `marks.wire`; `forewarn.cli.app` → `cli`."""
    parts = module.split(".")
    if parts[1:3] == ["marks", "wire"]:
        return "marks.wire"
    return parts[1] if len(parts) > 1 else "forewarn"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """The `forewarn` modules `path` imports, anywhere in the file (function bodies too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "forewarn")
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import; write `from forewarn.… import …`"
            if node.module and node.module.split(".")[0] == "forewarn":
                found.add(node.module)
    return found


def arrows() -> set[tuple[str, str, str]]:
    """Every (importing unit, imported unit, file) across units in the shipped package."""
    found: set[tuple[str, str, str]] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if "data" in path.relative_to(PACKAGE).parts:
            continue  # shipped scenario material: data, not product code
        source = unit_of(_module_name(path))
        for target in {unit_of(m) for m in _imports(path)} - {source}:
            found.add((source, target, str(path.relative_to(SRC))))
    return found


def test_every_unit_is_in_the_table() -> None:
    units = {unit_of(_module_name(p)) for p in PACKAGE.rglob("*.py") if "data" not in p.parts}
    assert units <= set(ALLOWED), f"add {sorted(units - set(ALLOWED))} to ALLOWED and the doc"


def test_no_forbidden_arrow() -> None:
    forbidden = sorted(
        f"{file}: {source} → {target}"
        for source, target, file in arrows()
        if target not in ALLOWED[source]
    )
    assert not forbidden, "imports the architecture forbids:\n" + "\n".join(forbidden)


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("program", "investigate", False),
        ("marks", "hunt", False),
        ("hunt", "marks", False),
        ("store", "program", False),
        ("marks.wire", "marks", False),
        ("investigate", "cli", False),
        ("investigate", "demo", False),
        ("demo", "investigate", True),
        ("cli", "demo", True),
        ("exchange", "store", False),
        ("exchange", "marks", False),
        ("program", "exchange", True),
    ],
)
def test_the_rules_of_the_doc_are_in_the_table(source: str, target: str, allowed: bool) -> None:
    assert (target in ALLOWED[source]) is allowed


def test_the_checker_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from forewarn.cli.app import main\n    import forewarn.demo\n")
    assert _imports(sample) == {"forewarn.cli.app", "forewarn.demo"}
    assert {unit_of(m) for m in _imports(sample)} == {"cli", "demo"}
