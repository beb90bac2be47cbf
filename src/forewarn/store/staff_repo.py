"""Repository of staff accounts, portal sessions and sign-in throttles.

Returns `forewarn.domain` records, and for the use cases that check credentials the stored
secrets (`StoredStaff`), which never leave `forewarn.program.staff`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forewarn.domain import StaffAccount, StaffRole
from forewarn.store.models import PartnerRow
from forewarn.store.staff_models import (
    LoginThrottleRow,
    PartnerLoginRow,
    PortalSessionRow,
    StaffAccountRow,
)


@dataclass(frozen=True, slots=True)
class StoredStaff:
    """An account with what its credentials are checked against."""

    id: int
    """Row id."""
    account: StaffAccount
    """The account."""
    password_hash: str
    """argon2id PHC string."""
    totp_sealed: bytes
    """The encrypted TOTP secret."""
    totp_last_step: int
    """The last TOTP step accepted."""


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A portal session row."""

    kind: str
    """`staff` or `partner`."""
    staff_id: int | None
    """The staff account, for a staff session."""
    token_id: str | None
    """The partner API token, for a partner session opened with one."""
    csrf_token: str
    """The session's CSRF token."""
    created_at: datetime
    """When it was opened."""
    last_seen_at: datetime
    """Its last request."""
    ended_at: datetime | None
    """When it was ended (sign-out, disabled account)."""
    partner_id: int | None = None
    """The partner, for a session opened with its portal password and TOTP code."""


def _account(row: StaffAccountRow) -> StaffAccount:
    return StaffAccount(
        name=row.name,
        role=StaffRole(row.role),
        created_at=row.created_at,
        mfa_enrolled_at=row.mfa_enrolled_at,
        disabled_at=row.disabled_at,
        last_login_at=row.last_login_at,
    )


def _stored(row: StaffAccountRow) -> StoredStaff:
    return StoredStaff(
        row.id, _account(row), row.password_hash, row.totp_sealed, row.totp_last_step
    )


