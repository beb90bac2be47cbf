"""What the tamper-evident audit log records."""

from __future__ import annotations

import enum


class LeafKind(enum.StrEnum):
    """What one audit leaf records.

    The value is inside every leaf hash (`forewarn.program.audit.leaf_data`) and in proof
    documents partners keep: a value must never be respelled.
    """

    RELEASE = "release"
    """A partner's copy of a case was delivered."""
    RELEASE_CANCELLED = "release-cancelled"
    """A pending release was cancelled."""
    FETCH = "fetch"
    """A partner downloaded its bundle."""
    ACK = "ack"
    """A partner acknowledged its bundle."""
    SUSPENSION = "suspension"
    """A partner was suspended (before `removal` existed, also a removal)."""
    RESCHEDULE = "reschedule"
    """A case's planned patch date moved."""
    ACCUSATION = "accusation"
    """An investigation accused a partner of a leak."""
    EVIDENCE = "evidence"
    """Evidence from the wild was registered for a case (hash, seen time, source, collector)."""
    PUBLICATION = "publication"
    """A case's patch was released to the public (`case publish`)."""
    REMINDER = "reminder"
    """A partner on a chase list was reminded to fetch or acknowledge its copy."""
    PARTNER_CHANGE = "partner-change"
    """A partner's record was edited (contacts, tier, age key, NDA), with what changed."""
    AMENDMENT = "amendment"
    """A signed embargo amendment was issued to a partner who had received the case."""
    ARTIFACT = "artifact"
    """An artifact was added to a case (before the genesis leaf: only after partners had
    received it)."""
    QUERY = "query"
    """A partner read its case list or a case over the API."""
    API_TOKEN = "api-token"  # noqa: S105 (a leaf kind, not a secret)  # nosec B105
    """A partner API token was issued or revoked (its id, never its secret)."""
    FEEDBACK = "feedback"
    """A partner sent feedback on a case's detection guidance."""
    STAFF = "staff"
    """A staff account was added, disabled or had its MFA reset, or signed in or out of the
    portal (the account's name, never a password or a TOTP secret)."""
    GENESIS = "genesis"
    """Where the log starts recording state: the program's security-relevant state then, whole,
    with its hash, and whether the program is live or a replay."""
    PARTNER_ADDED = "partner-added"
    """A partner joined the program."""
    REINSTATEMENT = "reinstatement"
    """A suspended partner was made active again."""
    REMOVAL = "removal"
    """A partner was removed for good."""
    CASE_CREATED = "case-created"
    """A case was opened (its planned patch date, its status)."""
    PROGRAM_IMPORT = "program-import"
    """A whole program file was loaded: the state it made (tiers, policy, partners, cases,
    artifacts), whole."""
