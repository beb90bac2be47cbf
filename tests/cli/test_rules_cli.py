"""Detection rules through the front door: written from the case's PoC,
released marked per partner, published, and a leaked rule file traced to its partner.

The program is real (partners with age keys, a wave released and bundles fetched through the
CLI, copies decrypted with pyrage). YARA rules are compiled and run by yara-python; Suricata
rules are parsed, never run: no Suricata engine is installed (tests/exchange has the matcher).
"""

from __future__ import annotations

import json
import random
import re
import stat
from pathlib import Path

import pytest
import yara

from forewarn.demo.disguise_rules import RULE_ATTACKS
from forewarn.demo.disguises import scrub_tokens
from forewarn.program.bundles import unseal
from release_world import CASE, NOTICE, POC, open_bundle, populate
from trace_world import LEAKER, OTHER, iso

pytestmark = pytest.mark.one_database
"""The database only holds the program: what each backend stores is proven elsewhere."""

RULE_FILES = ("rules.yar", "suricata.rules")


def _release(program_env, cli, out: Path) -> tuple[list[str], dict[str, dict[str, bytes]]]:
    """Populate, write the case's rules, release the early wave, decrypt two partners' bundles."""
    world = populate(program_env)
    args = program_env.cli_args()
    wrote = cli([*args, "case", "rules", CASE, "--now", iso(NOTICE), "--json"])
    assert wrote.exit_code == 0, wrote.stderr
    record = json.loads(wrote.stdout)
    assert [a["name"] for a in record["artifacts"]] == list(RULE_FILES)
    assert {a["kind"] for a in record["artifacts"]} == {"rules"}
    assert {a["min_tier"] for a in record["artifacts"]} == {"standard"}
    symbols = {a["artifact"]: a["symbols"] for a in record["capacity"]["artifacts"]}
    assert symbols["rules.yar"]["rules"] >= 60 and symbols["suricata.rules"]["rules"] >= 40
    released = cli([*args, "wave", "release", CASE, "--now", iso(NOTICE)])
    assert released.exit_code == 0, released.stderr
    copies: dict[str, dict[str, bytes]] = {}
    for name in (LEAKER, OTHER):
        where = out / name.replace(" ", "_")
        fetched = cli(
            [*args, "bundle", "fetch", CASE, "--partner", name, "--out", str(where)]
            + ["--now", iso(NOTICE)]
        )
        assert fetched.exit_code == 0, fetched.stderr
        sealed = (where / f"{CASE}.bundle.age").read_bytes()
        copies[name] = dict(open_bundle(unseal(sealed, world.identities[name])).contents)
    return args, copies


