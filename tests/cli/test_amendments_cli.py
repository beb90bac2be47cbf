"""Signed embargo amendments: issued on reschedule and publication, fetched, verified, audited."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pyrage

from notify_world import released_world
from release_world import CASE, NOTICE, sql


def _iso(at: object) -> str:
    return at.isoformat().replace("+00:00", "Z")  # type: ignore[attr-defined]


def test_every_receiver_gets_a_signed_amendment_that_verifies(program_env, cli, tmp_path) -> None:
    world = released_world(program_env)
    args = program_env.cli_args()
    key = cli([*args, "audit", "public-key"]).stdout.strip()
    out = tmp_path / "early0"
    at = NOTICE + timedelta(days=1)
    moved = cli(
        [
            *args,
            "case",
            "reschedule",
            CASE,
            "--patch-planned",
            "2021-03-05",
            "--reason",
            "vendor ready early",
            "--now",
            _iso(at),
        ]
    )
    assert moved.exit_code == 0, moved.stderr
    published = cli(
        [*args, "case", "publish", CASE, "--at", "2021-03-05T17:00Z", "--now", "2021-03-05T18:00Z"]
    )
    assert published.exit_code == 0, published.stderr
    rows = sql(
        program_env.settings.database_url,
        "SELECT subject FROM audit_leaves WHERE kind = 'amendment' ORDER BY leaf_index",
    )
    assert len(rows) == 4  # two receivers × (reschedule, publication); Standard had nothing yet
    fetched = cli(
        [
            *args,
            "--json",
            "bundle",
            "fetch",
            CASE,
            "--partner",
            "Early 0000",
            "--out",
            str(out),
            "--now",
            "2021-03-05T18:30Z",
        ]
    )
    assert fetched.exit_code == 0, fetched.stderr
    files = json.loads(fetched.stdout)["amendments"]
    assert [Path(f).name for f in files] == [
        f"{CASE}.amendment-1.json.age",
        f"{CASE}.amendment-2.json.age",
    ]
    release_id = json.loads(fetched.stdout)["release"]["id"]
    identity = tmp_path / "early0.key"
    identity.write_text(world.identities["Early 0000"] + "\n")
    first = cli(["--json", "bundle", "verify", files[0], "-i", str(identity), "--public-key", key])
    assert first.exit_code == 0, first.stderr
    document = json.loads(first.stdout)["amendment"]
    assert (document["release_id"], document["partner"], document["change"]) == (
        release_id,
        "Early 0000",
        "rescheduled",
    )
    assert document["embargo_end_before"].startswith("2021-03-09T00:00:00")
    assert document["embargo_end_after"].startswith("2021-03-05T00:00:00")
    second = cli(["--json", "bundle", "verify", files[1], "-i", str(identity)])  # pinned now
    assert second.exit_code == 0, second.stderr
    assert json.loads(second.stdout)["amendment"]["change"] == "published"
    assert json.loads(second.stdout)["amendment"]["embargo_end_after"].startswith("2021-03-05T17")

    # A forged amendment (a later embargo end, the same signature) is refused.
    plain = pyrage.decrypt(
        Path(files[0]).read_bytes(),
        [pyrage.x25519.Identity.from_str(world.identities["Early 0000"])],
    )
    assert b"vendor ready early" not in plain  # the reason may describe the flaw: never sent
    forged = plain.replace(b"2021-03-05T00:00:00", b"2021-04-05T00:00:00")
    recipient = pyrage.x25519.Identity.from_str(world.identities["Early 0000"]).to_public()
    (tmp_path / "forged.json.age").write_bytes(pyrage.encrypt(forged, [recipient]))
    refused = cli(["bundle", "verify", str(tmp_path / "forged.json.age"), "-i", str(identity)])
    assert refused.exit_code == 3 and "signature does not verify" in refused.stderr

    audit = cli([*args, "--json", "audit", "verify"])
    assert audit.exit_code == 0, audit.stderr
    url = program_env.settings.database_url
    (stored,) = sql(
        url, "SELECT document FROM amendments WHERE number = 1 AND release_id = :r", r=release_id
    )
    sql(
        url,
        "UPDATE amendments SET document = :d WHERE number = 1 AND release_id = :r",
        d=bytes(stored[0]).replace(b"2021-03-05T00", b"2021-04-05T00"),
        r=release_id,
    )
    tampered = cli([*args, "audit", "verify"])
    assert tampered.exit_code == 3 and "differs from what the log recorded" in tampered.stderr
