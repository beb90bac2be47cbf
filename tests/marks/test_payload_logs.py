"""Payload marks in big, busy logs: only the PoC's own requests speak, other traffic never does."""

from __future__ import annotations

import random
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pysupport import poc_source, random_bits, raw_http, run_against_toy
from test_marks_text import ADVISORY

from forewarn.domain import ArtifactKind
from forewarn.marks import CodeSpec, Marker
from forewarn.marks.channels.payload.channel import PayloadChannel
from forewarn.marks.channels.payload.lines import request_paths, select_requests
from forewarn.marks.channels.payload.read import is_wire_capture, read_suspect
from forewarn.marks.tokens import legacy

CHANNEL = PayloadChannel()
POC = poc_source()
CAPACITY = CHANNEL.capacity(POC)
STOCK_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/88.0.4324.190 Safari/537.36"
)
"""The browser user agent the shipped PoC copies: every Chrome user of early 2021 sent it."""
W3C_HEAD = (
    "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time s-ip cs-method "
    "cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status "
    "sc-substatus sc-win32-status time-taken\n"
)


def _noise(rng: random.Random) -> tuple[str, str, str, str]:
    """`(path, query, user agent, referer)` of a request the PoC did not send."""
    return rng.choice(
        [
            ("/owa/auth/logon.aspx", f"id={rng.getrandbits(40):x}&v=1", STOCK_AGENT, "-"),
            ("/EWS/Exchange.asmx", "-", STOCK_AGENT, "-"),
            ("/owa/", "Pad=" + "A" * 37 + "&x=1", STOCK_AGENT, "-"),
            ("/owa/", "-", STOCK_AGENT, "https://mail.example/autodiscover/autodiscover.json"),
            ("/autodiscover/autodiscover.json", "-", "python-requests/2.25.1", "-"),
            ("/aspnet_client/system_web/readme_1.txt", "-", "curl/7.68.0", "-"),
        ]
    )


def _w3c(path: str, query: str, agent: str, referer: str) -> str:
    plus = agent.replace(" ", "+")
    head = "2021-02-28 03:00:00 10.0.0.5 GET"
    return f"{head} {path} {query} 443 - 192.0.2.7 {plus} {referer} 200 0 0 9"


def _apache(path: str, query: str, agent: str, referer: str) -> str:
    target = path if query == "-" else f"{path}?{query}"
    stamp = "[28/Feb/2021:03:00:00 +0000]"
    return f'192.0.2.7 - - {stamp} "GET {target} HTTP/1.1" 200 5 "{referer}" "{agent}"'


def _busy(lines: list[str], form: str, noise: int, seed: int) -> str:
    """`lines` of a log with `noise` unrelated requests before, between and after them."""
    rng = random.Random(seed)
    write = _w3c if form == "w3c" else _apache
    out = [write(*_noise(rng)) for _ in range(noise)]
    for line in lines:
        out.insert(rng.randrange(len(out) + 1), line)
    return (W3C_HEAD if form == "w3c" else "") + "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def marked_logs(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[int], dict[str, str]]:
    """A marked PoC run once against the toy server: its bits and its W3C, Apache and raw HTTP."""
    bits = random_bits(CAPACITY, 17)
    workdir = tmp_path_factory.mktemp("payload-logs")
    requests, w3c, apache = run_against_toy(CHANNEL.embed(POC, bits), workdir, logs=True)
    texts = {"w3c": w3c.read_text(), "apache": apache.read_text(), "http": raw_http(requests)}
    return bits, texts


@pytest.mark.parametrize("form", ["w3c", "apache"])
def test_marked_lines_among_noise_read_as_the_pure_log(
    marked_logs: tuple[list[int], dict[str, str]], form: str
) -> None:
    bits, texts = marked_logs
    pure = texts[form]
    own = [line for line in pure.splitlines() if line and not line.startswith("#")]
    busy = _busy(own, form, noise=3000, seed=5)
    # the reading of every line of the pure log (no selection) is what the busy log must give
    whole = read_suspect(pure)
    assert whole.form == form
    expected = CHANNEL.extract(POC, pure)
    got = CHANNEL.extract(POC, busy)
    assert got == expected
    assert sum(g is not None for g in got) >= 10
    assert all(g in (None, b) for b, g in zip(bits, got, strict=True))


