"""The shipped scenarios: one loader, facts that cite their sources, and a clear error for a
name that is not shipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CliRun
from forewarn.demo.facts import load_facts
from forewarn.demo.scenario import SCENARIO, load_attack, scenario_dir, scenario_names
from forewarn.errors import ValidationError
from forewarn.program.programfile_schema import read_program_file


def test_both_scenarios_ship_and_exchange_is_the_default() -> None:
    assert scenario_names() == ["exchange-2021", "mapp-2012"]
    assert SCENARIO == "exchange-2021"


@pytest.mark.parametrize("name", ["exchange-2021", "mapp-2012"])
def test_every_fact_cites_a_publication_and_a_date_apart_from_what_is_invented(
    name: str,
) -> None:
    with scenario_dir(name) as folder:
        facts = load_facts(folder / "facts.yaml")
        script = load_attack(folder / "attack.yaml")
        program = read_program_file(folder / "scenario.yaml")
    assert facts.facts and facts.invented
    for fact in facts.facts:
        assert fact.sources
        for source in fact.sources:
            assert source.publication and len(source.date) in (7, 10)
    assert facts.publications()
    assert any("fictional" in line or "organisation" in line for line in facts.invented)
    (case,) = program.cases
    assert case.id == script.case
    names = {p.name for p in program.partners}
    assert script.leak.partner in names


def test_an_unknown_scenario_is_a_clear_error_listing_the_names(
    cli: CliRun, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="unknown scenario"), scenario_dir("nope"):
        pass
    done = cli(["demo", "--scenario", "nope", "--out", str(tmp_path / "out")])
    assert done.exit_code == 2
    assert "unknown scenario 'nope'" in done.stderr
    assert "exchange-2021, mapp-2012" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_facts_file_without_sources_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "facts.yaml"
    bad.write_text(
        "title: t t\nstory: a story told\nfacts:\n  - {fact: a fact with no source, "
        "used_as: nothing, sources: []}\ninvented: [everything]\n"
    )
    with pytest.raises(ValidationError, match="cannot read the scenario's facts"):
        load_facts(bad)


def test_the_mapp_look_alike_talks_only_to_the_loopback_address() -> None:
    with scenario_dir("mapp-2012") as folder:
        poc = folder / "poc.py"
        dry = subprocess.run(
            [sys.executable, str(poc), "--dry-run"], capture_output=True, text=True, check=False
        )
        far = subprocess.run(
            [sys.executable, str(poc), "--host", "192.0.2.1"],
            capture_output=True,
            text=True,
            check=False,
        )
    assert dry.returncode == 0 and '"packets": 8' in dry.stdout
    assert far.returncode != 0 and "only 127.0.0.1 is allowed" in far.stderr
