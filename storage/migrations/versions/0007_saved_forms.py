"""Forms kept across a refresh or a restart: what was typed, by browser tab ("desk") and form.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_forms",
        sa.Column("desk", sa.String(length=64), nullable=False),
        sa.Column("form", sa.String(length=20), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("desk", "form"),
    )
    op.create_index("ix_saved_forms_updated_at", "saved_forms", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_saved_forms_updated_at", table_name="saved_forms")
    op.drop_table("saved_forms")
