"""Every command that takes `--json` prints JSON in the shapes of docs/json.md.

The commands are listed from the Typer app itself, so a new `--json` command without a run
below fails `test_every_json_command_is_exercised`. One tour drives them all through the CLI
in an order a program goes through (partners, cases, a released wave, a leak traced and
investigated, the audit log, a reschedule, an export imported into a fresh program).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.core import TyperGroup, TyperOption

from conftest import CliRun, ProgramEnv
from forewarn.cli.app import app
from forewarn.investigate.report import SCHEMA
from forewarn.program.bundles import unseal
from notify_world import start_smtp
from release_world import CASE, NOTICE, POC, open_bundle, populate
from trace_world import iso

pytestmark = pytest.mark.one_database
"""JSON shapes are the CLI's; the database only holds the program the tour drives."""

_INSTANT_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
_UNENCODED = re.compile(
    r"object at 0x|^[A-Z]\w*\(|^\d+ days?, \d+:\d{2}:\d{2}|^\d+:\d{2}:\d{2}$|^b'|^b\""
)
"""`repr`s and `str`s of objects the encoder should have turned into JSON values."""
_PRECISIONS = {"month", "day", "instant"}


ELSEWHERE = {("demo",), ("hunt-cluster",)}
"""`--json` commands too slow or long-running for the tour, run elsewhere: `demo` in
tests/investigate/test_inv_demo_mapp.py, `hunt-cluster` in tests/cli/test_newcomer_mistakes.py."""


