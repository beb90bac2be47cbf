"""`forewarn trace` on the corpus end to end: a released program, a partner's decrypted copy,
its canaries removed, then every family of rewrite traced through the CLI.

What is asserted is what must hold whatever the channels read: no partner but the leaker is
ever accused, and the control (every wire value changed) names nobody. A restyle that keeps
the source channel accuses the leaker today; the table of bench/RESULTS.md says the rest.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.one_database
"""The database only holds the program: what each backend stores is proven elsewhere."""

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from forewarn.demo.disguises import scrub_tokens  # noqa: E402
from forewarn.marks.schemes import CURRENT_SCHEME  # noqa: E402
from rewrites.model import POCS, Leak  # noqa: E402
from rewrites.registry import ATTACKS  # noqa: E402
from trace_world import LEAKER, OTHER, release_and_fetch  # noqa: E402
from wire_world import require_tcpdump  # noqa: E402

FAMILIES = ("transform", "template", "replay", "capture", "partial", "control")


def test_trace_names_only_the_leaker_across_the_corpus(  # type: ignore[no-untyped-def]
    program_env, cli, tmp_path: Path
) -> None:
    released = release_and_fetch(program_env, cli, tmp_path / "bundles", (LEAKER, OTHER))
    leak = Leak(POCS[0], scrub_tokens(released.copies[LEAKER]["poc.py"].decode()))
    chosen = {}
    for attack in ATTACKS:
        if attack.poc == "exchange" and attack.family not in chosen:
            chosen[attack.family] = attack
    assert tuple(chosen) == FAMILIES
    folder = tmp_path / "evidence"
    for family, attack in chosen.items():
        where = folder / family
        where.mkdir(parents=True)
        for name, data in attack.build(leak).files.items():
            (where / name).write_bytes(data)
    result = cli([*program_env.cli_args(), "trace", str(folder), "--json"])
    assert result.exit_code == 0, result.stderr
    items = {Path(i["path"]).parent.name: i for i in json.loads(result.stdout)}
    assert set(items) == set(FAMILIES)
    accused = {f: {s["partner"] for s in i["suspects"] if s["accused"]} for f, i in items.items()}
    assert all(who <= {LEAKER} for who in accused.values())
    assert accused["transform"] == {LEAKER}
    # the wire channel reads the requests whatever wrote them: a hand rewrite, a replay tool
    # rebuilt from traffic, the raw capture itself
    assert accused["template"] == accused["replay"] == accused["capture"] == {LEAKER}
    assert items["capture"]["kind"] == "capture"
    assert any(r["why"] == "captured traffic shows its requests" for r in items["capture"]["read"])
    assert not any(s["accused"] for s in items["control"]["suspects"])


FULL_CAPTURES = ("raw HTTP dump", "pcap", "HAR", "Suricata")
"""Forms that show a request whole: each must name the leaker through `forewarn trace`."""


def test_trace_reads_every_capture_format(program_env, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    released = release_and_fetch(program_env, cli, tmp_path / "bundles", (LEAKER, OTHER))
    leak = Leak(POCS[0], scrub_tokens(released.copies[LEAKER]["poc.py"].decode()))
    captured = [a for a in ATTACKS if a.poc == "exchange" and a.family == "capture"]
    assert len(captured) == 7
    for attack in captured:
        if "pcap" in attack.name:
            require_tcpdump()
        where = tmp_path / "evidence" / attack.name.replace(" ", "_").replace(":", "")
        where.mkdir(parents=True)
        for name, data in attack.build(leak).files.items():
            (where / name).write_bytes(data)
        result = cli([*program_env.cli_args(), "trace", str(where), "--json"])
        assert result.exit_code == 0, result.stderr
        (item,) = json.loads(result.stdout)
        assert item["kind"] in ("capture", "weblog"), attack.name
        accused = {s["partner"] for s in item["suspects"] if s["accused"]}
        assert accused <= {LEAKER}, attack.name
        if any(form in attack.name for form in FULL_CAPTURES):
            assert accused == {LEAKER}, attack.name
            wire = next(e for e in item["suspects"][0]["evidence"] if e["channel"] == "wire")
            assert wire["symbols_read"] == wire["symbols_matching"] >= 25, attack.name


STRUCTURAL = (
    "restyle: thorough: try/except, aliases, class-based client",
    "every function but the send helper, never called, renamed",
    "request builder, send helper inlined, client a parameter, renamed",
)
"""A structural rewrite and two fragments whose helpers and client the evaluator cannot see."""


def test_trace_names_the_leaker_after_structural_rewrites_and_from_fragments(  # type: ignore[no-untyped-def]
    program_env, cli, tmp_path: Path
) -> None:
    assert CURRENT_SCHEME == 6  # the case is released under the current scheme's marks
    released = release_and_fetch(program_env, cli, tmp_path / "bundles", (LEAKER, OTHER))
    leak = Leak(POCS[0], scrub_tokens(released.copies[LEAKER]["poc.py"].decode()))
    chosen = [a for a in ATTACKS if a.poc == "exchange" and a.name in STRUCTURAL]
    assert len(chosen) == len(STRUCTURAL)
    for k, attack in enumerate(chosen):
        where = tmp_path / "evidence" / f"attack-{k}"
        where.mkdir(parents=True)
        for name, data in attack.build(leak).files.items():
            (where / name).write_bytes(data)
    result = cli([*program_env.cli_args(), "trace", str(tmp_path / "evidence"), "--json"])
    assert result.exit_code == 0, result.stderr
    items = {Path(i["path"]).parent.name: i for i in json.loads(result.stdout)}
    assert len(items) == len(STRUCTURAL)
    for k, name in enumerate(a.name for a in chosen):
        item = items[f"attack-{k}"]
        accused = {s["partner"] for s in item["suspects"] if s["accused"]}
        assert accused <= {LEAKER}, name
        wire = next(e for e in item["suspects"][0]["evidence"] if e["channel"] == "wire")
        assert wire["symbols_read"] == wire["symbols_matching"], name
        if name.startswith("request builder"):
            assert wire["symbols_read"] >= 10, name  # its one request's marks, all read
            continue
        assert accused == {LEAKER}, name
        assert wire["symbols_read"] >= 30, name
