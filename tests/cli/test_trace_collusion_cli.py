"""`forewarn trace` on a collusion: three partners merge their PoC copies definition by
definition and their advisories paragraph by paragraph, five times over; the combined decoders
accuse at least one of them in most merges, never an innocent, and say which decoder decided.

The program secret is fixed (a key file written before `init`, which reuses it), so the marks and
the merge are the same on every run: a colluder missed here is a regression, not bad luck.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conftest import T0, ProgramEnv
from forewarn.demo import disguises
from forewarn.program.bundles import unseal
from forewarn.program.keys import ProgramKeys
from forewarn.program.service import init_program
from forewarn.settings import Settings, sqlite_url
from release_world import CASE, NOTICE, open_bundle, populate
from trace_world import iso

COLLUDERS = ("Early 0000", "Early 0002", "Early 0005")
MERGES = (12, 1, 2, 3, 4)
"""Seeds of five merges of the same three copies: each is traced on its own."""


@pytest.fixture
def fixed_program(tmp_path: Path, sqlite_template: Path) -> ProgramEnv:
    """A SQLite program whose secret is the same on every run."""
    db = tmp_path / "forewarn.db"
    shutil.copyfile(sqlite_template, db)
    settings = Settings(database_url=sqlite_url(db), key_file=tmp_path / "forewarn.key")
    keys = ProgramKeys(
        secret=bytes(range(32)), signing_key=Ed25519PrivateKey.from_private_bytes(bytes(32))
    )
    keys.save(settings.key_file)
    init_program(settings, now=T0, name="Collusion Program", replay=True)
    return ProgramEnv(dir=tmp_path, settings=settings, keys=ProgramKeys.load(settings.key_file))


def test_three_interleaved_copies_accuse_a_colluder_and_no_innocent(
    fixed_program: ProgramEnv, cli, tmp_path: Path
) -> None:
    world = populate(fixed_program, early=8)
    args = fixed_program.cli_args()
    released = cli([*args, "wave", "release", CASE, "--now", iso(NOTICE)])
    assert released.exit_code == 0, released.stderr
    copies: dict[str, dict[str, bytes]] = {}
    for name in COLLUDERS:
        where = tmp_path / name.replace(" ", "_")
        fetched = cli(
            [*args, "bundle", "fetch", CASE, "--partner", name, "--out", str(where)]
            + ["--now", iso(NOTICE)]
        )
        assert fetched.exit_code == 0, fetched.stderr
        sealed = (where / f"{CASE}.bundle.age").read_bytes()
        copies[name] = dict(open_bundle(unseal(sealed, world.identities[name])).contents)
    pocs = [copies[p]["poc.py"].decode() for p in COLLUDERS]
    advisories = [copies[p]["advisory.md"].decode() for p in COLLUDERS]
    caught: list[tuple[Path, set[str]]] = []
    for seed in MERGES:
        rng = random.Random(seed)
        found = tmp_path / f"found-{seed}"
        found.mkdir()
        # Careful colluders: tracking tokens deleted, so only the fingerprint can speak.
        (found / "tool.py").write_text(disguises.scrub_tokens(disguises.merge(pocs, rng)))
        (found / "notes.md").write_text(
            disguises.scrub_tokens(disguises.merge_paragraphs(advisories, rng))
        )
        result = cli([*args, "trace", str(found), "--json"])
        assert result.exit_code == 0, result.stderr
        items = json.loads(result.stdout)
        assert all(item["tokens"] == [] for item in items)
        accused = {s["partner"] for item in items for s in item["suspects"] if s["accused"]}
        assert accused <= set(COLLUDERS), (seed, accused)  # never an innocent
        deciders = [s for item in items for s in item["suspects"] if s["accused"]]
        assert all(s["decided_by"] and s["false_accusation_bound"] <= 1e-3 for s in deciders)
        assert all(s["bound_kind"] in {"proven", "empirical"} for s in deciders)
        if accused:
            caught.append((found, accused))
    assert len(caught) >= 3  # interleaving 3 colluders: 65 % caught at n = 1000 (RESULTS)
    found, accused = caught[0]

    table = cli([*args, "trace", str(found)])
    assert table.exit_code == 0
    flat = " ".join(table.stdout.replace("│", " ").split())
    assert any(name in flat for name in accused), flat
    assert "combined" in flat and "P(innocent)" in flat, flat
