"""Which delivered release a partner may have: theirs, due and the partner active, or raise.

The one check behind every way a partner takes its copy: a bundle fetch or acknowledgement
(`bundle_handover`), the partner API, the TAXII feed and the standards views.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from forewarn.domain import PartnerStatus, Release, ReleaseState
from forewarn.errors import AuthorizationError, ConflictError, EmbargoError, NotFoundError
from forewarn.program.cases import get_case
from forewarn.program.partners import get_partner
from forewarn.store.release_repo import ReleaseRepository, StoredRelease


def own_release(
    session: Session, case_id: str, partner: str, now: datetime, release_id: str | None
) -> StoredRelease:
    """The partner's delivered release of the case; raise unless it is theirs, due and the
    partner active (bundles and standards views alike)."""
    found = get_partner(session, partner)
    get_case(session, case_id)
    repo = ReleaseRepository(session)
    if release_id is not None:
        chosen = repo.get(release_id)
        if chosen is None or chosen.case_id != case_id:
            raise NotFoundError(f"case {case_id} has no release {release_id!r}")
        if chosen.partner != partner:
            raise AuthorizationError(f"release {release_id} is not {partner!r}'s copy")
        candidates = [chosen]
    else:
        candidates = repo.for_case(case_id, partner=found.name)
    if found.status is not PartnerStatus.ACTIVE:
        raise AuthorizationError(f"partner {partner!r} is {found.status.value}; nothing is sent")
    complete = [r for r in candidates if r.state is ReleaseState.COMPLETE]
    due = ReleaseState.PENDING
    in_flight = [r for r in candidates if r.state is due and r.available_at <= now]
    if not complete and in_flight:
        # Due but not delivered yet: a release run may be writing this partner's row right
        # now. Wait for that row (not for the whole wave), then read again.
        for pending in in_flight:
            repo.settled_state(pending.id)
        again = repo.for_case(case_id, partner=found.name, fresh=True)
        candidates = [r for r in again if release_id is None or r.id == release_id]
        complete = [r for r in candidates if r.state is ReleaseState.COMPLETE]
        if not complete and any(r.state is ReleaseState.PENDING for r in candidates):
            raise ConflictError(
                f"{case_id} is due to {partner!r} but not delivered yet",
                hint="its release may be under way (`forewarn wave release`): fetch again soon",
            )
    if not complete:
        waiting = [r for r in candidates if r.state is ReleaseState.PENDING]
        if waiting:
            when = waiting[0].available_at
            raise EmbargoError(
                f"{partner!r} may not have {case_id} before {when:%Y-%m-%dT%H:%M:%SZ}"
            )
        raise NotFoundError(f"nothing of {case_id} was released to {partner!r}")
    release = complete[-1]
    if release.available_at > now:
        raise EmbargoError(
            f"{partner!r} may not have {case_id} before {release.available_at:%Y-%m-%dT%H:%M:%SZ}"
        )
    return release


def require_still_due(session: Session, release: Release, now: datetime) -> None:
    """Raise unless `release` is still delivered, due at `now` and its partner active: the
    check a fetch repeats in the transaction that logs it (a suspension meanwhile wins)."""
    found = ReleaseRepository(session).delivery(release.id)
    if found is None or found[0] is not ReleaseState.COMPLETE:
        raise NotFoundError(f"release {release.id} is no longer delivered")
    _, available_at, status = found
    if available_at > now:
        raise EmbargoError(f"release {release.id} is not due before {available_at}")
    if status != PartnerStatus.ACTIVE.value:
        raise AuthorizationError(f"partner {release.partner!r} is not active; nothing is sent")
