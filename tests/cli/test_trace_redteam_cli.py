"""`forewarn trace` on a red team's rewrites of one leaked copy (tests/marks/redteam_pocs/).

A partner's copy of the Exchange 2021 PoC leaks; an attacker has a code assistant rewrite it
(requests, httpx, aiohttp, urllib3, urllib, http.client, raw sockets, Node.js, curl,
PowerShell, Go, Java, TypeScript, Rust, Ruby, PHP, C#, a nuclei template, a table of steps,
raw request templates; some with every value lifted into a constant and spliced back by
templates, concatenation or formats), each keeping what the copy sends and dropping its tokens, plus
three partial leaks and two merges of two partners' copies. The rewrites were written by hand
against the copies this program key gives (the key is a test fixture;
`test_the_fixtures_are_this_programs_copies` proves they still are), and traffic of some of
them is captured live from the toy server. What is asserted is what was measured: who is
accused or ranked first, from how many wire symbols, and that no innocent ever is.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import T0, ProgramEnv
from forewarn.cli.app import app
from forewarn.domain import ArtifactKind
from forewarn.marks.channels.wire.candidates import Literal
from forewarn.marks.channels.wire.foreign import read_foreign
from forewarn.marks.channels.wire.signatures import wire_plan
from forewarn.marks.schemes import CURRENT_SCHEME
from forewarn.program.bundles import unseal
from forewarn.program.keys import ProgramKeys
from forewarn.program.service import init_program
from forewarn.settings import Settings, sqlite_url
from release_world import CASE, JOINED, NOTICE, POC, add_case, add_partners, open_bundle
from trace_world import iso

pytestmark = pytest.mark.one_database
"""The database only holds this program: what each backend stores is proven elsewhere."""

FIXTURES = Path(__file__).resolve().parents[1] / "marks" / "redteam_pocs"
PARTNERS = tuple(f"Partner {i:02d} Labs" for i in range(40))
LEAKER = "Partner 07 Labs"
"""Whose copy every rewrite is made from."""
MERGED = {"m1_merge_07_19.py": "Partner 19 Labs", "m2_merge_07_31.js": "Partner 31 Labs"}
"""The merges and the second partner whose copy each takes requests from."""
TOKEN_LINES = ("AWS_ACCESS_KEY_ID =", "GITHUB_TOKEN =", "SESSION_TOKEN =", "REQUEST_ID =")
"""The token constants the attacker deleted first."""

ACCUSED = {
    "r01_requests_flat.py": 56,
    "r02_requests_class.py": 62,
    "r03_httpx_client.py": 63,
    "r04_aiohttp_async.py": 54,
    "r05_httpclient_put.py": 63,
    "r06_urllib3_pool.py": 63,
    "r07_urllib_request.py": 54,
    "r08_raw_socket.py": 62,
    "r09_node_http.js": 52,
    "r10_curl.sh": 50,
    "r11_go_client.go": 52,
    "r12_powershell.ps1": 34,
    "r13_httpx_async_class.py": 62,
    "r14_table_driven.py": 61,
    "r15_raw_template.py": 52,
    "r16_node_fetch_consts.mjs": 52,
    "r17_java_httpclient.java": 43,
    "r18_base64_hidden.py": 28,
    "r19_go_sprintf.go": 52,
    "r20_ts_axios_template.ts": 52,
    "r21_java_format.java": 43,
    "r22_powershell_expand.ps1": 34,
    "r23_curl_vars.sh": 50,
    "r24_rust_reqwest.rs": 40,
    "r25_nuclei_template.yaml": 60,
    "r26_burp_probe_request.txt": 41,
    "r27_ruby_net_http.rb": 52,
    "r28_php_curl.php": 52,
    "r29_ruby_faraday.rb": 52,
    "r30_php_guzzle.php": 52,
    "r31_csharp_httpclient.cs": 44,
    "r32_ruby_httparty_consts.rb": 52,
    "r33_php_sprintf_consts.php": 52,
    "p1_builder_only.py": 34,
    "p2_two_requests.py": 50,
    "m1_merge_07_19.py": 54,
    "capture_r07_urllib_request.http": 47,
    "capture_r05_httpclient_put.http": 60,
    "capture_r09_node_http.http": 60,
}
"""Item → wire symbols read at least, where the leaker is accused (measured at 40 partners)."""
RANKED_FIRST = {
    "p3_fragment_client.py": 23,
    "m2_merge_07_31.js": 42,
}
"""Item → wire symbols read at least, where a copier is ranked first but nobody accused."""
NOBODY = {
    "m2_merge_07_31.js": 42,
    "p3_fragment_client.py": 23,
}
"""Item → wire symbols read at most, where nobody can honestly be accused: the Node merge
shows both copies' value of every site it took from both (user agent, `Accept-Language`,
`connection`, the case of `User-Agent` and `Content-Type`), which erases each; the fragment
sends one request."""
EXACT = frozenset(
    {"r02_requests_class.py", "r05_httpclient_put.py", "r06_urllib3_pool.py"}
    | {"r08_raw_socket.py", "r09_node_http.js", "r10_curl.sh", "r12_powershell.ps1"}
    | {"r14_table_driven.py", "r15_raw_template.py", "p1_builder_only.py"}
    | {"r17_java_httpclient.java", "r18_base64_hidden.py"}
    | {"r11_go_client.go", "r16_node_fetch_consts.mjs", "r19_go_sprintf.go"}
    | {"r20_ts_axios_template.ts", "r21_java_format.java", "r22_powershell_expand.ps1"}
    | {"r24_rust_reqwest.rs"}
    | {"r23_curl_vars.sh", "r25_nuclei_template.yaml", "r26_burp_probe_request.txt"}
    | {"r27_ruby_net_http.rb", "r28_php_curl.php", "r29_ruby_faraday.rb", "r30_php_guzzle.php"}
    | {"r31_csharp_httpclient.cs", "r32_ruby_httparty_consts.rb", "r33_php_sprintf_consts.php"}
    | {"r01_requests_flat.py", "r03_httpx_client.py", "r13_httpx_async_class.py"}
    | {"capture_r07_urllib_request.http", "capture_r09_node_http.http"}
)
"""Items that send what the copy sends and read without a single wrong symbol."""
TEMPLATES = ("r25_nuclei_template.yaml", "r26_burp_probe_request.txt")
"""Requests written out raw, in a scanner template and a proxy's saved request."""
CAPTURED = {
    "capture_r07_urllib_request.http": ["r07_urllib_request.py"],
    "capture_r05_httpclient_put.http": ["r05_httpclient_put.py"],
    "capture_r09_node_http.http": ["r09_node_http.js"],
}
"""Captures made here: the rewrite run against the toy server, its requests as received."""


