"""Partner management at scale: `partner edit` (contacts, tier, age-key rotation), CSV import,
NDA expiry warnings and the `nda_lapses` policy rule."""

from __future__ import annotations

import json
from datetime import timedelta

import pyrage
import pytest

from cli.test_program_rules import AGE, PROGRAM
from notify_world import released_world
from release_world import CASE, NOTICE, sql


def _iso(at: object) -> str:
    return at.isoformat().replace("+00:00", "Z")  # type: ignore[attr-defined]


def test_edit_keeps_history_and_a_key_rotation_reseals_stored_bundles(
    program_env, cli, tmp_path
) -> None:
    world = released_world(program_env)
    args = program_env.cli_args()
    at = _iso(NOTICE + timedelta(hours=1))
    new = pyrage.x25519.Identity.generate()
    rotated = cli(
        [
            *args,
            "--json",
            "partner",
            "edit",
            "Early 0000",
            "--age-recipient",
            str(new.to_public()),
            "--email",
            "psirt@early0.example",
            "--reason",
            "key compromised",
            "--now",
            at,
        ]
    )
    assert rotated.exit_code == 0, rotated.stderr
    result = json.loads(rotated.stdout)
    assert [c["field"] for c in result["changes"]] == ["emails", "age_recipient"]
    assert len(result["resealed"]) == 1 and result["unfetched"] == result["resealed"]

    out = tmp_path / "early0"
    fetched = cli(
        [*args, "bundle", "fetch", CASE, "--partner", "Early 0000", "--out", str(out), "--now", at]
    )
    assert fetched.exit_code == 0, fetched.stderr
    sealed = (out / f"{CASE}.bundle.age").read_bytes()
    assert pyrage.decrypt(sealed, [new])[:512]  # opens with the new key ...
    old = pyrage.x25519.Identity.from_str(world.identities["Early 0000"])
    with pytest.raises(pyrage.DecryptError):  # ... and no longer with the old one
        pyrage.decrypt(sealed, [old])
    key_file = tmp_path / "new.key"
    key_file.write_text(str(new) + "\n")
    key = cli([*args, "audit", "public-key"]).stdout.strip()
    verified = cli(
        [
            "bundle",
            "verify",
            str(out / f"{CASE}.bundle.age"),
            "-i",
            str(key_file),
            "--public-key",
            key,
        ]
    )
    assert verified.exit_code == 0 and "bundle OK" in verified.stdout, verified.stderr

    tier = cli(
        [
            *args,
            "partner",
            "edit",
            "Early 0001",
            "--tier",
            "standard",
            "--reason",
            "downgraded",
            "--now",
            at,
        ]
    )
    assert tier.exit_code == 0 and "tier early-access → standard" in tier.stdout, tier.stderr
    same = cli(
        [
            *args,
            "partner",
            "edit",
            "Early 0001",
            "--tier",
            "standard",
            "--reason",
            "again",
            "--now",
            at,
        ]
    )
    assert "nothing to change" in same.stdout
    bad = cli(
        [*args, "partner", "edit", "Early 0001", "--tier", "platinum", "--reason", "x", "--now", at]
    )
    assert bad.exit_code == 2 and "platinum" in bad.stderr
    shown = json.loads(cli([*args, "partner", "show", "Early 0000", "--json"]).stdout)
    assert [(c["field"], c["reason"]) for c in shown["changes"]] == [
        ("emails", "contacts on file"),
        ("emails", "key compromised"),
        ("age_recipient", "key compromised"),
    ]
    assert shown["age_recipient"] == str(new.to_public())
    leaves = sql(
        program_env.settings.database_url,
        "SELECT subject, payload FROM audit_leaves WHERE kind = 'partner-change' "
        "ORDER BY leaf_index",
    )
    assert [s for s, _ in leaves][-2:] == ["Early 0000", "Early 0001"]
    assert json.loads(leaves[-2][1])["resealed"] == result["resealed"]
    assert cli([*args, "audit", "verify"]).exit_code == 0

    exported = tmp_path / "export" / "program.yaml"
    assert cli([*args, "program", "export", str(exported), "--plaintext"]).exit_code == 0
    fresh = ["--db", f"sqlite:///{tmp_path / 'fresh.db'}", "--key-file", str(tmp_path / "f.key")]
    assert cli([*fresh, "init", "--now", "2021-01-01T00:00Z"]).exit_code == 0
    imported = cli([*fresh, "program", "import", str(exported), "--now", "2021-01-01T00:05Z"])
    assert imported.exit_code == 0, imported.stderr
    copied = json.loads(cli([*fresh, "partner", "show", "Early 0000", "--json"]).stdout)
    assert copied["changes"] == shown["changes"]


