"""Staff of the program: who may use the staff pages of the portal, with which role.

A staff account's password is kept as an argon2 hash and its TOTP secret encrypted with a key
derived from the program key; neither appears in these records.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class StaffRole(enum.StrEnum):
    """What a staff member may see and do in the portal."""

    ADMIN = "admin"
    """Everything, staff accounts included."""
    COORDINATOR = "coordinator"
    """Runs the program: partners, cases, wave plans, release status, reports."""
    ANALYST = "analyst"
    """Investigates leaks: cases, wave plans and investigation reports."""
    AUDITOR = "auditor"
    """Checks the record: partners, cases, release status and the audit log."""


@dataclass(frozen=True, slots=True)
class StaffAccount:
    """A staff account as the program lists it."""

    name: str
    """The login name (an e-mail address or a handle)."""
    role: StaffRole
    """What it may do."""
    created_at: datetime
    """When it was added."""
    mfa_enrolled_at: datetime
    """When its current TOTP secret was issued (a reset issues a new one)."""
    disabled_at: datetime | None = None
    """When it was disabled; a disabled account cannot sign in and its sessions end."""
    last_login_at: datetime | None = None
    """Its last successful sign-in."""

    @property
    def active(self) -> bool:
        """Not disabled."""
        return self.disabled_at is None
