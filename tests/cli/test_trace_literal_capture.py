"""`forewarn trace` on the captured traffic of a Java PoC's copy: the literals channel reads the
digit marks the copy sent, for the partner whose copy it was, and accuses no one else."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "marks"))

from literal_run import POCS, record

from forewarn.marks.channels.literals import LiteralChannel
from forewarn.program.bundles import unseal
from release_world import CASE, NOTICE, open_bundle, populate

pytestmark = pytest.mark.one_database
"""The database only holds the program: what each backend stores is proven elsewhere."""

JAVA = POCS / "Poc.java"
PARTNERS = ("Early 0000", "Early 0001")


def _iso(at: object) -> str:
    return at.isoformat().replace("+00:00", "Z")  # type: ignore[attr-defined]


def test_trace_reads_a_java_pocs_literal_marks_from_its_traffic(  # type: ignore[no-untyped-def]
    program_env, cli, tmp_path: Path
) -> None:
    world = populate(program_env)
    args = program_env.cli_args()
    added = cli([*args, "case", "add-artifact", CASE, str(JAVA), "--kind", "poc"])
    assert added.exit_code == 0, added.stderr
    released = cli([*args, "wave", "release", CASE, "--now", _iso(NOTICE)])
    assert released.exit_code == 0, released.stderr
    evidence = tmp_path / "evidence"
    for name in PARTNERS:
        where = tmp_path / name.replace(" ", "_")
        fetched = cli(
            [*args, "bundle", "fetch", CASE, "--partner", name, "--out", str(where)]
            + ["--now", _iso(NOTICE)]
        )
        assert fetched.exit_code == 0, fetched.stderr
        sealed = (where / f"{CASE}.bundle.age").read_bytes()
        copy = open_bundle(unseal(sealed, world.identities[name])).contents["Poc.java"]
        recorded = record("Poc.java", copy.decode("utf-8"), where / "run")
        (evidence / name.replace(" ", "_")).mkdir(parents=True)
        (evidence / name.replace(" ", "_") / "requests.http").write_bytes(b"".join(recorded[0]))
    result = cli([*args, "trace", str(evidence), "--json"])
    assert result.exit_code == 0, result.stderr
    items = {Path(i["path"]).parent.name: i for i in json.loads(result.stdout)}
    digits = LiteralChannel().traffic_capacity(JAVA.read_text(encoding="utf-8"))
    for name in PARTNERS:
        item = items[name.replace(" ", "_")]
        assert item["kind"] == "capture"
        assert any(r["why"] == "captured traffic shows its requests" for r in item["read"])
        accused = {s["partner"] for s in item["suspects"] if s["accused"]}
        assert accused <= {name}  # the other recipient is never accused
        by_partner = {s["partner"]: s for s in item["suspects"]}
        own = {e["channel"]: e for e in by_partner[name]["evidence"]}["literals"]
        assert own["symbols_read"] == own["symbols_matching"] == digits
