"""SQLAlchemy models of the portal: staff accounts, partner logins, sessions, sign-in throttles.

Nothing secret is stored in the clear: a password is an argon2 hash, a TOTP secret is
AES-GCM-encrypted with a key derived from the program key, a session id is kept as its SHA-256.
Accounts are never deleted (the audit log names them); disabling stamps `disabled_at`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forewarn.store.base import Base, UtcDateTime


class StaffAccountRow(Base):
    """One staff account."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(Text)
    """argon2id, in the PHC string format."""
    totp_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    """Nonce ‖ AES-GCM ciphertext of the base32 TOTP secret."""
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    """The last TOTP time step accepted: a code is never accepted twice."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    mfa_enrolled_at: Mapped[datetime] = mapped_column(UtcDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PortalSessionRow(Base):
    """A signed-in browser: a staff member, or a partner through one of its API tokens."""

    __tablename__ = "portal_sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    """`staff` or `partner`."""
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    token_id: Mapped[str | None] = mapped_column(ForeignKey("api_tokens.id"), index=True)
    """The partner token the session was opened with: revoking it ends the session."""
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    """The partner signed in with its portal password and TOTP code."""
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PartnerLoginRow(Base):
    """A partner's optional portal password and TOTP secret (an API token works without one)."""

    __tablename__ = "partner_logins"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(Text)
    totp_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LoginThrottleRow(Base):
    """Failed sign-ins of one key (`account:NAME` or `address:IP`) since its last success."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
