"""The word index holds words folded in Python, one rule for both databases: "Straße" is found by
"strasse", "İstanbul" by "istanbul", "José" by "jose" (``storage.submissions.fold``).

Two columns hold each row's folded words, ``name_words`` and ``message_words``
(``storage.submissions.words_of``), written by the journal's verbs and filled here for the rows
already there, a batch at a time. The index of 0006 is rebuilt over them:

- SQLite: the FTS5 table (external content, kept by triggers) with the ``ascii`` tokenizer, which
  splits at ASCII punctuation and spaces only and folds nothing more: the words are folded already.
- PostgreSQL: a GIN index over ``array_to_tsvector`` of the words, so no parser, dictionary,
  ``lower`` or ``unaccent`` (an extension not every server has) reads them again.

Downgrade puts 0006's index back and drops the columns.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.submissions import refold_words

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLE = "submissions_words"  # storage.submissions.WORDS_TABLE
INDEX = "ix_submissions_words"  # storage.submissions.WORDS_INDEX
_COLUMNS = ("name_words", "message_words")

_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(name_words, message_words, content='submissions', "
    "content_rowid='id', tokenize='ascii')"
)
_TRIGGERS = (
    f"""CREATE TRIGGER {TABLE}_insert AFTER INSERT ON submissions BEGIN
        INSERT INTO {TABLE}(rowid, name_words, message_words)
        VALUES (new.id, new.name_words, new.message_words);
    END""",
    f"""CREATE TRIGGER {TABLE}_delete AFTER DELETE ON submissions BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, name_words, message_words)
        VALUES ('delete', old.id, old.name_words, old.message_words);
    END""",
    # Only when the words change: finishing a submission writes its message's words, a check does not.
    f"""CREATE TRIGGER {TABLE}_update AFTER UPDATE OF name_words, message_words ON submissions BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, name_words, message_words)
        VALUES ('delete', old.id, old.name_words, old.message_words);
        INSERT INTO {TABLE}(rowid, name_words, message_words)
        VALUES (new.id, new.name_words, new.message_words);
    END""",
)
# Spelled as storage.submissions._PG_DOCUMENT queries it, so the planner uses the index.
_PG_INDEX = (
    f"CREATE INDEX {INDEX} ON submissions USING gin ("
    "(array_to_tsvector(string_to_array(name_words, ' ')) || "
    "array_to_tsvector(string_to_array(message_words, ' '))))"
)

# Revision 0006's index, for the downgrade.
_OLD_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(customer_name, message, content='submissions', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
)
_OLD_TRIGGERS = (
    f"""CREATE TRIGGER {TABLE}_insert AFTER INSERT ON submissions BEGIN
        INSERT INTO {TABLE}(rowid, customer_name, message) VALUES (new.id, new.customer_name, new.message);
    END""",
    f"""CREATE TRIGGER {TABLE}_delete AFTER DELETE ON submissions BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, customer_name, message)
        VALUES ('delete', old.id, old.customer_name, old.message);
    END""",
    f"""CREATE TRIGGER {TABLE}_update AFTER UPDATE OF customer_name, message ON submissions BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, customer_name, message)
        VALUES ('delete', old.id, old.customer_name, old.message);
        INSERT INTO {TABLE}(rowid, customer_name, message) VALUES (new.id, new.customer_name, new.message);
    END""",
)
_OLD_PG_INDEX = (
    f"CREATE INDEX {INDEX} ON submissions USING gin (to_tsvector('simple'::regconfig, "
    "regexp_replace(customer_name || ' ' || message, '[[:punct:]]', ' ', 'g')))"
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _drop_index(postgres)
    for name in _COLUMNS:
        # The empty default keeps a row written by something that knows no words columns storable.
        op.add_column("submissions", sa.Column(name, sa.Text(), nullable=False, server_default=""))
    refold_words(op.get_bind())
    if postgres:
        op.execute(_PG_INDEX)
        return
    op.execute(_CREATE)
    for statement in _TRIGGERS:
        op.execute(statement)
    op.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _drop_index(postgres)
    for name in _COLUMNS:
        # SQLite 3.35+ drops a column in place; nothing refers to these two once the index is gone.
        op.execute(f"ALTER TABLE submissions DROP COLUMN {name}")
    if postgres:
        op.execute(_OLD_PG_INDEX)
        return
    op.execute(_OLD_CREATE)
    for statement in _OLD_TRIGGERS:
        op.execute(statement)
    op.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")


def _drop_index(postgres: bool) -> None:
    if postgres:
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
        return
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{name}")
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
