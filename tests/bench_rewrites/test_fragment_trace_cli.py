"""`forewarn trace` on the request builder leaked alone: one function of the PoC, every name
renamed, its `send` helper missing. The evaluator reads the request the builder hands to the
helper it cannot see (`forewarn.marks.wire.opaque`), so every wire mark of that request is read.

Whether that names the leaker depends on the leaker's bits: the builder's one request carries 11
of the PoC's 64 wire symbols under scheme 6 (and 4 structural source symbols survive the
renaming), about the bound's edge for 2 recipients and far below it for 40 (bench/RESULTS.md).
What must hold is asserted: every symbol read matches the leaker, the leaker ranks first,
nobody else is accused."""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from forewarn.demo.disguises import scrub_tokens  # noqa: E402
from forewarn.domain import ArtifactKind  # noqa: E402
from forewarn.marks.channels.wire.signatures import wire_plan  # noqa: E402
from forewarn.marks.schemes import default_registry  # noqa: E402
from rewrites.model import POCS, Leak  # noqa: E402
from rewrites.partial import single_function  # noqa: E402
from trace_world import LEAKER, OTHER, release_and_fetch  # noqa: E402


def _builder_symbols() -> int:
    """Carried wire symbols whose facts are all in the builder's request (`POST /ecp/…`) or
    its user agent, the only parts of the PoC the builder holds."""
    (wire,) = [c for c in default_registry().for_kind(ArtifactKind.POC) if c.name == "wire"]
    plan = wire_plan(POCS[0].path.read_text(encoding="utf-8"), wire.version)  # type: ignore[attr-defined]
    return sum(
        all(key[0][:2] == ("POST", "/ecp/proxyLogon.ecp") for key, _, _ in sig)
        or any(key[2] == "user-agent" and key[1] == "user-agent" for key, _, _ in sig)
        for sig in plan.signatures
    )


def test_the_renamed_builder_alone_reads_its_requests_marks_for_the_leaker_only(  # type: ignore[no-untyped-def]
    program_env, cli, tmp_path: Path
) -> None:
    released = release_and_fetch(program_env, cli, tmp_path / "bundles", (LEAKER, OTHER))
    folder = tmp_path / "evidence"
    for who in (LEAKER, OTHER):
        leak = Leak(POCS[0], scrub_tokens(released.copies[who]["poc.py"].decode()))
        where = folder / who.replace(" ", "_")
        where.mkdir(parents=True)
        for name, data in single_function(leak).files.items():
            (where / name).write_bytes(data)
    result = cli([*program_env.cli_args(), "trace", str(folder), "--json"])
    assert result.exit_code == 0, result.stderr
    items = {Path(i["path"]).parent.name: i for i in json.loads(result.stdout)}
    expected = _builder_symbols()
    assert expected == 11  # scheme 6: its user agent moves between real releases and builds
    for who in (LEAKER, OTHER):
        item = items[who.replace(" ", "_")]
        accused = {s["partner"] for s in item["suspects"] if s["accused"]}
        assert accused <= {who}
        top = item["suspects"][0]
        assert top["partner"] == who
        wire = {e["channel"]: e for e in top["evidence"]}["wire"]
        assert wire["symbols_read"] == wire["symbols_matching"] == expected
