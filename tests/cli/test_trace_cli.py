"""`forewarn trace`: a leaked copy names its case, its artifact and its partner.

The program is real: partners with age keys, a case with the shipped benign PoC and an advisory,
a wave released and a bundle fetched through the CLI, the partner's copy decrypted with pyrage.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from forewarn.demo import disguises
from forewarn.demo.weblog import Request, run_poc, w3c_line, w3c_log
from forewarn.hunt.similarity import DEFAULT_MIN_SCORE
from forewarn.store.audit_repo import AuditRepository
from release_world import CASE
from trace_world import LEAKER, OTHER, Released, release_and_fetch

pytestmark = pytest.mark.one_database
"""The database only holds the program: what each backend stores is proven elsewhere."""

UNRELATED = b'''"""Sum the sizes of the files in a folder."""

import os
import sys


def total(folder):
    size = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            size += os.path.getsize(os.path.join(root, name))
    return size


if __name__ == "__main__":
    print(total(sys.argv[1]))
'''


def _trace(cli, released: Released, *paths: Path, extra: tuple[str, ...] = ()) -> list[dict]:
    result = cli([*released.args, "trace", *map(str, paths), *extra, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _accused(item: dict) -> list[str]:
    return [s["partner"] for s in item["suspects"] if s["accused"]]


def _disguise(source: str) -> str:
    """What a leaker might do: rename what the file binds, drop comments, reformat."""
    return disguises.format_black(disguises.strip_comments(disguises.rename(source)))


def test_leaked_copy_names_case_artifact_and_only_its_partner(
    program_env, cli, tmp_path: Path
) -> None:
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER, OTHER))
    found = tmp_path / "found" / "tool.py"
    found.parent.mkdir()
    found.write_bytes(released.copies[LEAKER]["poc.py"])

    (item,) = _trace(cli, released, found)
    assert (item["path"], item["kind"]) == (str(found), "python")
    best = item["matches"][0]
    assert (best["case"], best["artifact"]) == (CASE, "poc.py")
    assert best["similarity"] >= DEFAULT_MIN_SCORE and best["regions"]
    assert item["tokens"] and {t["partner"] for t in item["tokens"]} == {LEAKER}
    assert _accused(item) == [LEAKER]
    leaker = item["suspects"][0]
    assert leaker["false_accusation_bound"] < 1e-6
    assert {e["channel"] for e in leaker["evidence"]} >= {"python_source"}

    # Authorisation: nothing of the other partner's copy shows, whatever the output form.
    other_copy = released.copies[OTHER]["poc.py"].decode()
    other_only = set(other_copy.splitlines()) - set(
        released.copies[LEAKER]["poc.py"].decode().splitlines()
    )
    table = cli([*released.args, "trace", str(found)])
    assert table.exit_code == 0, table.stderr
    assert LEAKER in table.stdout and "1 of 1 item" in table.stdout
    json_text = json.dumps(item)
    for line in other_only:
        if len(line.strip()) > 12:
            assert line.strip() not in json_text and line.strip() not in table.stdout


def test_disguised_copy_traces_and_unrelated_or_unmarked_files_accuse_nobody(
    program_env, cli, tmp_path: Path
) -> None:
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER,))
    leaked = released.copies[LEAKER]["poc.py"].decode()
    disguised = tmp_path / "exchange_scanner_v2.py"
    disguised.write_text(_disguise(leaked))
    assert disguised.read_bytes() != released.copies[LEAKER]["poc.py"]
    exact = tmp_path / "exact.py"
    exact.write_text(leaked)
    canaries = {t["token"] for t in _trace(cli, released, exact)[0]["tokens"]}
    stripped = tmp_path / "no_canaries.py"
    stripped.write_text(
        _disguise("\n".join(x for x in leaked.splitlines() if not any(c in x for c in canaries)))
    )
    unrelated = tmp_path / "du.py"
    unrelated.write_bytes(UNRELATED)
    original = tmp_path / "poc.py"
    original.write_bytes(released.original_poc)

    traced = _trace(cli, released, disguised, stripped, unrelated, original, extra=("--case", CASE))
    names = [Path(i["path"]).name for i in traced]
    assert names == ["exchange_scanner_v2.py", "no_canaries.py", "du.py", "poc.py"]
    copy, bare, other, vendor = traced
    for derived in (copy, bare):
        assert (derived["matches"][0]["case"], derived["matches"][0]["artifact"]) == (
            CASE,
            "poc.py",
        )
        assert derived["matches"][0]["similarity"] >= DEFAULT_MIN_SCORE
        assert _accused(derived) == [LEAKER]
    assert bare["tokens"] == []  # named by its marks alone
    assert (other["matches"], other["tokens"], other["suspects"]) == ([], [], [])
    assert vendor["matches"][0]["artifact"] == "poc.py"
    assert vendor["tokens"] == [] and _accused(vendor) == []
    nothing = cli([*released.args, "trace", str(unrelated)])
    assert nothing.exit_code == 0 and "0 of 1 item" in nothing.stdout


def test_archive_with_a_bomb_still_traces_the_copy(program_env, cli, tmp_path: Path) -> None:
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER,))
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as nested:
        nested.writestr("tools/x.py", released.copies[LEAKER]["poc.py"])
    samples = tmp_path / "samples.zip"
    with zipfile.ZipFile(samples, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.bin", bytes(32 * 1024**2))
        archive.writestr("inner.zip", inner.getvalue())

    items = {i["path"]: i for i in _trace(cli, released, samples)}
    bomb = items[f"{samples}!bomb.bin"]
    assert bomb["error"] and "ratio" in bomb["error"]
    copy = items[f"{samples}!inner.zip!tools/x.py"]
    assert copy["archive"] == str(samples)
    assert _accused(copy) == [LEAKER]
    table = cli([*released.args, "trace", str(samples)])
    assert table.exit_code == 0 and "ratio" in table.stdout


def _log(tmp_path: Path, name: str, requests: list[Request]) -> Path:
    day = datetime(2021, 2, 28, tzinfo=UTC)
    lines = []
    for step, request in enumerate(requests):
        at = day.replace(hour=3, second=step)
        lines.append((at, w3c_line(at, "203.0.113.40", request)))
    path = tmp_path / "iis-logs" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(w3c_log(day, lines))
    return path


def test_web_log_lines_are_attributed(program_env, cli, tmp_path: Path) -> None:
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER, OTHER))
    copy = released.copies[LEAKER]["poc.py"]
    script = tmp_path / "leaked_poc.py"
    script.write_bytes(copy)
    (run,) = run_poc(script, 1)  # the copy's own requests, against a capture server on 127.0.0.1
    payload_only = _log(tmp_path, "u_ex210228.log", run)
    request_id = re.search(rb'REQUEST_ID = "([^"]+)"', copy)
    assert request_id is not None
    referer = f"https://mail.contoso.com/owa/?rid={request_id.group(1).decode()}"
    beacon = Request("GET", "/owa/", (("Referer", referer),))
    with_canary = _log(tmp_path, "u_ex210301.log", [*run, beacon])

    by_name = {Path(i["path"]).name: i for i in _trace(cli, released, payload_only.parent)}
    wire = by_name[payload_only.name]
    assert (wire["kind"], wire["tokens"]) == ("weblog", [])
    top = wire["suspects"][0]
    assert top["partner"] == LEAKER and top["score"] > 0
    assert [e["channel"] for e in top["evidence"]] == ["wire"]
    assert set(_accused(wire)) <= {LEAKER}
    table = cli([*released.args, "trace", str(payload_only)])
    assert table.exit_code == 0 and LEAKER in table.stdout

    canary = by_name[with_canary.name]
    assert canary["tokens"] and {t["partner"] for t in canary["tokens"]} == {LEAKER}
    assert set(_accused(canary)) <= {LEAKER}  # the token adds a lead, never an accusation
    (named,) = [s for s in canary["suspects"] if s["partner"] == LEAKER]
    assert named["lead"] is not named["accused"]


def test_only_a_partners_canary_tokens_make_a_lead_not_an_accusation(
    program_env, cli, tmp_path: Path
) -> None:
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER, OTHER))
    exact = tmp_path / "exact.py"
    exact.write_bytes(released.copies[LEAKER]["poc.py"])
    canaries = sorted({t["token"] for t in _trace(cli, released, exact)[0]["tokens"]})
    assert canaries
    pasted = tmp_path / "pastebin.txt"  # someone pasted the strings, nothing else of the copy
    pasted.write_text("seen on a forum:\n" + "\n".join(canaries) + "\n")

    (item,) = _trace(cli, released, pasted)
    assert {t["partner"] for t in item["tokens"]} == {LEAKER}
    assert _accused(item) == []
    (suspect,) = item["suspects"]
    assert (suspect["partner"], suspect["lead"], suspect["accused"]) == (LEAKER, True, False)
    assert suspect["score"] <= 0.0 and suspect["false_accusation_bound"] == 1.0
    table = cli([*released.args, "trace", str(pasted)])
    assert table.exit_code == 0
    assert f"{pasted}: tracking token of {LEAKER} found: a lead to check, not proof" in table.stdout
    assert "program staff can derive any partner's tokens" in table.stdout  # who could plant it
    assert "P(innocent)" not in table.stdout


def test_investigate_shows_a_token_lead_and_suspends_or_records_nobody(
    program_env, cli, tmp_path: Path
) -> None:
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER, OTHER))
    exact = tmp_path / "exact.py"
    exact.write_bytes(released.copies[LEAKER]["poc.py"])
    canaries = sorted({t["token"] for t in _trace(cli, released, exact)[0]["tokens"]})
    pasted = tmp_path / "pastebin.txt"
    pasted.write_text("\n".join(canaries) + "\n")
    seen = datetime(2021, 2, 28, tzinfo=UTC).timestamp()
    os.utime(pasted, (seen, seen))
    args = [*released.args, "investigate", CASE, "--evidence", str(pasted)]
    args += ["--now", "2021-03-01T12:00:00Z", "--record"]

    result = cli([*args, "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    suspects = [s for a in data["activities"] for f in a["findings"] for s in f["suspects"]]
    assert [(s["partner"], s["lead"], s["accused"]) for s in suspects] == [(LEAKER, True, False)]
    assert "suspend-partner" not in {r["kind"] for r in data["recommendations"]}
    statements = [
        e["statement"] for a in data["activities"] for h in a["hypotheses"] for e in h["evidence"]
    ]
    assert any(f"tracking token of {LEAKER} found in" in s and "not proof" in s for s in statements)
    with program_env.open() as program, program.session() as session:
        kinds = [leaf.kind for leaf in AuditRepository(session).leaves()]
    assert "accusation" not in kinds

    table = cli(args)
    assert table.exit_code == 0
    assert f"pastebin.txt: tracking token of {LEAKER} found: a lead to check, not proof" in (
        table.stdout
    )
    assert f"Suspend partner {LEAKER}" not in table.stdout
    assert "travels on the wire" in table.stdout


def test_trace_refuses_missing_paths(program_env, cli, tmp_path: Path) -> None:
    result = cli([*program_env.cli_args(), "trace", str(tmp_path / "nowhere.py")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no such file or directory")
