"""`forewarn wave release` of a PoC whose tied entries the wire channel reorders.

The PoC is the benign look-alike of a collaboration-server request chain whose form dict holds
two values formatted alike (`"…{}…".format(x)`): before the read-back fix, marking refused about
one partner in three ("the python_source marks of poc.py do not read back from the copy"), so
the wave could not be released to them. Thirty partners, two programs (each with its own
random key): every partner is released, and a released copy traces to its partner.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forewarn.domain import ArtifactKind
from forewarn.program.bundles import unseal
from release_world import CASE, JOINED, NOTICE, add_case, add_partners, contents, open_bundle
from trace_world import iso

pytestmark = pytest.mark.one_database
"""The database only holds the program: what each backend stores is proven elsewhere."""

POC = Path(__file__).parents[1] / "marks" / "readback_pocs" / "toolpane_chain.py"
PARTNERS = [f"Early {i:04d}" for i in range(30)]


def _artifacts() -> tuple[tuple[str, ArtifactKind, bytes], ...]:
    """The usual advisory and detection guidance, and the reproducer as the PoC."""
    return tuple(
        (name, kind, POC.read_bytes() if name == "poc.py" else content)
        for name, kind, content in contents()
    )


@pytest.mark.parametrize("program", ["first program", "second program"])
def test_every_partner_is_released_and_a_copy_accuses_its_partner(
    program_env, cli, tmp_path: Path, program: str
) -> None:
    with program_env.open() as opened, opened.session() as session:
        identities = add_partners(
            session, opened.keys, [(name, "early-access") for name in PARTNERS], now=JOINED
        )
        add_case(session, opened.keys, now=JOINED, artifact_contents=_artifacts())
    args = program_env.cli_args()

    released = cli([*args, "wave", "release", CASE, "--now", iso(NOTICE), "--json"])
    assert released.exit_code == 0, released.stderr
    report = json.loads(released.stdout)
    assert len(report["released"]) == len(PARTNERS)
    assert report["left_out"] == []

    leaker = PARTNERS[len(program) % len(PARTNERS)]
    where = tmp_path / "fetched"
    fetched = cli(
        [*args, "bundle", "fetch", CASE, "--partner", leaker, "--out", str(where)]
        + ["--now", iso(NOTICE)]
    )
    assert fetched.exit_code == 0, fetched.stderr
    sealed = (where / f"{CASE}.bundle.age").read_bytes()
    copy = open_bundle(unseal(sealed, identities[leaker])).contents["poc.py"]
    assert copy != POC.read_bytes()
    found = tmp_path / "found" / "chain.py"
    found.parent.mkdir()
    found.write_bytes(copy)

    traced = cli([*args, "trace", str(found), "--json"])
    assert traced.exit_code == 0, traced.stderr
    (item,) = json.loads(traced.stdout)
    assert (item["matches"][0]["case"], item["matches"][0]["artifact"]) == (CASE, "poc.py")
    accused = [s for s in item["suspects"] if s["accused"]]
    assert [s["partner"] for s in accused] == [leaker]
    assert {e["channel"] for e in accused[0]["evidence"]} >= {"python_source", "wire"}