def test_raw_http_requests_to_the_poc_paths_keep_their_headers(
    marked_logs: tuple[list[int], dict[str, str]],
) -> None:
    bits, texts = marked_logs
    other = "GET /owa/ HTTP/1.1\r\nUser-Agent: " + STOCK_AGENT + "\r\nAccept: */*\r\n\r\n"
    busy = other + "\n" + texts["http"] + "\n" + other
    got = CHANNEL.extract(POC, busy)
    assert got == CHANNEL.extract(POC, texts["http"])
    assert sum(g == b for b, g in zip(bits, got, strict=True)) >= CAPACITY - 2


@pytest.mark.parametrize("form", ["w3c", "apache"])
def test_unrelated_traffic_reads_as_erasures(form: str) -> None:
    """Stock user agents, PoC paths from other clients, near-miss paths: all erased."""
    busy = _busy([], form, noise=2000, seed=11)
    assert CHANNEL.extract(POC, busy) == [None] * CAPACITY


def test_only_requests_to_the_poc_paths_are_selected() -> None:
    paths = request_paths(POC)
    assert {p.head for p in paths} >= {"/autodiscover/autodiscover.json", "/ecp/proxyLogon.ecp"}
    lines = [
        _w3c("/aspnet_client/system_web/readme_81443.txt", "-", STOCK_AGENT, "-"),
        _w3c("/owa/", "-", STOCK_AGENT, "https://x/ecp/proxyLogon.ecp"),
        _w3c("/ecp/proxyLogon.ecp", "-", "curl/7.68.0", "-"),
        _w3c("/EWS/Exchange.asmx", "-", STOCK_AGENT, "-"),
        _w3c("/autodiscover/autodiscover.json", urllib.parse.quote("Email=a b"), "a", "-"),
    ]
    kept = select_requests(W3C_HEAD + "\n".join(lines) + "\n", "w3c", paths).splitlines()
    assert kept == [lines[0], lines[2], lines[4]]


PIECES = ["/owa/ ", "/ecp/proxyLogon.ecp ", "x", " ", "\n", "#"]


@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_selected_requests_are_whole_lines_of_the_log(parts: list[str]) -> None:
    text = W3C_HEAD + "".join(parts)
    kept = select_requests(text, "w3c", request_paths(POC))
    assert set(kept.splitlines()) <= set(text.splitlines())


FRAGMENTS = ["FWR-", "fwr-", "edge-", "/r/", "ab12", "K6E2", "-", "_", " ", "x", "0123456789", "\n"]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
def test_ascii_token_search_matches_the_case_insensitive_one(parts: list[str]) -> None:
    text = "".join(parts)
    assert legacy.candidates(text) == legacy._candidates_any(text)


def test_a_web_log_is_not_read_for_text_marks_yet_its_canary_is_a_lead_to_the_partner() -> None:
    marker = Marker(b"program-secret-0123456789abcdef", "CASE-2021-0009", CodeSpec(20))
    partners = [f"partner-{k:02d}" for k in range(20)]
    copy = marker.mark("advisory.md", ArtifactKind.ADVISORY, ADVISORY.encode(), partners[3])
    line = _w3c("/owa/", f"rid={copy.tokens[0]}", "poc-client/1.0", "-")
    log = (W3C_HEAD + line + "\n" + copy.content.decode()).encode()
    assert is_wire_capture(log.decode())
    assert marker.extract("advisory.md", ArtifactKind.ADVISORY, ADVISORY.encode(), log) == ()
    verdict = marker.trace("advisory.md", ArtifactKind.ADVISORY, ADVISORY.encode(), log, partners)
    assert verdict.accused == () and verdict.leads == (partners[3],)


def test_python_quoting_a_request_is_still_python() -> None:
    source = 'REQUEST = """\nGET /x HTTP/1.1\nHost: a\n"""\nprint(REQUEST)\n'
    assert not is_wire_capture(source)
    assert is_wire_capture("GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
