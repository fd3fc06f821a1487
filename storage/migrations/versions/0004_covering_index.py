"""The log's summary reads the time, outcome and duration of every row in its date range: one
index holding all three answers it without touching the (wide) rows. It starts with created_at,
so it also serves everything the old created_at index did.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_submissions_created_at_outcome_duration",
            ["created_at", "outcome", "duration_ms"],
            unique=False,
        )
        batch_op.drop_index("ix_submissions_created_at")


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index("ix_submissions_created_at", ["created_at"], unique=False)
        batch_op.drop_index("ix_submissions_created_at_outcome_duration")
