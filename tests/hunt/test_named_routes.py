"""A text names a hunt's route when some path written in it is on the route filter's routes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from forewarn.hunt.wire.named_routes import SCAN_CHARS, names_a_route
from forewarn.marks.channels.wire.routes import route_filter

ROUTES = route_filter([("POST", "/owa/auth/harmless_#.aspx"), ("GET", "/ecp/report.ashx")])


def test_paths_in_code_of_any_language_are_found() -> None:
    dart = "final uri = Uri.parse('$base/owa/auth/harmless_12.aspx');"
    kotlin = 'val url = "http://${host}:8080/ecp/report.ashx?id=$id"'
    elixir = 'HTTPoison.get!("https://lab.invalid:8443/ecp/report.ashx", headers)'
    for text in (dart, kotlin, elixir):
        assert names_a_route(text, ROUTES), text


def test_digits_are_folded_as_the_route_skeleton_folds_them() -> None:
    assert names_a_route('post("/owa/auth/harmless_99731.aspx")', ROUTES)


def test_other_paths_and_prose_name_no_route() -> None:
    for text in (
        "The flaw lies in the authentication handler of the web front end.",
        'get("/owa/auth/other.aspx"); get("/ecp/")',
        "see https://example.invalid/docs/report.ashx for details",
        "",
    ):
        assert not names_a_route(text, ROUTES), text


def test_only_the_head_of_a_long_text_is_searched() -> None:
    assert not names_a_route("x" * SCAN_CHARS + "/ecp/report.ashx", ROUTES)


@given(st.text(alphabet=st.characters(blacklist_characters="/"), max_size=300))
def test_a_text_without_a_slash_never_names_a_route(text: str) -> None:
    assert not names_a_route(text, ROUTES)


@given(st.text(max_size=200), st.text(max_size=200))
def test_a_route_written_between_quotes_is_found_whatever_surrounds_it(
    before: str, after: str
) -> None:
    assert names_a_route(f'{before} "/ecp/report.ashx" {after}', ROUTES)
