"""The store file: opening it (WAL, busy timeout, migrations), transactions and `meta`.

`meta` holds small facts about the store: its random id (so caches of a deleted and re-made store
never match) and the history's generation, bumped by every change to the history so that
anything derived from it (caches, profiles, moments) is recomputed.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


# Host parameters one statement may bind: 32766 since SQLite 3.32, 999 before.
_MAX_PARAMS = 32_766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999
_ROWS_PER_STATEMENT = 1_000


def insert_many(conn: sqlite3.Connection, head: str, rows: Any, row: str | None = None) -> int:
    """Run `head` ("INSERT INTO t (a, b)") for many rows, given as a sequence of equal-length
    tuples or a 2-D numpy array of integers; returns how many rows changed. `row` is the
    template of one row when it holds constants besides the values ("(?, ?, -1)").

    Rows go in statements of many rows each (`VALUES (?, ?), (?, ?), ...`): faster than
    `executemany` with one row a statement, since binding and stepping dominate.
    """
    count = len(rows)
    if not count:
        return 0
    width = len(rows[0])
    per = max(1, min(_ROWS_PER_STATEMENT, _MAX_PARAMS // width))
    one = row or "(" + ", ".join("?" * width) + ")"
    before = conn.total_changes
    full = count - count % per
    sql = f"{head} VALUES {', '.join([one] * per)}"
    step = per * 64  # rows turned into Python values at a time: bounds memory
    for lo in range(0, full, step):
        hi = min(full, lo + step)
        if hasattr(rows, "reshape"):  # numpy, not imported here: the store opens without it
            params: list[Any] = rows[lo:hi].reshape(-1, per * width).tolist()
        else:
            params = [
                list(itertools.chain.from_iterable(rows[k : k + per])) for k in range(lo, hi, per)
            ]
        conn.executemany(sql, params)
    if full < count:
        rest = rows[full:]
        flat = (
            rest.reshape(-1).tolist()
            if hasattr(rest, "reshape")
            else list(itertools.chain.from_iterable(rest))
        )
        conn.execute(f"{head} VALUES {', '.join([one] * (count - full))}", flat)
    return conn.total_changes - before


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
