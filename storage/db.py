"""Engines and schema: any SQLAlchemy URL, SQLite tuned for many writers, Alembic at start-up.

Transactions: a session's explicit ``begin()`` (``sessions.begin()``) is a *write* transaction.
On SQLite it takes the database's write lock at its first statement (``BEGIN IMMEDIATE``), so
what it reads stays true until it commits; plain reading sessions begin ``DEFERRED`` and never
wait for a writer (WAL mode). PostgreSQL's own transactions need nothing added.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
_MIGRATION_LOCK_ID = 0x4B4F4431  # "KOD1": one PostgreSQL advisory lock for schema upgrades
# An execution option: this connection's transaction will write, so on SQLite it begins IMMEDIATE.
WRITES = "order_desk_writes"


def make_engine(url: str) -> Engine:
    """An engine for the URL; for SQLite the folder is created and WAL mode is set."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, not psycopg2
    if parsed.get_backend_name() != "sqlite":
        # READ COMMITTED whatever the server's default: the duplicate guard's check runs after its
        # advisory lock is granted and must see the row the lock's previous holder committed; a
        # REPEATABLE READ snapshot is taken at the lock statement's start, before the wait.
        return create_engine(parsed, pool_pre_ping=True, isolation_level="READ COMMITTED")
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _tune_sqlite)
    event.listen(engine, "begin", _begin_sqlite)
    return engine


def upgrade(engine: Engine, *, phone_region: str = "IN") -> None:
    """Bring the schema up to the newest migration; safe to run at every start.

    ``phone_region`` is where a phone written without a country code is from, for migrations
    that compute phone keys.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["phone_region"] = phone_region
    # On SQLite the write lock, taken at BEGIN, does what the advisory lock does on PostgreSQL.
    with engine.execution_options(**{WRITES: True}).begin() as connection:
        if engine.dialect.name == "postgresql":
            # Two app processes starting at once must not both run the migrations.
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session_factory(engine: Engine) -> sessionmaker:
    """Sessions for the engine; objects stay readable after commit; begin() opens a write transaction."""
    return sessionmaker(engine, class_=WritingSession, expire_on_commit=False)


class WritingSession(Session):
    """A session whose explicit begin() is a write transaction (see the module docstring)."""

    def begin(self, nested: bool = False) -> SessionTransaction:
        transaction = super().begin(nested=nested)
        if not nested:
            # Procured now, so the option is on the connection before its BEGIN is emitted.
            self.connection(execution_options={WRITES: True})
        return transaction


def _tune_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # pysqlite's legacy transaction control emits BEGIN only before INSERT/UPDATE/DELETE: a check
    # (SELECT) and the write after it were then not one transaction, and two senders could both
    # pass the check. Turned off here; _begin_sqlite emits BEGIN itself (SQLAlchemy's recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers work while one writer writes; the busy timeout makes writers queue
    # instead of failing with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    options = connection.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return  # asked for no transaction at all
    # IMMEDIATE waits (up to the busy timeout) for the write lock and then holds it: a write
    # transaction never has to upgrade a read snapshot, which fails at once with "database is
    # locked" when another writer committed meanwhile. Readers stay DEFERRED.
    connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITES) else "BEGIN")
