"""`forewarn trace` on rewrites in clients and languages no earlier corpus had.

The product is tried on material nobody here has seen, so this plays the evaluator: the
Exchange look-alike's copy of Partner 07 (the 40-partner world of tests/marks/redteam_pocs/,
its test-only key) is rewritten as a code assistant would, in clients and languages not
covered before (Kotlin OkHttp, Java `HttpURLConnection`, Go resty and hand-built
`http.Request` values, Perl LWP, Swift `URLSession`, Dart `http`, Lua LuaSocket, wget, HTTPie,
C++ libcurl, Deno `Headers`) and as restructured Python (an async client class over a frozen
dataclass, argparse defaults holding every value, a JSON profile and an enum of steps, an
opener with a header generator, steps registered by a decorator). Each keeps what the copy
sends (tests/marks/redteam_pocs3/README.md says where a client changes a default). All are
traced in one run; what is asserted is what was measured: who is accused or ranked first, from
how many wire symbols, and that no innocent ever is.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import T0, ProgramEnv
from forewarn.cli.app import app
from forewarn.domain import ArtifactKind
from forewarn.program.keys import ProgramKeys
from forewarn.program.service import init_program
from forewarn.settings import Settings, sqlite_url
from release_world import CASE, JOINED, NOTICE, POC, add_case, add_partners
from trace_world import iso

pytestmark = pytest.mark.one_database
"""The database only holds this program: what each backend stores is proven elsewhere."""

MARKS = Path(__file__).resolve().parents[1] / "marks"
WORLD = MARKS / "redteam_pocs"
"""The world reused: its key and Partner 07's leaked copy."""
REWRITES = MARKS / "redteam_pocs3" / "rewrites"
PARTNERS = tuple(f"Partner {i:02d} Labs" for i in range(40))
LEAKER = "Partner 07 Labs"
"""Whose copy every rewrite is made from."""

ACCUSED = {
    "c01_cpp_libcurl.cpp": 50,
    "g01_go_resty.go": 50,
    "g02_go_request_struct.go": 49,
    "h01_httpie.sh": 52,
    "j01_java_urlconnection.java": 52,
    "k01_kotlin_okhttp.kt": 52,
    "lu01_lua_socket.lua": 50,
    "n01_deno_headers.ts": 52,
    "pl01_perl_lwp.pl": 49,
    "sw01_swift_urlsession.swift": 52,
    "v01_aiohttp_dataclass.py": 53,
    "v02_httpclient_argparse.py": 63,
    "v03_urllib3_prepared.py": 62,
    "v04_urllib_opener.py": 53,
    "v05_requests_registry.py": 62,
    "w01_wget.sh": 50,
    "da01_dart_http.dart": 52,
}
"""Rewrite → wire symbols read at least, where the leaker is accused (measured at 40
partners, all rewrites in one run). Before this corpus's fixes `v02` read 24 (nobody
accused), `v03` 42, `v04` 33, `v05` 33, `k01` 41, `pl01` 38 and `sw01` 50."""
READ_AS_TEXT = frozenset({"da01_dart_http.dart"})
"""Rewrites in a language the hunt's table does not name (`.dart`) whose content no signature
claims: the kind is text, read for wire marks because it names a route of the PoC's requests
(hunt/wire/named_routes.py; before, prose was never read for them and nobody was ranked)."""
EXACT = frozenset(ACCUSED) - {"v01_aiohttp_dataclass.py", "v05_requests_registry.py"}
"""Rewrites read without a single wrong symbol. `v01` and `v05` print their summary with
`json.dumps(…, indent=2)` where the copy printed `indent=4`: the `json-indent` behaviour
constant reads the rewrite's own choice (one wrong symbol, on no request)."""


def _cli(args: list[str]) -> Any:
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def items(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[dict[str, dict[str, Any]]]:
    """The 40-partner program of the world's key, released, and one `forewarn trace --json`
    of every rewrite, by file name."""
    folder = tmp_path_factory.mktemp("unseen")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOREWARN_KNOWN_KEYS", str(folder / "known-program-keys.json"))
        db = folder / "forewarn.db"
        shutil.copyfile(sqlite_template, db)
        settings = Settings(database_url=sqlite_url(db), key_file=folder / "forewarn.key")
        shutil.copyfile(WORLD / "program.key", settings.key_file)
        os.chmod(settings.key_file, 0o600)
        init_program(settings, now=T0, name="Red Team Program", replay=True)
        env = ProgramEnv(folder, settings, ProgramKeys.load(settings.key_file))
        with env.open() as opened, opened.session() as session:
            names = [(name, "early-access") for name in PARTNERS]
            add_partners(session, opened.keys, names, now=JOINED)
            add_case(
                session,
                opened.keys,
                now=JOINED,
                artifact_contents=(("poc.py", ArtifactKind.POC, POC.read_bytes()),),
            )
        args = env.cli_args()
        _cli([*args, "wave", "release", CASE, "--now", iso(NOTICE)])
        evidence = folder / "evidence"
        shutil.copytree(REWRITES, evidence)
        traced = _cli([*args, "trace", str(evidence), "--json"])
        yield {Path(i["path"]).name: i for i in json.loads(traced.stdout)}


def _wire(item: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in item["suspects"][0]["evidence"] if e["channel"] == "wire")


def test_every_rewrite_is_traced(items: dict[str, Any]) -> None:
    assert {p.name for p in REWRITES.iterdir()} == set(items)
    assert set(ACCUSED) == set(items)


def test_no_rewrite_accuses_an_innocent(items: dict[str, Any]) -> None:
    for name, item in items.items():
        accused = {s["partner"] for s in item["suspects"] if s["accused"]}
        assert accused <= {LEAKER}, (name, accused)
        assert item["error"] is None and item["tokens"] == [], name


@pytest.mark.parametrize("name", sorted(ACCUSED))
def test_the_leaker_is_accused(items: dict[str, Any], name: str) -> None:
    item = items[name]
    accused = {s["partner"] for s in item["suspects"] if s["accused"]}
    assert accused == {LEAKER}, (name, accused)
    wire = _wire(item)
    assert wire["symbols_read"] >= ACCUSED[name], (name, wire)
    if name in EXACT:
        assert wire["symbols_matching"] == wire["symbols_read"], (name, wire)


@pytest.mark.parametrize("name", sorted(READ_AS_TEXT))
def test_code_in_a_language_nobody_names_is_read_by_its_routes(
    items: dict[str, Any], name: str
) -> None:
    item = items[name]
    assert item["kind"] == "text" and item["language"] is None
    assert [r["why"] for r in item["read"]] == ["text naming a route of its requests"]


def test_every_rewrite_keeps_values_of_the_leakers_copy() -> None:
    """What makes them rewrites of copy 07: its note id, ticket, request id and user agent."""
    copy = (WORLD / "leaked" / "copy_07.py.txt").read_text()
    kept = ("91453", "1843073522", "20200302-7720", "Windows NT 10.0; WOW64")
    assert all(value in copy for value in kept)
    for path in REWRITES.iterdir():
        text = path.read_text()
        assert all(value in text for value in kept), path.name
        assert "AWS_ACCESS_KEY_ID" not in text and "GITHUB_TOKEN" not in text, path.name
