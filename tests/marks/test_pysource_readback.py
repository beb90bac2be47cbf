"""Reading a PoC's Python source marks back from a copy that other channels also edited.

The wire and payload channels reorder a PoC's headers and form fields and move header values
between partners (`application/json` → `application/json, text/plain, */*`). Entries that
serialise alike used to keep their source order, so their choice points swapped, and quote
and statement-order pairs lost their keys: `Marker.mark` refused about one partner in three
("do not read back from the copy"). Each edit is made here by hand, as those channels make
it; the reading must return the bits written, while a changed choice point still reads as
changed. `bench/readback_sweep.py` counts the refusals over many partners and keys.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forewarn.domain import ArtifactKind
from forewarn.errors import MarkError
from forewarn.marks import CodeSpec, Marker
from forewarn.marks.channels._python.variants import (
    HEADER_VALUES,
    fold_stable,
    fold_text,
    header_value,
)
from forewarn.marks.channels.pysource.channel import PythonSourceChannel, _plan_of
from forewarn.marks.channels.pysource.raw import ChoiceKind
from forewarn.marks.channels.pysource.shapes import DIGIT_RUN
from forewarn.marks.schemes import SCHEMES, registry_for

POCS = Path(__file__).parent / "readback_pocs"
CHANNELS = {
    "scheme 1-2": PythonSourceChannel(),
    "scheme 3-4": PythonSourceChannel(blind=True),
    "scheme 5": PythonSourceChannel(blind=True, version=5),
    "scheme 6": PythonSourceChannel(blind=True, version=6),
}
"""The Python source channel as each scheme builds it."""


def _points(channel: PythonSourceChannel, source: str, kind: ChoiceKind) -> list[int]:
    """Indices of the choice points of `kind` that the channel writes in `source`."""
    plan = _plan_of(source, channel.blind, channel.version)
    return [k for k, found in enumerate(plan.located) if found.site.kind is kind]


def _swap_lines(text: str, first: str, second: str) -> str:
    """`text` with the line holding `first` and the line holding `second` exchanged."""
    lines = text.splitlines(keepends=True)
    (a,) = [k for k, line in enumerate(lines) if first in line]
    (b,) = [k for k, line in enumerate(lines) if second in line]
    lines[a], lines[b] = lines[b], lines[a]
    return "".join(lines)


TIED = {
    "dict": (
        '''
def form(site, user, seq):
    """A form whose fields are formatted alike."""
    values = {
        "ReturnUrl": "http://{}/home".format(site),
        "Title": "note for {}".format(user),
        "Round": "round-{}".format(seq),
        "Flag": "on",
    }
    return values
''',
        ("ReturnUrl", "Round"),
    ),
    "pairs": (
        '''
def pairs(site, user, seq):
    """Header pairs whose values are formatted alike."""
    headers = [
        ("Referer", "http://{}/start".format(site)),
        ("X-User", "user-{}".format(user)),
        ("X-Seq", "seq-{}".format(seq)),
        ("Accept", "*/*"),
    ]
    return headers
''',
        ("Referer", "X-Seq"),
    ),
    "keywords": (
        '''
def query(site, user, seq):
    """A query built from keywords formatted alike."""
    return urllib.parse.urlencode(
        dict(
            ref="http://{}/start".format(site),
            who="user-{}".format(user),
            seq="seq-{}".format(seq),
        )
    )
''',
        ("ref=", "seq="),
    ),
}
"""Order-free displays whose entries serialise alike, and two entries to exchange."""


@pytest.mark.parametrize("display", sorted(TIED))
@pytest.mark.parametrize("scheme", sorted(CHANNELS))
def test_tied_entries_read_back_by_their_keys_when_reordered(display: str, scheme: str) -> None:
    channel = CHANNELS[scheme]
    source, (first, second) = TIED[display]
    formats = _points(channel, source, ChoiceKind.FSTRING)
    assert len(formats) == 3
    capacity = channel.capacity(source)
    for pattern in ((1, 0, 0), (0, 1, 1), (1, 1, 0), (0, 0, 1)):
        bits = [0] * capacity
        for at, bit in zip(formats, pattern, strict=True):
            bits[at] = bit
        marked = channel.embed(source, bits)
        reordered = _swap_lines(marked, first, second)
        assert reordered != marked
        assert channel.extract(source, reordered) == bits


class _Before:
    """A channel marking a PoC before the source channel, which hands its copies over as
    derivations of the original, or not (`interface.HandsOver`)."""

    def __init__(self, derives: bool) -> None:
        self.derives = derives

    def hands_over(self, original: str) -> bool:
        return self.derives


@pytest.mark.parametrize("display", sorted(TIED))
def test_tied_entries_read_back_as_the_write_counted_them(display: str) -> None:
    """Handed a derivation, the source channel writes each tied point where the original's plan
    put it (found again by its key); handed a plain copy, it plans on that copy and counts tied
    points in its order (found again by occurrence, as every such copy always was)."""
    source, (first, second) = TIED[display]
    reordered_first = _swap_lines(source, first, second)
    derived = PythonSourceChannel(blind=True, version=6, after=_Before(True))
    planned = PythonSourceChannel(blind=True, version=6, after=_Before(False))
    formats = _points(derived, source, ChoiceKind.FSTRING)
    capacity = derived.capacity(source)
    bits = [0] * capacity
    bits[formats[0]] = 1
    # written on the original, then reordered (a derivation: the original's plan)
    after = _swap_lines(derived.embed(source, bits), first, second)
    assert derived.extract(source, after) == bits
    assert planned.extract(source, after) != bits
    # reordered, then written on a plan of that copy
    before = planned.embed(reordered_first, bits)
    assert planned.extract(source, before) == bits
    assert derived.extract(source, before) != bits


HEADERS = '''
import http.client

BASE_HEADERS = {"User-Agent": "probe/4471", "Accept": "*/*", "X-Mode": "plain"}
TIMEOUT = 10


def fetch(host):
    """Ask for the items with header values the wire channel has partners for."""
    conn = http.client.HTTPConnection(host, 8080, timeout=TIMEOUT)
    headers = {"Accept": "application/json", "Connection": "close", "X-Item": "list"}
    conn.request("GET", "/api/items", headers=headers)
    answer = conn.getresponse()
    if answer.status != 200:
        print("status", answer.status, "for", "/api/items", "on", host)
    return answer.read(256)
'''
"""Quote-layer pairs and a statement-order pair holding wire values."""

Q = "([\"'])"
"""Either quote: the quote layer may have requoted any literal."""
WIRE_EDITS = (
    (f"{Q}application/json{Q}", r"\1application/json, text/plain, */*\2"),
    (f"{Q}close{Q}", r"\1keep-alive\2"),
    (
        f"({Q}User-Agent{Q}: {Q}probe/4471{Q}), ({Q}Accept{Q}: {Q}\\*/\\*{Q})",
        lambda m: m.group(6) + ", " + m.group(1).replace("User-Agent", "user-agent"),
    ),
    ("probe/4471", "probe/4470"),
)
"""What the wire and payload channels may do to `HEADERS`: a header value moved along its chain
of partners (which scheme 3's keys did not fold alike), a connection value, a header dict
reordered and recased, a digit moved."""


@pytest.mark.parametrize("scheme", sorted(CHANNELS))
def test_quote_and_statement_pairs_read_back_by_content_after_wire_edits(scheme: str) -> None:
    channel = CHANNELS[scheme]
    capacity = channel.capacity(HEADERS)
    kinds = set(_kinds(channel, HEADERS))
    assert ChoiceKind.STMTORDER in kinds
    if scheme == "scheme 3-4":
        assert ChoiceKind.QUOTE in kinds
    for seed in range(6):
        rng = random.Random(seed)
        bits = [rng.randint(0, 1) for _ in range(capacity)]
        edited = channel.embed(HEADERS, bits)
        for pattern, replacement in WIRE_EDITS:
            edited, count = re.subn(pattern, replacement, edited)
            assert count == 1, pattern
        assert channel.extract(HEADERS, edited) == bits


def _kinds(channel: PythonSourceChannel, source: str) -> list[ChoiceKind]:
    return [found.site.kind for found in _plan_of(source, channel.blind, channel.version).located]


def _toggle_format(line: str) -> str:
    """One `"…{}…".format(x)` written as an f-string, or one f-string as `.format`: the other
    form of one `fstring` choice point, made by hand."""
    call = re.search(r'"([^"{}]*)\{\}([^"{}]*)"\.format\(([\w.]+)\)', line)
    if call is not None:
        head, tail, value = call.groups()
        return line[: call.start()] + f'f"{head}{{{value}}}{tail}"' + line[call.end() :]
    fstring = re.search(r'f"([^"{}]*)\{([\w.]+)\}([^"{}]*)"', line)
    assert fstring is not None, line
    head, value, tail = fstring.groups()
    return line[: fstring.start()] + f'"{head}{{}}{tail}".format({value})' + line[fstring.end() :]


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_a_choice_point_changed_by_hand_still_reads_as_changed(scheme: int) -> None:
    """Read-back is not lax: the copy's own bits read back, and a copy with one tied entry's
    form flipped reads that one bit flipped, so a check against the written bits fails."""
    original = (POCS / "toolpane_chain.py").read_text()
    marker = _marker(scheme, b"tamper")
    channel = next(
        c for c in marker.channels.for_kind(ArtifactKind.POC) if c.name == "python_source"
    )
    assert isinstance(channel, PythonSourceChannel)
    plan = _plan_of(original, channel.blind, channel.version)
    for partner in ("Partner 00", "Partner 01", "Partner 02"):
        copy = marker.mark("poc.py", ArtifactKind.POC, original.encode(), partner).content.decode()
        written = channel.extract(original, copy)
        assert None not in written
        lines = copy.splitlines(keepends=True)
        (at,) = [k for k, line in enumerate(lines) if "MSOTlPn_Uri" in line]
        lines[at] = _toggle_format(lines[at])
        tampered = "".join(lines)
        got = channel.extract(original, tampered)
        changed = [k for k, (a, b) in enumerate(zip(written, got, strict=True)) if a != b]
        wrong = [k for k in changed if got[k] is not None]
        (point,) = wrong
        site = plan.located[point].site
        assert site.kind is ChoiceKind.FSTRING and site.label
        assert got[point] == 1 - (written[point] or 0)
        assert all(got[k] is None for k in changed if k != point)  # quote pairs lose a literal
        assert got != written


def _marker(scheme: int, secret: bytes, partners: int = 30) -> Marker:
    key = (secret * 32)[:32]
    spec = CodeSpec(n_partners=partners)
    return Marker(key, "FW-2026-0042", spec, registry_for(scheme), scheme=scheme)


def _observed_exactly(marker: Marker, original: bytes, partner: str) -> None:
    """`partner`'s copy marks (no MarkError) and every Python source point reads its bit."""
    copy = marker.mark("poc.py", ArtifactKind.POC, original, partner).content
    observations = marker.extract("poc.py", ArtifactKind.POC, original, copy)
    word = marker.codeword(partner)
    source = [o for o in observations if o.channel == "python_source"]
    assert source, "no Python source point was read"
    capacity = marker.capacity("poc.py", ArtifactKind.POC, original)["python_source"]
    assert len(source) == capacity
    assert all(word[o.position] == o.symbol for o in observations)


HEADER_NAMES = ("User-Agent", "Referer", "X-Request-Id", "X-Tenant", "X-Trace", "Origin")
FORMS = (
    '"{tag}-{{}}".format({arg})',
    'f"{tag}-{{{arg}}}"',
    '"{tag}-%s" % {arg}',
    '"{tag}-plain"',
)
"""Value spellings of a generated entry: `.format`, f-string, `%` and a plain literal."""


@st.composite
def tied_pocs(draw: st.DrawFn) -> str:
    """A small PoC whose header dict, form dict and call keywords hold entries alike."""
    names = draw(st.lists(st.sampled_from(HEADER_NAMES), min_size=2, max_size=5, unique=True))
    args = ("site", "user", "seq")

    def value(tag: str) -> str:
        form = draw(st.sampled_from(FORMS))
        return form.format(tag=tag, arg=draw(st.sampled_from(args)))

    headers = "".join(f'        "{name}": {value(name.lower())},\n' for name in names)
    fields = draw(
        st.lists(
            st.sampled_from(("title", "owner", "path", "ref")), min_size=2, max_size=4, unique=True
        )
    )
    form = "".join(f'        "{name}": {value(name)},\n' for name in fields)
    keywords = "".join(f"            {name}={value(name)},\n" for name in fields[::-1])
    accept = draw(st.sampled_from(("application/json", "*/*", "text/plain")))
    return f'''"""Generated benign look-alike: talks to a local toy server only."""

import http.client
import urllib.parse


def send(host, site, user, seq):
    """Post a harmless form with formatted headers; the status code."""
    headers = {{
{headers}        "Accept": "{accept}",
        "Connection": "close",
    }}
    form = {{
{form}    }}
    query = urllib.parse.urlencode(
        dict(
{keywords}        )
    )
    conn = http.client.HTTPConnection(host, 8080, timeout=10)
    conn.request("POST", "/api/forms?" + query, body=urllib.parse.urlencode(form), headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status


if __name__ == "__main__":
    print(send("127.0.0.1", "portal.lab.invalid", "tester", 1))
'''


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tied_pocs(), st.binary(min_size=4, max_size=4), st.integers(0, 29))
def test_generated_pocs_with_tied_entries_round_trip_under_every_scheme(
    source: str, secret: bytes, partner: int
) -> None:
    for scheme in sorted(SCHEMES):
        _observed_exactly(_marker(scheme, secret), source.encode(), f"Partner {partner:02d}")


