"""Policy rules in a program file (docs/program-file.md): checked at import, applied by `wave plan`.

A rule that could not be applied used to import silently and fail only at the next `wave plan`;
now `program import` refuses it (exit 2) and writes nothing.
"""

from __future__ import annotations

import json

import pytest

from conftest import CliRun, ProgramEnv

PROGRAM = """\
program:
  name: Rules Test Program
  tiers:
    - {name: early-access, rank: 3, lead_time: 14d, artifact_kinds: [advisory, detection, poc]}
    - {name: standard, rank: 2, lead_time: 3d, artifact_kinds: [advisory, detection]}
  rules: RULES
partners:
  - {name: Northwind Labs, country: US, tier: early-access, age_recipient: AGE}
  - {name: Fabrikam Research, country: FR, tier: early-access, age_recipient: AGE}
  - {name: Contoso Security, country: DE, tier: standard, age_recipient: AGE}
cases:
  - id: FW-2021-0001
    title: t
    product: p
    reported: 2021-01-05
    patch_planned: 2021-03-09
    artifacts:
      - {name: advisory.md, kind: advisory, min_tier: standard, file: advisory.md}
      - {name: poc.py, kind: poc, min_tier: early-access, file: poc.py}
"""
AGE = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"


def _import(cli: CliRun, env: ProgramEnv, rules: object) -> tuple[int, str]:
    folder = env.dir / "file"
    folder.mkdir(exist_ok=True)
    (folder / "advisory.md").write_text("# Advisory\n\nPatch soon.\n")
    (folder / "poc.py").write_text('print("benign")\n')
    text = PROGRAM.replace("RULES", json.dumps(rules)).replace("AGE", AGE)
    (folder / "program.yaml").write_text(text)
    result = cli(
        [
            *env.cli_args(),
            "program",
            "import",
            str(folder / "program.yaml"),
            "--now",
            "2021-01-04T09:05:00Z",
        ]
    )
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ({"name": "bad", "countries": ["US"]}, "policy rule 'bad' has no effect"),
        ({"name": "bad", "withhold": ["poc"]}, "policy rule 'bad' names no condition"),
        ({"name": "bad", "tiers": ["standard"], "delay": "soon"}, "not a duration: 'soon'"),
        ({"name": "bad", "tiers": ["standard"], "withhold": ["exploit"]}, "policy rule 'bad'"),
        ({"name": "bad", "tiers": ["standard"], "exclude": True, "when": "x"}, "unknown keys"),
    ],
)
def test_a_rule_that_cannot_apply_is_refused_at_import(
    cli: CliRun, program_env: ProgramEnv, rule: dict[str, object], why: str
) -> None:
    code, stderr = _import(cli, program_env, [rule])
    assert code == 2
    assert stderr.startswith("error: ") and why in stderr and "program.yaml" in stderr, stderr
    g = program_env.cli_args()
    assert json.loads(cli([*g, "--json", "partner", "list"]).stdout) == []


def test_rules_withhold_delay_and_exclude_in_the_plan(cli: CliRun, program_env: ProgramEnv) -> None:
    rules = [
        {"name": "no-poc-outside-allies", "countries": ["fr"], "withhold": ["poc"]},
        {"name": "late-standard", "tiers": ["standard"], "delay": "24h"},
        {
            "name": "embargo-country",
            "countries": ["DE"],
            "tiers": ["early-access"],
            "exclude": True,
        },
    ]
    code, stderr = _import(cli, program_env, rules)
    assert code == 0, stderr
    result = cli([*program_env.cli_args(), "--json", "wave", "plan", "FW-2021-0001"])
    assert result.exit_code == 0, result.stderr
    waves = {(w["tier"], w["at"]): w for w in json.loads(result.stdout)["waves"]}
    early = waves["early-access", "2021-02-23T00:00:00Z"]
    assert early["artifacts"]["Northwind Labs"] == ["advisory.md", "poc.py"]
    assert early["artifacts"]["Fabrikam Research"] == ["advisory.md"]
    # 3 days before the patch, then a day later: the condition on tiers matched Contoso, the
    # condition on countries alone did not exclude it (every condition must hold).
    standard = waves["standard", "2021-03-07T00:00:00Z"]
    assert standard["partners"] == ["Contoso Security"]