def _toy_server() -> Any:
    where = POC.parent / "toy_server.py"
    spec = importlib.util.spec_from_file_location("redteam_toy_server", where)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _capture(script: Path, out: Path, folder: Path) -> None:
    """Run a benign rewrite against the local toy server; write what it received as raw HTTP
    (request line, headers in the order and case they arrived, body)."""
    toy = _toy_server()
    record = folder / f"{script.stem}.jsonl"
    server = toy.serve(record, port=0)
    try:
        runner = [sys.executable] if script.suffix == ".py" else [shutil.which("node") or "node"]
        done = subprocess.run(
            [*runner, str(script), str(server.server_address[1])],
            capture_output=True,
            timeout=60,
            check=False,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    dump = b""
    for line in record.read_text().splitlines():
        entry = json.loads(line)
        head = f"{entry['method']} {entry['path']} HTTP/1.1\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in entry["headers"]) + "\r\n"
        dump += head.encode() + entry["body"].encode()
    assert dump.count(b" HTTP/1.1\r\n") == 4
    out.write_bytes(dump)


def _cli(args: list[str]) -> Any:
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Any]:
    """The 40-partner program of the fixtures' key, released: `(folder, CLI args, copies)`."""
    folder = tmp_path_factory.mktemp("redteam")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOREWARN_KNOWN_KEYS", str(folder / "known-program-keys.json"))
        db = folder / "forewarn.db"
        shutil.copyfile(sqlite_template, db)
        settings = Settings(database_url=sqlite_url(db), key_file=folder / "forewarn.key")
        shutil.copyfile(FIXTURES / "program.key", settings.key_file)
        os.chmod(settings.key_file, 0o600)
        init_program(settings, now=T0, name="Red Team Program", replay=True)
        env = ProgramEnv(folder, settings, ProgramKeys.load(settings.key_file))
        with env.open() as opened, opened.session() as session:
            names = [(name, "early-access") for name in PARTNERS]
            identities = add_partners(session, opened.keys, names, now=JOINED)
            add_case(
                session,
                opened.keys,
                now=JOINED,
                artifact_contents=(("poc.py", ArtifactKind.POC, POC.read_bytes()),),
            )
        args = env.cli_args()
        _cli([*args, "wave", "release", CASE, "--now", iso(NOTICE)])
        copies: dict[str, str] = {}
        for name in (LEAKER, *MERGED.values()):
            where = folder / name.replace(" ", "_")
            fetch = ["bundle", "fetch", CASE, "--partner", name, "--out", str(where)]
            _cli([*args, *fetch, "--now", iso(NOTICE)])
            sealed = (where / f"{CASE}.bundle.age").read_bytes()
            poc = dict(open_bundle(unseal(sealed, identities[name])).contents)["poc.py"]
            copies[name] = poc.decode()
        yield folder, args, copies


