"""The journal (submissions) and saved templates.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("profile_name", sa.String(length=200), nullable=False),
        sa.Column("base_url", sa.String(length=500), nullable=False),
        sa.Column("operation", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("template", sa.String(length=200), nullable=False),
        sa.Column("variant", sa.String(length=200), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("client_token", sa.String(length=64), nullable=True),
        sa.Column("request_body", sa.Text(), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("response_body", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("order_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=40), nullable=False),
        sa.Column("enquiry_id", sa.String(length=40), nullable=False),
        sa.Column("contact_id", sa.String(length=40), nullable=False),
        sa.Column("action_event", sa.String(length=40), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=True),
        sa.Column("customer_name", sa.String(length=300), nullable=False),
        sa.Column(
            "customer_name_key",
            sa.String(length=300).with_variant(sa.String(length=300, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("phone_key", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_token"),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index("ix_submissions_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_submissions_email_created_at", ["email", "created_at"], unique=False)
        batch_op.create_index(
            "ix_submissions_name_key_created_at", ["customer_name_key", "created_at"], unique=False
        )
        batch_op.create_index("ix_submissions_order_id", ["order_id"], unique=False)
        batch_op.create_index("ix_submissions_outcome_created_at", ["outcome", "created_at"], unique=False)
        batch_op.create_index(
            "ix_submissions_payload_hash_created_at", ["payload_hash", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_submissions_phone_key_created_at", ["phone_key", "created_at"], unique=False
        )

    op.create_table(
        "templates",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("templates")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index("ix_submissions_phone_key_created_at")
        batch_op.drop_index("ix_submissions_payload_hash_created_at")
        batch_op.drop_index("ix_submissions_outcome_created_at")
        batch_op.drop_index("ix_submissions_order_id")
        batch_op.drop_index("ix_submissions_name_key_created_at")
        batch_op.drop_index("ix_submissions_email_created_at")
        batch_op.drop_index("ix_submissions_created_at")

    op.drop_table("submissions")
