"""The engine: mark a copy per partner, read it back, accuse the right partner and nobody else."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from fake_channel import FlagChannel, flag_file
from hypothesis import given, settings
from hypothesis import strategies as st
from test_marks_text import ADVISORY

import forewarn
from forewarn.domain import ArtifactKind
from forewarn.errors import MarkError
from forewarn.marks import ChannelRegistry, CodeSpec, Marker, default_registry
from forewarn.marks.channels.text.channel import TextChannel
from forewarn.marks.schemes import registry_for

SECRET = b"program-secret-0123456789abcdef"
PARTNERS = [f"partner-{k:04d}" for k in range(1000)]
POC = flag_file(120).encode()
ADV = ADVISORY.encode()


def _marker(draws: int = 20_000) -> Marker:
    registry = ChannelRegistry(
        {
            ArtifactKind.ADVISORY: (TextChannel(),),
            ArtifactKind.DETECTION: (TextChannel(),),
            ArtifactKind.POC: (FlagChannel(),),
        }
    )
    return Marker(
        SECRET, "CASE-2021-0001", CodeSpec(1000), registry, domains=("t.example.net",), draws=draws
    )


MARKER = _marker()


def test_code_spec_derives_its_length_and_refuses_nonsense() -> None:
    spec = CodeSpec(1000)
    assert spec.length == spec.lengths.skoric_symmetric == 1228
    assert spec.cutoff == pytest.approx(0.2)
    with pytest.raises(MarkError):
        CodeSpec(0)


def test_codewords_derive_from_secret_case_and_partner_only() -> None:
    again = Marker(SECRET, "CASE-2021-0001", CodeSpec(1000), default_registry())
    assert np.array_equal(MARKER.codeword("partner-0001"), again.codeword("partner-0001"))
    assert not np.array_equal(MARKER.codeword("partner-0001"), MARKER.codeword("partner-0002"))
    other_case = Marker(SECRET, "CASE-2021-0002", CodeSpec(1000))
    assert not np.array_equal(MARKER.codeword("partner-0001"), other_case.codeword("partner-0001"))


@given(
    st.sampled_from(PARTNERS),
    st.sampled_from(
        [
            ("poc.py", ArtifactKind.POC, POC),
            ("advisory.md", ArtifactKind.ADVISORY, ADV),
            ("rules.md", ArtifactKind.DETECTION, ADV),
        ]
    ),
)
@settings(max_examples=25, deadline=None)
def test_an_untouched_copy_reads_back_the_partners_codeword(
    partner: str, artifact: tuple[str, ArtifactKind, bytes]
) -> None:
    name, kind, original = artifact
    copy = MARKER.mark(name, kind, original, partner)
    observations = MARKER.extract(name, kind, original, copy.content)
    assert len(observations) == sum(MARKER.capacity(name, kind, original).values())
    word = MARKER.codeword(partner)
    assert all(word[o.position] == o.symbol for o in observations)
    assert MARKER.mark(name, kind, original, partner) == copy


def test_a_leaked_poc_names_its_partner_by_code_and_by_token() -> None:
    copy = MARKER.mark("poc.py", ArtifactKind.POC, POC, "partner-0042")
    assert len(copy.tokens) == 6 and copy.content.count(b"AWS_ACCESS_KEY_ID") == 1
    verdict = MARKER.trace("poc.py", ArtifactKind.POC, POC, copy.content, PARTNERS)
    assert verdict.accused == ("partner-0042",)
    assert {h.token for h in verdict.suspects[0].tokens} == set(copy.tokens)
    stripped = b"\n".join(
        ln for ln in copy.content.splitlines() if not any(t.encode() in ln for t in copy.tokens)
    )
    by_code = MARKER.trace("poc.py", ArtifactKind.POC, POC, stripped, PARTNERS)
    assert by_code.accused == ("partner-0042",) and by_code.suspects[0].tokens == ()
    assert by_code.suspects[0].false_accusation_bound < 1e-3
    assert dict(by_code.symbols_read) == {"flags": 120}
    assert by_code.empirical_threshold <= by_code.threshold


def test_the_advisory_names_its_partner_by_its_document_id_and_by_wording_alone() -> None:
    copy = MARKER.mark("advisory.md", ArtifactKind.ADVISORY, ADV, "partner-0007")
    hits = MARKER.find_tokens(copy.content, ["advisory.md"], PARTNERS)
    assert {h.partner for h in hits} == {"partner-0007"} and len(hits) == len(copy.tokens) == 3
    verdict = MARKER.trace("advisory.md", ArtifactKind.ADVISORY, ADV, copy.content, PARTNERS)
    assert verdict.accused == ("partner-0007",) and verdict.suspects[0].tokens == hits
    without = copy.content.split(b"Document ID")[0]
    by_words = MARKER.trace("advisory.md", ArtifactKind.ADVISORY, ADV, without, PARTNERS)
    assert by_words.accused == ("partner-0007",) and by_words.suspects[0].tokens == ()


def test_two_artifacts_of_one_leak_add_up() -> None:
    poc_copy = MARKER.mark("poc.py", ArtifactKind.POC, POC, "partner-0500")
    half = b"".join(poc_copy.content.splitlines(keepends=True)[:15])
    adv_copy = MARKER.mark("advisory.md", ArtifactKind.ADVISORY, ADV, "partner-0500")
    adv = adv_copy.content.split(b"Partner reference")[0]
    observations = MARKER.extract("poc.py", ArtifactKind.POC, POC, half)
    observations += MARKER.extract("advisory.md", ArtifactKind.ADVISORY, ADV, adv)
    verdict = MARKER.accuse(observations, PARTNERS)
    assert verdict.accused == ("partner-0500",)
    assert {e.channel for e in verdict.suspects[0].evidence} == {"flags", "text"}


def test_the_unmarked_original_and_unrelated_files_accuse_nobody() -> None:
    rnd = random.Random(4)
    suspects = [POC, ADV, b"", b"lorem ipsum " * 300]
    suspects += [
        "".join(f"flag{k}={rnd.choice(['on', 'off'])}\n" for k in range(120)).encode()
        for _ in range(5)
    ]
    for suspect in suspects:
        for name, kind, original in (
            ("poc.py", ArtifactKind.POC, POC),
            ("advisory.md", ArtifactKind.ADVISORY, ADV),
        ):
            assert MARKER.trace(name, kind, original, suspect, PARTNERS).accused == ()


def test_a_two_partner_merge_accuses_only_colluders() -> None:
    one = MARKER.mark(
        "poc.py", ArtifactKind.POC, flag_file(400).encode(), "partner-0001"
    ).content.splitlines()
    two = MARKER.mark(
        "poc.py", ArtifactKind.POC, flag_file(400).encode(), "partner-0002"
    ).content.splitlines()
    merged = b"\n".join(a if k % 2 else b for k, (a, b) in enumerate(zip(one, two, strict=True)))
    verdict = MARKER.trace("poc.py", ArtifactKind.POC, flag_file(400).encode(), merged, PARTNERS)
    assert verdict.accused and set(verdict.accused) <= {"partner-0001", "partner-0002"}


def test_errors_a_user_can_cause_are_mark_errors() -> None:
    with pytest.raises(MarkError):
        MARKER.mark("poc.py", ArtifactKind.POC, b"\xff\xfe", "partner-0001")
    with pytest.raises(MarkError):
        MARKER.accuse([], ["partner-0001", "partner-0001"])
    with pytest.raises(MarkError):
        Marker(b"short", "C", CodeSpec(10)).codeword("p")


def test_the_default_registry_marks_text_kinds_with_the_text_channel() -> None:
    registry = default_registry()
    assert [c.name for c in registry.for_kind(ArtifactKind.ADVISORY)] == ["text"]
    assert "text" in registry.names()
    with pytest.raises(ValueError, match="unique"):
        ChannelRegistry({ArtifactKind.POC: (TextChannel(), TextChannel())})


def test_the_shipped_poc_reads_back_through_every_registered_channel() -> None:
    """The real PoC channels (payload, then Python source) under the engine, tokens planted last."""
    poc = (Path(forewarn.__file__).parent / "data/scenarios/exchange-2021/poc.py").read_bytes()
    marker = Marker(SECRET, "FW-2021-0001", CodeSpec(1000))
    capacity = marker.capacity("poc.py", ArtifactKind.POC, poc)
    assert [c.name for c in marker.channels.for_kind(ArtifactKind.POC)] == list(capacity)
    for partner in ("partner-0003", "partner-0777"):
        copy = marker.mark("poc.py", ArtifactKind.POC, poc, partner)
        compile(copy.content, "poc.py", "exec")  # parsed, never run
        observations = marker.extract("poc.py", ArtifactKind.POC, poc, copy.content)
        assert len(observations) == sum(capacity.values())
        word = marker.codeword(partner)
        assert all(word[o.position] == o.symbol for o in observations)
        verdict = marker.accuse(observations, PARTNERS)
        assert verdict.accused == (partner,)
    assert marker.trace("poc.py", ArtifactKind.POC, poc, poc, PARTNERS).accused == ()


def test_unrelated_python_files_accuse_nobody_for_the_shipped_poc() -> None:
    """Standard-library modules, read as text (never run), as suspects."""
    poc = (Path(forewarn.__file__).parent / "data/scenarios/exchange-2021/poc.py").read_bytes()
    marker = Marker(SECRET, "FW-2021-0001", CodeSpec(1000), draws=20_000)
    library = Path(json.__file__).parent.parent
    for name in ("json/encoder.py", "textwrap.py", "urllib/parse.py", "smtplib.py"):
        suspect = (library / name).read_bytes()
        assert marker.trace("poc.py", ArtifactKind.POC, poc, suspect, PARTNERS).accused == ()


def test_tokens_are_known_without_marking_and_match_the_marked_copy() -> None:
    for name, kind, original in (
        ("poc.py", ArtifactKind.POC, POC),
        ("advisory.md", ArtifactKind.ADVISORY, ADV),
    ):
        planted = MARKER.tokens(name, kind, original, "partner-0099")
        assert planted == MARKER.mark(name, kind, original, "partner-0099").tokens
        found = MARKER.find_tokens(" ".join(planted).encode(), [name], PARTNERS)
        assert {h.token for h in found} == set(planted)
        assert {h.partner for h in found} == {"partner-0099"}


class _Recording(FlagChannel):
    """Flags, remembering whether the engine asked this channel to read its own copy back."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.checks: list[bool] = []

    def embed(self, original: str, bits, *, check: bool = True) -> str:  # type: ignore[no-untyped-def]
        self.checks.append(check)
        return super().embed(original, bits, check=check)


