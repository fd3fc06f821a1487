"""The tables: every submission ever sent, and saved payload templates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Float, Index, Integer, String, Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments an INTEGER primary key; PostgreSQL gets a BIGINT one.
_Id = BigInteger().with_variant(Integer, "sqlite")

# Compared in code-point order on every database, so a prefix search can be an index range.
_CodePointOrdered = String(300).with_variant(String(300, collation="C"), "postgresql")

# What a submission's outcome can be besides the client's outcomes (kapture.Outcome).
PENDING = "pending"  # written before sending; the answer is not in yet
INVALID = "invalid"  # refused by validation; nothing was sent
UNKNOWN = "unknown"  # the app stopped or failed while waiting: the order may exist


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _words_of(source: str) -> Callable[[DefaultExecutionContext], str]:
    """An insert's default for a words column: the words of ``source``, as storage.submissions folds them."""

    def default(context: DefaultExecutionContext) -> str:
        # Imported here: storage.submissions imports this module. A plain insert (bench seeding, a
        # script) gets its words this way; the journal's own verbs write them themselves.
        from storage.submissions import words_of

        return words_of(context.get_current_parameters().get(source) or "")

    return default


class Base(DeclarativeBase):
    """Base of every table."""


class Submission(Base):
    """One request to Kapture and what came of it: written before sending, finished after."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    profile_name: Mapped[str] = mapped_column(String(200))
    base_url: Mapped[str] = mapped_column(String(500))
    operation: Mapped[str] = mapped_column(String(10))  # add / update / pull / raw
    source: Mapped[str] = mapped_column(String(10))  # form / editor / suite / replay / bulk
    operator: Mapped[str] = mapped_column(String(100), default="")
    template: Mapped[str] = mapped_column(String(200), default="")
    variant: Mapped[str] = mapped_column(String(200), default="")
    run_id: Mapped[str] = mapped_column(String(64), default="")
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    request_body: Mapped[str] = mapped_column(Text)
    payload_hash: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))
    http_status: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text, default="")
    response_body: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    order_id: Mapped[str] = mapped_column(String(40), default="")
    customer_id: Mapped[str] = mapped_column(String(40), default="")
    enquiry_id: Mapped[str] = mapped_column(String(40), default="")
    contact_id: Mapped[str] = mapped_column(String(40), default="")
    action_event: Mapped[str] = mapped_column(String(40), default="")
    duration_ms: Mapped[float | None] = mapped_column(Float)
    # Denormalised from the request for search: as typed, and as searched (lower case; a phone
    # as E.164, "+919845012345", or its digits when it is no possible phone number).
    customer_name: Mapped[str] = mapped_column(String(300), default="")
    customer_name_key: Mapped[str] = mapped_column(_CodePointOrdered, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_key: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(300), default="")
    # The words of the name and of Kapture's message as the word index holds them (migration 0008):
    # folded in Python by storage.submissions.words_of, the one rule the search text follows too.
    name_words: Mapped[str] = mapped_column(Text, default=_words_of("customer_name"))
    message_words: Mapped[str] = mapped_column(Text, default=_words_of("message"))
    # "Check in Kapture": when an unknown outcome was looked up, what was found, and the order id.
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    check_result: Mapped[str] = mapped_column(Text, default="")
    checked_order_id: Mapped[str] = mapped_column(String(40), default="")

    __table_args__ = (
        Index("ix_submissions_created_at_outcome_duration", "created_at", "outcome", "duration_ms"),
        Index("ix_submissions_outcome_created_at", "outcome", "created_at"),
        Index("ix_submissions_phone_key_created_at", "phone_key", "created_at"),
        Index("ix_submissions_email_created_at", "email", "created_at"),
        Index("ix_submissions_name_key_created_at", "customer_name_key", "created_at"),
        Index("ix_submissions_order_id", "order_id"),
        Index("ix_submissions_payload_hash_created_at", "payload_hash", "created_at"),
        Index("ix_submissions_run_id_created_at", "run_id", "created_at"),
    )

    def __repr__(self) -> str:
        return f"<Submission {self.id} {self.operation} {self.outcome} order={self.order_id or '-'}>"


class Suite(Base):
    """A saved variant suite: a base payload and the variants (merge patches) run against it."""

    __tablename__ = "suites"

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    base: Mapped[str] = mapped_column(Text)  # the base payload, JSON text
    variants: Mapped[str] = mapped_column(Text)  # a JSON list of {name, patch, expected}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<Suite {self.id} {self.name!r}>"


class Template(Base):
    """A saved payload QA can load into the editor."""

    __tablename__ = "templates"

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<Template {self.id} {self.name!r}>"


class SavedForm(Base):
    """What someone had typed in a form, kept across a refresh or a restart until it is sent."""

    __tablename__ = "saved_forms"

    desk: Mapped[str] = mapped_column(String(64), primary_key=True)  # one browser tab's random key
    # "order", "update", "name", and "owner": the hash of the browser that may read the desk
    form: Mapped[str] = mapped_column(String(20), primary_key=True)
    content: Mapped[str] = mapped_column(Text)  # JSON; the owner's hash as plain text
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    def __repr__(self) -> str:
        return f"<SavedForm {self.form}>"  # the desk key is a bearer of what was typed: not shown
