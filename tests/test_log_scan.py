"""The log scan of `tests/log_scan.py` finds what it must, and fails a test that logs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from log_scan import EMBARGOED, embargoed_lines, leaks_in

TESTS = Path(__file__).resolve().parent


def test_the_scan_finds_secrets_tokens_and_embargoed_lines() -> None:
    line = sorted(embargoed_lines())[0]
    assert EMBARGOED and len(embargoed_lines()) > 50
    assert leaks_in(f"posting {line} to the log") == [line]
    assert leaks_in("key AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQ") != []
    assert leaks_in("reference FWR-7K3Q-9XM2-4HPA in a message") != []
    assert leaks_in("key AKIACJQJU4CZKT7DK3GB in a message") != []
    assert leaks_in("id 6c720287-2a2c-4709-990f-decd4b029a66 in a message") != []
    assert leaks_in("Authorization: Bearer fwp_abcdefghijklmnopqrstuvwxyz") != []
    assert leaks_in("released FW-2021-0001 to 16 partners") == []


def test_a_test_that_logs_an_embargoed_line_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = sorted(embargoed_lines())[0]
    monkeypatch.setenv("PYTHONPATH", str(TESTS))
    pytester.makeconftest('pytest_plugins = ("log_scan",)\n')
    pytester.makepyfile(
        test_leaky=f"""
import logging

def test_quiet():
    logging.getLogger("forewarn.release").info("released FW-2021-0001")

def test_leaky():
    logging.getLogger("forewarn.release").debug("sending %s", {line!r})
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist")
    result.assert_outcomes(passed=2, errors=1)  # the scan fails the leaky test at teardown
    result.stdout.fnmatch_lines(["*logged what must never be logged*"])
