"""The store file: opening it (WAL, busy timeout, migrations), transactions and `meta`.

`meta` holds small facts about the store: its random id (so caches of a deleted and re-made store
never match) and the history's generation, bumped by every change to the history so that
anything derived from it (caches, profiles, moments) is recomputed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from yawyas.errors import StoreError
from yawyas.store.migrations import migrate

BUSY_TIMEOUT_MS = 30_000


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (and create or migrate) the store at `path`: WAL, a busy timeout, foreign keys."""
    path = Path(path)
    if str(path) != ":memory:":
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot create the folder for the store {path}: {exc}.") from exc
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA cache_size = -65536")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a yawyas store (SQLite said: {exc}).") from exc
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of it lands, or none of it (also on Ctrl-C)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def bump_generation(conn: sqlite3.Connection) -> None:
    """Mark the history as changed, so cached analyses are recomputed."""
    conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")


def load_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


def save_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def load_generation(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return int(row[0]) if row else 0


def store_file(conn: sqlite3.Connection) -> Path | None:
    """The file behind a connection, or None for an in-memory store."""
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file)
    return None


def load_store_id(conn: sqlite3.Connection) -> str:
    """A random id of this store file, so caches of a deleted and re-made store never match."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
    if row:
        return str(row[0])
    import uuid

    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('store_id', ?)", (uuid.uuid4().hex[:12],)
    )
    return str(conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()[0])