def json_commands() -> set[tuple[str, ...]]:
    """Every command path of the app whose command has a `--json` option."""

    def walk(command: object, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                yield from walk(sub, (*path, name))
            return
        options = [p for p in getattr(command, "params", []) if isinstance(p, TyperOption)]
        if any("--json" in option.opts for option in options):
            yield path

    return set(walk(typer.main.get_command(app), ()))


def check_shapes(value: object, where: str = "$") -> None:
    """Raise `AssertionError` at the first value that breaks docs/json.md."""
    if isinstance(value, dict):
        assert not {"start", "precision"} <= value.keys(), f"{where}: old time-point shape"
        if "precision" in value and value["precision"] in _PRECISIONS:
            assert set(value) == {"at", "precision"}, f"{where}: time point {value}"
            assert isinstance(value["at"], str), where
        for key, item in value.items():
            check_shapes(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_shapes(item, f"{where}[{i}]")
    elif isinstance(value, str):
        assert "+00:00" not in value or not _INSTANT_LIKE.match(value), f"{where}: {value}"
        if _INSTANT_LIKE.match(value):
            assert _INSTANT.match(value), f"{where}: instant {value!r} is not ...Z"
        assert not _UNENCODED.search(value), f"{where}: unencoded {value!r}"
    else:
        assert value is None or isinstance(value, bool | int | float), f"{where}: {value!r}"


class Tour:
    """Runs commands with `--json` and keeps what each printed, parsed."""

    def __init__(self, cli: CliRun, args: list[str]) -> None:
        self.cli = cli
        self.args = args
        self.outputs: dict[tuple[str, ...], object] = {}

    def run(self, path: tuple[str, ...], *rest: str, args: list[str] | None = None) -> Any:
        """`forewarn [GLOBAL] PATH REST --json`, which must succeed and print only JSON."""
        result = self.cli([*(self.args if args is None else args), *path, *rest, "--json"])
        assert result.exit_code == 0, (path, result.stderr)
        document = json.loads(result.stdout)
        check_shapes(document, " ".join(path))
        self.outputs[path] = document
        return document


def test_every_json_command_is_exercised(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = populate(program_env)
    tour = Tour(cli, program_env.cli_args())
    day = "2021-01-{:02d}T09:00:00Z".format

    tour.run(
        ("partner", "add"), "Newcomer", "--country", "FR", "--tier", "standard", "--now", day(3)
    )
    tour.run(("partner", "suspend"), "Keyless Ltd", "--reason", "audit", "--now", day(10))
    tour.run(("partner", "reinstate"), "Keyless Ltd", "--reason", "cleared", "--now", day(11))
    tour.run(("partner", "remove"), "Newcomer", "--reason", "left", "--now", day(12))
    tour.run(
        ("partner", "edit"),
        "Early 0001",
        "--email",
        "psirt@early1.example",
        *("--nda-expires", "2022-01-31", "--reason", "contacts", "--now", day(12)),
    )
    csv = tmp_path / "partners.csv"
    csv.write_text("name,country,tier,emails\nFabrikam Research,FR,standard,a@fabrikam.example\n")
    tour.run(("partner", "import"), str(csv), "--now", day(12))
    assert [p["name"] for p in tour.run(("partner", "list"), "--now", day(12))][:1] == [
        "Early 0000"
    ]
    issued = tour.run(("partner", "api-token", "issue"), "Early 0000", "--now", day(12))
    assert issued["secret"].startswith("fwp_") and issued["token"]["partner"] == "Early 0000"
    listed = tour.run(("partner", "api-token", "list"))
    assert [t["id"] for t in listed] == [issued["token"]["id"]] and "secret" not in listed[0]
    revoked = tour.run(
        ("partner", "api-token", "revoke"),
        issued["token"]["id"],
        "--reason",
        "rotated",
        "--now",
        day(12),
    )
    assert revoked["revoked_at"] is not None
    assert [p["name"] for p in tour.run(("partner", "list"))][:1] == ["Early 0000"]
    secret_file = tmp_path / "password.txt"
    secret_file.write_text("a long staff passphrase\n")
    enrolled = tour.run(
        ("staff", "add"),
        "lead@program.example",
        "--role",
        "admin",
        *("--password-file", str(secret_file), "--now", day(12)),
    )
    assert enrolled["otpauth_uri"].startswith("otpauth://totp/forewarn:lead%40program.example?")
    assert [a["role"] for a in tour.run(("staff", "list"))] == ["admin"]
    reset = tour.run(("staff", "reset-mfa"), "lead@program.example", "--now", day(13))
    assert reset["totp_secret"] != enrolled["totp_secret"]
    assert reset["account"]["mfa_enrolled_at"] == day(13)
    login = tour.run(
        ("partner", "portal-login", "set"),
        "Early 0000",
        *("--password-file", str(secret_file), "--now", day(12)),
    )
    assert login["partner"] == "Early 0000" and login["otpauth_uri"].startswith("otpauth://")
    removed = tour.run(("partner", "portal-login", "remove"), "Early 0000", "--now", day(12))
    assert removed == {"partner": "Early 0000", "portal_password": False}
    gone = tour.run(
        ("staff", "disable"), "lead@program.example", "--reason", "left", "--now", day(14)
    )
    assert gone["disabled_at"] == day(14)
    shown = tour.run(("partner", "show"), "Keyless Ltd")
    assert [h["at"] for h in shown["history"]][-1] == day(11)

    note = tmp_path / "note.md"
    note.write_text("# Second case\n")
    created = tour.run(
        ("case", "create"),
        *("FW-2021-0002", "--title", "t", "--product", "p", "--reported", "2021-01-05"),
        *("--patch-planned", "2021-04-01", "--related", CASE),
    )
    assert created["related"] == CASE
    tour.run(("case", "add-artifact"), "FW-2021-0002", str(note), "--kind", "advisory")
    tour.run(("case", "add-artifact"), "FW-2021-0002", str(POC), "--kind", "poc")
    wrote = tour.run(("case", "rules"), "FW-2021-0002", "--format", "suricata", "--now", day(13))
    assert [a["name"] for a in wrote["artifacts"]] == ["suricata.rules"]
    out = tmp_path / "published"
    rules = tour.run(("publish",), "FW-2021-0002", "--format", "suricata", "--out", str(out))
    assert [Path(f["path"]).name for f in rules["files"]] == ["suricata.rules"]
    tour.run(("case", "event"), CASE, "--at", "2021-02-27", "--kind", "scanning")
    assert len(tour.run(("case", "list"))) == 2
    shown = tour.run(("case", "show"), CASE)
    assert shown["events"][0]["at"] == {"at": "2021-02-27", "precision": "day"}

    plan = tour.run(("wave", "plan"), CASE)["waves"]
    assert plan[0]["at"] == "2021-02-23T00:00:00Z"
    preview = tour.run(("wave", "preview"), CASE, "--partner", "Early 0000")
    assert [c["artifact"] for c in preview["copies"]] == ["advisory.md", "detection.md", "poc.py"]
    released = tour.run(("wave", "release"), CASE, "--now", iso(NOTICE))
    release_id = released["released"][0]
    out = tmp_path / "early"
    leaker = ("--partner", "Early 0000")
    tour.run(("bundle", "fetch"), CASE, *leaker, "--out", str(out), "--now", iso(NOTICE))
    sealed = out / f"{CASE}.bundle.age"
    identity = tmp_path / "early.key"
    identity.write_text(world.identities["Early 0000"] + "\n")
    tour.run(
        ("bundle", "verify"), str(sealed), "-i", str(identity), "--trust-on-first-use", args=[]
    )
    tour.run(("bundle", "ack"), CASE, *leaker, "--now", iso(NOTICE))
    scheduled = tour.run(("scheduler",), "--once", "--now", iso(NOTICE))
    assert scheduled["next_wake"] == "2021-03-05T23:00:00Z"
    status = tour.run(("wave", "status"), CASE, "--chase", "0", "--now", iso(NOTICE))
    assert [c["partner"] for c in status["chase"]] == ["Early 0001"]
    logged = tour.run(("audit", "log"), "--case", CASE, "--kind", "fetch")
    assert [e["release_id"] for e in logged["entries"]] == [release_id]
    standards = ("--format", "csaf", "--out", str(tmp_path / "csaf"))
    standards += ("--publisher-url", "https://psirt.example.com", "--now", iso(NOTICE))
    csaf_files = tour.run(("publish",), CASE, *standards, *leaker)["files"]
    assert [Path(p).name for p in csaf_files] == ["fw-2021-0001_early_0000.json"]

    copy = open_bundle(unseal(sealed.read_bytes(), world.identities["Early 0000"]))
    wild = tmp_path / "wild"
    wild.mkdir()
    (wild / "tool.py").write_bytes(copy.contents["poc.py"])
    registered = tour.run(
        ("evidence", "add"),
        *(CASE, str(wild / "tool.py"), "--seen", "2021-01-29", "--source", "ticket"),
        *("--now", day(30)),
    )
    assert registered[0]["seen"] == {"at": "2021-01-29", "precision": "day"}
    assert [e["id"] for e in tour.run(("evidence", "list"), CASE)] == ["E1"]
    traced = tour.run(("trace",), str(wild / "tool.py"))
    assert traced[0]["matches"][0]["artifact"] == "poc.py"
    tour.run(("hunt",), str(wild), "--workers", "1")
    report = tour.run(("investigate",), CASE, "--evidence", str(wild), "--now", day(30))
    assert report["schema"] == SCHEMA

    smtp = start_smtp()
    try:
        for key, value in smtp.env().items():
            monkeypatch.setenv(key, value)
        assert tour.run(("mail", "queue"), "--now", day(30))["queued"] == 1
        assert len(tour.run(("mail", "send"), "--now", day(30))["sent"]) == 1
        assert [m["state"] for m in tour.run(("mail", "list"))] == ["sent"]
    finally:
        smtp.controller.stop()

    witness = program_env.settings.key_file.with_name(
        program_env.settings.key_file.stem + ".witness"
    )
    witness.rename(tmp_path / "old.witness")
    assert tour.run(("audit", "witness-start"))["leaves"] > 0
    tour.run(("audit", "verify"), "--witness")
    proof = tour.run(("audit", "prove"), str(release_id))
    (tmp_path / "proof.json").write_text(json.dumps(proof))
    key = tour.run(("audit", "public-key"))["public_key"]
    assert key == cli([*tour.args, "audit", "public-key"]).stdout.strip()  # plain: bare hex
    proves = ("audit", "verify-proof")
    tour.run(proves, str(tmp_path / "proof.json"), "--public-key", key, args=[])
    held = tmp_path / "held.json"
    checkpoint = tour.run(("audit", "checkpoint"))
    held.write_text(json.dumps(checkpoint))
    grown = tour.run(("audit", "consistency"), str(checkpoint["size"]))
    (tmp_path / "grown.json").write_text(json.dumps(grown))
    rollback = ("audit", "prove-rollback")
    against = ("--against", str(tmp_path / "grown.json"), "--public-key", key)
    assert tour.run(rollback, str(held), *against, args=[])["held_size"] > 0

    moved = tour.run(
        ("case", "reschedule"),
        *(CASE, "--patch-planned", "2021-03-02", "--reason", "exploited"),
        *("--now", "2021-03-01T12:00:00Z"),
    )
    lead = moved["less_lead_time"]
    assert lead and all(re.fullmatch(r"\d+[dhms]", c["after"]) for c in lead)
    published = tour.run(
        ("case", "publish"), CASE, "--at", "2021-03-02T17:00:00Z", "--now", "2021-03-02T18:00:00Z"
    )
    assert published["patch_actual"] == {"at": "2021-03-02T17:00:00Z", "precision": "instant"}

    exported = tmp_path / "export" / "program.yaml"
    tour.run(("program", "export"), str(exported), "--plaintext")
    fresh = ["--db", f"sqlite:///{tmp_path / 'fresh.db'}", "--key-file", str(tmp_path / "f.key")]
    tour.run(("init",), "--now", day(1), args=fresh)
    tour.run(("program", "import"), str(exported), args=fresh)
    assert tour.run(("program", "migrate"), args=fresh)["genesis"] is None  # made with one
    other = ["--db", f"sqlite:///{tmp_path / 'other.db'}", "--key-file", str(tmp_path / "o.key")]
    tour.run(("init",), "--now", day(1), args=other)
    imported = tour.run(("case", "import"), csaf_files[0], "--now", day(20), args=other)
    assert (imported["created"], imported["case"]["id"]) == (True, CASE)

    assert set(tour.outputs) | ELSEWHERE == json_commands()


@pytest.mark.parametrize(
    "value",
    [
        {"at": {"start": "2021-02-27T00:00:00+00:00", "precision": "day"}},
        {"when": "2021-02-23T09:00:00+00:00"},
        {"lead": "14 days, 0:00:00"},
        {"thing": "<forewarn.domain.X object at 0x7f>"},
        {"at": {"at": "2021-02", "precision": "month", "start": "2021-02-01"}},
    ],
)
def test_the_shape_check_catches_the_old_encoders(value: object) -> None:
    with pytest.raises(AssertionError):
        check_shapes(value)
