"""NDA expiry: which partners' agreements lapse, and which would hold a case past their NDA.

A partner whose NDA expires before a case's planned patch date would hold embargoed material
while no longer bound to keep it. forewarn warns of it in `partner list` (lapsed, or lapsing
within `SOON`) and `wave plan` (per case); whether such partners are left out is a policy choice,
written as a rule with the `nda_lapses: true` condition (see `program.policy`), e.g.
`{name: nda-lapse, nda_lapses: true, exclude: true}`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from forewarn.domain import Case, Partner, PartnerStatus, Wave

SOON = timedelta(days=30)
"""`partner list` warns of an NDA that expires within this span."""


@dataclass(frozen=True, slots=True)
class NdaWarning:
    """One partner whose NDA has lapsed or will before it matters."""

    partner: str
    """Partner name."""
    expires: date
    """The last day its NDA covers."""
    message: str
    """The warning in one line."""


def lapses_before(partner: Partner, day: date) -> bool:
    """Whether `partner`'s NDA ends before `day` (no expiry date: it does not lapse)."""
    return partner.nda_expires is not None and partner.nda_expires < day


def nda_warnings(partners: Iterable[Partner], now: datetime) -> list[NdaWarning]:
    """Active partners whose NDA has expired by `now` or expires within `SOON`."""
    today = now.date()
    found = []
    for p in partners:
        if p.status is not PartnerStatus.ACTIVE or p.nda_expires is None:
            continue
        if p.nda_expires < today:
            text = f"partner {p.name!r}: NDA expired on {p.nda_expires.isoformat()}"
        elif p.nda_expires < today + SOON:
            text = f"partner {p.name!r}: NDA expires on {p.nda_expires.isoformat()}"
        else:
            continue
        found.append(NdaWarning(p.name, p.nda_expires, text))
    return found


def plan_warnings(
    case: Case, waves: Iterable[Wave], partners: Iterable[Partner]
) -> list[NdaWarning]:
    """Partners a case's plan gives material to whose NDA expires before its planned patch."""
    planned = {name for w in waves for name in w.partners}
    return [
        NdaWarning(
            p.name,
            p.nda_expires,
            f"partner {p.name!r}: NDA expires on {p.nda_expires.isoformat()}, before the planned "
            f"patch of {case.id} on {case.patch_planned.isoformat()}",
        )
        for p in partners
        if p.name in planned and p.nda_expires is not None and lapses_before(p, case.patch_planned)
    ]
