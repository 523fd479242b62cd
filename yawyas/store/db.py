"""The store file: opening it (WAL, busy timeout, migrations), transactions and `meta`.

`meta` holds small facts about the store: the history's generation, bumped by every change to
the history so that anything derived from it inside the store (moments, totals) is recomputed,
and the history token, a random value written anew with every change, which names the caches
beside the store. A generation can repeat (restore a backup, then import something else: the
copy counts up to the same number again); a random token cannot, so a cache is never read for a
history it was not computed from.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from yawyas.errors import NotFoundError, StoreError
from yawyas.store.migrations import MIGRATIONS, migrate

BUSY_TIMEOUT_MS = 30_000
# What a command that only reads may still write: derived facts (totals, the history token,
# the learned moments). In a read-only store they live in TEMP copies of these tables, which
# shadow the stored ones for the connection's lifetime and vanish with it.
_SCRATCH_TABLES = ("meta", "moment_runs", "moments")


class StoreConnection(sqlite3.Connection):
    """A connection to a store; `read_only` when the file or its folder cannot be written."""

    read_only: bool = False


def is_read_only(conn: sqlite3.Connection) -> bool:
    """Whether `conn` is a read-only store (see `connect_reader`)."""
    return bool(getattr(conn, "read_only", False))


def make_private_dir(folder: Path) -> None:
    """Create `folder` and any missing parents readable by the owner only (0700); a folder that
    exists is left as it is."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    for parent in reversed(missing):
        with suppress(FileExistsError):
            parent.mkdir(mode=0o700)
            os.chmod(parent, 0o700)  # whatever the umask


def _read_only_reason(path: Path) -> str | None:
    """Why the store at `path` cannot be written (a file or folder without write access, a
    read-only mount, an immutable file), or None when it can."""
    if path.exists() and not os.access(path, os.W_OK):
        return "the file cannot be written"
    folder = path.parent
    if folder.exists() and not os.access(folder, os.W_OK):
        return "its folder cannot be written"
    return None


def _is_read_only_error(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "unable to open" in text


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (and create or migrate) the store at `path` for writing: WAL, a busy timeout,
    foreign keys. A new store and its folders are the owner's only (0600 / 0700; SQLite gives
    the WAL and shared-memory files the store's mode). A store that cannot be written is a
    StoreError saying so."""
    path = Path(path)
    if str(path) == ":memory:":
        return _open_writable(path)
    try:
        make_private_dir(path.parent)
    except OSError as exc:
        raise StoreError(f"Cannot create the folder for the store {path}: {exc}.") from exc
    why = _read_only_reason(path)
    if why is not None:
        raise _read_only_error(path, why)
    if not path.exists():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass  # made by another process meanwhile
        except OSError as exc:
            raise StoreError(f"Cannot create the store {path}: {exc.strerror or exc}.") from exc
    _make_private(path)
    try:
        return _open_writable(path)
    except sqlite3.OperationalError as exc:
        if _is_read_only_error(exc):
            raise _read_only_error(path, "SQLite cannot write to it") from exc
        raise


def _read_only_error(path: Path, why: str) -> StoreError:
    return StoreError(
        f"The yawyas store {path} is read-only ({why}): this command needs to write to it, so"
        " make it writable or work on a copy (commands that only read, such as profile, work"
        " on it as it is)."
    )


def _make_private(path: Path) -> None:
    """Make a store of ours, and its WAL and shared-memory files, the owner's only (a store
    made by an older yawyas was readable by everyone)."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with suppress(OSError):
            info = file.stat()
            if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & 0o077:
                os.chmod(file, stat.S_IMODE(info.st_mode) & 0o700)


def _open_writable(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(
            str(path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            factory=StoreConnection,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA cache_size = -65536")
        migrate(conn)
    except sqlite3.OperationalError as exc:
        if _is_read_only_error(exc):
            raise
        raise StoreError(f"{path} is not a yawyas store (SQLite said: {exc}).") from exc
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a yawyas store (SQLite said: {exc}).") from exc
    return conn


def connect_reader(path: Path | str) -> sqlite3.Connection:
    """Open the existing store at `path` for a command that only reads.

    A missing store is a NotFoundError (nothing is created: a typo in `--db` must not make an
    empty store). A writable store opens as `connect` does. A read-only one (file or folder not
    writable, a read-only mount) opens read-only, without WAL switch or migration; what a
    reader derives (totals, moments) is kept in TEMP tables for the connection's life.
    """
    path = Path(path)
    if str(path) != ":memory:" and not path.is_file():
        raise NotFoundError(
            f"There is no yawyas store at {path}; import your export first, or check --db."
        )
    if _read_only_reason(path) is None:
        try:
            return connect(path)
        except StoreError as exc:
            if "is read-only" not in exc.message:
                raise
    return _open_read_only(path)


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection: `mode=ro`, or `immutable=1` when SQLite cannot make the WAL's
    shared-memory file in a read-only folder (nobody can write there meanwhile)."""
    uri = path.resolve().as_uri()
    last: sqlite3.Error | None = None
    for query in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(
                uri + query,
                uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                factory=StoreConnection,
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as exc:
            last = exc
            continue
        conn.read_only = True
        _check_schema(conn, path, names)
        for table in _SCRATCH_TABLES:
            _scratch_copy(conn, table)
        return conn
    raise StoreError(f"{path} cannot be read as a yawyas store (SQLite said: {last}).")


def _check_schema(conn: StoreConnection, path: Path, tables: set[str]) -> None:
    """A read-only store must need no migration (applying one would write)."""
    if "migrations" not in tables:
        raise StoreError(f"{path} is not a yawyas store (it has no migrations table).")
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    known = [name for name, _ in MIGRATIONS]
    if done - set(known):
        raise StoreError(
            f"This store was written by a newer yawyas (migrations {sorted(done - set(known))});"
            " upgrade yawyas to open it."
        )
    if set(known) - done:
        raise StoreError(
            f"The yawyas store {path} is read-only and was written by an older yawyas: open it"
            " once where it can be written (any command upgrades it), then read it here."
        )


def _scratch_copy(conn: StoreConnection, table: str) -> None:
    """A TEMP copy of `table` that shadows it (unqualified names find TEMP first)."""
    row = conn.execute(
        "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    if row is None:
        return
    sql = str(row[0])
    prefix = "CREATE TABLE"
    if not sql.upper().startswith(prefix):
        return
    conn.execute("CREATE TEMP TABLE" + sql[len(prefix) :])
    conn.execute(f"INSERT INTO temp.{table} SELECT * FROM main.{table}")


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
    """Mark the history as changed, so cached analyses are recomputed: the generation counts up
    and the history token gets a new random value."""
    conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
    save_meta(conn, HISTORY_TOKEN, _new_token())


HISTORY_TOKEN = "history_token"


def _new_token() -> str:
    import secrets

    return secrets.token_hex(16)


def load_history_token(conn: sqlite3.Connection) -> str:
    """The random token of the current history (see the module docstring): what every cache
    beside the store is named by. A store without one (written by an older yawyas) gets one
    now; in a read-only store it lives only as long as the connection."""
    token = load_meta(conn, HISTORY_TOKEN)
    if token is not None:
        return token
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (HISTORY_TOKEN, _new_token())
    )
    return str(load_meta(conn, HISTORY_TOKEN))


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
