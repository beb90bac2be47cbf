"""Artifact use cases: add files to a case encrypted at rest, list them, read them back.

Content is sealed with ChaCha20-Poly1305 under a key derived from the program secret; the
associated data binds the case id and artifact name, so a ciphertext moved to another row does
not decrypt. The SHA-256 and size of the plaintext are recorded in clear for integrity checks.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from sqlalchemy.orm import Session

from forewarn.domain import Artifact, ArtifactKind, LeafKind, Tier
from forewarn.domain.validation import validate_artifact_name
from forewarn.errors import ConflictError, IntegrityError, NotFoundError, ValidationError
from forewarn.program.audit import append_audit
from forewarn.program.cases import get_case
from forewarn.program.keys import ProgramKeys
from forewarn.program.rule_files import check_rule_file
from forewarn.program.tiers import get_tier, list_tiers
from forewarn.store import CaseRepository, SealedContent

ENCRYPTION_PURPOSE = "artifact-encryption"
"""HKDF purpose of the key that seals artifacts at rest."""

MAX_ARTIFACT_BYTES = 64 * 1024 * 1024
"""Largest artifact accepted; advisories and PoCs are far smaller."""

NONCE_BYTES = 12
"""ChaCha20-Poly1305 nonce length; random per artifact."""


def _associated_data(case_id: str, name: str) -> bytes:
    return b"forewarn/artifact/v1\x00" + case_id.encode() + b"\x00" + name.encode()


def seal(keys: ProgramKeys, case_id: str, name: str, content: bytes) -> SealedContent:
    """Encrypt `content` for storage under the program key."""
    nonce = os.urandom(NONCE_BYTES)
    aead = ChaCha20Poly1305(keys.derive(ENCRYPTION_PURPOSE))
    return SealedContent(
        nonce=nonce, ciphertext=aead.encrypt(nonce, content, _associated_data(case_id, name))
    )


def unseal(keys: ProgramKeys, case_id: str, name: str, sealed: SealedContent) -> bytes:
    """Decrypt stored content; a wrong key or a tampered row is an `IntegrityError`."""
    aead = ChaCha20Poly1305(keys.derive(ENCRYPTION_PURPOSE))
    try:
        return aead.decrypt(sealed.nonce, sealed.ciphertext, _associated_data(case_id, name))
    except (InvalidTag, ValueError) as exc:
        raise IntegrityError(
            f"artifact {case_id}/{name} does not decrypt: wrong key or tampered data"
        ) from exc


def default_min_tier(tiers: list[Tier], kind: ArtifactKind) -> Tier:
    """The least trusted tier that may receive `kind`."""
    allowed = [tier for tier in tiers if kind in tier.artifact_kinds]
    if not allowed:
        raise ValidationError(f"no tier of the program receives {kind} artifacts")
    return min(allowed, key=lambda tier: tier.rank)


def add_artifact(
    session: Session,
    keys: ProgramKeys,
    *,
    case_id: str,
    name: str,
    content: bytes,
    kind: ArtifactKind,
    min_tier: str | None = None,
    now: datetime,
) -> Artifact:
    """Add a file to a case, sealed at rest; `min_tier` defaults to the lowest tier allowed.

    Every addition is an `artifact` audit leaf at `now` (what partners get is decided by it);
    once partners hold the case (a release was delivered), `mail send` announces it to them
    without naming or quoting the artifact.
    """
    get_case(session, case_id)
    validate_artifact_name(name)
    if len(content) > MAX_ARTIFACT_BYTES:
        raise ValidationError(f"artifact {name!r} is larger than {MAX_ARTIFACT_BYTES} bytes")
    if kind is ArtifactKind.RULES:
        check_rule_file(name, content)
    tier = (
        default_min_tier(list_tiers(session), kind)
        if min_tier is None
        else get_tier(session, min_tier)
    )
    if kind not in tier.artifact_kinds:
        raise ValidationError(f"tier {tier.name!r} does not receive {kind} artifacts")
    repo = CaseRepository(session)
    if repo.get_artifact(case_id, name) is not None:
        raise ConflictError(f"case {case_id!r} has an artifact named {name!r} already")
    artifact = Artifact(
        case_id=case_id,
        name=name,
        kind=kind,
        min_tier=tier.name,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    stored = repo.add_artifact(artifact, seal(keys, case_id, name, content))
    payload = {"case": case_id, "name": name, "kind": kind.value, "sha256": artifact.sha256}
    append_audit(session, LeafKind.ARTIFACT, payload, now, keys=keys, subject=case_id)
    return stored


def get_artifact(session: Session, case_id: str, name: str) -> Artifact:
    """One artifact's metadata, or `NotFoundError`."""
    get_case(session, case_id)
    artifact = CaseRepository(session).get_artifact(case_id, name)
    if artifact is None:
        raise NotFoundError(f"case {case_id!r} has no artifact {name!r}")
    return artifact


def list_artifacts(session: Session, case_id: str) -> list[Artifact]:
    """A case's artifacts in the order they were added."""
    get_case(session, case_id)
    return CaseRepository(session).artifacts(case_id)


def read_artifact(session: Session, keys: ProgramKeys, case_id: str, name: str) -> bytes:
    """The plaintext of an artifact, checked against its recorded SHA-256."""
    artifact = get_artifact(session, case_id, name)
    sealed = CaseRepository(session).sealed_content(case_id, name)
    if sealed is None:
        raise NotFoundError(f"case {case_id!r} has no artifact {name!r}")
    content = unseal(keys, case_id, name, sealed)
    if hashlib.sha256(content).hexdigest() != artifact.sha256:
        raise IntegrityError(f"artifact {case_id}/{name} does not match its recorded SHA-256")
    return content
