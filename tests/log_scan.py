"""Every test's log output is scanned for secrets and embargoed content (none may appear).

A handler on the `forewarn` logger (and the service's `uvicorn` loggers) at DEBUG keeps what each
test logs in process; after the test, the records are searched for what must never be logged:
secret keys, bearer tokens, canary tokens (`forewarn.marks.tokens.TOKEN_PATTERNS`, the one
source of their shapes) and the lines of the embargoed artifacts the tests release (the shipped
scenarios' advisories, detection guidance and PoCs, and the fixture PoCs). A hit fails the test
that logged it. Subprocesses log to their own stderr, which their tests read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from forewarn.marks.tokens import TOKEN_PATTERNS

ROOT = Path(__file__).resolve().parents[1]
EMBARGOED = (
    *sorted((ROOT / "src/forewarn/data/scenarios").glob("*/advisory.md")),
    *sorted((ROOT / "src/forewarn/data/scenarios").glob("*/detection.md")),
    *sorted((ROOT / "src/forewarn/data/scenarios").glob("*/poc.py")),
    *sorted((ROOT / "tests/fixtures/pocs").glob("*.*")),
)
"""Artifacts the tests release under embargo: their lines must never reach a log."""
MIN_LINE = 32
"""Shorter lines (`import json`, a closing brace) say nothing of an artifact."""
SECRETS = (
    re.compile(r"AGE-SECRET-KEY-1[0-9A-Z]+"),
    re.compile(r"\bBearer\s+[A-Za-z0-9._~+/-]{16,}"),
    re.compile(r"\bfwp_[A-Za-z0-9_-]{16,}"),
    *TOKEN_PATTERNS,
)
"""Shapes of secrets: age identities, bearer and partner API tokens, canary tokens."""
LOGGERS = ("forewarn", "uvicorn", "uvicorn.error", "uvicorn.access")


@cache
def embargoed_lines() -> frozenset[str]:
    """Every long enough line of the embargoed artifacts, stripped."""
    lines: set[str] = set()
    for path in EMBARGOED:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip()
            if len(line) >= MIN_LINE:
                lines.add(line)
    return frozenset(lines)


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def leaks_in(text: str) -> list[str]:
    """What of `text` must not be logged: secret shapes, then embargoed lines."""
    found = [m.group(0) for pattern in SECRETS for m in pattern.finditer(text)]
    found += [line for line in embargoed_lines() if line in text]
    return found


def _text(record: logging.LogRecord) -> str:
    parts = [record.getMessage()]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


@pytest.fixture(autouse=True)
def log_output_scan() -> Iterator[None]:
    """Keep what the test logs; fail it if a secret or an embargoed line was logged."""
    handler = _Keep()
    loggers = [logging.getLogger(name) for name in LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
    hits = [(r.name, leak) for r in handler.records for leak in leaks_in(_text(r))]
    if hits:
        pytest.fail(f"logged what must never be logged: {hits[:5]}", pytrace=False)
