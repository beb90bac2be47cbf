"""The readers of outside input, as fuzz targets: each takes bytes and may only refuse them.

A target passes bytes to one reader exactly as the product receives them (a program file, a file
or archive from the wild, a capture, a proof document, a bundle, a key file, a witness file, an
evidence manifest, a CSAF/CVE document to import, a public key). `forewarn.errors.Error` is the
refusal every reader owes bad input; any other exception is a crash, kept by `bench/fuzz.py`
under `tests/fuzz_regressions/<target>/` and replayed by `tests/test_fuzz_regressions.py`.

Seeds are small valid inputs made here, so the fuzzer starts from the formats' shapes.
"""

from __future__ import annotations

import base64
import io
import json
import os
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from forewarn.encoding import decode_json
from forewarn.errors import Error
from forewarn.program.amendments import AMENDMENT_CONTEXT, verify_amendment
from forewarn.program.bundles import canonical_json, load_public_key, public_key_hex, verify_bundle
from forewarn.program.partner_import import read_partner_csv

SIGNER = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
"""A fixed signing key: bundles and proofs are checked against its public half."""
AT = datetime(2021, 2, 28, 12, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Target:
    """One reader under fuzzing."""

    name: str
    """Directory name of its regression cases."""
    run: Callable[[bytes], None]
    """Feeds one input to the reader; raises only `Error` for bad input."""
    seeds: tuple[bytes, ...]
    """Valid inputs to start from."""
    covers: tuple[str, ...]
    """The modules (or packages) whose coverage guides the fuzzer: instrumenting only them
    keeps a short run short."""


def _scratch(data: bytes, name: str) -> Path:
    """`data` as a 0600 file in a fresh folder (readers that take paths)."""
    folder = Path(tempfile.mkdtemp(prefix="fw-fuzz-"))
    path = folder / name
    path.write_bytes(data)
    os.chmod(path, 0o600)
    return path


def _cleanup(path: Path) -> None:
    for child in path.parent.iterdir():
        child.unlink()
    path.parent.rmdir()


def program_file(data: bytes) -> None:
    from forewarn.program.programfile_schema import parse_program_file

    parse_program_file(data.decode("utf-8", "replace"), source="fuzz")


def wild_file(data: bytes) -> None:
    from forewarn.hunt import Limits, read_bytes

    small = Limits(max_member_bytes=64 * 1024, max_total_bytes=256 * 1024, max_members=50)
    for name in ("x.zip", "x.tar.gz", "x.py", "x.log", "x.json"):
        for item in read_bytes(name, data, small):
            if item.error is None:
                item.text(4096)


def capture(data: bytes) -> None:
    from forewarn.hunt.wire import read_requests

    for name in (None, "x.har", "eve.json", "x.pcap", "u_ex.log"):
        read_requests(data, name)


def proof(data: bytes) -> None:
    from forewarn.errors import IntegrityError
    from forewarn.program.audit import verify_proof_document

    try:
        document = decode_json(data)
    except ValueError:
        raise IntegrityError("not JSON") from None
    if not isinstance(document, dict):
        raise IntegrityError("not an object")
    verify_proof_document(document, SIGNER.public_key())


def bundle(data: bytes) -> None:

    verify_bundle(data, SIGNER.public_key())


def amendment(data: bytes) -> None:

    verify_amendment(data, SIGNER.public_key())


def partner_csv(data: bytes) -> None:

    read_partner_csv(data)


def public_key(data: bytes) -> None:

    load_public_key(data.decode("utf-8", "replace"))


def key_file(data: bytes) -> None:
    from forewarn.program.keys import ProgramKeys

    path = _scratch(data, "forewarn.key")
    try:
        ProgramKeys.load(path)
    finally:
        _cleanup(path)


def witness_file(data: bytes) -> None:
    from forewarn.program.witness import WitnessFile

    path = _scratch(data, "forewarn.witness")
    try:
        WitnessFile(path).read()
    finally:
        _cleanup(path)


def evidence_manifest(data: bytes) -> None:
    from forewarn.program.evidence_manifest import load_manifest

    for name in ("evidence.yaml", "evidence.json", "evidence.csv"):
        path = _scratch(data, name)
        try:
            load_manifest(path, collector="fuzz", now=AT)
        finally:
            _cleanup(path)


def case_document(data: bytes) -> None:
    from forewarn.exchange.formats import read_document

    read_document(data)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a/tool.py", "import http.client\nprint('x')\n")
    return buffer.getvalue()


def _tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = b"GET /ecp/x HTTP/1.1\r\nHost: a\r\n\r\n"
        info = tarfile.TarInfo("x.log")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


_PROGRAM = b"""format: forewarn-program/1
program: {name: Fuzz}
tiers: [{name: standard, rank: 1, lead_time: 7d}]
partners: [{name: Acme, country: US, tier: standard, age_recipient: age1x}]
"""
_HAR = json.dumps(
    {"log": {"entries": [{"request": {"method": "GET", "url": "http://a/x", "headers": []}}]}}
).encode()
_KEY = json.dumps(
    {
        "format": "forewarn-key",
        "version": 1,
        "secret": base64.b64encode(bytes(32)).decode(),
        "signing_key": base64.b64encode(bytes(32)).decode(),
    }
).encode()
_CSAF = json.dumps(
    {"document": {"csaf_version": "2.0", "title": "t", "tracking": {"id": "X-1"}}}
).encode()

_AMENDMENT_DOCUMENT = canonical_json(
    {
        "format": "forewarn-embargo-amendment/1",
        "case": "FW-2021-0001",
        "partner": "Northwind Labs",
        "release_id": "0" * 32,
        "manifest_sha256": "0" * 64,
        "number": 1,
        "issued_at": "2021-03-01T11:00:00.000000Z",
        "change": "rescheduled",
        "embargo_end_before": "2021-03-09T00:00:00.000000Z",
        "embargo_end_after": "2021-03-02T00:00:00.000000Z",
        "program_public_key": public_key_hex(SIGNER.public_key()),
    }
)
_AMENDMENT = json.dumps(
    {
        "document": json.loads(_AMENDMENT_DOCUMENT),
        "signature": base64.b64encode(
            SIGNER.sign(AMENDMENT_CONTEXT + _AMENDMENT_DOCUMENT)
        ).decode(),
    }
).encode()

TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target(
            "program_file",
            program_file,
            (_PROGRAM,),
            (
                "forewarn.program.programfile_schema",
                "forewarn.program.yaml_input",
                "forewarn.domain",
            ),
        ),
        Target(
            "wild_file", wild_file, (_zip(), _tar(), b"print('hi')\n"), ("forewarn.hunt.readers",)
        ),
        Target(
            "capture",
            capture,
            (_HAR, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", b'{"event_type":"http"}\n'),
            ("forewarn.hunt.wire",),
        ),
        Target(
            "proof",
            proof,
            (b'{"kind": "leaf", "leaf": {}, "checkpoint": {}}',),
            ("forewarn.program.audit", "forewarn.program.merkle"),
        ),
        Target("bundle", bundle, (_tar(),), ("forewarn.program.bundles",)),
        Target("public_key", public_key, (b"00" * 32,), ("forewarn.program.bundles",)),
        Target("amendment", amendment, (_AMENDMENT,), ("forewarn.program.amendments",)),
        Target(
            "partner_csv",
            partner_csv,
            (b"name,country,tier,emails\nNorthwind Labs,US,standard,a@b.example;c@d.example\n",),
            ("forewarn.program.partner_import",),
        ),
        Target("key_file", key_file, (_KEY,), ("forewarn.program.keys", "forewarn.bounded")),
        Target(
            "witness_file",
            witness_file,
            (b'{"size": 1, "root": "00", "at": "2021-01-01T00:00:00.000000Z", "signature": ""}\n',),
            ("forewarn.program.witness",),
        ),
        Target(
            "evidence_manifest",
            evidence_manifest,
            (b"evidence: []\n", b"file,seen\n"),
            ("forewarn.program.evidence_manifest", "forewarn.program.evidence"),
        ),
        Target("case_document", case_document, (_CSAF,), ("forewarn.exchange",)),
    )
}
"""Every fuzzed reader, by name."""


def one_input(target: Target, data: bytes) -> None:
    """Run one input; a refusal (`Error`) is the reader doing its job."""
    try:
        target.run(data)
    except Error:
        pass


__all__ = ["TARGETS", "Target", "one_input"]
