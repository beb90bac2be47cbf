"""How each case's copies are marked: stored once, with the case's first delivered release."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from forewarn.domain.marking import MarkingParams
from forewarn.store.release_models import CaseMarkingRow


class MarkingRepository:
    """Reads and fixes a case's `MarkingParams`; never changes them once stored."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def marking(self, case_id: str) -> MarkingParams | None:
        """How the case's copies are marked, once its first release fixed it."""
        row = self.session.get(CaseMarkingRow, case_id)
        if row is None:
            return None
        return MarkingParams(
            scheme=row.scheme,
            n_partners=row.n_partners,
            max_colluders=row.max_colluders,
            epsilon=row.epsilon,
            channels=tuple(json.loads(row.channels)),
            domains=tuple(json.loads(row.token_domains)),
        )

    def fix_marking(self, case_id: str, params: MarkingParams, now: datetime) -> MarkingParams:
        """Store `params` for the case unless already stored; the stored ones either way."""
        stored = self.marking(case_id)
        if stored is not None:
            return stored
        self.session.add(
            CaseMarkingRow(
                case_id=case_id,
                scheme=params.scheme,
                n_partners=params.n_partners,
                max_colluders=params.max_colluders,
                epsilon=params.epsilon,
                channels=json.dumps(list(params.channels)),
                token_domains=json.dumps(list(params.domains)),
                fixed_at=now,
            )
        )
        self.session.flush()
        return params