@pytest.fixture(scope="module")
def items(released: Any) -> Iterator[dict[str, dict[str, Any]]]:
    """One `forewarn trace --json` of every rewrite and capture, by file name."""
    folder, args, _ = released
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOREWARN_KNOWN_KEYS", str(folder / "known-program-keys.json"))
        evidence = folder / "evidence"
        shutil.copytree(FIXTURES / "rewrites", evidence)
        for capture, (script,) in CAPTURED.items():
            _capture(FIXTURES / "rewrites" / script, evidence / capture, folder)
        traced = _cli([*args, "trace", str(evidence), "--json"])
        yield {Path(i["path"]).name: i for i in json.loads(traced.stdout)}


def _wire(item: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in item["suspects"][0]["evidence"] if e["channel"] == "wire")


def test_the_fixtures_are_this_programs_copies(released: Any) -> None:
    """The rewrites keep what these copies send: a change of marking shows here first."""
    _, _, copies = released
    for name, text in copies.items():
        kept = "".join(
            line for line in text.splitlines(keepends=True) if not line.startswith(TOKEN_LINES)
        )
        number = name.split()[1]
        assert kept == (FIXTURES / "leaked" / f"copy_{number}.py.txt").read_text(), name


def test_no_rewrite_accuses_an_innocent(items: dict[str, Any]) -> None:
    assert set(ACCUSED) | set(RANKED_FIRST) <= set(items)
    for name, item in items.items():
        allowed = {LEAKER, MERGED[name]} if name in MERGED else {LEAKER}
        accused = {s["partner"] for s in item["suspects"] if s["accused"]}
        assert accused <= allowed, (name, accused)
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


@pytest.mark.parametrize("name", sorted(NOBODY))
def test_what_cannot_be_read_honestly_names_nobody(items: dict[str, Any], name: str) -> None:
    item = items[name]
    assert not [s["partner"] for s in item["suspects"] if s["accused"]], name
    read = [e for s in item["suspects"] for e in s["evidence"] if e["channel"] == "wire"]
    assert max((e["symbols_read"] for e in read), default=0) <= NOBODY[name], name


