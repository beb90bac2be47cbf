"""Marked code must behave as the original: the PoC against the toy server, and real stdlib modules
against CPython's own tests."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from pysupport import poc_source, random_bits, run_against_toy

from forewarn.marks.channels.payload.channel import PayloadChannel
from forewarn.marks.channels.pysource.channel import PythonSourceChannel

SOURCE = PythonSourceChannel()
PAYLOAD = PayloadChannel()
POC = poc_source()


def _normalise(requests: list[dict[str, object]], *, payload: bool) -> list[object]:
    """Requests as comparable values: the port the toy server drew is not the PoC's doing; with
    `payload`, the values the payload channel may set are blanked too."""
    out: list[object] = []
    for entry in requests:
        headers = [(str(k), re.sub(r":\d+$", ":PORT", str(v))) for k, v in entry["headers"]]  # type: ignore[attr-defined]
        path, body = str(entry["path"]), str(entry["body"])
        if payload:
            blank = lambda text: re.sub(r"A{8,}", "A*", re.sub(r"\d", "0", text))  # noqa: E731
            headers = sorted((k.lower(), blank(v)) for k, v in headers)
            stem, _, query = blank(path).partition("?")
            path = stem + "?" + "&".join(sorted(query.split("&")))
            body = blank(body)
        out.append((entry["method"], path, headers, body))
    return out


def test_source_marks_leave_the_requests_unchanged(tmp_path: Path) -> None:
    original, _, _ = run_against_toy(POC, tmp_path / "original")
    assert len(original) == 4
    capacity = SOURCE.capacity(POC)
    for seed in range(3):
        marked = SOURCE.embed(POC, random_bits(capacity, seed))
        assert marked != POC
        seen, _, _ = run_against_toy(marked, tmp_path / f"marked{seed}")
        assert _normalise(seen, payload=False) == _normalise(original, payload=False)


def test_payload_marks_change_only_the_marked_values(tmp_path: Path) -> None:
    original, _, _ = run_against_toy(POC, tmp_path / "original")
    for seed in range(2):
        marked = PAYLOAD.embed(POC, random_bits(PAYLOAD.capacity(POC), seed))
        marked = SOURCE.embed(marked, random_bits(SOURCE.capacity(marked), seed + 7))
        seen, _, _ = run_against_toy(marked, tmp_path / f"marked{seed}")
        assert _normalise(seen, payload=True) == _normalise(original, payload=True)
        assert _normalise(seen, payload=False) != _normalise(original, payload=False)


STDLIB_CHECKS = ["textwrap", "shlex", "colorsys", "fnmatch"]
"""Modules whose CPython test suite runs in a second or two."""


SCHEME6_CHECKS = [("zipapp", "sysexit"), ("glob", "ternary:plain")]
"""Modules with fast test suites holding scheme 6's new kinds (`natural.SCHEME6_KINDS`).
Not `mimetypes`: its tests mock `open` and assert the exact call, which scheme 5's
`defaultarg:open` (`open(p)` / `open(p, "r")`) changes."""

SCHEME6 = PythonSourceChannel(blind=True, version=6)


@pytest.mark.parametrize(
    ("channel", "module"),
    [(SOURCE, m) for m in STDLIB_CHECKS] + [(SCHEME6, m) for m, _ in SCHEME6_CHECKS],
    ids=lambda v: v if isinstance(v, str) else f"v{v.version}",
)
def test_marked_stdlib_modules_pass_their_own_tests(
    channel: PythonSourceChannel, module: str, tmp_path: Path
) -> None:
    if importlib.util.find_spec(f"test.test_{module}") is None:
        pytest.skip(f"this interpreter ships no test.test_{module}")
    source = (Path(sysconfig.get_paths()["stdlib"]) / f"{module}.py").read_text(encoding="utf-8")
    capacity = channel.capacity(source)
    assert capacity >= 10
    read = channel.extract(source, source)
    for seed in range(2):
        folder = tmp_path / f"seed{seed}"
        folder.mkdir()
        # seed 0 flips every choice point (each scheme-6 site in its other form), seed 1 is random
        bits = [1 - int(b or 0) for b in read] if seed == 0 else random_bits(capacity, seed)
        marked = channel.embed(source, bits)
        assert marked != source
        (folder / f"{module}.py").write_text(marked, encoding="utf-8")
        code = (
            f"import sys; sys.path.insert(0, {str(folder)!r}); import {module}; "
            f"assert {module}.__file__.startswith({str(folder)!r}); "
            f"import unittest, test.test_{module} as suite; unittest.main(module=suite)"
        )
        # without coverage: it imports `textwrap` and `fnmatch` itself before the marked copy
        # could be, and this checks the marked standard library, not forewarn
        plain = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env=plain,
        )
        assert done.returncode == 0, done.stderr[-2000:]


def test_the_scheme_6_checks_hold_scheme_6_kinds() -> None:
    """The modules above do exercise scheme 6's new kinds (else their runs prove nothing)."""
    from forewarn.marks.channels.pysource.channel import _plan_of
    from forewarn.marks.channels.pysource.natural import kind_name, subkind_name

    for module, kind in SCHEME6_CHECKS:
        path = Path(sysconfig.get_paths()["stdlib"]) / f"{module}.py"
        plan = _plan_of(path.read_text(encoding="utf-8"), True, 6)
        kinds = {subkind_name(f.site) or kind_name(f.site) for f in plan.located}
        assert kind in kinds and "ifswap:plain" in kinds, module