CSV_GOOD = """name,country,tier,emails,age_recipient,nda_date,nda_expires
Fabrikam Research,FR,standard,psirt@fabrikam.example;soc@fabrikam.example,,2021-01-01,2021-12-31
Early 0000,,,psirt@early0.example,,,2021-03-01
Early 0001,,,,,,
"""

CSV_BAD = """name,country,tier,emails,age_recipient,nda_date,nda_expires
Tailspin Toys,XX,standard,,,,
Wingtip,US,platinum,,,,
Early 0001,,,not-an-address,,,
Εarly 0000,US,standard,,,,
Litware,US,standard,,,2021-05-01,2021-04-01
Tailspin Toys,US,standard,,,,
"""


def test_import_is_a_dry_run_until_apply_and_names_every_bad_row(program_env, cli) -> None:
    released_world(program_env)
    args = program_env.cli_args()
    good = program_env.dir / "good.csv"
    good.write_text(CSV_GOOD)
    at = _iso(NOTICE)
    dry = json.loads(cli([*args, "--json", "partner", "import", str(good), "--now", at]).stdout)
    assert dry["applied"] is False
    assert [(r["line"], r["partner"], r["action"]) for r in dry["rows"]] == [
        (2, "Fabrikam Research", "add"),
        (3, "Early 0000", "update"),
        (4, "Early 0001", "unchanged"),
    ]
    names = [p["name"] for p in json.loads(cli([*args, "partner", "list", "--json"]).stdout)]
    assert "Fabrikam Research" not in names  # nothing written by a dry run

    bad = program_env.dir / "bad.csv"
    bad.write_text(CSV_BAD)
    checked = cli([*args, "--json", "partner", "import", str(bad), "--now", at])
    assert checked.exit_code == 2 and "6 bad row(s): fix them before --apply" in checked.stderr
    report = json.loads(checked.stdout)
    assert [(r["line"], r["action"]) for r in report["rows"]] == [(n, "error") for n in range(2, 8)]
    details = [r["detail"] for r in report["rows"]]
    assert "XX" in details[0] and "platinum" in details[1] and "not-an-address" in details[2]
    assert "looks like" in details[3] and "NDA expires before" in details[4]
    assert "twice" in details[5]
    refused = cli([*args, "partner", "import", str(bad), "--apply", "--now", at])
    assert refused.exit_code == 2 and "6 bad row(s), nothing was written" in refused.stderr

    applied = cli([*args, "--json", "partner", "import", str(good), "--apply", "--now", at])
    assert applied.exit_code == 0, applied.stderr
    fabrikam = json.loads(cli([*args, "partner", "show", "Fabrikam Research", "--json"]).stdout)
    assert fabrikam["emails"] == ["psirt@fabrikam.example", "soc@fabrikam.example"]
    assert fabrikam["nda_expires"] == "2021-12-31"
    early = json.loads(cli([*args, "partner", "show", "Early 0000", "--json"]).stdout)
    assert early["nda_expires"] == "2021-03-01" and early["changes"][-1]["reason"] == "bulk import"
    again = json.loads(
        cli([*args, "--json", "partner", "import", str(good), "--apply", "--now", at]).stdout
    )
    assert {r["action"] for r in again["rows"]} == {"unchanged"}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_nda_expiry_warns_and_a_rule_can_exclude(program_env, cli) -> None:
    # The policy choice: leave standard partners out when their NDA lapses before the patch;
    # early-access partners are only warned of.
    rule = [{"name": "nda-lapse", "nda_lapses": True, "tiers": ["standard"], "exclude": True}]
    folder = program_env.dir / "file"
    folder.mkdir()
    (folder / "advisory.md").write_text("# Advisory\n\nPatch soon.\n")
    (folder / "poc.py").write_text('print("benign")\n')
    text = PROGRAM.replace("RULES", json.dumps(rule)).replace("AGE", AGE)
    for name in ("Northwind Labs", "Contoso Security"):
        text = text.replace(f"{{name: {name}, ", f"{{name: {name}, nda_expires: 2021-03-01, ")
    (folder / "program.yaml").write_text(text)
    args = program_env.cli_args()
    imported = cli(
        [*args, "program", "import", str(folder / "program.yaml"), "--now", "2021-01-04T09:05:00Z"]
    )
    assert imported.exit_code == 0, imported.stderr
    listed = cli([*args, "partner", "list", "--now", "2021-02-10T00:00:00Z"])
    assert "Northwind Labs': NDA expires on 2021-03-01" in listed.stderr
    assert "Fabrikam" not in listed.stderr
    plan = cli([*args, "wave", "plan", "FW-2021-0001", "--json"])
    assert plan.exit_code == 0, plan.stderr
    assert (
        "'Northwind Labs': NDA expires on 2021-03-01, before the planned patch of "
        "FW-2021-0001 on 2021-03-09" in plan.stderr
    )
    document = json.loads(plan.stdout)
    assert [w["partner"] for w in document["nda_warnings"]] == ["Northwind Labs"]
    excluded = [e for w in document["waves"] for e in w["excluded"]]
    assert excluded == [{"partner": "Contoso Security", "reason": "excluded by nda-lapse"}]
    renewed = cli(
        [
            *args,
            "partner",
            "edit",
            "Contoso Security",
            "--nda-expires",
            "2022-03-31",
            "--reason",
            "NDA renewed",
            "--now",
            "2021-02-10T00:00:00Z",
        ]
    )
    assert renewed.exit_code == 0, renewed.stderr
    plan = json.loads(cli([*args, "wave", "plan", "FW-2021-0001", "--json"]).stdout)
    assert [e for w in plan["waves"] for e in w["excluded"]] == []


