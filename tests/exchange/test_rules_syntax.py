"""Rule-language literals both ways, the invariant pieces of values, and the matcher's keywords."""

from __future__ import annotations

import pytest
import yara
from hypothesis import given
from hypothesis import strategies as st

from forewarn.domain.wire import PLACEHOLDER, HttpRequest
from forewarn.errors import ValidationError
from forewarn.exchange.rules import syntax
from forewarn.exchange.rules.match import buffers, compile_file, compile_rule, matches
from forewarn.exchange.rules.signatures import distinctive, stable_pieces


@given(st.binary(max_size=64))
def test_suricata_content_round_trips(data: bytes) -> None:
    assert syntax.decode_content(f'"{syntax.content(data)}"') == (data, False)
    assert syntax.decode_content(f'!"{syntax.content(data)}"') == (data, True)


@pytest.mark.parametrize("bad", ["abc", '"a|41', '"'])
def test_bad_contents_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        syntax.decode_content(bad)


def test_escaped_characters_decode() -> None:
    assert syntax.decode_content('"a\\;b\\"c"') == (b'a;b"c', False)


@given(st.text(min_size=1, max_size=40))
def test_yara_text_strings_compile_and_match_what_they_say(value: str) -> None:
    rules = yara.compile(source=f'rule t {{ strings: $a = "{syntax.text(value)}" condition: $a }}')
    assert rules.match(data=b"<" + value.encode("utf-8") + b">")


def test_free_text_and_identifiers() -> None:
    assert syntax.free_text('a "b"; c|d\\ {e}') == "a b cd e"
    assert syntax.identifier("Mail Server 2019!") == "Mail_Server_2019"
    assert syntax.identifier("***") == "x"


def test_stable_pieces_keep_what_every_copy_shows() -> None:
    assert stable_pieces(["same", "same"]) == ("same",)
    assert stable_pieces(["readme_81442.txt", "readme_81443.txt"]) == (
        "readme_8144",
        "txt"[0:0] + "2.txt"[1:],
    )
    assert stable_pieces([f"a{PLACEHOLDER}bcdef", f"a{PLACEHOLDER}bcdef"]) == ("a", "bcdef")
    assert stable_pieces([]) == ()
    assert distinctive("/ecp/proxyLogon.ecp") and not distinctive("application/json")
    assert (
        not distinctive("--target")
        and not distinctive("aaaaaaaaaa")
        and not distinctive("plain words")
    )


def _request(**kw: object) -> HttpRequest:
    base = {"method": "POST", "path": "/a%2Fb/c", "query": (("k", "v 1"),)}
    base.update(kw)
    return HttpRequest(**base)  # type: ignore[arg-type]


def _rule(options: str) -> str:
    return f"alert http any any -> any any ({options} sid:7; rev:1;)"


@pytest.mark.parametrize(
    ("options", "hit"),
    [
        ('http.uri; content:"/a/b/c?k=v 1"; startswith; endswith;', True),
        ('http.uri.raw; content:"/a%2Fb"; depth:6;', True),
        ('http.uri.raw; content:"b/c"; offset:6;', False),
        ('http.uri; content:"/a"; content:"c"; distance:1; within:3;', True),
        ('http.uri; content:"/a"; content:"k"; distance:0; within:2;', False),
        ('http.header; content:"x-id|3a| 7"; nocase; fast_pattern;', True),
        ('http.header; content:!"x-other";', True),
        ('http.header; content:!"X-Id";', False),
        ('http.cookie; content:"a=1";', True),
        ('http.user_agent; content:"tool/1"; bsize:6;', True),
        ('http.host; content:"lab.invalid";', True),
        ('http.request_body; content:"body"; endswith;', True),
        ('http.method; content:"GET";', False),
    ],
)
def test_matcher_keywords(options: str, hit: bool) -> None:
    request = _request(
        headers=(
            ("X-Id", "7"),
            ("Cookie", "a=1"),
            ("User-Agent", "tool/1"),
            ("Host", "lab.invalid"),
        ),
        body=b"the body",
    )
    assert matches(compile_rule(_rule(options)), request) is hit
    assert buffers(request)["http.header"].startswith(b"X-Id: 7\r\n")


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (_rule('content:"x";'), "outside a sticky buffer"),
        (_rule('http.uri; pcre:"/x/";'), "not modelled"),
        ("not a rule", "not a Suricata rule"),
    ],
)
def test_matcher_refuses_what_it_does_not_model(line: str, why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        compile_rule(line)


def test_compile_file_skips_comments() -> None:
    rule = _rule('http.uri; content:"/a";')
    assert len(compile_file("# c\n\n" + rule + "\n")) == 1
