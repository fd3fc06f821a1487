"""The duplicate guard's lock: one check-then-write at a time per payload and Kapture.

"Was this payload sent to this Kapture lately?" and "write its pending row" must be one step,
or two senders (threads, sessions, app copies) both pass the check. The lock lasts until the
caller's transaction ends. On PostgreSQL it is a transaction-scoped advisory lock keyed on the
Kapture and the payload; on SQLite the write transaction already holds the database's only write
lock from its BEGIN (see ``storage.db``), which serialises every writer.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session

from storage.db import WRITES

# The two-key advisory lock space, so it can never meet the one-key migration lock of storage.db.
_NAMESPACE = 0x4B4F4432  # "KOD2"
_LOCK = text("SELECT pg_advisory_xact_lock(:namespace, :key)")


def hold(session: Session, *, base_url: str, payload_hash: str) -> None:
    """Lock this payload to this Kapture until the session's transaction ends (call it first)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_LOCK, {"namespace": _NAMESPACE, "key": _key(base_url, payload_hash)})
    elif not connection.get_execution_options().get(WRITES):
        # A reading transaction would not hold SQLite's write lock: the guard would not guard.
        raise RuntimeError("the duplicate guard needs a write transaction: open it with sessions.begin()")


def _key(base_url: str, payload_hash: str) -> int:
    # 32 bits of a digest: two payloads sharing a key merely wait for each other a moment.
    digest = hashlib.sha256(f"{base_url}\n{payload_hash}".encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)