class _Careless(_Recording):
    """A channel of no choice points of its own that sets every flag of the file (`spoil`)."""

    def __init__(self, name: str, spoil: bool = False) -> None:
        super().__init__(name)
        self.spoil = spoil

    def capacity(self, original: str) -> int:
        return 0

    def extract(self, original: str, suspect: str) -> list[int | None]:
        return []

    def embed(self, original: str, bits, *, check: bool = True) -> str:  # type: ignore[no-untyped-def]
        self.checks.append(check)
        return original.replace("=off", "=on") if self.spoil else original


def test_with_several_channels_the_engine_reads_every_one_back_instead_of_each_itself() -> None:
    first, second = _Recording("a"), _Careless("b")
    registry = ChannelRegistry({ArtifactKind.POC: (first, second)})
    marker = Marker(SECRET, "CASE-2021-0001", CodeSpec(1000), registry)
    copy = marker.mark("poc.py", ArtifactKind.POC, POC, "partner-0001")
    assert (first.checks, second.checks) == ([False], [False])
    assert marker.extract("poc.py", ArtifactKind.POC, POC, copy.content)
    alone = _Recording("a")
    registry = ChannelRegistry({ArtifactKind.POC: (alone,)})
    Marker(SECRET, "CASE-2021-0001", CodeSpec(1000), registry).mark(
        "poc.py", ArtifactKind.POC, POC, "partner-0001"
    )
    assert alone.checks == [True]  # a single channel still checks its own copy


def test_a_channel_spoiling_an_earlier_ones_marks_is_caught_by_the_engines_read_back() -> None:
    registry = ChannelRegistry({ArtifactKind.POC: (_Recording("a"), _Careless("b", spoil=True))})
    marker = Marker(SECRET, "CASE-2021-0001", CodeSpec(1000), registry)
    with pytest.raises(MarkError, match="do not read back"):
        marker.mark("poc.py", ArtifactKind.POC, POC, "partner-0001")


@pytest.mark.parametrize("scheme", [1, 2, 3, 4, 5, 6])
def test_only_scheme_1_reads_a_captures_text_a_hunt_then_ships_web_logs_without_it(
    scheme: int,
) -> None:
    """Scheme 1's payload channel reads web-log lines as text; every later scheme reads a
    capture's requests only, so `program_hunt` keeps a log's text on the worker."""
    marker = Marker(SECRET, "CASE-2021-0001", CodeSpec(4), registry_for(scheme), scheme=scheme)
    assert marker.reads_capture_text() is (scheme == 1)
