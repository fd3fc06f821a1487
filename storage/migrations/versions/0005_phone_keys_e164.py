"""Phone keys become E.164 numbers (phonenumbers), so +971… and +91… with the same last ten
digits are different customers. Until now a key was the phone's last ten digits.

Every existing row's key is recomputed from its phone, a batch at a time (constant memory, the
same statements on SQLite and PostgreSQL). A phone written without a country code is read in the
region the app passes as ``config.attributes["phone_region"]`` (India when none is passed).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

from functools import partial

from alembic import op

from storage.submissions import DEFAULT_PHONE_REGION, phone_key, rekey_phones

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    config = op.get_context().config
    region = config.attributes.get("phone_region", DEFAULT_PHONE_REGION) if config else DEFAULT_PHONE_REGION
    rekey_phones(op.get_bind(), partial(phone_key, region=region))


def downgrade() -> None:
    rekey_phones(op.get_bind(), _last_ten_digits)


def _last_ten_digits(phone: str) -> str:
    # The key as revision 0004 wrote it.
    return "".join(ch for ch in phone if ch.isdigit())[-10:]
