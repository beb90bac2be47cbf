"""The audit log's rows: leaves and signed checkpoints, only ever inserted.

Split from `release_repo` (releases, bundles, fetches): the log is its own record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.domain import LeafKind
from forewarn.store.release_models import (
    AuditCheckpointRow,
    AuditLeafRow,
)


@dataclass(frozen=True, slots=True)
class StoredLeaf:
    """One audit leaf as stored."""

    index: int
    """Position in the log."""
    kind: LeafKind
    """What happened."""
    at: datetime
    """When."""
    subject: str
    """What it is about (a release id, a partner, a case), for look-ups."""
    payload: str
    """Canonical JSON of the details."""
    leaf_hash: str
    """Hex RFC 6962 leaf hash recorded at append time."""


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    """A signed tree head as stored."""

    size: int
    """Leaves covered."""
    root: str
    """Hex root hash."""
    at: datetime
    """When it was signed."""
    signature: bytes
    """Ed25519 signature."""
    frontier: tuple[str, ...]
    """Hex perfect-subtree roots, left to right, for the next append."""


class AuditRepository:
    """The audit log's leaves and checkpoints; rows are only inserted."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def head(self) -> StoredCheckpoint | None:
        """The newest checkpoint."""
        query = select(AuditCheckpointRow).order_by(AuditCheckpointRow.size.desc()).limit(1)
        row = self.session.scalars(query).first()
        return None if row is None else _checkpoint(row)

    def checkpoint(self, size: int) -> StoredCheckpoint | None:
        """The checkpoint of `size` leaves."""
        query = select(AuditCheckpointRow).where(AuditCheckpointRow.size == size)
        row = self.session.scalars(query).first()
        return None if row is None else _checkpoint(row)

    def add_leaf(self, leaf: StoredLeaf) -> None:
        """Insert a leaf; the unique index makes a concurrent append fail, not fork."""
        self.session.add(
            AuditLeafRow(
                leaf_index=leaf.index,
                kind=leaf.kind.value,
                at=leaf.at,
                subject=leaf.subject,
                payload=leaf.payload,
                leaf_hash=leaf.leaf_hash,
            )
        )

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        """Insert a signed tree head."""
        self.session.add(
            AuditCheckpointRow(
                size=checkpoint.size,
                root=checkpoint.root,
                at=checkpoint.at,
                signature=checkpoint.signature,
                frontier=json.dumps(list(checkpoint.frontier)),
            )
        )
        self.session.flush()

    def leaves(self) -> list[StoredLeaf]:
        """Every leaf in index order (plain tuples: 100,000 leaves load in well under a second)."""
        columns = (
            AuditLeafRow.leaf_index,
            AuditLeafRow.kind,
            AuditLeafRow.at,
            AuditLeafRow.subject,
            AuditLeafRow.payload,
            AuditLeafRow.leaf_hash,
        )
        rows = self.session.execute(select(*columns).order_by(AuditLeafRow.leaf_index))
        return [
            StoredLeaf(index, LeafKind(kind), at, subject, payload, hashed)
            for index, kind, at, subject, payload, hashed in rows
        ]

    def checkpoints(self) -> list[StoredCheckpoint]:
        """Every checkpoint, smallest first."""
        query = select(AuditCheckpointRow).order_by(AuditCheckpointRow.size)
        return [_checkpoint(row) for row in self.session.scalars(query)]

    def find(self, kind: LeafKind, subject: str, *, last: bool = False) -> StoredLeaf | None:
        """The first (or, with `last`, the latest) leaf of `kind` about `subject`."""
        order = AuditLeafRow.leaf_index.desc() if last else AuditLeafRow.leaf_index
        query = (
            select(AuditLeafRow)
            .where(AuditLeafRow.kind == kind.value, AuditLeafRow.subject == subject)
            .order_by(order)
            .limit(1)
        )
        row = self.session.scalars(query).first()
        if row is None:
            return None
        return StoredLeaf(
            row.leaf_index, LeafKind(row.kind), row.at, row.subject, row.payload, row.leaf_hash
        )


def _checkpoint(row: AuditCheckpointRow) -> StoredCheckpoint:
    return StoredCheckpoint(
        size=row.size,
        root=row.root,
        at=row.at,
        signature=row.signature,
        frontier=tuple(json.loads(row.frontier)),
    )
