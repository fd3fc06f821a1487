"""The sandbox's memory across restarts: its orders, its customers and its id counters, in SQLite.

Without a state file the sandbox forgets everything when it stops (tests want that). With one,
every change is one SQLite transaction, so a crash never leaves half an order; and the id counters
live beside the orders, so a restarted sandbox never hands out an id it gave before (a journal
would then hold two customers under one order id).

One sandbox owns a state file at a time: the connection holds SQLite's exclusive lock for as long
as the sandbox runs, so a second sandbox on the same file is told so at start instead of handing
out the same ids.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS orders (order_id INTEGER PRIMARY KEY, record TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS customers (key TEXT PRIMARY KEY, customer_id INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS counters (kind TEXT PRIMARY KEY, next INTEGER NOT NULL)",
)


class StateFileBusy(RuntimeError):
    """Another sandbox is using this state file."""


class Store:
    """A state file, opened and locked for one sandbox."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Request threads write through one connection, one at a time (the lock below).
        self._db = sqlite3.connect(self.path, timeout=0.5, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        try:
            self._db.execute("PRAGMA locking_mode = EXCLUSIVE")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            with self._transaction():  # the first write takes the exclusive lock, kept until close()
                for statement in _SCHEMA:
                    self._db.execute(statement)
        except sqlite3.OperationalError as exc:
            self._db.close()
            if "locked" in str(exc):
                raise StateFileBusy(
                    f"{self.path} is in use by another sandbox: stop it, or give this one another "
                    "state file (--state-file, or KAPTURE_SANDBOX_STATE for the app's own sandbox)."
                ) from None
            raise

    def load(self) -> tuple[list[dict[str, Any]], dict[str, int], dict[str, int]]:
        """The stored orders (oldest first), customers by key, and the next ids."""
        with self._lock:
            orders = [
                json.loads(r) for (r,) in self._db.execute("SELECT record FROM orders ORDER BY order_id")
            ]
            customers = dict(self._db.execute("SELECT key, customer_id FROM customers").fetchall())
            counters = dict(self._db.execute("SELECT kind, next FROM counters").fetchall())
        return orders, customers, counters

    def save(
        self,
        order: Mapping[str, Any],
        customers: Mapping[str, int] = {},  # read only
        counters: Mapping[str, int] = {},  # read only
    ) -> None:
        """Write one order (new or changed) with the customer keys and counters it moved, at once."""
        with self._lock, self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO orders (order_id, record) VALUES (?, ?)",
                (order["order_id"], json.dumps(order, ensure_ascii=False)),
            )
            self._db.executemany("INSERT OR REPLACE INTO customers VALUES (?, ?)", customers.items())
            self._db.executemany("INSERT OR REPLACE INTO counters VALUES (?, ?)", counters.items())

    def forget_orders(self) -> None:
        """Delete the orders and customers; the counters stay, so ids keep growing."""
        with self._lock, self._transaction():
            self._db.execute("DELETE FROM orders")
            self._db.execute("DELETE FROM customers")

    def close(self) -> None:
        """Release the file (and its lock)."""
        with self._lock:
            self._db.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK when the block raised."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if kind else "COMMIT")
