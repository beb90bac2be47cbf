"""Repositories of the scheduler's held bundles and of delivery facts (fetches, acks) per case.

`HeldBundleRepository` keeps bundles sealed ahead of their wave (see `schedule_models`);
`DeliveryRepository` answers what staff ask after a release: per release row, when it was
delivered, first fetched and first acknowledged, and which audit leaf records it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, ReleaseState
from forewarn.domain.marking import MarkingParams
from forewarn.store.models import PartnerRow
from forewarn.store.release_completion import ItemRecord
from forewarn.store.release_models import AckRow, AuditLeafRow, FetchRow, ReleaseRow
from forewarn.store.schedule_models import HeldBundleRow


@dataclass(frozen=True, slots=True)
class HeldBundle:
    """A bundle sealed for a pending release and held back until its instant."""

    release_id: str
    """The pending release it was made for."""
    case_id: str
    """The case."""
    available_at: datetime
    """Wave time written in its manifest."""
    embargo_end: datetime
    """Embargo end written in its manifest."""
    tier: str
    """The partner's tier the plan had."""
    artifacts: tuple[str, ...]
    """Planned artifact names it holds."""
    recipient: str
    """The `age1…` recipient it is sealed to."""
    marking: MarkingParams
    """How its copies were marked."""
    items: tuple[ItemRecord, ...]
    """The marked copies' records, as the completed release will store them."""
    sealed: bytes
    """The age-encrypted bundle."""
    sealed_sha256: str
    """SHA-256 of `sealed`."""
    manifest_sha256: str
    """SHA-256 of the signed manifest inside."""
    bundle_sha256: str
    """SHA-256 of the plaintext tar inside."""
    prepared_at: datetime
    """When it was sealed."""
    checkpoint_size: int | None = None
    """Size of the audit checkpoint its signed manifest carries: the newest when it was sealed
    (`None`: the log was empty then)."""


def _marking_json(params: MarkingParams) -> str:
    return json.dumps(
        {
            "scheme": params.scheme,
            "n_partners": params.n_partners,
            "max_colluders": params.max_colluders,
            "epsilon": params.epsilon,
            "channels": list(params.channels),
            "domains": list(params.domains),
        },
        sort_keys=True,
    )


def _held(row: HeldBundleRow) -> HeldBundle:
    marking = json.loads(row.marking)
    return HeldBundle(
        release_id=row.release_id,
        case_id=row.case_id,
        available_at=row.available_at,
        embargo_end=row.embargo_end,
        tier=row.tier,
        artifacts=tuple(json.loads(row.artifacts)),
        recipient=row.recipient,
        marking=MarkingParams(
            scheme=int(marking["scheme"]),
            n_partners=int(marking["n_partners"]),
            max_colluders=int(marking["max_colluders"]),
            epsilon=float(marking["epsilon"]),
            channels=tuple(marking["channels"]),
            domains=tuple(marking.get("domains", ())),
        ),
        items=tuple(
            ItemRecord(
                i["name"],
                i["kind"],
                i["original_sha256"],
                i["sha256"],
                i["size"],
            )
            for i in json.loads(row.items)
        ),
        sealed=row.sealed,
        sealed_sha256=row.sealed_sha256,
        manifest_sha256=row.manifest_sha256,
        bundle_sha256=row.bundle_sha256,
        prepared_at=row.prepared_at,
        checkpoint_size=row.checkpoint_size,
    )


