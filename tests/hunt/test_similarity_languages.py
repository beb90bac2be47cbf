"""Similarity across the languages the hunt reads: a leaker's rename and restyle keeps the score.

The disguise (`forewarn.demo.disguise_languages`) renames every identifier a PoC defines, drops
its comments and changes its layout, as a leaker does; its wire values must survive, and the
canonical tree must read the forms a rename produces in JavaScript and the shells as the
originals.
"""

from __future__ import annotations

import re

import pytest

from forewarn.demo.disguise_languages import disguise
from forewarn.hunt.similarity import MATCH_THRESHOLD, SimilarityIndex, fingerprint
from poc_world import LANGUAGES, LanguageFixture

WIRE = ("LarkspurProbe/1.4 (toy-service check)", "X-Larkspur-Probe", "/toy/items?limit=3")
HELPERS = re.compile(r"build_?headers|New-ProbeHeaders|PROBE_PATHS|probe_paths|kProbePaths", re.I)
IDS = [f.language for f in LANGUAGES]


@pytest.mark.parametrize("fixture", LANGUAGES, ids=IDS)
def test_the_disguise_renames_and_restyles_but_keeps_the_wire(fixture: LanguageFixture) -> None:
    original = fixture.poc.read_text()
    disguised = disguise(original, fixture.language, seed=3)
    assert HELPERS.search(original) and not HELPERS.search(disguised)
    assert "benign look-alike" in original and "benign look-alike" not in disguised
    for value in WIRE:
        assert value in disguised
    assert disguise(original, fixture.language, seed=3) == disguised
    assert disguise(original, fixture.language, seed=4) != disguised


@pytest.mark.parametrize("fixture", LANGUAGES, ids=IDS)
def test_a_disguised_copy_is_derived_and_an_unrelated_program_is_not(
    fixture: LanguageFixture,
) -> None:
    index = SimilarityIndex()
    for other in LANGUAGES:
        text = other.poc.read_text()
        index.add(other.language, text, case="C", name=other.poc.name, language=other.language)
    disguised = disguise(fixture.poc.read_text(), fixture.language)
    scores = index.scores(fingerprint(disguised, fixture.language))
    assert scores[fixture.language] >= MATCH_THRESHOLD
    assert max(s for lang, s in scores.items() if lang != fixture.language) == 0.0
    unrelated = index.scores(fingerprint(fixture.unrelated.read_text(), fixture.language))
    assert unrelated[fixture.language] < 0.1


def test_a_javascript_shorthand_property_reads_as_its_long_form() -> None:
    """`{ host }` renamed becomes `{ host: h }`: the same object, so the same features."""
    short = "const target = { host, port, path };\nsend(target);\n"
    long = "const dest = { host: h, port: p, path: where };\nsend(dest);\n"
    for language in ("javascript", "typescript"):
        a, b = fingerprint(short, language), fingerprint(long, language)
        assert a.features.tolist() == b.features.tolist()
    assert fingerprint("o = {a: b}\n", "python").features.size


def test_an_interpolated_variable_renamed_keeps_the_literal() -> None:
    for language, before, after in (
        ("powershell", '$h = "sess-$ProbeId-0042"\n', '$h = "sess-$Other-0042"\n'),
        ("shell", 'h="sess-${probe_id}-0042"\n', 'h="sess-${other}-0042"\n'),
        ("shell", 'h="sess-$probe_id-0042"\n', 'h="sess-$other-0042"\n'),
    ):
        a, b = fingerprint(before, language), fingerprint(after, language)
        assert a.features.tolist() == b.features.tolist(), language
