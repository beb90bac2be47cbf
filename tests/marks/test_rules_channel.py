# ruff: noqa: E501  (rule lines are long by nature)
"""The rules channel: embed → extract round trips, erasures where marks are gone, never noise from
unrelated rules, detection untouched, canaries in every rule's metadata."""

from __future__ import annotations

import random

import yara
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.demo.disguise_rules import reformat, reorder, reword
from forewarn.domain import ArtifactKind
from forewarn.marks import tokens
from forewarn.marks.channels.rules import (
    RuleFormat,
    RulesChannel,
    plant_reference,
    rule_format,
    suricata,
    wording,
)
from forewarn.marks.channels.rules import yara as yara_rules
from forewarn.marks.schemes import channel_set, registry_for

SURICATA = """# hand-written
alert http $EXTERNAL_NET any -> $HOME_NET any (msg:"LAB Possible Exploitation Attempt - inbound probe request"; flow:established,to_server; http.uri; content:"/autodiscover/"; startswith; reference:cve,2021-26855; reference:url,example.invalid/advisory; classtype:web-application-attack; sid:1000001; rev:2; metadata:created_at 2021_03_02, deployment Perimeter, signature_severity Major, attack_target Server;)
alert http $EXTERNAL_NET any -> $HOME_NET any (msg:"LAB suspicious step two"; http.method; content:"POST"; http.header; content:"X-BEResource|3a|"; nocase; sid:1000002; rev:1; classtype:web-application-attack; metadata:created_at 2021_03_02, deployment Perimeter;)
# alert http any any -> any any (msg:"disabled"; content:"x"; sid:3;)
"""

YARA = """import "math"

rule LAB_Possible_Exploit_Tool : lab
{
    meta:
        description = "Detects a tool derived from the shared proof of concept"
        author = "lab"
        date = "2021-03-02"
        tlp = "AMBER"
        version = 2
    strings:
        $a = "/autodiscover/autodiscover.json"
        $b = "X-BEResource="
        $c = "msExchLogonMailbox" nocase
        $d = { 53 2D 31 2D 35 }
    condition:
        filesize < 2MB and 3 of them
}

rule LAB_Request_Step_Two { strings: $x = "/ecp/" condition: $x } rule LAB_Tool { strings: $y = "/owa/" condition: $y }
"""

UNRELATED_SURICATA = (
    'alert http any any -> any any (msg:"other"; http.uri; content:"/login"; classtype:x; '
    "reference:url,a; reference:url,b; sid:1000001; rev:1; metadata:a 1, b 2;)\n"
)


def test_scheme_3_adds_rules_and_leaves_scheme_2_as_its_cases_stored_it() -> None:
    assert "rules:rules" in channel_set(registry_for(3))
    assert channel_set(registry_for(2)) == tuple(
        c for c in channel_set(registry_for(3)) if c != "rules:rules"
    )
    assert not any(c.startswith("rules:") for c in channel_set(registry_for(2)))


def test_formats_are_told_apart() -> None:
    assert rule_format(SURICATA) is RuleFormat.SURICATA
    assert rule_format(YARA) is RuleFormat.YARA
    assert rule_format("just prose about rules\n") is None
    assert RulesChannel().capacity("just prose") == 0


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_embed_then_extract_reads_every_bit_back(data: st.DataObject) -> None:
    channel = RulesChannel()
    for original in (SURICATA, YARA):
        count = channel.capacity(original)
        assert count > 8
        bits = data.draw(st.lists(st.integers(0, 1), min_size=count, max_size=count))
        marked = channel.embed(original, bits)
        assert channel.extract(original, marked) == bits
        assert channel.extract(original, reformat(marked)) == bits


def test_yara_rules_sharing_a_line_are_left_as_they_are() -> None:
    marked = RulesChannel().embed(YARA, [1] * RulesChannel().capacity(YARA))
    assert (
        'rule LAB_Request_Step_Two { strings: $x = "/ecp/" condition: $x } rule LAB_Tool' in marked
    )
    assert [p.rule.name for p in yara_rules.plan(YARA)] == ["LAB_Possible_Exploit_Tool"]


def test_marks_never_touch_what_the_rules_detect() -> None:
    channel = RulesChannel()
    for bits in ([0] * channel.capacity(SURICATA), [1] * channel.capacity(SURICATA)):
        marked = channel.embed(SURICATA, bits)
        before = [r.key for r in suricata.parse(SURICATA)]
        assert [r.key for r in suricata.parse(marked)] == before
        assert '# alert http any any -> any any (msg:"disabled"' in marked
    ones = channel.embed(YARA, [1] * channel.capacity(YARA))
    assert [r.key for r in yara_rules.parse(ones)] == [r.key for r in yara_rules.parse(YARA)]
    assert [r.condition for r in yara_rules.parse(ones)] == [
        r.condition for r in yara_rules.parse(YARA)
    ]
    yara.compile(source=ones, includes=False)


def test_unrelated_rules_read_as_erased_never_as_bits() -> None:
    channel = RulesChannel()
    assert set(channel.extract(SURICATA, UNRELATED_SURICATA)) == {None}
    assert set(channel.extract(YARA, 'rule other { strings: $a = "zz" condition: $a }')) == {None}
    assert set(channel.extract(YARA, "not yara at all {")) == {None}
    assert set(channel.extract(SURICATA, YARA)) == {None}


def test_rewording_erases_the_wording_bits_and_keeps_the_order_bits() -> None:
    channel = RulesChannel()
    bits = [random.Random(3).randint(0, 1) for _ in range(channel.capacity(SURICATA))]
    marked = channel.embed(SURICATA, bits)
    read = channel.extract(SURICATA, reword(marked))
    slots = len(wording.slots("LAB Possible Exploitation Attempt - inbound probe request"))
    assert read[:slots] == [None] * slots
    assert read[slots:] and all(b == bits[k] for k, b in enumerate(read) if b is not None)
    shuffled = channel.extract(SURICATA, reorder(marked, random.Random(5)))
    assert shuffled[:slots] == bits[:slots]  # msg wording survives a reorder


def test_wording_reads_only_the_same_sentence() -> None:
    text = "Possible exploitation attempt observed"
    assert wording.read(text, wording.render(text, [1, 0, 1, 1])) == [1, 0, 1, 1]
    assert wording.read(text, "POTENTIAL EXPLOIT attempt seen") == [1, 1, 0, 1]
    assert wording.read(text, "an exploit attempt observed") == [None] * 4


def test_canary_goes_into_every_rules_metadata() -> None:
    planted, done = plant_reference(SURICATA, "FWR-AAAA-BBBB-CCCC")
    assert done and planted.count("tracking_id FWR-AAAA-BBBB-CCCC") == 2
    planted, done = plant_reference(YARA, "FWR-AAAA-BBBB-CCCC")
    assert done and planted.count('tracking_id = "FWR-AAAA-BBBB-CCCC"') == 1
    yara.compile(source=planted, includes=False)
    assert plant_reference("prose", "FWR-AAAA-BBBB-CCCC") == ("prose", False)
    where = {"secret": b"k" * 32, "case_id": "C1", "artifact": "x.rules", "partner": "Acme"}
    marked, placed = tokens.plant(SURICATA, ArtifactKind.RULES, scheme=4, **where)
    (document_id,) = placed
    assert f"tracking_id {document_id}" in marked
    assert tokens.plant("prose", ArtifactKind.RULES, scheme=4, **where) == ("prose", ())
    old, (reference,) = tokens.plant(SURICATA, ArtifactKind.RULES, scheme=3, **where)
    assert reference.startswith("FWR-") and f"tracking_id {reference}" in old
