"""Words anywhere in a customer's name or Kapture's message are found across all time, fast.

SQLite: an FTS5 table over the journal's ``customer_name`` and ``message`` (external content: the
words point at the rows, nothing is stored twice), kept in step by triggers on insert, update and
delete, and filled from the rows already there. PostgreSQL: a GIN index over the same two columns'
``to_tsvector('simple', …)`` (built in, no extension; ``simple`` keeps every word as written,
lower case, with no stemming and no stop words, as FTS5's ``unicode61`` does; punctuation is a
space in both).

Neither is in ``storage.models``: schema comparisons skip them by name
(``storage.submissions.outside_models``).

A later migration that lets Alembic *recreate* the submissions table on SQLite (a batch
operation that copies it) drops these triggers with the old table: it must run ``_TRIGGERS``
statements again afterwards.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLE = "submissions_words"  # storage.submissions.WORDS_TABLE
INDEX = "ix_submissions_words"  # storage.submissions.WORDS_INDEX
# remove_diacritics 0: accents count, as in PostgreSQL's 'simple' (which has no unaccent), so
# both databases find the same rows.
_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(customer_name, message, content='submissions', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
)
_TRIGGERS = (
    f"""CREATE TRIGGER {TABLE}_insert AFTER INSERT ON submissions BEGIN
        INSERT INTO {TABLE}(rowid, customer_name, message) VALUES (new.id, new.customer_name, new.message);
    END""",
    f"""CREATE TRIGGER {TABLE}_delete AFTER DELETE ON submissions BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, customer_name, message)
        VALUES ('delete', old.id, old.customer_name, old.message);
    END""",
    # Only when the words change: finishing a submission sets its message, a check does not.
    f"""CREATE TRIGGER {TABLE}_update AFTER UPDATE OF customer_name, message ON submissions BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, customer_name, message)
        VALUES ('delete', old.id, old.customer_name, old.message);
        INSERT INTO {TABLE}(rowid, customer_name, message) VALUES (new.id, new.customer_name, new.message);
    END""",
)
# Punctuation becomes a space first: PostgreSQL's parser reads "customer_info.phone" or
# "order_info" as one word, where FTS5 (and a person) sees two. The expression is spelled exactly
# as storage.submissions queries it, so the planner uses the index.
_PG_INDEX = (
    f"CREATE INDEX {INDEX} ON submissions USING gin (to_tsvector('simple'::regconfig, "
    "regexp_replace(customer_name || ' ' || message, '[[:punct:]]', ' ', 'g')))"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_INDEX)
        return
    op.execute(_CREATE)
    for statement in _TRIGGERS:
        op.execute(statement)
    op.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")  # the rows already there


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
        return
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{name}")
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
