"""Rebuild a delivered copy from the originals and check it against the record.

Marks are deterministic, so nothing but the originals and the key is needed: `audit verify`
checks every release this way, and a partner's new age key gets its bundle re-sealed from it.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, Release, ReleaseState
from forewarn.errors import IntegrityError, NotFoundError
from forewarn.program.artifacts import list_artifacts, read_artifact
from forewarn.program.audit import checkpoint_of_size
from forewarn.program.bundles import build_bundle
from forewarn.program.case_marking import marker_for_case
from forewarn.program.keys import ProgramKeys
from forewarn.program.merkle import Checkpoint
from forewarn.store.audit_repo import AuditRepository
from forewarn.store.release_repo import ReleaseRepository


def check_release(session: Session, keys: ProgramKeys, release_id: str) -> Release:
    """Regenerate a delivered copy from the originals and raise unless it matches the record."""
    release, _ = regenerate_bundle(session, keys, release_id)
    return release


def regenerate_bundle(
    session: Session, keys: ProgramKeys, release_id: str
) -> tuple[Release, bytes]:
    """A delivered release's plaintext bundle rebuilt from the originals (marks are
    deterministic), checked against the recorded hashes; e.g. to re-seal it to a new age key."""
    repo = ReleaseRepository(session)
    release = repo.get(release_id)
    if release is None or release.state is not ReleaseState.COMPLETE:
        raise NotFoundError(f"no delivered release {release_id!r}")
    marker = marker_for_case(session, keys, release.case_id)
    originals = {a.name: a for a in list_artifacts(session, release.case_id)}
    contents: dict[str, bytes] = {}
    for item in release.items:
        original = read_artifact(session, keys, release.case_id, item.name)
        copy = marker.mark(item.name, originals[item.name].kind, original, release.partner)
        if hashlib.sha256(copy.content).hexdigest() != item.sha256:
            raise IntegrityError(f"release {release_id}: {item.name} does not regenerate")
        contents[item.name] = copy.content
    bundle = build_bundle(
        release.as_release(), contents, keys.signing_key, _carried_checkpoint(session, release_id)
    )
    if hashlib.sha256(bundle).hexdigest() != repo.hashes(release_id)[1]:
        raise IntegrityError(f"release {release_id}: the bundle does not regenerate")
    return release.as_release(), bundle


def _carried_checkpoint(session: Session, release_id: str) -> Checkpoint | None:
    """The audit checkpoint a delivered bundle carries, as its release leaf records it."""
    leaf = AuditRepository(session).find(LeafKind.RELEASE, release_id)
    size = None if leaf is None else json.loads(leaf.payload).get("checkpoint_size")
    return None if size is None else checkpoint_of_size(session, int(size))
