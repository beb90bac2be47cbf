"""Repository of partner API tokens and detection feedback; returns `forewarn.domain` records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forewarn.domain import ApiScope, ApiToken
from forewarn.store.api_models import ApiTokenRow, FeedbackRow
from forewarn.store.models import PartnerRow


def _token(row: ApiTokenRow) -> ApiToken:
    return ApiToken(
        id=row.id,
        partner=row.partner.name,
        scopes=frozenset(ApiScope(s) for s in row.scopes.split()),
        created_at=row.created_at,
        expires_at=row.expires_at,
        label=row.label,
        revoked_at=row.revoked_at,
        revoke_reason=row.revoke_reason,
    )


class ApiTokenRepository:
    """API tokens and feedback in the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, token: ApiToken, *, partner_id: int, secret_sha256: str) -> None:
        """Store a new token by the hash of its secret."""
        self._session.add(
            ApiTokenRow(
                id=token.id,
                partner_id=partner_id,
                secret_sha256=secret_sha256,
                scopes=" ".join(sorted(token.scopes)),
                label=token.label,
                created_at=token.created_at,
                expires_at=token.expires_at,
            )
        )
        self._session.flush()

    def by_secret(self, secret_sha256: str) -> ApiToken | None:
        """The token whose secret hashes to `secret_sha256`."""
        row = self._session.scalars(
            select(ApiTokenRow).where(ApiTokenRow.secret_sha256 == secret_sha256)
        ).one_or_none()
        return None if row is None else _token(row)

    def get(self, token_id: str) -> ApiToken | None:
        """The token with this id."""
        row = self._session.get(ApiTokenRow, token_id)
        return None if row is None else _token(row)

    def for_partner(self, partner: str | None) -> list[ApiToken]:
        """Every token (of one partner when named), oldest first."""
        query = (
            select(ApiTokenRow).join(PartnerRow).order_by(ApiTokenRow.created_at, ApiTokenRow.id)
        )
        if partner is not None:
            query = query.where(PartnerRow.name == partner)
        return [_token(row) for row in self._session.scalars(query)]

    def revoke(self, token_id: str, *, at: datetime, reason: str) -> bool:
        """Stamp a token revoked; `False` when it was revoked already."""
        # one conditional UPDATE: two revocations at once cannot both succeed
        result = self._session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.id == token_id, ApiTokenRow.revoked_at.is_(None))
            .values(revoked_at=at, revoke_reason=reason)
            .execution_options(synchronize_session="fetch")
        )
        return bool(getattr(result, "rowcount", 0))

    def add_feedback(
        self, release_id: str, *, artifact: str | None, verdict: str, comment: str, at: datetime
    ) -> int:
        """Store one feedback row; its id."""
        row = FeedbackRow(
            release_id=release_id, artifact=artifact, verdict=verdict, comment=comment, at=at
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def feedback_count(self) -> int:
        """How many feedback rows the program holds (for `audit verify`'s cross-check)."""
        return len(self._session.scalars(select(FeedbackRow.id)).all())
