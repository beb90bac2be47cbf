"""The audit log from the CLI on both databases: tampering by direct SQL, proofs, consistency."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from release_world import CASE, NOTICE, populate, sql

NOW = NOTICE.isoformat().replace("+00:00", "Z")


def _prepared(program_env, cli) -> list[str]:
    populate(program_env, early=3, standard=0)
    args = program_env.cli_args()
    assert cli([*args, "wave", "release", CASE, "--now", NOW]).exit_code == 0
    for partner in ("Early 0000", "Early 0001"):
        assert (
            cli([*args, "bundle", "ack", CASE, "--partner", partner, "--now", NOW]).exit_code == 0
        )
    verified = cli([*args, "audit", "verify", "--json"])
    assert verified.exit_code == 0, verified.stderr
    assert (
        json.loads(verified.stdout)["leaves"]
        == _first_release(program_env.settings.database_url) + 5
    )
    return args


def _first_release(url: str) -> int:
    """Index of the first release leaf (genesis, partners, case and artifacts come before)."""
    return int(sql(url, "SELECT min(leaf_index) FROM audit_leaves WHERE kind = 'release'")[0][0])


def _swap_payloads(url: str) -> None:
    r = _first_release(url)
    rows = sql(url, "SELECT leaf_index, payload FROM audit_leaves ORDER BY leaf_index")
    sql(url, "UPDATE audit_leaves SET payload = :p WHERE leaf_index = :i", p=rows[r + 1][1], i=r)
    sql(url, "UPDATE audit_leaves SET payload = :p WHERE leaf_index = :i", p=rows[r][1], i=r + 1)


def _reorder(url: str) -> None:
    r = _first_release(url)
    sql(url, "UPDATE audit_leaves SET leaf_index = -1 WHERE leaf_index = :i", i=r)
    sql(url, "UPDATE audit_leaves SET leaf_index = :i WHERE leaf_index = :j", i=r, j=r + 1)
    sql(url, "UPDATE audit_leaves SET leaf_index = :j WHERE leaf_index = -1", j=r + 1)


def _insert(url: str) -> None:
    last = _first_release(url) + 4
    row = sql(
        url,
        "SELECT kind, at, payload, subject, leaf_hash FROM audit_leaves WHERE leaf_index = :i",
        i=last,
    )[0]
    sql(
        url,
        "INSERT INTO audit_leaves (leaf_index, kind, at, payload, subject, leaf_hash) "
        "VALUES (:i, :k, :a, :p, :s, :h)",
        i=last + 1,
        k=row[0],
        a=row[1],
        p=row[2],
        s=row[3],
        h=row[4],
    )


def _at(offset: int, statement: str) -> Callable[[str], None]:
    """`statement` with `:i` the index `offset` leaves after the first release leaf."""
    return lambda url: sql(url, statement, i=_first_release(url) + offset)


TAMPERING: dict[str, Callable[[str], None]] = {
    "change a payload": _at(
        0,
        "UPDATE audit_leaves SET payload = replace(payload, 'Early', 'Eerly') "
        "WHERE leaf_index = :i",
    ),
    "change a payload and its hash": _at(
        0,
        "UPDATE audit_leaves SET payload = '{}', leaf_hash = "
        "(SELECT leaf_hash FROM audit_leaves WHERE leaf_index = :i + 1) WHERE leaf_index = :i",
    ),
    "swap two payloads": _swap_payloads,
    "reorder two rows": _reorder,
    "delete the last row": _at(4, "DELETE FROM audit_leaves WHERE leaf_index = :i"),
    "delete a middle row": _at(2, "DELETE FROM audit_leaves WHERE leaf_index = :i"),
    "insert a row": _insert,
    "change a release": lambda url: sql(
        url, "UPDATE release_items SET sha256 = :h WHERE name = 'poc.py'", h="0" * 64
    ),
    "delete an ack": lambda url: sql(url, "DELETE FROM acks WHERE id = (SELECT min(id) FROM acks)"),
    "forge a checkpoint": lambda url: sql(
        url,
        "UPDATE audit_checkpoints SET root = :r WHERE size = :s",
        r="1" * 64,
        s=_first_release(url) + 5,
    ),
}


@pytest.mark.parametrize("how", sorted(TAMPERING))
@pytest.mark.one_database  # what it proves does not depend on the backend
def test_audit_verify_fails_loudly_on_tampering(program_env, cli, how: str) -> None:
    args = _prepared(program_env, cli)
    TAMPERING[how](program_env.settings.database_url)
    result = cli([*args, "audit", "verify"])
    assert result.exit_code == 3, (how, result.stdout, result.stderr)
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_inclusion_and_consistency_proofs_check_with_the_public_key_alone(
    program_env, cli, tmp_path: Path
) -> None:
    args = _prepared(program_env, cli)
    release_id = sql(
        program_env.settings.database_url,
        "SELECT id FROM releases WHERE state = 'complete' ORDER BY id",
    )[0][0]
    proof = cli([*args, "audit", "prove", str(release_id)])
    assert proof.exit_code == 0, proof.stderr
    document = json.loads(proof.stdout)
    assert document["leaf"]["payload"]["release_id"] == release_id
    key = cli([*args, "audit", "public-key"]).stdout.strip()
    path = tmp_path / "proof.json"
    path.write_text(proof.stdout)
    checked = cli(["audit", "verify-proof", str(path), "--public-key", key])
    assert checked.exit_code == 0 and "proof OK" in checked.stdout
    document["leaf"]["payload"]["partner"] = "Someone Else"
    path.write_text(json.dumps(document))
    assert cli(["audit", "verify-proof", str(path), "--public-key", key]).exit_code == 3
    stranger = "ab" * 32
    path.write_text(proof.stdout)
    assert cli(["audit", "verify-proof", str(path), "--public-key", stranger]).exit_code == 3

    # an older signed size (a release batch signs one checkpoint for all its partners)
    sizes = [
        int(n)
        for (n,) in sql(
            program_env.settings.database_url, "SELECT size FROM audit_checkpoints ORDER BY size"
        )
    ]
    consistency = cli([*args, "audit", "consistency", str(sizes[-2])])
    assert consistency.exit_code == 0, consistency.stderr
    path.write_text(consistency.stdout)
    checked = cli(["audit", "verify-proof", str(path), "--public-key", key])
    assert checked.exit_code == 0 and "prefix" in checked.stdout
    bad = json.loads(consistency.stdout)
    bad["path"][0] = "00" * 32
    path.write_text(json.dumps(bad))
    assert cli(["audit", "verify-proof", str(path), "--public-key", key]).exit_code == 3
    assert cli([*args, "audit", "prove", "no-such-release"]).exit_code == 2
