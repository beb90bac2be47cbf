"""The readers of outside input, as fuzz targets: each takes bytes and may only refuse them.

A target passes bytes to one reader exactly as the product receives them (a program file, a file
or archive from the wild, a capture, a proof document, a bundle, a key file, a witness file, an
evidence manifest, a CSAF/CVE document to import, a public key). `forewarn.errors.Error` is the
refusal every reader owes bad input; any other exception is a crash, kept by `bench/fuzz.py`
under `tests/fuzz_regressions/<target>/` and replayed by `tests/test_fuzz_regressions.py`.

Seeds are what the product itself writes (`bench/fuzz_seeds.py` builds a throwaway program and
keeps its key file, witness, bundle, amendment, proofs, program file, CSAF and CVE documents, and
the exchange PoC's traffic in every capture form), so mutations start past the first parse, plus
a few small inputs made here.
"""

from __future__ import annotations

import atexit
import io
import json
import os
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from forewarn.encoding import decode_json
from forewarn.errors import Error
from forewarn.program.amendments import verify_amendment
from forewarn.program.bundles import load_public_key, verify_bundle
from forewarn.program.partner_import import read_partner_csv

if TYPE_CHECKING:
    from forewarn.program.service import Program

SEEDS = Path(__file__).resolve().parent / "fuzz_seeds"
"""Seeds the product made (`bench/fuzz_seeds.py`), one folder per target."""
PROGRAM_KEY = load_public_key((SEEDS / "public_key" / "program.pub").read_text())
"""The seed program's public key: bundles, amendments, proofs and the witness are checked
against it, as a partner who pinned it checks them."""
AT = datetime(2021, 3, 1, 12, 0, tzinfo=UTC)
"""When the fuzzed evidence is registered (after the seeds' `seen`)."""
SCRATCH_BASE = Path(os.environ.get("FOREWARN_FUZZ_SCRATCH", "/dev/shm"))
"""Where the file-based targets' folders go: `bench/fuzz.py` names one it removes after the run
(libFuzzer ends the process without running `atexit`)."""
_FOLDERS: dict[str, Path] = {}


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


def _folder(name: str) -> Path:
    """A scratch folder for one reader, made once per process on a RAM disk where there is one.

    Readers that take paths get their input written over the same file every execution: a fresh
    folder per execution on a real disk cost 2-4 ms, a rewrite in /dev/shm a few microseconds.
    """
    if name not in _FOLDERS:
        base = SCRATCH_BASE if SCRATCH_BASE.is_dir() else None
        _FOLDERS[name] = Path(tempfile.mkdtemp(prefix=f"fw-fuzz-{name}-", dir=base))
        atexit.register(shutil.rmtree, _FOLDERS[name], True)
    return _FOLDERS[name]


def _scratch(data: bytes, folder: str, name: str) -> Path:
    """`data` as the 0600 file `name` in the reader's scratch folder, overwriting the last input."""
    path = _folder(folder) / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path


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
    """Each capture reader `read_requests` would pick for `data` (by content, or by a `.pcap`,
    `.pcapng` or `.har` name), called past `read_requests`' last-resort guard: that guard turns
    a reader's exception into one note and drops the whole capture, so the fuzzer must see it."""
    from forewarn.hunt import Limits
    from forewarn.hunt.wire import READERS, detect
    from forewarn.hunt.wire.interface import NoteBook

    limits = Limits()
    formats = {detect(data, name) for name in (None, "x.pcap", "x.pcapng", "x.har")}
    for reader in READERS:
        if reader.name in formats:
            reader.read(data[: limits.max_capture_bytes], limits, NoteBook())


def proof(data: bytes) -> None:
    from forewarn.errors import IntegrityError
    from forewarn.program.audit_proofs import verify_proof_document

    try:
        document = decode_json(data)
    except ValueError:
        raise IntegrityError("not JSON") from None
    if not isinstance(document, dict):
        raise IntegrityError("not an object")
    verify_proof_document(document, PROGRAM_KEY)


def bundle(data: bytes) -> None:
    verify_bundle(data, PROGRAM_KEY)


def amendment(data: bytes) -> None:
    verify_amendment(data, PROGRAM_KEY)


_PROGRAMS: dict[str, Program] = {}


def _partner_program() -> Program:
    """A replay program on the RAM disk, made once per process, holding the partner the
    seeds update (`Northwind Labs`), so that rows reach both the add and the edit checks."""
    from forewarn.program.partners import add_partner
    from forewarn.program.service import init_program, open_program
    from forewarn.settings import Settings, sqlite_url

    if "partners" not in _PROGRAMS:
        folder = _folder("partners")
        settings = Settings(database_url=sqlite_url(folder / "db"), key_file=folder / "key")
        init_program(settings, now=AT, name="Fuzz", replay=True)
        program = open_program(settings)
        with program.session() as session:
            add_partner(
                session,
                program.keys,
                name="Northwind Labs",
                country="US",
                tier="standard",
                now=AT,
                emails=("psirt@northwind.example",),
                age_recipient=_AGE,
                nda_date=date(2021, 1, 4),
            )
        _PROGRAMS["partners"] = program
    return _PROGRAMS["partners"]


def partner_csv(data: bytes) -> None:
    """The CSV as `partner import` reads it (a dry run): the file's shape, then every row
    through the add or edit checks against a program that holds one partner."""
    from forewarn.program.partner_import import import_partners

    read_partner_csv(data)
    program = _partner_program()
    with program.store.session() as session:
        try:
            import_partners(session, program.keys, data, apply=False, reason="fuzz", now=AT)
        finally:
            session.rollback()  # a dry run writes nothing; make sure of it


