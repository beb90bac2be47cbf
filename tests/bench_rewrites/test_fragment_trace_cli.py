"""`forewarn trace` on the request builder leaked alone: one function of the PoC, every name
renamed, its `send` helper missing. The evaluator reads the requests the builder hands to the
helper it cannot see (`forewarn.marks.wire.opaque`), so its wire marks are read."""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from forewarn.demo.disguises import scrub_tokens  # noqa: E402
from rewrites.model import POCS, Leak  # noqa: E402
from rewrites.partial import single_function  # noqa: E402
from trace_world import LEAKER, OTHER, release_and_fetch  # noqa: E402


def test_the_renamed_builder_alone_names_the_leaker_and_no_innocent(  # type: ignore[no-untyped-def]
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
    print(json.dumps(items, indent=1)[:6000])
    for who in (LEAKER, OTHER):
        item = items[who.replace(" ", "_")]
        accused = {s["partner"] for s in item["suspects"] if s["accused"]}
        assert accused == {who}
