"""Alembic environment: runs on the engine handed in by `forewarn.store.migrate`."""

from __future__ import annotations

import importlib
import pkgutil

from alembic import context
from sqlalchemy import Engine

import forewarn.store
from forewarn.store.base import Base

# Every `*models` module of the store declares tables on `Base`; import them all so the
# metadata is complete for comparisons (`models.py`, `release_models.py`, ...).
for _module in pkgutil.iter_modules(forewarn.store.__path__):
    if _module.name.endswith("models"):
        importlib.import_module(f"forewarn.store.{_module.name}")

target_metadata = Base.metadata


def _run() -> None:
    engine = context.config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("forewarn migrations run through forewarn.store.migrate only")
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


_run()
