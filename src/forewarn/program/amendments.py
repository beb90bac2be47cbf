"""Signed embargo amendments: telling every partner who holds a case that its embargo changed.

A bundle's signed manifest keeps the embargo end it was released with. When the planned patch
date moves (`case reschedule`) or the case is published (`case publish`), every partner that had
received the case gets an amendment, signed with the program key like the manifests, naming the
release it amends (its id and manifest hash), the embargo end before and after, and why in one
word (`rescheduled`, `published`; never the free-text reason, which may describe the flaw). Each
is an `amendment` leaf of the audit log, written in the transaction of the change itself.

The stored document is what is signed:

```
{"format": "forewarn-embargo-amendment/1", "case": …, "partner": …, "release_id": …,
 "manifest_sha256": …, "number": 1, "issued_at": …, "change": "rescheduled" | "published",
 "embargo_end_before": …, "embargo_end_after": …, "program_public_key": …}
```

A partner receives it sealed to its age key beside its bundle (`bundle fetch`), as the JSON
envelope `{"document": {…}, "signature": "<base64>"}`; `bundle verify` checks it against the
pinned program key. Signatures use their own context line, so an amendment signature can never
pass for a manifest's, or the reverse.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, ReleaseState
from forewarn.encoding import decode_json
from forewarn.errors import IntegrityError
from forewarn.program.audit import AuditEntry, append_audit_many, stamp
from forewarn.program.bundles import canonical_json, load_public_key, public_key_hex, seal
from forewarn.program.keys import ProgramKeys
from forewarn.store.amendment_repo import AmendmentRepository, StoredAmendment
from forewarn.store.audit_repo import StoredLeaf
from forewarn.store.release_repo import ReleaseRepository

AMENDMENT_FORMAT = "forewarn-embargo-amendment/1"
"""Format tag of every amendment document."""

AMENDMENT_CONTEXT = b"forewarn-embargo-amendment-v1\n"
"""Domain separation of amendment signatures."""

CHANGES = ("rescheduled", "published")
"""Why an embargo changes."""

MAX_AMENDMENT_BYTES = 64 * 1024
"""Largest amendment envelope read back."""


@dataclass(frozen=True, slots=True)
class VerifiedAmendment:
    """An amendment whose signature checked out against the pinned key."""

    document: dict[str, Any]
    """The signed document."""
    public_key: str
    """Hex key that signed it."""


def issue_amendments(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    *,
    change: str,
    before: datetime,
    after: datetime,
    now: datetime,
) -> list[StoredAmendment]:
    """Sign and store one amendment per delivered release of the case, with its audit leaves."""
    if change not in CHANGES:
        raise ValueError(f"unknown embargo change {change!r}")
    releases = ReleaseRepository(session)
    repo = AmendmentRepository(session)
    issued: list[StoredAmendment] = []
    entries: list[AuditEntry] = []
    for release in releases.for_case(case_id, ReleaseState.COMPLETE):
        manifest_sha256, _ = releases.hashes(release.id)
        number = repo.count(release.id) + 1
        document = canonical_json(
            {
                "format": AMENDMENT_FORMAT,
                "case": case_id,
                "partner": release.partner,
                "release_id": release.id,
                "manifest_sha256": manifest_sha256,
                "number": number,
                "issued_at": stamp(now),
                "change": change,
                "embargo_end_before": stamp(before),
                "embargo_end_after": stamp(after),
                "program_public_key": public_key_hex(keys.signing_key.public_key()),
            }
        )
        signature = keys.signing_key.sign(AMENDMENT_CONTEXT + document)
        stored = repo.add(release.id, release.partner, case_id, number, document, signature, now)
        issued.append(stored)
        entries.append(
            AuditEntry(
                LeafKind.AMENDMENT,
                {
                    "case": case_id,
                    "partner": release.partner,
                    "release_id": release.id,
                    "number": number,
                    "change": change,
                    "embargo_end_after": stamp(after),
                    "document_sha256": hashlib.sha256(document).hexdigest(),
                },
                f"{release.id}#{number}",
            )
        )
    append_audit_many(session, entries, now, keys=keys)
    return issued


def check_amendments(session: Session, leaves: Sequence[StoredLeaf]) -> None:
    """Raise unless every stored amendment has its leaf with its document's hash, and the
    reverse (called by `audit verify`)."""
    logged = {
        leaf.subject: json.loads(leaf.payload)["document_sha256"]
        for leaf in leaves
        if leaf.kind is LeafKind.AMENDMENT
    }
    stored = AmendmentRepository(session).all()
    for amendment in stored:
        subject = f"{amendment.release_id}#{amendment.number}"
        if logged.get(subject) != hashlib.sha256(amendment.document).hexdigest():
            raise IntegrityError(f"amendment {subject} differs from what the log recorded")
    if len(stored) != len(logged):
        raise IntegrityError("amendment rows do not match the log")


def amendments_for(session: Session, release_id: str) -> list[StoredAmendment]:
    """A release's amendments, oldest first."""
    return AmendmentRepository(session).for_release(release_id)


def envelope(amendment: StoredAmendment) -> bytes:
    """What a partner receives (before sealing): the document and its signature, in JSON."""
    return canonical_json(
        {
            "document": json.loads(amendment.document),
            "signature": base64.b64encode(amendment.signature).decode(),
        }
    )


def is_amendment(data: bytes) -> bool:
    """Whether decrypted `data` is an amendment envelope rather than a bundle (a tar)."""
    return data.lstrip()[:1] == b"{"


def _parts(data: bytes) -> tuple[bytes, dict[str, Any], bytes]:
    if len(data) > MAX_AMENDMENT_BYTES:
        raise IntegrityError("amendment larger than any forewarn amendment")
    try:
        outer = decode_json(data)
        document = outer["document"]
        signature = base64.b64decode(str(outer["signature"]), validate=True)
        if not isinstance(document, dict) or document.get("format") != AMENDMENT_FORMAT:
            raise ValueError("not an amendment")
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise IntegrityError("not a forewarn embargo amendment") from None
    return canonical_json(document), document, signature


def named_amendment_key(data: bytes) -> Ed25519PublicKey:
    """The key an amendment names, *unverified*: only for trust on first use."""
    return load_public_key(str(_parts(data)[1].get("program_public_key", "")))


def verify_amendment(data: bytes, public_key: Ed25519PublicKey) -> VerifiedAmendment:
    """Check an amendment envelope's signature by the pinned program key; raise otherwise."""
    signed, document, signature = _parts(data)
    if str(document.get("program_public_key")) != public_key_hex(public_key):
        raise IntegrityError("amendment was signed for another program key")
    try:
        public_key.verify(signature, AMENDMENT_CONTEXT + signed)
    except InvalidSignature:
        raise IntegrityError("amendment signature does not verify") from None
    return VerifiedAmendment(document, public_key_hex(public_key))


def sealed_amendments(session: Session, release_id: str, recipient: str) -> list[tuple[int, bytes]]:
    """Each amendment of a release as the partner receives it: (number, age-sealed envelope)."""
    return [(a.number, seal(envelope(a), recipient)) for a in amendments_for(session, release_id)]