CSV_CONTROL = (
    "name,country,tier,emails\n"
    "Tailspin Toys,US,stan\x00dard,\n"
    "Wingtip,US,standard,psirt\x00@wingtip.example\n"
    "Litware,US,standard,psirt@litware.example\x1b[2J\n"
)


def test_import_names_each_row_whose_tier_or_email_holds_a_control_character(
    program_env, cli
) -> None:
    # A NUL in a tier went to the tier query, and PostgreSQL refuses a NUL outright: the whole
    # import failed on a database error naming no row. A NUL or an escape in an address was
    # taken as a plausible address.
    args = program_env.cli_args()
    path = program_env.dir / "control.csv"
    path.write_bytes(CSV_CONTROL.encode())
    dry = cli([*args, "--json", "partner", "import", str(path), "--now", "2021-01-02T00:00Z"])
    assert dry.exit_code == 2, dry.stderr  # a dry run with bad rows fails as --apply would
    rows = json.loads(dry.stdout)["rows"]
    assert [(r["line"], r["action"]) for r in rows] == [(2, "error"), (3, "error"), (4, "error")]
    assert "unknown tier 'stan\\x00dard'" in rows[0]["detail"]
    assert "bad email address" in rows[1]["detail"] and "bad email address" in rows[2]["detail"]
    applied = cli([*args, "partner", "import", str(path), "--apply", "--now", "2021-01-02T00:00Z"])
    assert applied.exit_code == 2 and "3 bad row(s), nothing was written" in applied.stderr