def public_key(data: bytes) -> None:
    load_public_key(data.decode("utf-8", "replace"))


def key_file(data: bytes) -> None:
    from forewarn.program.keys import ProgramKeys

    ProgramKeys.load(_scratch(data, "key", "forewarn.key"))


def witness_file(data: bytes) -> None:
    """The witness as `audit verify --witness` reads it: every line parsed, every signature
    checked against the program key."""
    from forewarn.program.merkle import verify_checkpoint
    from forewarn.program.witness import WitnessFile

    for checkpoint in WitnessFile(_scratch(data, "witness", "forewarn.witness")).read():
        verify_checkpoint(checkpoint, PROGRAM_KEY)


def evidence_manifest(data: bytes) -> None:
    """The manifest read as each format, in a folder that holds the seeds' evidence files.
    A refusal as one format is caught there, so that the other formats are still read."""
    from forewarn.program.evidence_manifest import load_manifest

    for kind in ("yaml", "json", "csv"):
        folder = f"evidence-{kind}"
        if folder not in _FOLDERS:
            for evidence in sorted((SEEDS / "evidence_files").iterdir()):
                _scratch(evidence.read_bytes(), folder, evidence.name)
        try:  # a refusal as one format must not keep the others from being read
            load_manifest(_scratch(data, folder, f"evidence.{kind}"), collector="fuzz", now=AT)
        except Error:
            continue


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


def _made(target: str) -> tuple[bytes, ...]:
    """The product-made seeds of `target` (`bench/fuzz_seeds/<target>/`)."""
    folder = SEEDS / target
    return tuple(p.read_bytes() for p in sorted(folder.iterdir())) if folder.is_dir() else ()


_PROGRAM = b"""format: forewarn-program/1
program: {name: Fuzz}
tiers: [{name: standard, rank: 1, lead_time: 7d}]
partners: [{name: Acme, country: US, tier: standard, age_recipient: age1x}]
"""
_HAR = json.dumps(
    {"log": {"entries": [{"request": {"method": "GET", "url": "http://a/x", "headers": []}}]}}
).encode()
_CSAF = json.dumps(
    {"document": {"csaf_version": "2.0", "title": "t", "tracking": {"id": "X-1"}}}
).encode()
_AGE = "age1ehr0ck22hd3afnyl4cmdsjzg9g7wh7u7nczcwg80qzhd5za5nc8sz55pq0"
"""A partner's age recipient (a public key made once for these seeds; nothing is sealed)."""
_PARTNER_CSVS = (
    (
        "name,country,tier,emails,age_recipient,nda_date,nda_expires\n"
        "Fabrikam Research,FR,early-access,psirt@fabrikam.example;soc@fabrikam.example,"
        f"{_AGE},2021-01-01,2021-12-31\n"
        f"Northwind Labs,DE,early-access,soc@northwind.example,{_AGE},,2022-01-31\n"
        '"Contoso, Security",US,standard,,,,\n'
    ).encode(),
    b"\xef\xbb\xbfnda_expires,name\r\n2021-06-30,Northwind Labs\r\n",
)
"""Partner CSVs that add a partner, edit the one the program holds, quote a cell, and start
with a byte-order mark and CRLF lines, as a spreadsheet writes them."""
_WITNESS = b'{"size": 1, "root": "00", "at": "2021-01-01T00:00:00.000000Z", "signature": ""}\n'

TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target(
            "program_file",
            program_file,
            (_PROGRAM, *_made("program_file")),
            (
                "forewarn.program.programfile_schema",
                "forewarn.program.yaml_input",
                "forewarn.domain",
            ),
        ),
        Target(
            "wild_file",
            wild_file,
            (_zip(), _tar(), b"print('hi')\n", *_made("bundle"), *_made("capture")),
            ("forewarn.hunt.readers",),
        ),
        Target(
            "capture",
            capture,
            (_HAR, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", *_made("capture")),
            ("forewarn.hunt.wire",),
        ),
        Target(
            "proof",
            proof,
            (b'{"kind": "leaf", "leaf": {}, "checkpoint": {}}', *_made("proof")),
            ("forewarn.program.audit", "forewarn.program.merkle"),
        ),
        Target("bundle", bundle, (_tar(), *_made("bundle")), ("forewarn.program.bundles",)),
        Target("public_key", public_key, _made("public_key"), ("forewarn.program.bundles",)),
        Target("amendment", amendment, _made("amendment"), ("forewarn.program.amendments",)),
        Target(
            "partner_csv",
            partner_csv,
            (b"name,country,tier,emails\nNorthwind Labs,US,standard,a@b.example;c@d.example\n",)
            + _PARTNER_CSVS,
            (
                "forewarn.program.partner_import",
                "forewarn.program.partner_edit",
                "forewarn.program.partners",
                "forewarn.domain.validation",
                "forewarn.domain.identities",
            ),
        ),
        Target(
            "key_file", key_file, _made("key_file"), ("forewarn.program.keys", "forewarn.bounded")
        ),
        Target(
            "witness_file",
            witness_file,
            (_WITNESS, *_made("witness_file")),
            ("forewarn.program.witness", "forewarn.program.merkle"),
        ),
        Target(
            "evidence_manifest",
            evidence_manifest,
            (b"evidence: []\n", b"file,seen\n", *_made("evidence_manifest")),
            (
                "forewarn.program.evidence_manifest",
                "forewarn.program.evidence",
                "forewarn.program.artifact_files",
            ),
        ),
        Target(
            "case_document", case_document, (_CSAF, *_made("case_document")), ("forewarn.exchange",)
        ),
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
