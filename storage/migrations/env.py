"""Alembic environment: always run in-process by storage.db.upgrade, on its connection."""

from __future__ import annotations

from typing import Any

from alembic import context

from storage.models import Base
from storage.submissions import outside_models


def _described_by_models(name: str | None, kind: str, _parents: Any) -> bool:
    # The word index (FTS5 table, GIN index) is made by migration 0006 alone, not by the models.
    return not (kind in ("table", "index") and outside_models(name))


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    include_name=_described_by_models,
)
with context.begin_transaction():
    context.run_migrations()
