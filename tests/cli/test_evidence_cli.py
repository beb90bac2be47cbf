"""`forewarn evidence add|list` on both databases: sealed, hashed, dated, audited, refused."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from forewarn.program.evidence import MAX_EVIDENCE_BYTES
from forewarn.store.audit_repo import AuditRepository
from release_world import CASE, sql

TOOL = b"import socket\nprint('exchange chain look-alike, 127.0.0.1 only')\n"
NOW = "2021-03-01T10:00:00Z"


@pytest.fixture
def case_args(program_env, cli) -> list[str]:
    """A program with one case, as global CLI options."""
    args = program_env.cli_args()
    created = cli(
        [*args, "case", "create", CASE, "--title", "Chain", "--product", "Mail 2019"]
        + ["--reported", "2021-01-05", "--patch-planned", "2021-03-09"]
    )
    assert created.exit_code == 0, created.stderr
    return args


def _add(cli, args: list[str], *extra: str):
    return cli([*args, "evidence", "add", CASE, *extra, "--now", NOW, "--json"])


def _listed(cli, args: list[str]) -> list[dict]:
    listed = cli([*args, "evidence", "list", CASE, "--json"])
    assert listed.exit_code == 0, listed.stderr
    return json.loads(listed.stdout)


def test_a_file_is_registered_sealed_hashed_and_audited(
    program_env, cli, case_args, tmp_path: Path
) -> None:
    tool = tmp_path / "exch_chain.py"
    tool.write_bytes(TOOL)
    added = _add(
        cli,
        case_args,
        str(tool),
        "--seen",
        "2021-02-28T14:10:00Z",
        "--source",
        "ticket INC-4411, web shell on a customer's mail server",
        "--collector",
        "R. Okafor",
    )
    assert added.exit_code == 0, added.stderr
    (item,) = json.loads(added.stdout)
    assert item["id"] == "E1" and item["name"] == "exch_chain.py"
    assert item["sha256"] == hashlib.sha256(TOOL).hexdigest() and item["size"] == len(TOOL)
    assert item["seen"] == {"at": "2021-02-28T14:10:00Z", "precision": "instant"}
    assert (item["collector"], item["added_at"]) == ("R. Okafor", NOW)
    assert _listed(cli, case_args) == [item]

    # Encrypted at rest: the plaintext is nowhere in the row; the hash is.
    ((ciphertext, sha),) = sql(
        program_env.settings.database_url, "SELECT ciphertext, sha256 FROM evidence"
    )
    assert TOOL not in bytes(ciphertext) and b"exchange chain" not in bytes(ciphertext)
    assert sha == item["sha256"]

    # One audit leaf with the custody record (never the content).
    with program_env.open() as program, program.session() as session:
        leaves = [leaf for leaf in AuditRepository(session).leaves() if leaf.kind == "evidence"]
    assert len(leaves) == 1 and leaves[0].subject == CASE
    payload = json.loads(leaves[0].payload)
    assert (payload["evidence"], payload["sha256"], payload["seen"]) == (
        "E1",
        item["sha256"],
        "2021-02-28T14:10:00Z",
    )
    assert "exchange chain" not in leaves[0].payload
    verified = cli([*case_args, "audit", "verify"])
    assert verified.exit_code == 0, verified.stderr


def test_the_seen_time_keeps_its_precision_and_the_collector_defaults_to_the_user(
    cli, case_args, tmp_path: Path
) -> None:
    (tmp_path / "dump.txt").write_bytes(b"paste of a chat log\n")
    added = _add(cli, case_args, str(tmp_path / "dump.txt"), "--seen", "2021-02", "--source", "x")
    assert added.exit_code == 0, added.stderr
    (item,) = json.loads(added.stdout)
    assert item["seen"] == {"at": "2021-02", "precision": "month"}
    assert item["collector"]  # the login name of whoever ran it


def test_the_same_content_is_registered_once(cli, case_args, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_bytes(TOOL)
    (tmp_path / "copy-of-a.py").write_bytes(TOOL)
    first = _add(cli, case_args, str(tmp_path / "a.py"), "--seen", "2021-02-28", "--source", "s")
    assert first.exit_code == 0, first.stderr
    again = _add(
        cli, case_args, str(tmp_path / "copy-of-a.py"), "--seen", "2021-02-01", "--source", "t"
    )
    assert again.exit_code == 2
    assert "registered already as E1" in json.loads(again.stderr)["error"]
    assert len(_listed(cli, case_args)) == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ((), "give one FILE or --manifest"),
        (("FILE",), "--seen and --source are required with FILE"),
        (("FILE", "--seen", "2021-02-28"), "--seen and --source are required"),
        (("FILE", "--seen", "2021-02-30", "--source", "s"), "bad date"),
        (("FILE", "--seen", "2021-02-28T10:00", "--source", "s"), "has no zone"),
        (("FILE", "--seen", "2021-03-02T00:00:00Z", "--source", "s"), "after the moment"),
        (("FILE", "--seen", "2021-02-28", "--source", "  "), "source is empty"),
        (("FILE", "--manifest", "m.yaml"), "give one FILE or --manifest"),
        (("--manifest", "m.yaml", "--seen", "2021-02-28"), "go in the manifest's rows"),
        (("missing.py", "--seen", "2021-02-28", "--source", "s"), "cannot read evidence file"),
        (("empty.py", "--seen", "2021-02-28", "--source", "s"), "is empty"),
    ],
)
@pytest.mark.one_database  # what it proves does not depend on the backend
def test_bad_intake_is_one_clear_line_and_stores_nothing(
    cli, case_args, tmp_path: Path, extra: tuple[str, ...], message: str
) -> None:
    (tmp_path / "tool.py").write_bytes(TOOL)
    (tmp_path / "empty.py").write_bytes(b"")
    argv = [str(tmp_path / "tool.py") if a == "FILE" else a for a in extra]
    argv = [str(tmp_path / a) if a in ("missing.py", "empty.py", "m.yaml") else a for a in argv]
    refused = _add(cli, case_args, *argv)
    assert refused.exit_code == 2, refused.stdout
    assert message in json.loads(refused.stderr)["error"]
    assert _listed(cli, case_args) == []


def test_unknown_case_and_secrets_are_refused(program_env, cli, case_args, tmp_path: Path) -> None:
    (tmp_path / "tool.py").write_bytes(TOOL)
    unknown = cli(
        [*case_args, "evidence", "add", "FW-1999-0001", str(tmp_path / "tool.py")]
        + ["--seen", "2021-02-28", "--source", "s", "--now", NOW]
    )
    assert unknown.exit_code == 2 and "unknown case" in unknown.stderr
    key = program_env.settings.key_file
    secret = _add(cli, case_args, str(key), "--seen", "2021-02-28", "--source", "s")
    assert secret.exit_code == 2 and "it is the program's key file" in secret.stderr
    link = tmp_path / "link.py"
    link.symlink_to(tmp_path / "tool.py")
    linked = _add(cli, case_args, str(link), "--seen", "2021-02-28", "--source", "s")
    assert linked.exit_code == 2 and "is a symbolic link" in linked.stderr


def test_an_oversized_file_is_refused_before_it_is_read(cli, case_args, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as handle:  # sparse: no disk used
        handle.truncate(MAX_EVIDENCE_BYTES + 1)
    refused = _add(cli, case_args, str(big), "--seen", "2021-02-28", "--source", "s")
    assert refused.exit_code == 2 and "larger than" in refused.stderr


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "incident"
    (folder / "tools").mkdir(parents=True)
    (folder / "tools" / "exch_chain.py").write_bytes(TOOL)
    (folder / "u_ex210227.log").write_bytes(b"#Fields: date time cs-method cs-uri-stem\n")
    return folder


MANIFESTS = {
    "evidence.yaml": (
        "evidence:\n"
        "  - file: tools/exch_chain.py\n"
        "    seen: 2021-02-28T14:10:00Z\n"
        "    source: ticket INC-4411\n"
        "    collector: R. Okafor\n"
        "  - file: u_ex210227.log\n"
        "    seen: 2021-03-01\n"
        "    source: IIS logs sent by the customer\n"
    ),
    "evidence.json": json.dumps(
        [
            {
                "file": "tools/exch_chain.py",
                "seen": "2021-02-28T14:10:00Z",
                "source": "ticket INC-4411",
                "collector": "R. Okafor",
            },
            {
                "file": "u_ex210227.log",
                "seen": "2021-03-01",
                "source": "IIS logs sent by the customer",
            },
        ]
    ),
    "evidence.csv": (
        "file,seen,source,collector\n"
        "tools/exch_chain.py,2021-02-28T14:10:00Z,ticket INC-4411,R. Okafor\n"
        'u_ex210227.log,2021-03-01,"IIS logs sent by the customer",\n'
    ),
}


@pytest.mark.parametrize("name", sorted(MANIFESTS))
def test_a_manifest_registers_a_folder_in_one_go(cli, case_args, tmp_path: Path, name: str) -> None:
    folder = _folder(tmp_path)
    (folder / name).write_text(MANIFESTS[name], encoding="utf-8")
    added = _add(cli, case_args, "--manifest", str(folder / name), "--collector", "L. Brandt")
    assert added.exit_code == 0, added.stderr
    items = json.loads(added.stdout)
    assert [(i["id"], i["name"]) for i in items] == [
        ("E1", "tools/exch_chain.py"),
        ("E2", "u_ex210227.log"),
    ]
    assert [i["collector"] for i in items] == ["R. Okafor", "L. Brandt"]  # the default fills in
    assert items[1]["seen"] == {"at": "2021-03-01", "precision": "day"}  # YAML kept it a day
    assert items[0]["sha256"] == hashlib.sha256(TOOL).hexdigest()


@pytest.mark.parametrize(
    ("name", "text", "problems"),
    [
        ("m.txt", "file,seen\n", ["unknown format .txt"]),
        ("m.yaml", "evidence: [unclosed\n", ["not valid YAML"]),
        ("m.json", "{", ["not valid JSON"]),
        ("m.yaml", "evidence: {file: a}\n", ["expected a list of rows"]),
        ("m.yaml", "[]\n", ["it lists no evidence"]),
        ("m.csv", "file,when,source\nx,y,z\n", ["the header must name file, seen, source"]),
        (
            "m.yaml",
            "- file: tools/exch_chain.py\n  seen: 2021-13-01\n  source: s\n"
            "- file: ../outside.py\n  seen: 2021-02-01\n  source: s\n"
            "- file: /etc/hostname\n  seen: 2021-02-01\n  source: s\n"
            "- file: nowhere.py\n  seen: 2021-02-01\n  source: s\n"
            "- file: u_ex210227.log\n  seen: 2021-02-01\n"
            "- file: u_ex210227.log\n  seen: 2021-02-01\n  source: s\n  colour: red\n"
            "- file: tools/exch_chain.py\n  seen: 2021-02-01\n  source: s\n"
            "- file: u_ex210227.log\n  seen: 2021-04-01\n  source: s\n",
            [
                "8 problems",
                "row 1 (tools/exch_chain.py): seen: bad date '2021-13-01'",
                "row 2 (../outside.py): evidence file '../outside.py' refused: it leaves the "
                "manifest's folder",
                "row 3 (/etc/hostname): evidence file '/etc/hostname' refused: it is an absolute "
                "path",
                "row 4 (nowhere.py): cannot read evidence file",
                "row 5 (u_ex210227.log): source is missing",
                "row 6 (u_ex210227.log): unknown field colour",
                "row 7 (tools/exch_chain.py): listed already in row 1",
                "row 8 (u_ex210227.log): evidence 'u_ex210227.log' is said to be seen at "
                "2021-04-01, after the moment it is registered",
            ],
        ),
        (
            "m.csv",
            "file,seen,source\ntools/exch_chain.py,2021-02-28,\nu_ex210227.log,2021-04-01,s\n",
            ["2 problems", "row 1 (tools/exch_chain.py): source is missing", "after the moment"],
        ),
        (
            "m.json",  # found by bench/fuzz.py: a NUL or a lone surrogate gave a ValueError
            '[{"file": "tools/exch_chain.py\\u0000", "seen": "2021-02", "source": "s"},'
            ' {"file": "\\ud800", "seen": "2021-02", "source": "s"}]',
            ["2 problems", "holds a NUL character", "not a name the file system can hold"],
        ),
    ],
)
@pytest.mark.one_database  # what it proves does not depend on the backend
def test_manifest_errors_name_every_row_and_store_nothing(
    cli, case_args, tmp_path: Path, name: str, text: str, problems: list[str]
) -> None:
    folder = _folder(tmp_path)
    (folder / name).write_text(text, encoding="utf-8")
    refused = _add(cli, case_args, "--manifest", str(folder / name))
    assert refused.exit_code == 2, refused.stdout
    error = json.loads(refused.stderr)["error"]
    for problem in problems:
        assert problem in error
    assert _listed(cli, case_args) == []


def test_a_manifest_that_is_a_fifo_is_refused_without_waiting(
    cli, case_args, tmp_path: Path
) -> None:
    os.mkfifo(tmp_path / "m.yaml")
    refused = _add(cli, case_args, "--manifest", str(tmp_path / "m.yaml"))
    assert refused.exit_code == 2 and "is not a regular file" in refused.stderr


def test_a_link_in_the_manifest_folder_is_refused(cli, case_args, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    os.symlink(folder / "tools" / "exch_chain.py", folder / "link.py")
    (folder / "m.yaml").write_text("- file: link.py\n  seen: 2021-02-01\n  source: s\n")
    refused = _add(cli, case_args, "--manifest", str(folder / "m.yaml"))
    assert refused.exit_code == 2 and "link.py is a symbolic link" in refused.stderr


def test_tampering_with_a_registered_item_fails_the_audit(
    program_env, cli, case_args, tmp_path: Path
) -> None:
    (tmp_path / "tool.py").write_bytes(TOOL)
    added = _add(cli, case_args, str(tmp_path / "tool.py"), "--seen", "2021-02-28", "--source", "s")
    assert added.exit_code == 0, added.stderr
    url = program_env.settings.database_url
    sql(url, "UPDATE evidence SET source = 'somewhere else'")
    changed = cli([*case_args, "audit", "verify"])
    assert changed.exit_code == 3 and "differs from its audit leaf" in changed.stderr
    sql(url, "DELETE FROM evidence")
    removed = cli([*case_args, "audit", "verify"])
    assert removed.exit_code == 3 and "in the audit log but not in the database" in removed.stderr
