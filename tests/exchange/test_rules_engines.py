"""Generated rules against the real thing: hits only where due.

YARA rules are compiled and run by yara-python on the shipped benign PoC, on every partner's
marked copy, on real captures of their traffic and on a benign corpus (the running interpreter's
own HTTP, mail and JSON modules, and the unrelated fixtures). Suricata rules: NO SURICATA ENGINE
RUNS HERE (it is not packaged on this machine). They are parsed with suricataparser and their
`content`/`http.*` buffers are matched by forewarn's own matcher (`exchange.rules.match`) against
requests read from tcpdump captures of the benign PoC and its marked copies run against a
127.0.0.1 listener, and of benign clients' traffic.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yara

from forewarn.domain import ArtifactKind, Case, RuleSource
from forewarn.exchange.rules.match import alerts, compile_file
from forewarn.exchange.rules.suricata import suricata_rules
from forewarn.exchange.rules.yara import yara_rules
from forewarn.hunt.wire import read_requests
from forewarn.marks import CodeSpec, Marker
from forewarn.program.rules import poc_view
from wire_world import CLIENTS, listening, require_tcpdump, run_clients, tcpdump

ROOT = Path(__file__).parents[2]
POC = ROOT / "src/forewarn/data/scenarios/exchange-2021/poc.py"
PARTNERS = ("Acme AV", "Northwind CERT", "Kestrel Labs", "Umbra Sec")
CASE = Case(
    "FW-2021-0001",
    "Mail server pre-auth request chain",
    "Mail Server 2019",
    date(2021, 1, 5),
    date(2021, 3, 9),
    ("CVE-2021-26855", "CVE-2021-27065"),
)


@dataclass(frozen=True)
class World:
    marker: Marker
    yara: str
    suricata: str
    copies: dict[str, bytes]


@pytest.fixture(scope="module")
def world() -> World:
    marker = Marker(bytes(range(32)), CASE.id, CodeSpec(n_partners=64))
    original = POC.read_bytes()
    view = poc_view(marker, "poc.py", original)
    assert view is not None
    source = RuleSource(CASE, (view,), "Example PSIRT", date(2021, 2, 20))
    copies = {"original": original}
    for partner in PARTNERS:
        copies[partner] = marker.mark("poc.py", ArtifactKind.POC, original, partner).content
    return World(marker, yara_rules(source), suricata_rules(source), copies)


def _benign_corpus() -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = [p for d in ("http", "urllib", "email", "json", "xmlrpc", "wsgiref") for p in
             sorted((stdlib / d).rglob("*.py"))]  # fmt: skip
    files += sorted((ROOT / "tests/fixtures/pocs/unrelated").rglob("*"))
    files += sorted((ROOT / "bench/corpus").glob("*.py"))
    return [f for f in files if f.is_file()]


def _marked_rules(world: World, name: str, text: str) -> dict[str, str]:
    return {
        p: world.marker.mark(name, ArtifactKind.RULES, text.encode(), p).content.decode()
        for p in PARTNERS
    }


def test_yara_tool_rule_hits_the_poc_and_every_partners_copy(world: World) -> None:
    versions = {"original": world.yara, **_marked_rules(world, "rules.yar", world.yara)}
    for whose, text in versions.items():
        compiled = yara.compile(source=text, includes=False)
        for copy_of, data in world.copies.items():
            scopes = [m.meta["scope"] for m in compiled.match(data=data)]
            assert "code" in scopes, (whose, copy_of)  # names are marked: the meta tells


def test_yara_rules_hit_nothing_in_a_benign_corpus(world: World) -> None:
    corpus = _benign_corpus()
    assert len(corpus) > 50
    compiled = yara.compile(source=world.yara, includes=False)
    hits = {str(path): [m.rule for m in compiled.match(str(path))] for path in corpus}
    assert {path: rules for path, rules in hits.items() if rules} == {}


def test_marked_rule_files_keep_what_they_detect(world: World) -> None:
    """Every partner's copy compiles, parses and keeps each rule's contents and conditions."""
    for name, text in (("rules.yar", world.yara), ("suricata.rules", world.suricata)):
        for partner, marked in _marked_rules(world, name, text).items():
            assert marked != text and "tracking_id" in marked, partner
    suricata = [r.contents for r in compile_file(world.suricata)]
    for marked in _marked_rules(world, "suricata.rules", world.suricata).values():
        assert [r.contents for r in compile_file(marked)] == suricata


@dataclass(frozen=True)
class Captures:
    poc_runs: dict[str, Path]
    benign: Path


@pytest.fixture(scope="module")
def captures(world: World, tmp_path_factory: pytest.TempPathFactory) -> Captures:
    require_tcpdump()
    folder = tmp_path_factory.mktemp("rule-captures")
    runs: dict[str, Path] = {}
    for whose, data in world.copies.items():
        script = folder / f"{whose.replace(' ', '_')}.py"
        script.write_bytes(data)
        pcap = folder / f"{script.stem}.pcap"
        with listening() as listener, tcpdump(pcap, [listener.port], "-i", "lo"):
            argv = [sys.executable, "-I", str(script), "--host", "127.0.0.1"]
            done = subprocess.run(
                [*argv, "--port", str(listener.port), "--timeout", "5"],
                capture_output=True,
                timeout=60,
                check=False,
            )
            assert done.returncode == 0, done.stderr
            assert len(listener.received) == 4
        runs[whose] = pcap
    benign = folder / "benign.pcap"
    with listening() as listener, tcpdump(benign, [listener.port], "-i", "lo"):
        run_clients(listener, CLIENTS)
    return Captures(runs, benign)


def _requests(pcap: Path):
    reading = read_requests(pcap.read_bytes(), pcap.name)
    assert reading.format == "pcap"
    return reading.requests


def test_suricata_rules_no_engine_our_matcher_alerts_on_each_copys_pcap_once_per_step(
    world: World, captures: Captures
) -> None:
    versions = {
        "original": world.suricata,
        **_marked_rules(world, "suricata.rules", world.suricata),
    }
    sids = [r.sid for r in compile_file(world.suricata)]
    assert len(sids) == 4
    for whose, pcap in captures.poc_runs.items():
        requests = _requests(pcap)
        assert len(requests) == 4, whose
        for rules in versions.values():
            fired = alerts(compile_file(rules), requests)
            assert sorted(fired) == list(zip(range(4), sids, strict=True)), whose


def test_suricata_rules_no_engine_our_matcher_stays_quiet_on_benign_traffic(
    world: World, captures: Captures
) -> None:
    requests = _requests(captures.benign)
    assert len(requests) >= 6
    assert alerts(compile_file(world.suricata), requests) == []


def test_yara_request_rules_hit_the_captures_of_every_copy_and_not_benign_traffic(
    world: World, captures: Captures
) -> None:
    compiled = yara.compile(source=world.yara, includes=False)
    for whose, pcap in captures.poc_runs.items():
        scopes = [m.meta["scope"] for m in compiled.match(str(pcap))]
        assert scopes.count("traffic") == 4, whose
    assert compiled.match(str(captures.benign)) == []
