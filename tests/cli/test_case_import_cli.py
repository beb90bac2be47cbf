"""`forewarn case import` on both databases: a published CSAF advisory or CVE record comes back
as the same case, and updates an existing one without moving its dates behind the waves' back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from standards_world import AFTER, CASE, ORG_ID, PUBLISHER, iso, populate


def _show(cli, args) -> dict:
    shown = cli([*args, "case", "show", CASE, "--json"])
    assert shown.exit_code == 0, shown.stderr
    return json.loads(shown.stdout)["case"]


def _export(cli, args, out: Path, fmt: str) -> list[Path]:
    done = cli(
        [*args, "publish", CASE, "--format", fmt, "--out", str(out), "--publisher-url", PUBLISHER]
        + ["--cna-org-id", ORG_ID, "--now", iso(AFTER), "--json"]
    )
    assert done.exit_code == 0, done.stderr
    return [Path(p) for p in json.loads(done.stdout)["files"]]


@pytest.mark.parametrize("fmt", ["csaf", "cve"])
def test_an_exported_case_imports_back_into_another_program_as_it_was(
    program_env, cli, tmp_path: Path, fmt: str
) -> None:
    populate(program_env)
    args = program_env.cli_args()
    before = _show(cli, args)
    files = _export(cli, args, tmp_path / "out", fmt)
    other = [
        "--db",
        f"sqlite:///{tmp_path / 'other.db'}",
        "--key-file",
        str(tmp_path / "other.key"),
    ]
    assert cli([*other, "init", "--now", iso(AFTER)]).exit_code == 0
    created = cli([*other, "case", "import", str(files[0]), "--json"])
    assert created.exit_code == 0, created.stderr
    result = json.loads(created.stdout)
    assert (result["created"], result["format"]) == (True, fmt)
    after = _show(cli, other)
    if fmt == "cve":  # one record per CVE id: the second one adds its id
        assert after["cves"] == [files[0].stem]
        again = cli([*other, "case", "import", str(files[1]), "--json"])
        assert again.exit_code == 0 and json.loads(again.stdout)["created"] is False
        after = _show(cli, other)
    assert after == before


def test_import_updates_a_case_and_refuses_to_move_its_date(
    program_env, cli, tmp_path: Path
) -> None:
    populate(program_env)
    args = program_env.cli_args()
    (path,) = _export(cli, args, tmp_path, "csaf")
    document = json.loads(path.read_text())
    document["document"]["title"] = "Request chain in Harbor Mail Server (revised)"
    path.write_text(json.dumps(document))
    updated = cli([*args, "case", "import", str(path)])
    assert updated.exit_code == 0, updated.stderr
    assert f"updated case {CASE} from csaf" in updated.stdout
    assert _show(cli, args)["title"].endswith("(revised)")

    for vuln in document["vulnerabilities"]:
        for fix in vuln["remediations"]:
            if fix["category"] == "vendor_fix":
                fix["date"] = "2021-04-13T00:00:00Z"
    path.write_text(json.dumps(document))
    moved = cli([*args, "case", "import", str(path)])
    assert moved.exit_code == 2 and "case reschedule" in moved.stderr
    assert _show(cli, args)["patch_planned"] == "2021-03-09"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not json", "not a JSON document"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"type": "bundle", "objects": []}', "neither a CSAF 2.0 advisory nor a CVE"),
        (b'{"dataType": "CVE_RECORD", "dataVersion": "5.1"}', "not a valid CVE JSON 5 record"),
        (b'{"document": {"csaf_version": "2.1"}}', "CSAF 2.1 is not read here"),
        (b'{"document": {"csaf_version": "2.0"}}', "the document has no product_tree"),
    ],
)
def test_import_refuses_what_is_not_a_valid_document(
    program_env, cli, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "doc.json"
    path.write_bytes(content)
    refused = cli([*program_env.cli_args(), "case", "import", str(path)])
    assert refused.exit_code == 2 and expected in refused.stderr
    listed = cli([*program_env.cli_args(), "case", "list", "--json"])
    assert json.loads(listed.stdout) == []
