"""Proof documents of the audit log: a partner or an auditor checks them with the public key.

An inclusion proof shows that a leaf (a release, a fetch) is in the signed log; a consistency
proof that the signed log of one size is a prefix of a later one, which is what
`forewarn audit prove-rollback` checks a partner's kept checkpoint against. `newest_checkpoint`
and `prove_consistency` make the documents every way out hands to partners and staff: the REST
API, the portal and `forewarn audit checkpoint|consistency`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from forewarn.domain import LeafKind
from forewarn.errors import IntegrityError, NotFoundError
from forewarn.program.audit import as_checkpoint, leaf_data, stamp
from forewarn.program.audit_verify import verified_tree
from forewarn.program.bundles import canonical_json, load_public_key, public_key_hex
from forewarn.program.keys import ProgramKeys
from forewarn.program.merkle import (
    Checkpoint,
    ConsistencyProof,
    InclusionProof,
    leaf_hash,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from forewarn.program.witness import checkpoint_json
from forewarn.store.audit_repo import AuditRepository, StoredLeaf

PROOF_FORMAT = "forewarn-audit-proof/1"
"""Format tag of inclusion proof documents."""

CONSISTENCY_FORMAT = "forewarn-audit-consistency/1"
"""Format tag of consistency proof documents."""


def newest_checkpoint(session: Session) -> dict[str, object]:
    """The newest signed checkpoint as a partner keeps it (`checkpoint_json`); `NotFoundError`
    while the log is empty. Only sizes, a root, a time and a signature: nothing of any partner."""
    head = AuditRepository(session).head()
    if head is None:
        raise NotFoundError("the audit log is empty")
    return checkpoint_json(as_checkpoint(head))


def prove_release(session: Session, release_id: str, keys: ProgramKeys) -> dict[str, Any]:
    """An inclusion proof document for a release's leaf under the newest signed checkpoint."""
    leaf = AuditRepository(session).find(LeafKind.RELEASE, release_id)
    if leaf is None:
        raise NotFoundError(f"no release {release_id!r} in the audit log")
    return prove_leaf(session, leaf, keys)


def prove_leaf(session: Session, leaf: StoredLeaf, keys: ProgramKeys) -> dict[str, Any]:
    """An inclusion proof document for one leaf."""
    _, tree = verified_tree(session)
    head = AuditRepository(session).head()
    if head is None:
        raise NotFoundError("the audit log is empty")
    proof = tree.inclusion_proof(leaf.index, head.size)
    return {
        "format": PROOF_FORMAT,
        "public_key": public_key_hex(keys.signing_key.public_key()),
        "leaf": {
            "index": leaf.index,
            "kind": leaf.kind.value,
            "at": stamp(leaf.at),
            "subject": leaf.subject,
            "payload": json.loads(leaf.payload),
        },
        "path": [h.hex() for h in proof.path],
        "checkpoint": checkpoint_json(as_checkpoint(head)),
    }


def prove_consistency(
    session: Session, first: int, keys: ProgramKeys, second: int | None = None
) -> dict[str, Any]:
    """A consistency proof document between two signed checkpoints (`second`: the newest).

    `NotFoundError` when either is not a checkpoint the log signed; a `first` beyond the
    newest says so, since a partner holding it has been shown a log that is gone.
    """
    _, tree = verified_tree(session)
    by_size = {c.size: c for c in AuditRepository(session).checkpoints()}
    newest = max(by_size, default=0)
    second = newest if second is None else second
    if first > newest:
        raise NotFoundError(
            f"no signed checkpoint of {first} leaves: the newest covers {newest}",
            hint="a kept checkpoint larger than the newest proves a rollback: "
            "`forewarn audit prove-rollback KEPT --against` the newest checkpoint",
        )
    if first not in by_size or second not in by_size:
        raise NotFoundError(f"no signed checkpoints of {first} and {second} leaves")
    proof = tree.consistency_proof(first, second)
    return {
        "format": CONSISTENCY_FORMAT,
        "public_key": public_key_hex(keys.signing_key.public_key()),
        "first": checkpoint_json(as_checkpoint(by_size[first])),
        "second": checkpoint_json(as_checkpoint(by_size[second])),
        "path": [h.hex() for h in proof.path],
    }


def _parse_checkpoint(raw: Mapping[str, Any]) -> Checkpoint:
    at = datetime.fromisoformat(str(raw["at"]))
    return Checkpoint(
        int(raw["size"]),
        bytes.fromhex(str(raw["root"])),
        at,
        base64.b64decode(str(raw["signature"]), validate=True),
    )


def verify_proof_document(document: Mapping[str, Any], public_key: Ed25519PublicKey) -> str:
    """Check a proof document with the program's public key alone; return what it proves."""
    try:
        if public_key_hex(load_public_key(str(document["public_key"]))) != public_key_hex(
            public_key
        ):
            raise IntegrityError("the proof was made for another program key")
        path = tuple(bytes.fromhex(str(h)) for h in document["path"])
        if document["format"] == PROOF_FORMAT:
            checkpoint = _parse_checkpoint(document["checkpoint"])
            raw = document["leaf"]
            at = datetime.fromisoformat(str(raw["at"]))
            payload = canonical_json(raw["payload"]).decode()
            data = leaf_data(int(raw["index"]), str(raw["kind"]), at, str(raw["subject"]), payload)
            verify_checkpoint(checkpoint, public_key)
            proof = InclusionProof(int(raw["index"]), checkpoint.size, path)
            verify_inclusion(proof, leaf_hash(data), checkpoint.root)
            what = f"leaf {raw['index']} ({raw['kind']} {raw['subject']})"
            return f"{what} is in the signed log of {checkpoint.size} leaves"
        if document["format"] == CONSISTENCY_FORMAT:
            first, second = (
                _parse_checkpoint(document["first"]),
                _parse_checkpoint(document["second"]),
            )
            verify_checkpoint(first, public_key)
            verify_checkpoint(second, public_key)
            verify_consistency(
                ConsistencyProof(first.size, second.size, path), first.root, second.root
            )
            return f"the signed log of {first.size} leaves is a prefix of the one of {second.size}"
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise IntegrityError("the proof document is malformed") from None
    raise IntegrityError(f"unknown proof format {document.get('format')!r}")
