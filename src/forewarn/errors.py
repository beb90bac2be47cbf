"""The one exception tree of forewarn.

Every error a user can cause derives from `Error`; the CLI and the API catch `Error` in one
place and print `diagnostics()`, so no traceback reaches a user for bad input.

```
Error                       exit 2 unless said otherwise
├── ValidationError         bad input: a country, a CVE id, a CVSS vector, a date order
├── NotFoundError           an unknown partner, case, artifact or release
├── ConflictError           a duplicate name or id
├── ConfigError             a missing or unreadable key file, a bad setting
├── StoreError              the database does not answer or is not migrated
├── MarkError               the fingerprinting engine cannot embed or extract
├── HuntError               material from the wild cannot be read safely
│   └── WireReadError       a capture of traffic (pcap, HAR, log) cannot be read as requests
├── ReleaseError            a wave or bundle cannot be produced
├── ExchangeError           a standards document (CSAF, CVE, STIX, MISP) cannot be made or read
├── SecurityError           a security check failed
│   ├── AuthenticationError a party did not prove who it is (no, unknown, revoked or expired token)
│   ├── AuthorizationError  a party asked for what is not theirs
│   ├── EmbargoError        material asked for before its release time
│   └── IntegrityError      a signature, hash or audit-log check failed (exit 3)
└── InvestigationError      an investigation cannot be run
```
"""

from __future__ import annotations


class Error(Exception):
    """Base of every error forewarn raises on purpose."""

    exit_code: int = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def diagnostics(self) -> str:
        """One line saying what went wrong, then what to do next when we know it."""
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class ValidationError(Error):
    """Input that breaks a domain rule."""


class NotFoundError(Error):
    """Something named by the user does not exist."""


class ConflictError(Error):
    """Something with that name or id exists already."""


class ConfigError(Error):
    """Settings or key material are missing, unreadable or do not match the program."""


class StoreError(Error):
    """The database cannot be reached, is not migrated or refused an operation."""


class MarkError(Error):
    """The fingerprinting engine cannot embed or extract marks."""


class HuntError(Error):
    """Material from the wild cannot be read within the safety limits."""


class WireReadError(HuntError):
    """A capture of traffic cannot be read as HTTP requests (it then yields a note, not a crash)."""


class ReleaseError(Error):
    """A wave or a bundle cannot be produced."""


class ExchangeError(Error):
    """A standards document (CSAF, CVE JSON, STIX, MISP) cannot be produced or read back."""


class SecurityError(Error):
    """A security check failed; such checks raise, never return a bool."""


class AuthenticationError(SecurityError):
    """A party did not prove who it is: no credential, or an unknown, revoked or expired one."""


class AuthorizationError(SecurityError):
    """A party asked for something that is not theirs."""


class EmbargoError(SecurityError):
    """Material was asked for before its release time."""


class IntegrityError(SecurityError):
    """A signature, a hash or the audit log does not verify."""

    exit_code = 3


class WrongIdentityError(IntegrityError):
    """Sealed material that is not sealed to the identity given: it does not open, as damaged
    material would not, but the mistake is the caller's key (bad input, exit 2)."""

    exit_code = 2


class InvestigationError(Error):
    """An investigation cannot be run on the data given."""
