"""The payload channel: wire values read back from source, web-server logs and raw HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pysupport import (
    INDEPENDENT_CLIENT,
    TRANSFORMS,
    poc_source,
    random_bits,
    raw_http,
    run_against_toy,
    stdlib_sources,
)

from forewarn.errors import MarkError
from forewarn.marks.channels.interface import Channel
from forewarn.marks.channels.payload.channel import PayloadChannel, _sites
from forewarn.marks.channels.payload.read import detect_form

CHANNEL = PayloadChannel()
POC = poc_source()
CAPACITY = CHANNEL.capacity(POC)
KINDS = [site.kind for site in _sites(POC)]
IN_LOGS = {"digits", "padding", "query_order"}
"""What W3C and Apache logs show: URLs and user agents, not header order or case."""


def test_channel_satisfies_the_protocol() -> None:
    channel: Channel = CHANNEL
    assert channel.name == "payload"


def test_poc_offers_every_kind_of_wire_choice() -> None:
    assert set(KINDS) == {"header_order", "header_case", "query_order", "digits", "padding"}
    assert CAPACITY >= 30


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 1), min_size=CAPACITY, max_size=CAPACITY))
def test_embed_then_extract_returns_the_bits(bits: list[int]) -> None:
    marked = CHANNEL.embed(POC, bits)
    ast.parse(marked)
    assert CHANNEL.extract(POC, marked) == bits


def test_addresses_and_ports_are_never_marked() -> None:
    marked = CHANNEL.embed(POC, [1] * CAPACITY)
    assert '"127.0.0.1"' in marked and "8080" in marked


@pytest.mark.parametrize("name", ["black", "ast_unparse", "minify", "rename_all", "strip_comments"])
def test_wire_values_survive_rewrites_of_the_code(name: str) -> None:
    bits = random_bits(CAPACITY, 2)
    suspect = TRANSFORMS[name](CHANNEL.embed(POC, bits))
    assert CHANNEL.extract(POC, suspect) == bits


@pytest.fixture(scope="module")
def marked_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[int], Path]:
    """A marked PoC run once against the toy server, with both log formats written."""
    bits = random_bits(CAPACITY, 9)
    workdir = tmp_path_factory.mktemp("payload-run")
    requests, _, _ = run_against_toy(CHANNEL.embed(POC, bits), workdir, logs=True)
    assert len(requests) == 4
    (workdir / "raw.http").write_text(raw_http(requests), encoding="utf-8")
    return bits, workdir


@pytest.mark.parametrize(("log", "form"), [("w3c.log", "w3c"), ("access.log", "apache")])
def test_web_server_logs_give_back_the_url_and_agent_bits(
    marked_run: tuple[list[int], Path], log: str, form: str
) -> None:
    bits, workdir = marked_run
    text = (workdir / log).read_text(encoding="utf-8")
    assert detect_form(text) == form
    got = CHANNEL.extract(POC, text)
    assert all(g in (None, b) for b, g in zip(bits, got, strict=True))
    assert all(g is None for k, g in zip(KINDS, got, strict=True) if k not in IN_LOGS)
    shown = sum(k in IN_LOGS for k in KINDS)
    # the backend suffix travels only in the cookie, which neither log format keeps
    assert sum(g is not None for g in got) == shown - 1


def test_raw_http_gives_back_every_bit(marked_run: tuple[list[int], Path]) -> None:
    bits, workdir = marked_run
    text = (workdir / "raw.http").read_text(encoding="utf-8")
    assert detect_form(text) == "http"
    got = CHANNEL.extract(POC, text)
    missing = [k for k, b, g in zip(KINDS, bits, got, strict=True) if g != b]
    assert missing == [k for k in missing if k == "digits"]
    assert sum(g == b for b, g in zip(bits, got, strict=True)) >= CAPACITY - 2


def test_unrelated_python_and_logs_read_as_erasures(tmp_path: Path) -> None:
    read = sum(g is not None for source in stdlib_sources(50) for g in CHANNEL.extract(POC, source))
    assert read == 0
    requests, w3c, apache = run_against_toy(
        INDEPENDENT_CLIENT, tmp_path, args=["127.0.0.1", "{port}"], logs=True
    )
    assert len(requests) == 2
    for suspect in (INDEPENDENT_CLIENT, raw_http(requests), w3c.read_text(), apache.read_text()):
        assert CHANNEL.extract(POC, suspect) == [None] * CAPACITY


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("#Software: IIS\n#Fields: date time cs-uri-stem\n2021-03-02 01:02:03 /x\n", "w3c"),
        ('10.0.0.1 - - [02/Mar/2021:01:02:03 +0000] "GET / HTTP/1.1" 200 5 "-" "ua"\n', "apache"),
        ("POST /ecp/x.ecp HTTP/1.1\r\nHost: a\r\n\r\n", "http"),
        ("import os\nprint(os.sep)\n", "python"),
        ("free text, nothing else (", "text"),
    ],
)
def test_suspect_form_is_detected(text: str, form: str) -> None:
    assert detect_form(text) == form


@pytest.mark.parametrize("bits", [[], [0] * (CAPACITY + 1), [3] * CAPACITY])
def test_embed_rejects_wrong_bits(bits: list[int]) -> None:
    with pytest.raises(MarkError):
        CHANNEL.embed(POC, bits)


def test_original_without_wire_values_offers_nothing() -> None:
    assert CHANNEL.capacity("x = 1\n") == 0
    assert CHANNEL.extract("x = 1\n", POC) == []
    assert CHANNEL.capacity("not python (") == 0
