"""The literals channel read from captured traffic: the digit marks a Java, JavaScript, shell or
C PoC sends, read from real recordings of marked copies, and nothing wrong from any form."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from literal_run import POCS, record

from forewarn.domain.wire import HttpRequest, WireFeature
from forewarn.hunt.wire import read_requests
from forewarn.hunt.wire.zeek import SHOWS as ZEEK_SHOWS
from forewarn.marks.channels.interface import Capture
from forewarn.marks.channels.literals import LiteralChannel
from forewarn.marks.channels.literals.channel import plan
from forewarn.marks.channels.literals.traffic import anchor, read_traffic

CHANNEL = LiteralChannel()
RUNNABLE = ("Poc.java", "poc.js", "poc.sh", "poc.c")
JAVA = (POCS / "Poc.java").read_text(encoding="utf-8")


def _bits(seed: int, count: int) -> list[int]:
    digest = hashlib.sha256(f"traffic-{seed}".encode()).digest()
    return [(digest[k // 8] >> (k % 8)) & 1 for k in range(count)]


def _captured(name: str, bits: list[int], where: Path) -> tuple[HttpRequest, ...]:
    """The requests of the copy marked with `bits`, recorded on 127.0.0.1 and read back by the
    hunt's own raw-HTTP reader, as `forewarn trace` reads a dump."""
    original = (POCS / name).read_text(encoding="utf-8")
    recorded = record(name, CHANNEL.embed(original, bits), where)
    reading = read_requests(b"".join(recorded[0]), "requests.http")
    assert reading.requests and not reading.notes
    return tuple(reading.requests)


@pytest.mark.parametrize("name", RUNNABLE)
def test_a_capture_of_the_leakers_copy_reads_every_digit_mark_and_no_wrong_bit(
    name: str, tmp_path: Path
) -> None:
    original = (POCS / name).read_text(encoding="utf-8")
    points = plan(original).points
    assert CHANNEL.traffic_capacity(original) == sum(p.kind == "digits" for p in points) >= 4
    for seed in (1, 2):
        bits = _bits(seed, len(points))
        requests = _captured(name, bits, tmp_path / str(seed))
        read = CHANNEL.extract_capture(original, Capture("", requests))
        want = [bit if p.kind == "digits" else None for p, bit in zip(points, bits, strict=True)]
        assert read == want  # every digit point, exactly; header casing always erased


def test_a_form_reads_only_what_it_shows(tmp_path: Path) -> None:
    bits = _bits(3, CHANNEL.capacity(JAVA))
    requests = _captured("Poc.java", bits, tmp_path)
    as_zeek = tuple(
        dataclasses.replace(
            r, headers=tuple(h for h in r.headers if h[0].lower() == "user-agent"), shows=ZEEK_SHOWS
        )
        for r in requests
    )
    points = plan(JAVA).points
    read = CHANNEL.extract_capture(JAVA, Capture("", as_zeek))
    for point, bit, got in zip(points, bits, read, strict=True):
        content = plan(JAVA).literals[point.literal].content
        if point.kind == "digits" and not content.startswith("jtrace"):
            assert got == bit, content  # path, query and agent digits: Zeek logs them
        else:
            assert got is None, content  # a custom header's value is not in a Zeek log
    no_query = tuple(
        dataclasses.replace(r, shows=r.shows - {WireFeature.QUERY, WireFeature.QUERY_ORDER})
        for r in requests
    )
    read = CHANNEL.extract_capture(JAVA, Capture("", no_query))
    assert read[points.index(next(p for p in points if p.forms == ("15030", "15031")))] is None


def test_other_traffic_reads_as_erasures(tmp_path: Path) -> None:
    other = HttpRequest(
        "GET",
        "/owa/auth/logon.aspx",
        (("build", "15031"),),
        (("User-Agent", "Mozilla/5.0 PocJava/1.8 (toy)"), ("X-Trace", "jtrace 31187")),
    )
    assert CHANNEL.extract_capture(JAVA, Capture("", (other,))) == [None] * len(plan(JAVA).points)


def test_two_readings_of_one_point_erase_it() -> None:
    points = plan(JAVA).points
    k = next(i for i, p in enumerate(points) if p.forms == ("72254", "72255"))
    both = tuple(HttpRequest("POST", f"/notes/S-1/java_{n}.txt") for n in ("72254", "72255"))
    assert CHANNEL.extract_capture(JAVA, Capture("", both))[k] is None
    one = both[:1] * 2
    assert CHANNEL.extract_capture(JAVA, Capture("", one))[k] == 0


@given(
    st.integers(min_value=0, max_value=99999).map(lambda n: f"{n:05d}"),
    st.text(alphabet="abcxyz/._-0123456789", max_size=12),
    st.text(alphabet="abcxyz/._-?&=0123456789", max_size=12),
)
def test_a_read_is_always_one_of_the_points_forms_seen_in_the_traffic(
    digits: str, before: str, after: str
) -> None:
    """Whatever surrounds it, a point reads the bit of the digits the traffic shows at its
    anchor, or nothing: never a bit the traffic does not show."""
    points = plan(JAVA).points
    k = next(i for i, p in enumerate(points) if p.forms == ("72254", "72255"))
    literal = plan(JAVA).literals[points[k].literal]
    assert anchor(points[k], literal) is not None
    request = HttpRequest("POST", f"{before}/java_{digits}.txt{after}")
    got = read_traffic(points, plan(JAVA).literals, (request,))[k]
    path = request.path
    if got is not None:
        assert f"java_{points[k].forms[got]}.txt" in path
    if digits in points[k].forms:
        assert got == points[k].forms.index(digits)