class StaffRepository:
    """Staff, sessions and throttles in the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, account: StaffAccount, *, password_hash: str, totp_sealed: bytes) -> None:
        """Store a new account."""
        self._session.add(
            StaffAccountRow(
                name=account.name,
                role=account.role.value,
                password_hash=password_hash,
                totp_sealed=totp_sealed,
                totp_last_step=0,
                created_at=account.created_at,
                mfa_enrolled_at=account.mfa_enrolled_at,
            )
        )
        self._session.flush()

    def by_name(self, name: str) -> StoredStaff | None:
        """The account with this login name."""
        row = self._session.scalars(
            select(StaffAccountRow).where(StaffAccountRow.name == name)
        ).one_or_none()
        return None if row is None else _stored(row)

    def by_id(self, staff_id: int) -> StoredStaff | None:
        """The account with this row id."""
        row = self._session.get(StaffAccountRow, staff_id)
        return None if row is None else _stored(row)

    def all(self) -> list[StaffAccount]:
        """Every account by name."""
        rows = self._session.scalars(select(StaffAccountRow).order_by(StaffAccountRow.name))
        return [_account(row) for row in rows]

    def disable(self, staff_id: int, at: datetime) -> bool:
        """Stamp an account disabled and end its sessions; `False` if it was disabled already."""
        result = self._session.execute(
            update(StaffAccountRow)
            .where(StaffAccountRow.id == staff_id, StaffAccountRow.disabled_at.is_(None))
            .values(disabled_at=at)
            .execution_options(synchronize_session="fetch")
        )
        self.end_sessions(staff_id, at)
        return bool(getattr(result, "rowcount", 0))

    def set_totp(self, staff_id: int, sealed: bytes, at: datetime) -> None:
        """Replace an account's TOTP secret (its sessions end)."""
        row = self._session.get(StaffAccountRow, staff_id)
        assert row is not None
        row.totp_sealed, row.totp_last_step, row.mfa_enrolled_at = sealed, 0, at
        self.end_sessions(staff_id, at)
        self._session.flush()

    def accept_step(self, staff_id: int, step: int, at: datetime) -> bool:
        """Record a TOTP step as used and the sign-in; `False` if it (or a later one) was used."""
        # one conditional UPDATE: two sign-ins with the same code cannot both pass
        result = self._session.execute(
            update(StaffAccountRow)
            .where(StaffAccountRow.id == staff_id, StaffAccountRow.totp_last_step < step)
            .values(totp_last_step=step, last_login_at=at)
            .execution_options(synchronize_session="fetch")
        )
        return bool(getattr(result, "rowcount", 0))

    def end_sessions(self, staff_id: int, at: datetime) -> None:
        """End every open session of an account."""
        self._session.execute(
            update(PortalSessionRow)
            .where(PortalSessionRow.staff_id == staff_id, PortalSessionRow.ended_at.is_(None))
            .values(ended_at=at)
            .execution_options(synchronize_session=False)
        )

    def add_session(self, id_sha256: str, stored: StoredSession) -> None:
        """Store a new session by the hash of its id."""
        self._session.add(
            PortalSessionRow(
                id_sha256=id_sha256,
                kind=stored.kind,
                staff_id=stored.staff_id,
                token_id=stored.token_id,
                partner_id=stored.partner_id,
                csrf_token=stored.csrf_token,
                created_at=stored.created_at,
                last_seen_at=stored.last_seen_at,
            )
        )
        self._session.flush()

    def session(self, id_sha256: str) -> StoredSession | None:
        """The session whose id hashes to `id_sha256`."""
        row = self._session.get(PortalSessionRow, id_sha256)
        if row is None:
            return None
        return StoredSession(
            row.kind,
            row.staff_id,
            row.token_id,
            row.csrf_token,
            row.created_at,
            row.last_seen_at,
            row.ended_at,
            row.partner_id,
        )

    def touch_session(self, id_sha256: str, at: datetime) -> None:
        """Record a request of the session."""
        self._session.execute(
            update(PortalSessionRow)
            .where(PortalSessionRow.id_sha256 == id_sha256)
            .values(last_seen_at=at)
            .execution_options(synchronize_session=False)
        )

    def end_session(self, id_sha256: str, at: datetime) -> None:
        """End one session."""
        self._session.execute(
            update(PortalSessionRow)
            .where(PortalSessionRow.id_sha256 == id_sha256, PortalSessionRow.ended_at.is_(None))
            .values(ended_at=at)
            .execution_options(synchronize_session=False)
        )

    def partner_login(self, partner_id: int) -> tuple[str, bytes, int] | None:
        """A partner's password hash, sealed TOTP secret and last step used, if it has a login."""
        row = self._session.get(PartnerLoginRow, partner_id)
        return None if row is None else (row.password_hash, row.totp_sealed, row.totp_last_step)

    def set_partner_login(
        self, partner_id: int, *, password_hash: str, totp_sealed: bytes, at: datetime
    ) -> None:
        """Give a partner a login, or replace its password and secret."""
        row = self._session.get(PartnerLoginRow, partner_id)
        if row is None:
            row = PartnerLoginRow(partner_id=partner_id)
            self._session.add(row)
        row.password_hash, row.totp_sealed, row.totp_last_step = password_hash, totp_sealed, 0
        row.created_at = at
        self._session.execute(
            update(PortalSessionRow)
            .where(PortalSessionRow.partner_id == partner_id, PortalSessionRow.ended_at.is_(None))
            .values(ended_at=at)
            .execution_options(synchronize_session=False)
        )
        self._session.flush()

    def remove_partner_login(self, partner_id: int, at: datetime) -> bool:
        """Take a partner's login away (its password sessions end); `False` if it had none."""
        row = self._session.get(PartnerLoginRow, partner_id)
        if row is None:
            return False
        self._session.delete(row)
        self._session.execute(
            update(PortalSessionRow)
            .where(PortalSessionRow.partner_id == partner_id, PortalSessionRow.ended_at.is_(None))
            .values(ended_at=at)
            .execution_options(synchronize_session=False)
        )
        self._session.flush()
        return True

    def partner_name(self, partner_id: int) -> str | None:
        """The name of the partner with this row id."""
        row = self._session.get(PartnerRow, partner_id)
        return None if row is None else row.name

    def accept_partner_step(self, partner_id: int, step: int) -> bool:
        """Record a partner's TOTP step as used; `False` if it (or a later one) was used."""
        result = self._session.execute(
            update(PartnerLoginRow)
            .where(PartnerLoginRow.partner_id == partner_id, PartnerLoginRow.totp_last_step < step)
            .values(totp_last_step=step)
            .execution_options(synchronize_session="fetch")
        )
        return bool(getattr(result, "rowcount", 0))

    def throttle(self, key: str) -> tuple[int, datetime | None]:
        """Failures and lock-out end of a throttle key (0 and `None` when unknown)."""
        row = self._session.get(LoginThrottleRow, key)
        return (0, None) if row is None else (row.failures, row.locked_until)

    def set_throttle(self, key: str, failures: int, locked_until: datetime | None) -> None:
        """Store a key's failures (0 removes it)."""
        row = self._session.get(LoginThrottleRow, key)
        if failures == 0:
            if row is not None:
                self._session.delete(row)
        elif row is None:
            self._session.add(
                LoginThrottleRow(key=key, failures=failures, locked_until=locked_until)
            )
        else:
            row.failures, row.locked_until = failures, locked_until
        self._session.flush()
