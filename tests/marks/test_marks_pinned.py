"""Marks of the shipped PoC, pinned: any change of what a partner's copy looks like is seen here.

Released copies decode only while the channels find, anchor and write choice points exactly as
they did when the copies were made (`forewarn.domain.marking`). A refactoring that changes a
single byte of a marked copy fails this test; a deliberate change of marks is a new marking
scheme (`forewarn.marks.schemes`), and scheme 1 below must keep these hashes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import forewarn
from forewarn.domain import ArtifactKind
from forewarn.marks import CodeSpec, Marker
from forewarn.marks.channels.pysource import PythonSourceChannel
from forewarn.marks.schemes import registry_for

POC = (Path(forewarn.__file__).parent / "data/scenarios/exchange-2021/poc.py").read_bytes()
POC_SHA256 = "75f28f768946d6e301089f96e83cc87e46a84f33c3cc6e76c5ac48ddf46bd3c4"
SECRET = bytes(range(32))
CASE = "FW-2021-0001"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_shipped_poc_is_the_one_pinned() -> None:
    """If this fails, the PoC changed: recompute the pins below with the marks unchanged."""
    assert _sha(POC) == POC_SHA256


@pytest.mark.parametrize(
    ("partner", "expected"),
    [
        ("Acme AV", "9dd4239882cb6c5bc4f5db2ef140695eb1aa9851099ea3cf5a4ad54b79ae5c05"),
        ("Northwind CERT", "c3e5d1b0daa7cc82165126f067b5f9a8d6d637a38f5e03f43b8e7bb84f0f54f5"),
    ],
)
def test_a_marked_copy_of_the_shipped_poc_is_byte_for_byte_as_pinned(
    partner: str, expected: str
) -> None:
    marker = Marker(SECRET, CASE, CodeSpec(n_partners=20), registry_for(1), scheme=1)
    copy = marker.mark("poc.py", ArtifactKind.POC, POC, partner)
    assert _sha(POC) == POC_SHA256
    assert _sha(copy.content) == expected


def test_python_source_marks_of_the_shipped_poc_are_as_pinned() -> None:
    """The Python source channel alone, every other choice point flipped: its anchors and
    rewrites, apart from the payload channel and the code."""
    channel = PythonSourceChannel()
    original = POC.decode()
    bits = [k % 2 for k in range(channel.capacity(original))]
    assert len(bits) == 101
    marked = channel.embed(original, bits).encode()
    assert _sha(marked) == "82016368d2a0a4a7f8177bfd5576ef6c07b95cdd93ef6544f69d5fa7b1e2fc25"


@pytest.mark.parametrize(
    ("partner", "expected"),
    [
        ("Acme AV", "04fcb406bd6ef04c3dbb813a532c57d19e0a74d1007a159bce960ab29012b924"),
        ("Northwind CERT", "29bedceee3d265124767ec8d18826cb15687b15cfc33945ab6c530e1821c0a9d"),
    ],
)
def test_a_scheme_2_copy_of_the_shipped_poc_is_byte_for_byte_as_pinned(
    partner: str, expected: str
) -> None:
    """Scheme 2 copies were released in user programs before scheme 3: they must still be
    written (and so read) exactly as they were. Pinned with the wire evaluator of that release;
    a change of the evaluator that moves these pins changes how scheme 2 copies read."""
    marker = Marker(SECRET, CASE, CodeSpec(n_partners=20), registry_for(2), scheme=2)
    copy = marker.mark("poc.py", ArtifactKind.POC, POC, partner)
    assert _sha(copy.content) == expected


@pytest.mark.parametrize(
    ("partner", "domains", "expected"),
    [
        ("Acme AV", (), "7f0774bf128eeed5951b9f77ecc08d1cc2150cf1a559b49246bc132212c57414"),
        (
            "Acme AV",
            ("t.example.net",),
            "110a743442db2b40b87e744aa0f5eb3aa14541736e800e75f830994d000fc95b",
        ),
        ("Northwind CERT", (), "d220c2fbcb14b78d038d735ff0404a8912be973bc07e89c6232b457a6d1bb77d"),
    ],
)
def test_a_scheme_4_copy_of_the_shipped_poc_is_byte_for_byte_as_pinned(
    partner: str, domains: tuple[str, ...], expected: str
) -> None:
    """Scheme 4 adds the self-identifying tokens (with and without the program's domains): a
    change of their formats or of how they are sealed moves these pins."""
    spec = CodeSpec(n_partners=20)
    marker = Marker(SECRET, CASE, spec, registry_for(4), scheme=4, domains=domains)
    copy = marker.mark("poc.py", ArtifactKind.POC, POC, partner)
    assert _sha(copy.content) == expected


SCENARIOS = Path(forewarn.__file__).parent / "data/scenarios"


@pytest.mark.parametrize(
    ("artifact", "kind", "partner", "expected"),
    [
        (
            "exchange-2021/poc.py",
            ArtifactKind.POC,
            "Acme AV",
            "2dc3ea855464cbde4b3064414640bd364361475c72e994225c55cbb47d2b5439",
        ),
        (
            "exchange-2021/poc.py",
            ArtifactKind.POC,
            "Northwind CERT",
            "bfea1a276a8e0ce9de2f9abb48851f4d66c6acc884f31bdfbefd2a0bf16444e5",
        ),
        (
            "exchange-2021/advisory.md",
            ArtifactKind.ADVISORY,
            "Acme AV",
            "82a7188a1e15edc4aba8ca7f3717668290ddcb69b4895ab290ed26ca4aec0eac",
        ),
        (
            "mapp-2012/poc.py",
            ArtifactKind.POC,
            "Northwind CERT",
            "cd03b7f6e091d16bce28a0e367307d5e1edf2dd88f8f956b8c0b1fd8761b1d7b",
        ),
        (
            "exchange-2021/detection.md",
            ArtifactKind.DETECTION,
            "Acme AV",
            "428c203b2fde26261c17b29c8eebb0e14010f07deacb876d415cd278ec4f6ede",
        ),
    ],
)
def test_a_scheme_3_copy_is_byte_for_byte_as_pinned(
    artifact: str, kind: ArtifactKind, partner: str, expected: str
) -> None:
    """Scheme 3 copies were released before scheme 5's natural channels: the version
    parameters of those channels must leave scheme 3 writing (and so reading) as it did."""
    marker = Marker(SECRET, CASE, CodeSpec(n_partners=20), registry_for(3), scheme=3)
    copy = marker.mark(
        artifact.rsplit("/", 1)[-1], kind, (SCENARIOS / artifact).read_bytes(), partner
    )
    assert _sha(copy.content) == expected


@pytest.mark.parametrize(
    ("artifact", "kind", "partner", "expected"),
    [
        (
            "exchange-2021/poc.py",
            ArtifactKind.POC,
            "Acme AV",
            "7f443eb2a230b780a6a56c7bff6fb7a564543b9d8794b215f48ea6ea5ec0d52c",
        ),
        (
            "exchange-2021/poc.py",
            ArtifactKind.POC,
            "Northwind CERT",
            "d2f463c1247fb39479a5feb443fdb2104d84e4f68a0fb7ec3ba572c141fe0ae7",
        ),
        (
            "exchange-2021/advisory.md",
            ArtifactKind.ADVISORY,
            "Acme AV",
            "5bb52d08e0fafd7fef58e2a047975332fcf283ad8ab85b88f3fccf9ed5d08924",
        ),
        (
            "mapp-2012/poc.py",
            ArtifactKind.POC,
            "Northwind CERT",
            "667469531a3cfe6069198e87a7147deb8045f0da659e650a63c15656d8aea9c8",
        ),
        (
            "exchange-2021/detection.md",
            ArtifactKind.DETECTION,
            "Acme AV",
            "2fe4dc803a02057cee2432f76a1a01eb59b3cea6e47918b3dbed0400638b3a62",
        ),
        (
            "mapp-2012/advisory.md",
            ArtifactKind.ADVISORY,
            "Northwind CERT",
            "755d74b1b63cce8fcbb128dbe7d460d3bdb1e9f4b3527a2f482d74e4cc6cdf49",
        ),
    ],
)
def test_a_scheme_5_copy_is_byte_for_byte_as_pinned(
    artifact: str, kind: ArtifactKind, partner: str, expected: str
) -> None:
    """Scheme 5 copies were released before scheme 6's new kinds: the version parameters of
    its channels must leave scheme 5 writing (and so reading) as it did."""
    marker = Marker(SECRET, CASE, CodeSpec(n_partners=20), registry_for(5), scheme=5)
    copy = marker.mark(
        artifact.rsplit("/", 1)[-1], kind, (SCENARIOS / artifact).read_bytes(), partner
    )
    assert _sha(copy.content) == expected


@pytest.mark.parametrize(
    ("artifact", "kind", "partner", "expected"),
    [
        (
            "exchange-2021/poc.py",
            ArtifactKind.POC,
            "Acme AV",
            "133ad177d2fcc379b911f2683c5d0a92a19e05854c9ab4fca348768858109a02",
        ),
        (
            "exchange-2021/poc.py",
            ArtifactKind.POC,
            "Northwind CERT",
            "3366a16f7b35d25782cfa9da538e47e3e4ad86669ae1fd9e4fa38bcf6c20a8c4",
        ),
        (
            "exchange-2021/advisory.md",
            ArtifactKind.ADVISORY,
            "Acme AV",
            "1bfde67b7fcc93036dcd99117fb4ea364ff1138d37f10d97abbeb72a23bb266f",
        ),
        (
            "mapp-2012/poc.py",
            ArtifactKind.POC,
            "Northwind CERT",
            "bca95782d910980e4ae52540dc87f7fea2d93b3c724678e07a96d49a5a36e046",
        ),
        (
            "exchange-2021/detection.md",
            ArtifactKind.DETECTION,
            "Acme AV",
            "aa45f09ca1ae2de3b973931f2aa68496e9ac59d536522ff8d988ca2373168fa9",
        ),
        (
            "mapp-2012/advisory.md",
            ArtifactKind.ADVISORY,
            "Northwind CERT",
            "1dcd84345af6f881f547bf6b05a0e1c2fcba5e81610df61a3924a0116a55f9de",
        ),
    ],
)
def test_a_scheme_6_copy_is_byte_for_byte_as_pinned(
    artifact: str, kind: ArtifactKind, partner: str, expected: str
) -> None:
    """Scheme 6, the current scheme, pinned like the others: a change of the marking engine
    or of a channel that moves these pins changes how released scheme 6 copies read."""
    marker = Marker(SECRET, CASE, CodeSpec(n_partners=20), registry_for(6), scheme=6)
    copy = marker.mark(
        artifact.rsplit("/", 1)[-1], kind, (SCENARIOS / artifact).read_bytes(), partner
    )
    assert _sha(copy.content) == expected