@pytest.mark.parametrize("name", sorted(RANKED_FIRST))
def test_a_copier_is_ranked_first(items: dict[str, Any], name: str) -> None:
    item = items[name]
    copiers = {LEAKER, MERGED.get(name, LEAKER)}
    assert item["suspects"][0]["partner"] in copiers, name
    assert _wire(item)["symbols_read"] >= RANKED_FIRST[name], name


FOREIGN = (
    ["r09_node_http.js", "r10_curl.sh", "r11_go_client.go", "r12_powershell.ps1"]
    + ["r16_node_fetch_consts.mjs", "r17_java_httpclient.java", "r19_go_sprintf.go"]
    + ["r20_ts_axios_template.ts", "r21_java_format.java", "r22_powershell_expand.ps1"]
    + ["r23_curl_vars.sh", "r24_rust_reqwest.rs", "r27_ruby_net_http.rb", "r28_php_curl.php"]
    + ["r29_ruby_faraday.rb", "r30_php_guzzle.php", "r31_csharp_httpclient.cs"]
    + ["r32_ruby_httparty_consts.rb", "r33_php_sprintf_consts.php"]
)
"""Rewrites in another language than the copy's."""


@pytest.mark.parametrize("name", FOREIGN)
def test_another_language_is_read_as_code_that_sends_the_requests(
    items: dict[str, Any], name: str
) -> None:
    item = items[name]
    assert item["kind"] == "source" and item["matches"] == []  # nothing like the Python left
    assert [r["why"] for r in item["read"]] == ["code that may send its requests"]


@pytest.mark.parametrize("name", TEMPLATES)
def test_requests_written_out_raw_are_read_as_traffic(items: dict[str, Any], name: str) -> None:
    item = items[name]
    assert item["kind"] == "capture", name
    assert [r["why"] for r in item["read"]] == ["captured traffic shows its requests"]


def _foreign_bits(text: str) -> tuple[list[int | None], list[str]]:
    """The bits `read_foreign` takes from `text` under this program's plan (planned in this
    process by the trace above), and each carried edit's kind."""
    plan = wire_plan(POC.read_text(), CURRENT_SCHEME)
    kinds = [
        edit.kind if isinstance(edit, Literal) else "order"
        for edit in (plan.edits[k] for k in plan.carried)
    ]
    return read_foreign(plan, text), kinds


def test_orders_and_name_case_are_read_only_where_the_text_shows_them(
    items: dict[str, Any],
) -> None:
    """A dict written out twice in two orders shows no order; a text that spells every header
    name alike (re-cased by its writer) shows no case; the copy's own order and case read."""
    assert items  # the trace planned this program's PoC in this process
    text = (FIXTURES / "rewrites" / "r09_node_http.js").read_text()
    bits, kinds = _foreign_bits(text)
    assert any(b is not None for b, k in zip(bits, kinds, strict=True) if k == "order")
    assert any(b is not None for b, k in zip(bits, kinds, strict=True) if k == "case")
    start = text.index("  'User-Agent': agentString,")
    lines = text[start : text.index("});", start)].splitlines(keepends=True)
    swapped = "".join([lines[1], lines[0], *lines[2:]])
    twice = text.replace("(async () => {", "const other = {\n" + swapped + "};\n(async () => {")
    assert len(lines) == 5 and twice != text
    both, _ = _foreign_bits(twice)
    orders = [i for i, k in enumerate(kinds) if k == "order"]
    assert sum(both[i] is None for i in orders) > sum(bits[i] is None for i in orders)
    names = ("User-Agent", "Accept", "Content-Type", "X-BEResource", "X-Note-Path")
    lowered = text
    for name in names:
        lowered = lowered.replace(f"'{name}'", f"'{name.lower()}'")
    recased, _ = _foreign_bits(lowered)
    assert all(b is None for b, k in zip(recased, kinds, strict=True) if k == "case")
    assert [recased[i] for i in orders] == [bits[i] for i in orders]
