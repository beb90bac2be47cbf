"""Tiers of a program: configured once, ordered by trust, referenced by partners and artifacts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.orm import Session

from forewarn.domain import ArtifactKind, Tier
from forewarn.domain.validation import TIER_NAME_PATTERN, validate_tiers
from forewarn.errors import ConflictError, NotFoundError
from forewarn.store import CaseRepository, PartnerRepository, ProgramRepository

DEFAULT_TIERS: tuple[Tier, ...] = (
    Tier(
        name="early-access",
        rank=3,
        lead_time=timedelta(days=14),
        artifact_kinds=frozenset(ArtifactKind),
    ),
    Tier(
        name="standard",
        rank=2,
        lead_time=timedelta(days=3),
        artifact_kinds=frozenset(
            {ArtifactKind.ADVISORY, ArtifactKind.DETECTION, ArtifactKind.RULES}
        ),
    ),
    Tier(
        name="responder",
        rank=1,
        lead_time=timedelta(days=1),
        artifact_kinds=frozenset({ArtifactKind.ADVISORY}),
    ),
)
"""Tiers `forewarn init` creates; a program file replaces them."""


def list_tiers(session: Session) -> list[Tier]:
    """The program's tiers in their configured order."""
    return ProgramRepository(session).list_tiers()


def get_tier(session: Session, name: str) -> Tier:
    """One tier by name, or `NotFoundError` listing the known tiers."""
    repo = ProgramRepository(session)
    # A name no tier can have is not looked up: PostgreSQL refuses a NUL in a query outright,
    # which would fail a whole `partner import` instead of naming the row.
    tier = repo.get_tier(name) if TIER_NAME_PATTERN.match(name) else None
    if tier is None:
        known = ", ".join(t.name for t in repo.list_tiers()) or "none"
        raise NotFoundError(f"unknown tier {name!r}", hint=f"known tiers: {known}")
    return tier


def configure_tiers(session: Session, tiers: Sequence[Tier]) -> list[Tier]:
    """Replace the program's tiers; only allowed while no partner or case refers to them."""
    checked = validate_tiers(tiers)
    if PartnerRepository(session).count() or CaseRepository(session).count():
        raise ConflictError(
            "tiers cannot be replaced once partners or cases exist",
            hint="configure tiers in a fresh program",
        )
    repo = ProgramRepository(session)
    repo.replace_tiers(checked)
    return repo.list_tiers()