@pytest.mark.parametrize("poc", sorted(p.name for p in POCS.glob("*.py")))
def test_benign_pocs_mark_for_ten_partners_under_two_keys(poc: str) -> None:
    """Main refused a tenth to all of the copies of six of these, in one scheme or more
    (`bench/readback_sweep.py` marks them for 30 partners under 4 keys); ten partners under two
    keys in five schemes catch that."""
    original = (POCS / poc).read_bytes()
    failed: list[tuple[int, bytes, str]] = []
    for secret in (b"first program", b"second program"):
        for scheme in (1, 2, 3, 5, 6):  # scheme 4 marks as scheme 3 does
            marker = _marker(scheme, secret)
            for k in range(10):
                try:
                    marker.mark(poc, ArtifactKind.POC, original, f"Partner {k:02d}")
                except MarkError:
                    failed.append((scheme, secret, f"Partner {k:02d}"))
    assert failed == []


VALUES = sorted({v for pairs in HEADER_VALUES.values() for pair in pairs for v in pair})
TEXTS = st.one_of(
    st.sampled_from([*VALUES, "en-US", "en-US,en;q=0.9", "en-GB,en;q=0.5", "A", "X", ", ", ":"]),
    st.sampled_from(["Mozilla/5.0 (Windows NT 10.0; WOW64; rv:91.0)", "X11; Ubuntu; Linux"]),
    st.text(alphabet="aAxX09-/;:, =.*", max_size=12),
)


@given(TEXTS, TEXTS)
def test_stable_fold_is_coarser_than_every_key_it_reads_past(a: str, b: str) -> None:
    """Two literals any scheme's keys fold alike fold alike here too, so that reading by
    content never tells apart what reading by key matched."""
    keys = (
        lambda t: fold_text(t, 3),
        lambda t: fold_text(t, 6),
        lambda t: DIGIT_RUN.sub("#", t).lower(),
    )
    for key in keys:
        if key(a) == key(b):
            assert fold_stable(a) == fold_stable(b)


@pytest.mark.parametrize("header", sorted(HEADER_VALUES))
def test_stable_fold_follows_header_values_along_their_chains(header: str) -> None:
    for pair in HEADER_VALUES[header]:
        for value in pair:
            step = value
            for _ in range(4):  # one wire edit after another
                moved = header_value(header, step)
                assert moved is not None
                assert fold_stable(moved) == fold_stable(value)
                step = moved
