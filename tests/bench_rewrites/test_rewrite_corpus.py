"""The rewrite-attack corpus stays honest: every rewrite parses and sends the copy's own bytes.

Fresh marked copies of each PoC (tracking tokens removed) go through every attack of
`bench/rewrites/registry.py`; each program it leaves is run against the recording listener on
127.0.0.1 beside the copy itself. A wire-preserving rewrite must send byte for byte the same
requests (the port in `Host` aside); the control must change every request; every capture must
read back, in its own format, as the requests the copy sent.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from forewarn.demo.disguises import scrub_tokens  # noqa: E402
from forewarn.domain import ArtifactKind  # noqa: E402
from forewarn.hunt.wire.detect import read_requests  # noqa: E402
from forewarn.marks import CodeSpec, Marker  # noqa: E402
from rewrites import captures, wire  # noqa: E402
from rewrites.model import POCS, Attack, Leak  # noqa: E402
from rewrites.registry import ATTACKS  # noqa: E402
from wire_world import require_tcpdump  # noqa: E402

MARKER = Marker(b"rewrite-corpus-test-secret-0123456789", "FW-2021-0001", CodeSpec(12))
LEAKS: dict[str, Leak] = {}
FORMATS = {
    "raw HTTP dump": "http",
    "pcap (tcpdump on lo)": "pcap",
    "HAR 1.2": "har",
    "Suricata eve.json (dump-all-headers)": "suricata",
    "Zeek http.log": "zeek",
    "IIS W3C log": "w3c",
    "Apache combined log": "apache",
}


def leak(poc: str) -> Leak:
    """One partner's fresh marked copy, canaries removed (marked once per test session)."""
    if poc not in LEAKS:
        found = next(p for p in POCS if p.name == poc)
        marked = MARKER.mark("poc.py", ArtifactKind.POC, found.path.read_bytes(), "Early 0007")
        LEAKS[poc] = Leak(found, scrub_tokens(marked.content.decode()))
    return LEAKS[poc]


def test_the_corpus_has_ten_rewrites_per_poc_and_every_family() -> None:
    for poc in POCS:
        mine = [a for a in ATTACKS if a.poc == poc.name]
        rewrites = [a for a in mine if a.family in {"transform", "template"}]
        assert len(rewrites) >= 10
        assert {a.family for a in mine} == {
            "transform",
            "template",
            "replay",
            "capture",
            "partial",
            "control",
        }
        assert len({a.name for a in mine}) == len(mine)
    assert {p.client for p in POCS} >= {"http.client", "requests"}


def test_the_marked_copy_is_not_the_original() -> None:
    for poc in POCS:
        assert leak(poc.name).source != poc.path.read_text()
        assert leak(poc.name).sent() != wire.record(poc.path.read_text())


@pytest.mark.parametrize(
    "attack", [a for a in ATTACKS if a.family != "capture"], ids=lambda a: f"{a.poc}:{a.name}"
)
def test_each_rewrite_parses_and_keeps_the_wire(attack: Attack) -> None:
    copy = leak(attack.poc)
    out = attack.build(copy)
    for name, data in out.files.items():
        assert name.endswith(".py")
        ast.parse(data)
    if not out.script:
        return
    (program,) = out.files.values()
    assert program.decode() != copy.source
    sent = wire.record(program.decode())
    if attack.wire_preserving:
        assert sent == copy.sent()
    else:
        assert len(sent) == len(copy.sent())
        for theirs, ours in zip(sent, copy.sent(), strict=True):
            assert theirs != ours
            assert not set(theirs.split(b"\r\n")[1:]) & set(ours.split(b"\r\n")[1:]) - {
                b"",
                b"Host: " + wire.PORT_MARK,
            }


@pytest.mark.parametrize(
    "attack", [a for a in ATTACKS if a.family == "capture"], ids=lambda a: f"{a.poc}:{a.name}"
)
def test_each_capture_reads_back_as_the_copy_s_requests(attack: Attack) -> None:
    if attack.build is captures.pcap:
        require_tcpdump()
    copy = leak(attack.poc)
    ((name, data),) = attack.build(copy).files.items()
    reading = read_requests(data, name)
    short = attack.name.removeprefix("capture: ")
    assert reading.format == FORMATS[short] and reading.notes == ()
    targets = [raw.split(b" ", 2)[1].decode() for raw in copy.sent()]
    assert [r.method for r in reading.requests] == [
        raw.split(b" ")[0].decode() for raw in copy.sent()
    ]
    assert [r.path for r in reading.requests] == [t.partition("?")[0] for t in targets]


@pytest.mark.parametrize(
    "attack",
    [a for a in ATTACKS if a.family in ("partial", "transform")],
    ids=lambda a: f"{a.poc}:{a.name}",
)
def test_rewrites_and_fragments_read_no_wrong_wire_bit(attack: Attack) -> None:
    from forewarn.marks import default_registry

    copy = leak(attack.poc)
    original = next(p for p in POCS if p.name == attack.poc).path.read_text()
    (channel,) = [c for c in default_registry().for_kind(ArtifactKind.POC) if c.name == "wire"]
    truth = channel.extract(original, copy.source)
    assert None not in truth
    for data in attack.build(copy).files.values():
        read = channel.extract(original, data.decode())
        wrong = [
            k
            for k, (got, bit) in enumerate(zip(read, truth, strict=True))
            if got not in (None, bit)
        ]
        assert wrong == []
        if attack.family == "partial":
            # the builder's own requests at least: 10 (exchange), 5 (ticketdesk) wire marks
            assert sum(b is not None for b in read) >= {"exchange": 10, "ticketdesk": 5}[attack.poc]