class HeldBundleRepository:
    """Bundles sealed ahead of time; one per pending release at most."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, held: HeldBundle) -> None:
        """Hold a bundle (the primary key refuses a second one for the same release)."""
        self.session.add(
            HeldBundleRow(
                release_id=held.release_id,
                case_id=held.case_id,
                available_at=held.available_at,
                embargo_end=held.embargo_end,
                tier=held.tier,
                artifacts=json.dumps(list(held.artifacts)),
                recipient=held.recipient,
                marking=_marking_json(held.marking),
                items=json.dumps(
                    [
                        {
                            "name": i.name,
                            "kind": i.kind,
                            "original_sha256": i.original_sha256,
                            "sha256": i.sha256,
                            "size": i.size,
                        }
                        for i in held.items
                    ]
                ),
                sealed=held.sealed,
                sealed_sha256=held.sealed_sha256,
                manifest_sha256=held.manifest_sha256,
                bundle_sha256=held.bundle_sha256,
                prepared_at=held.prepared_at,
                checkpoint_size=held.checkpoint_size,
            )
        )
        self.session.flush()

    def get(self, release_id: str) -> HeldBundle | None:
        """The bundle held for a release, if any."""
        row = self.session.get(HeldBundleRow, release_id)
        return None if row is None else _held(row)

    def get_many(self, release_ids: Iterable[str]) -> dict[str, HeldBundle]:
        """The bundles held for these releases (one query)."""
        ids = list(release_ids)
        if not ids:
            return {}
        query = select(HeldBundleRow).where(HeldBundleRow.release_id.in_(ids))
        return {row.release_id: _held(row) for row in self.session.scalars(query)}

    def for_case(self, case_id: str) -> dict[str, HeldBundle]:
        """Every bundle held for the case's releases (one query)."""
        query = select(HeldBundleRow).where(HeldBundleRow.case_id == case_id)
        return {row.release_id: _held(row) for row in self.session.scalars(query)}

    def recipients(self) -> dict[str, tuple[str, str | None]]:
        """Every partner's status and age recipient, to check held bundles against (one query)."""
        query = select(PartnerRow.name, PartnerRow.status, PartnerRow.age_recipient)
        return {
            name: (status, recipient) for name, status, recipient in self.session.execute(query)
        }

    def held_ids(self, case_id: str | None = None) -> set[str]:
        """Release ids with a held bundle (of one case, or of all)."""
        query = select(HeldBundleRow.release_id)
        if case_id is not None:
            query = query.where(HeldBundleRow.case_id == case_id)
        return set(self.session.scalars(query))

    def discard(self, release_ids: Iterable[str]) -> int:
        """Delete held bundles; how many there were."""
        ids = list(release_ids)
        if not ids:
            return 0
        result = self.session.execute(
            delete(HeldBundleRow).where(HeldBundleRow.release_id.in_(ids))
        )
        return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """One release row of a case with what happened to it after delivery."""

    release_id: str
    """Release id."""
    partner: str
    """Partner name."""
    partner_status: str
    """The partner's status now (a `PartnerStatus` value)."""
    tier: str
    """Tier when planned."""
    state: ReleaseState
    """Planned, delivered or cancelled."""
    available_at: datetime
    """Wave time."""
    completed_at: datetime | None
    """When it was delivered (made fetchable)."""
    cancel_reason: str | None
    """Why it was cancelled."""
    held: bool
    """A bundle is sealed and held for it (pending only)."""
    first_fetch: datetime | None
    """First download."""
    fetches: int
    """Downloads."""
    first_ack: datetime | None
    """First acknowledgement."""
    acks: int
    """Acknowledgements."""
    release_leaf: int | None
    """Index of its `release` audit leaf."""


class DeliveryRepository:
    """Read-only questions about deliveries, answered with a few grouped queries."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def for_case(self, case_id: str) -> list[DeliveryRecord]:
        """Every release row of a case, by partner then wave time."""
        fetches = (
            select(
                FetchRow.release_id, func.min(FetchRow.at).label("first"), func.count().label("n")
            )
            .group_by(FetchRow.release_id)
            .subquery()
        )
        acks = (
            select(AckRow.release_id, func.min(AckRow.at).label("first"), func.count().label("n"))
            .group_by(AckRow.release_id)
            .subquery()
        )
        query = (
            select(
                ReleaseRow.id,
                PartnerRow.name,
                PartnerRow.status,
                ReleaseRow.tier,
                ReleaseRow.state,
                ReleaseRow.available_at,
                ReleaseRow.completed_at,
                ReleaseRow.cancel_reason,
                fetches.c.first,
                fetches.c.n,
                acks.c.first,
                acks.c.n,
            )
            .join(PartnerRow, PartnerRow.id == ReleaseRow.partner_id)
            .outerjoin(fetches, fetches.c.release_id == ReleaseRow.id)
            .outerjoin(acks, acks.c.release_id == ReleaseRow.id)
            .where(ReleaseRow.case_id == case_id)
            .order_by(PartnerRow.name, ReleaseRow.available_at)
        )
        rows = self.session.execute(query).all()
        ids = [row[0] for row in rows]
        held = HeldBundleRepository(self.session).held_ids(case_id)
        leaves = self.release_leaves(ids)
        return [
            DeliveryRecord(
                release_id=rid,
                partner=name,
                partner_status=status,
                tier=tier,
                state=ReleaseState(state),
                available_at=available_at,
                completed_at=completed_at,
                cancel_reason=reason,
                held=rid in held,
                first_fetch=first_fetch,
                fetches=int(n_fetch or 0),
                first_ack=first_ack,
                acks=int(n_ack or 0),
                release_leaf=leaves.get(rid),
            )
            for (
                rid,
                name,
                status,
                tier,
                state,
                available_at,
                completed_at,
                reason,
                first_fetch,
                n_fetch,
                first_ack,
                n_ack,
            ) in rows
        ]

    def release_leaves(self, release_ids: Sequence[str]) -> dict[str, int]:
        """Release id → index of its `release` leaf."""
        if not release_ids:
            return {}
        query = select(AuditLeafRow.subject, AuditLeafRow.leaf_index).where(
            AuditLeafRow.kind == LeafKind.RELEASE.value,
            AuditLeafRow.subject.in_(list(release_ids)),
        )
        return {str(subject): int(index) for subject, index in self.session.execute(query)}

    def release_owners(self) -> dict[str, tuple[str, str]]:
        """Release id → (case, partner name), to say what a leaf naming a release is about."""
        query = select(ReleaseRow.id, ReleaseRow.case_id, PartnerRow.name).join(
            PartnerRow, PartnerRow.id == ReleaseRow.partner_id
        )
        return {rid: (case, name) for rid, case, name in self.session.execute(query)}
