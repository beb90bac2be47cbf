"""The program store: SQLAlchemy models, repositories and Alembic migrations.

Everything outside `store` talks to it through `Store` (engine and unit of work), the
repositories (which return `forewarn.domain` records) and `migrate`.
"""

from forewarn.store.case_repo import CaseRepository, SealedContent
from forewarn.store.database import Store
from forewarn.store.partner_repo import PartnerRepository
from forewarn.store.program_repo import ProgramRepository

__all__ = ["CaseRepository", "PartnerRepository", "ProgramRepository", "SealedContent", "Store"]