def _trace(cli, args: list[str], *paths: Path) -> list[dict]:
    result = cli([*args, "trace", *map(str, paths), "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _accused(item: dict) -> list[str]:
    return [s["partner"] for s in item["suspects"] if s["accused"]]


def test_leaked_rule_files_name_their_partner_after_each_disguise(
    program_env, cli, tmp_path: Path
) -> None:
    args, copies = _release(program_env, cli, tmp_path)
    mine, theirs = copies[LEAKER], copies[OTHER]
    for name in RULE_FILES:
        assert mine[name] != theirs[name]  # marked per partner
    rules = yara.compile(source=mine["rules.yar"].decode())
    assert {m.rule for m in rules.match(data=mine["poc.py"])} & {
        m.rule for m in rules.match(data=theirs["poc.py"])
    }  # the leaker's rules fire on the other partner's PoC too: the same detection
    found = tmp_path / "found"
    found.mkdir()
    paths = []
    for key, attack in RULE_ATTACKS.items():
        for name in RULE_FILES:
            text = scrub_tokens(attack.apply(mine[name].decode(), random.Random(7)))
            path = found / f"{key}-{name}"
            path.write_text(text)
            paths.append(path)
    items = {Path(i["path"]).name: i for i in _trace(cli, args, *paths)}
    for path in paths:
        item = items[path.name]
        assert item["kind"] == "text"
        assert any(m["artifact"] in RULE_FILES for m in item["matches"]), path.name
        assert OTHER not in _accused(item), path.name
        assert _accused(item) == [LEAKER], path.name
        assert not item["tokens"]  # canaries scrubbed: the marks alone decide


def test_a_canary_alone_in_a_rule_file_is_a_lead_never_an_accusation(
    program_env, cli, tmp_path: Path
) -> None:
    args, copies = _release(program_env, cli, tmp_path)
    copy = copies[LEAKER]["suricata.rules"].decode()
    token = re.search(r"tracking_id ([0-9a-f-]{36})", copy).group(1)  # type: ignore[union-attr]
    stub = tmp_path / "stub.rules"
    stub.write_text(
        'alert http any any -> any any (msg:"ours"; http.uri; content:"/x"; sid:1; '
        f"metadata:tracking_id {token};)\n"
    )
    (item,) = _trace(cli, args, stub)
    assert {t["partner"] for t in item["tokens"]} == {LEAKER}
    assert _accused(item) == []
    assert [s["partner"] for s in item["suspects"] if s["lead"]] == [LEAKER]


def test_publish_writes_the_original_and_a_partners_delivered_copy(
    program_env, cli, tmp_path: Path
) -> None:
    args, copies = _release(program_env, cli, tmp_path)
    out = tmp_path / "out"
    plain = cli([*args, "publish", CASE, "--format", "suricata", "--out", str(out), "--json"])
    assert plain.exit_code == 0, plain.stderr
    (entry,) = json.loads(plain.stdout)["files"]
    written = Path(entry["path"])
    assert entry["partner"] is None and entry["stored"] is True
    assert "tracking_id" not in written.read_text() and "alert http" in written.read_text()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600  # embargoed
    marked = cli(
        [*args, "publish", CASE, "--format", "yara", "--out", str(out), "--partner", LEAKER]
    )
    assert marked.exit_code == 0, marked.stderr
    assert (out / "rules.yar").read_bytes() == copies[LEAKER]["rules.yar"]
    nobody = cli(
        [
            *args,
            "publish",
            CASE,
            "--format",
            "yara",
            "--out",
            str(out),
            "--partner",
            "Standard 0000",
        ]
    )
    assert nobody.exit_code != 0 and "were delivered" in nobody.stderr


def test_hand_written_rules_are_checked_stored_and_counted(
    program_env, cli, tmp_path: Path
) -> None:
    populate(program_env)
    args = program_env.cli_args()
    good = tmp_path / "mine.yar"
    good.write_text(
        'rule Possible_Exploit_Tool\n{\n    meta:\n        description = "Detects the tool"\n'
        '        author = "us"\n        date = "2021-02-20"\n    strings:\n'
        '        $a = "/autodiscover/autodiscover.json"\n        $b = "X-BEResource="\n'
        '        $c = "msExchLogonMailbox"\n    condition:\n        2 of them\n}\n'
    )
    added = cli([*args, "case", "add-artifact", CASE, str(good), "--kind", "rules", "--json"])
    assert added.exit_code == 0, added.stderr
    (item,) = json.loads(added.stdout)["capacity"]["artifacts"]
    assert item["symbols"]["rules"] >= 6 and item["tokens"] == 1
    broken = tmp_path / "broken.yar"
    broken.write_text("rule x { condition: }\n")
    refused = cli([*args, "case", "add-artifact", CASE, str(broken), "--kind", "rules"])
    assert refused.exit_code != 0 and "does not compile" in refused.stderr
    include = tmp_path / "include.yar"
    include.write_text(f'include "{POC}"\nrule y {{ condition: true }}\n')
    refused = cli([*args, "case", "add-artifact", CASE, str(include), "--kind", "rules"])
    assert refused.exit_code != 0
    prose = tmp_path / "notes.rules"
    prose.write_text("alert on anything odd\n")
    refused = cli([*args, "case", "add-artifact", CASE, str(prose), "--kind", "rules"])
    assert refused.exit_code != 0 and "no YARA or Suricata rule" in refused.stderr


@pytest.mark.parametrize("language", ["yara", "suricata"])
def test_rules_need_a_poc(program_env, cli, language: str) -> None:
    args = program_env.cli_args()
    created = cli(
        [*args, "case", "create", "C-2", "--title", "t", "--product", "p"]
        + ["--reported", "2021-01-05", "--patch-planned", "2021-03-09"]
    )
    assert created.exit_code == 0, created.stderr
    result = cli([*args, "case", "rules", "C-2", "--format", language, "--now", iso(NOTICE)])
    assert result.exit_code != 0 and "no PoC" in result.stderr


def test_publish_writes_rules_on_the_spot_and_a_plain_script_gives_none(
    program_env, cli, tmp_path: Path
) -> None:
    populate(program_env)
    args = program_env.cli_args()
    out = tmp_path / "out"
    fresh = cli([*args, "publish", CASE, "--format", "yara", "--out", str(out), "--json"])
    assert fresh.exit_code == 0, fresh.stderr
    (entry,) = json.loads(fresh.stdout)["files"]
    assert entry["stored"] is False and yara.compile(filepath=entry["path"]).match(str(POC))
    created = cli(
        [*args, "case", "create", "C-3", "--title", "t", "--product", "p"]
        + ["--reported", "2021-01-05", "--patch-planned", "2021-03-09"]
    )
    assert created.exit_code == 0, created.stderr
    plain = tmp_path / "plain.py"
    plain.write_text('print("hello")\n')
    added = cli([*args, "case", "add-artifact", "C-3", str(plain), "--kind", "poc"])
    assert added.exit_code == 0, added.stderr
    result = cli([*args, "case", "rules", "C-3", "--now", iso(NOTICE)])
    assert result.exit_code != 0 and "nothing distinctive" in result.stderr
