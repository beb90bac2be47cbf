"""How a case's copies are marked: the code's parameters and the engine keyed for the case.

One source for releases, the scheduler's held bundles, tracing, investigation, rules and the
capacity preview, so a copy is always regenerated and read back with the engine that made it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from forewarn.domain.marking import MarkingParams
from forewarn.marks.engine import Marker
from forewarn.marks.schemes import new_params
from forewarn.program.keys import ProgramKeys
from forewarn.store import PartnerRepository, ProgramRepository
from forewarn.store.marking_repo import MarkingRepository

MARKS_PURPOSE = "marks"
"""HKDF purpose of the secret the fingerprinting engine is keyed with."""

MIN_CODE_PARTNERS = 64
"""Smallest population a case's code is sized for, so a growing program keeps one code."""


def marking_for_case(session: Session, case_id: str) -> MarkingParams:
    """How the case's copies are marked: as stored by its first delivered release, or, before
    that, as the next release will mark them (the code sized for the program's population)."""
    stored = MarkingRepository(session).marking(case_id)
    if stored is not None:
        return stored
    count = max(PartnerRepository(session).count(), MIN_CODE_PARTNERS)
    program = ProgramRepository(session).get()
    domains = program.domains if program is not None else ()
    return new_params(1 << (count - 1).bit_length(), domains=domains)


def marker_for_case(session: Session, keys: ProgramKeys, case_id: str) -> Marker:
    """The engine exactly as the case's copies were marked (tracing and investigation too)."""
    return Marker.for_case(keys.derive(MARKS_PURPOSE), case_id, marking_for_case(session, case_id))
