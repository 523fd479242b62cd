"""The local store: one SQLite file, the only place with SQL.

Schema in numbered migrations; times are integers (unix seconds, UTC); names live once in small
dimension tables (artists, titles, albums, items, platforms, reasons) and streams point at them
with integer keys, so a lifetime of 1,000,000 streams stays small and quick to scan.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from yawyas.errors import StoreError

if TYPE_CHECKING:
    import pandas as pd

BUSY_TIMEOUT_MS = 30_000
PLAY_MS = 30_000  # a stream of at least 30 s is a play

# Item kinds and stream sources are small integers in the store; these are their names.
KINDS = ("unknown", "track", "episode", "audiobook", "video")
KIND_ID = {name: i for i, name in enumerate(KINDS)}
SOURCES = (
    "extended_audio",
    "extended_video",
    "account_music",
    "account_podcast",
    "account_audiobook",
    "account_mixed",
    "api",
)
SOURCE_ID = {name: i for i, name in enumerate(SOURCES)}

MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0001_initial",
        """
        CREATE TABLE artists (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        -- a title is what account-data files can name: (artist or show or book, track or
        -- episode or chapter); it is how account data and extended history are matched.
        CREATE TABLE titles (
            id INTEGER PRIMARY KEY,
            artist_id INTEGER REFERENCES artists(id),
            name TEXT
        );
        CREATE TABLE albums (
            id INTEGER PRIMARY KEY,
            artist_id INTEGER REFERENCES artists(id),
            name TEXT NOT NULL,
            uri TEXT
        );
        -- an item is one identity: a Spotify URI, or (kind, title) where there is none.
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            kind INTEGER NOT NULL,
            uri TEXT UNIQUE,
            title_id INTEGER NOT NULL REFERENCES titles(id),
            album_id INTEGER REFERENCES albums(id),
            author TEXT
        );
        CREATE TABLE platforms (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        CREATE TABLE reasons (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        -- seq 0: a stream with its own identity (extended history, API);
        -- seq k >= 1: the k-th play of an account-data key not covered by extended history.
        -- flags packs four yes/no/unknown fields, two bits each (known, value):
        -- shuffle bits 0-1, skipped 2-3, offline 4-5, incognito_mode 6-7.
        CREATE TABLE streams (
            ended_at INTEGER NOT NULL,
            item_id INTEGER NOT NULL,
            ms_played INTEGER NOT NULL,
            seq INTEGER NOT NULL DEFAULT 0,
            source INTEGER NOT NULL,
            platform_id INTEGER,
            conn_country TEXT,
            reason_start INTEGER,
            reason_end INTEGER,
            flags INTEGER NOT NULL DEFAULT 0,
            offline_at INTEGER,
            context_uri TEXT,
            PRIMARY KEY (ended_at, item_id, ms_played, seq)
        ) WITHOUT ROWID;
        -- per account-data key: the largest count found in any single imported file
        CREATE TABLE account_counts (
            minute INTEGER NOT NULL,
            title_id INTEGER NOT NULL,
            ms_played INTEGER NOT NULL,
            n INTEGER NOT NULL,
            source INTEGER NOT NULL,
            author TEXT,
            PRIMARY KEY (minute, title_id, ms_played)
        ) WITHOUT ROWID;
        CREATE TABLE imported_files (
            fingerprint TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            rows INTEGER NOT NULL,
            added INTEGER NOT NULL,
            imported_at INTEGER NOT NULL
        );
        -- where a path was seen with this size and mtime, it held these fingerprints
        CREATE TABLE seen_paths (
            path TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            fingerprints TEXT NOT NULL
        );
        CREATE TABLE playlists (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            spotify_id TEXT,
            name TEXT NOT NULL,
            description TEXT,
            last_modified TEXT,
            followers INTEGER,
            collaborators TEXT,
            UNIQUE (source, name)
        );
        CREATE TABLE playlist_items (
            playlist_id INTEGER NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            item_id INTEGER REFERENCES items(id),
            local_uri TEXT,
            added_at TEXT,
            PRIMARY KEY (playlist_id, position)
        ) WITHOUT ROWID;
        CREATE TABLE library (
            category TEXT NOT NULL,
            key TEXT NOT NULL,
            item_id INTEGER REFERENCES items(id),
            data TEXT NOT NULL,
            PRIMARY KEY (category, key)
        ) WITHOUT ROWID;
        CREATE TABLE inferences (
            name TEXT PRIMARY KEY
        );
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        INSERT INTO meta (key, value) VALUES ('generation', '0');
        """,
    ),
)


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


# Modules of this package that own tables of their own; each has a MIGRATIONS tuple like the
# one above, numbered after it. Their numbers are global: one sequence for the whole store.
MIGRATION_MODULES: tuple[str, ...] = (
    "yawyas.store.spotify",
    "yawyas.store.moments",
    "yawyas.store.playlists",
)


def all_migrations() -> list[tuple[str, str]]:
    """Every migration, in number order."""
    import importlib

    found = list(MIGRATIONS)
    for module in MIGRATION_MODULES:
        found += importlib.import_module(module).MIGRATIONS
    return sorted(found)


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the numbered migrations not yet applied, each in its own transaction."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER)"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    migrations = all_migrations()
    known = {name for name, _ in migrations}
    if done - known:
        raise StoreError(
            f"This store was written by a newer yawyas (migrations {sorted(done - known)}); "
            "upgrade yawyas to open it."
        )
    for name, sql in migrations:
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, strftime('%s','now'))",
                (name,),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _statements(sql: str) -> Iterator[str]:
    buf: list[str] = []
    for line in sql.splitlines():
        buf.append(line)
        if line.rstrip().endswith(";") and sqlite3.complete_statement("\n".join(buf)):
            yield "\n".join(buf)
            buf = []
    if "".join(buf).strip():
        yield "\n".join(buf)


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


# --------------------------------------------------------------------------- dimensions


class Dimensions:
    """In-memory maps from names to the integer keys of the dimension tables.

    Loaded once per import; new keys are assigned here and written with `flush`, so the hot
    path of an import is dictionary look-ups, not SQL.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.artists: dict[str, int] = {
            name: i for i, name in conn.execute("SELECT id, name FROM artists")
        }
        self.titles: dict[tuple[int | None, str | None], int] = {
            (a, n): i for i, a, n in conn.execute("SELECT id, artist_id, name FROM titles")
        }
        self.albums: dict[tuple[int | None, str], int] = {
            (a, n): i for i, a, n in conn.execute("SELECT id, artist_id, name FROM albums")
        }
        self.items_by_uri: dict[str, tuple[int, int]] = {}
        self.items_by_title: dict[tuple[int, int], int] = {}
        for i, kind, uri, title_id in conn.execute("SELECT id, kind, uri, title_id FROM items"):
            if uri is None:
                self.items_by_title[(kind, title_id)] = i
            else:
                self.items_by_uri[uri] = (i, title_id)
        self.without_album: set[int] = {
            i for (i,) in conn.execute("SELECT id FROM items WHERE album_id IS NULL")
        }
        self._album_updates: list[tuple[int | None, int]] = []
        self.platforms: dict[str, int] = {
            name: i for i, name in conn.execute("SELECT id, name FROM platforms")
        }
        self.reasons: dict[str, int] = {
            name: i for i, name in conn.execute("SELECT id, name FROM reasons")
        }
        self._next = {
            table: (conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0] + 1)
            for table in ("artists", "titles", "albums", "items", "platforms", "reasons")
        }
        self._new: dict[str, list[tuple[Any, ...]]] = {table: [] for table in self._next}

    def _take(self, table: str) -> int:
        i: int = self._next[table]
        self._next[table] = i + 1
        return i

    def artist(self, name: str | None) -> int | None:
        if name is None:
            return None
        i = self.artists.get(name)
        if i is None:
            i = self.artists[name] = self._take("artists")
            self._new["artists"].append((i, name))
        return i

    def title(self, artist: str | None, name: str | None) -> int:
        artist_id = self.artist(artist)
        key = (artist_id, name)
        i = self.titles.get(key)
        if i is None:
            i = self.titles[key] = self._take("titles")
            self._new["titles"].append((i, artist_id, name))
        return i

    def album(self, artist: str | None, name: str | None, uri: str | None = None) -> int | None:
        if name is None:
            return None
        artist_id = self.artist(artist)
        key = (artist_id, name)
        i = self.albums.get(key)
        if i is None:
            i = self.albums[key] = self._take("albums")
            self._new["albums"].append((i, artist_id, name, uri))
        return i

    def item(
        self,
        kind: int,
        uri: str | None,
        artist: str | None,
        name: str | None,
        album: str | None = None,
        album_uri: str | None = None,
        author: str | None = None,
    ) -> tuple[int, int]:
        """The (item id, title id) of one identity: its URI, else (kind, artist, name)."""
        if uri is not None:
            found = self.items_by_uri.get(uri)
            if found is not None:
                self._fill_album(found[0], artist, album, album_uri)
                return found
            title_id = self.title(artist, name)
            i = self._take("items")
            self.items_by_uri[uri] = (i, title_id)
        else:
            title_id = self.title(artist, name)
            j = self.items_by_title.get((kind, title_id))
            if j is not None:
                self._fill_album(j, artist, album, album_uri)
                return j, title_id
            i = self.items_by_title[(kind, title_id)] = self._take("items")
        album_id = self.album(artist, album, album_uri)
        if album_id is None:
            self.without_album.add(i)
        self._new["items"].append((i, kind, uri, title_id, album_id, author))
        return i, title_id

    def _fill_album(
        self, item_id: int, artist: str | None, album: str | None, album_uri: str | None
    ) -> None:
        """An item first seen without an album (account data) gets one when a later row has it,
        so what the store holds does not depend on the order files came in."""
        if album is not None and item_id in self.without_album:
            self.without_album.discard(item_id)
            self._album_updates.append((self.album(artist, album, album_uri), item_id))

    def platform(self, name: str | None) -> int | None:
        if name is None:
            return None
        i = self.platforms.get(name)
        if i is None:
            i = self.platforms[name] = self._take("platforms")
            self._new["platforms"].append((i, name))
        return i

    def reason(self, name: str | None) -> int | None:
        if name is None:
            return None
        i = self.reasons.get(name)
        if i is None:
            i = self.reasons[name] = self._take("reasons")
            self._new["reasons"].append((i, name))
        return i

    def flush(self) -> None:
        """Write the keys assigned since the last flush (inside the caller's transaction)."""
        sql = {
            "artists": "INSERT INTO artists (id, name) VALUES (?, ?)",
            "titles": "INSERT INTO titles (id, artist_id, name) VALUES (?, ?, ?)",
            "albums": "INSERT INTO albums (id, artist_id, name, uri) VALUES (?, ?, ?, ?)",
            "items": "INSERT INTO items (id, kind, uri, title_id, album_id, author)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            "platforms": "INSERT INTO platforms (id, name) VALUES (?, ?)",
            "reasons": "INSERT INTO reasons (id, name) VALUES (?, ?)",
        }
        for table in ("artists", "titles", "albums", "items", "platforms", "reasons"):
            rows = self._new[table]
            if rows:
                self.conn.executemany(sql[table], rows)
                rows.clear()
        if self._album_updates:
            self.conn.executemany("UPDATE items SET album_id = ? WHERE id = ?", self._album_updates)
            self._album_updates.clear()


# --------------------------------------------------------------------------- streams

# The columns an export row fills, in the order `save_streams` takes them.
STREAM_COLUMNS = (
    "ended_at",
    "item_id",
    "ms_played",
    "source",
    "platform_id",
    "conn_country",
    "reason_start",
    "reason_end",
    "flags",
    "offline_at",
)
FLAG_NAMES = ("shuffle", "skipped", "offline", "incognito_mode")
_INSERT_STREAM = (
    f"INSERT OR IGNORE INTO streams ({', '.join(STREAM_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(STREAM_COLUMNS))})"
)


def save_streams(conn: sqlite3.Connection, rows: Iterable[Sequence[Any]]) -> int:
    """Insert streams (tuples in STREAM_COLUMNS order, seq 0); return how many were new."""
    before = conn.total_changes
    conn.executemany(_INSERT_STREAM, rows)
    return conn.total_changes - before


AccountKey = tuple[int, int, int]  # (minute, title_id, ms_played)


def load_account_keys(conn: sqlite3.Connection) -> set[AccountKey]:
    return {
        (m, t, ms)
        for m, t, ms in conn.execute("SELECT minute, title_id, ms_played FROM account_counts")
    }


def save_account_counts(
    conn: sqlite3.Connection, counts: dict[AccountKey, int], source: int, authors: dict[int, str]
) -> None:
    """Merge one file's per-key counts: the store keeps the largest count of any single file."""
    conn.executemany(
        "INSERT INTO account_counts (minute, title_id, ms_played, n, source, author)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (minute, title_id, ms_played) DO UPDATE SET"
        " n = max(n, excluded.n), source = min(source, excluded.source),"
        " author = coalesce(author, excluded.author)",
        [(m, t, ms, n, source, authors.get(t)) for (m, t, ms), n in counts.items()],
    )


ACCOUNT_KIND = {
    SOURCE_ID["account_music"]: KIND_ID["track"],
    SOURCE_ID["account_mixed"]: KIND_ID["track"],
    SOURCE_ID["account_podcast"]: KIND_ID["episode"],
    SOURCE_ID["account_audiobook"]: KIND_ID["audiobook"],
}


def materialize_account_streams(
    conn: sqlite3.Connection, dims: Dimensions, keys: Iterable[AccountKey]
) -> int:
    """Make the store hold, per account key, max(0, largest file count - streams on that key).

    "Streams on that key" are the seq-0 streams (extended history, API) that ended in that
    minute with that title and ms_played. Returns the net change in the number of streams.
    Depends only on what is stored, so the result does not depend on import order.
    """
    net = 0
    for minute, title_id, ms in keys:
        row = conn.execute(
            "SELECT n, source, author FROM account_counts"
            " WHERE minute = ? AND title_id = ? AND ms_played = ?",
            (minute, title_id, ms),
        ).fetchone()
        if row is None:
            continue
        n, source, author = row
        start = minute * 60
        on_key = conn.execute(
            "SELECT s.seq, s.item_id, s.source FROM streams s JOIN items i ON i.id = s.item_id"
            " WHERE s.ended_at BETWEEN ? AND ? AND s.ms_played = ? AND i.title_id = ?",
            (start, start + 59, ms, title_id),
        ).fetchall()
        covered = sum(1 for seq, _, _ in on_key if seq == 0)
        have = [(item, src) for seq, item, src in on_key if seq > 0]
        want = max(0, n - covered)
        kind = ACCOUNT_KIND[source]
        item_id = dims.items_by_title.get((kind, title_id))
        if item_id is None:
            artist, name = conn.execute(
                "SELECT a.name, t.name FROM titles t LEFT JOIN artists a ON a.id = t.artist_id"
                " WHERE t.id = ?",
                (title_id,),
            ).fetchone()
            item_id, _ = dims.item(kind, None, artist, name, author=author)
            dims.flush()
        if len(have) == want and all(h == (item_id, source) for h in have):
            continue
        if have:
            conn.execute(
                "DELETE FROM streams WHERE ended_at = ? AND ms_played = ? AND seq > 0"
                " AND item_id IN (SELECT id FROM items WHERE title_id = ?)",
                (start, ms, title_id),
            )
        conn.executemany(
            "INSERT INTO streams (ended_at, item_id, ms_played, seq, source)"
            " VALUES (?, ?, ?, ?, ?)",
            [(start, item_id, ms, k, source) for k in range(1, want + 1)],
        )
        net += want - len(have)
    return net


# --------------------------------------------------------------------------- files


def load_seen_path(conn: sqlite3.Connection, path: str, size: int, mtime_ns: int) -> list[str]:
    """Fingerprints last read from `path` if it still has this size and mtime, else []."""
    row = conn.execute(
        "SELECT fingerprints FROM seen_paths WHERE path = ? AND size = ? AND mtime_ns = ?",
        (path, size, mtime_ns),
    ).fetchone()
    return row[0].split(",") if row and row[0] else []


def save_seen_path(
    conn: sqlite3.Connection, path: str, size: int, mtime_ns: int, fingerprints: Sequence[str]
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO seen_paths (path, size, mtime_ns, fingerprints)"
        " VALUES (?, ?, ?, ?)",
        (path, size, mtime_ns, ",".join(fingerprints)),
    )


@dataclass(frozen=True)
class ImportedFile:
    fingerprint: str
    name: str
    kind: str
    rows: int
    added: int


def load_imported(conn: sqlite3.Connection, fingerprint: str) -> ImportedFile | None:
    row = conn.execute(
        "SELECT fingerprint, name, kind, rows, added FROM imported_files WHERE fingerprint = ?",
        (fingerprint,),
    ).fetchone()
    return ImportedFile(*row) if row else None


def save_imported(conn: sqlite3.Connection, f: ImportedFile) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO imported_files (fingerprint, name, kind, rows, added, imported_at)"
        " VALUES (?, ?, ?, ?, ?, strftime('%s','now'))",
        (f.fingerprint, f.name, f.kind, f.rows, f.added),
    )


# --------------------------------------------------------------------------- other data


def save_playlist(
    conn: sqlite3.Connection,
    source: str,
    name: str,
    meta: dict[str, Any],
    items: Sequence[tuple[int | None, str | None, str | None]],
) -> bool:
    """Keep the newest version of a playlist (by lastModifiedDate); True when it changed."""
    row = conn.execute(
        "SELECT id, last_modified FROM playlists WHERE source = ? AND name = ?", (source, name)
    ).fetchone()
    modified = meta.get("last_modified") or ""
    if row is not None:
        if (row[1] or "") > modified:
            return False
        current = conn.execute(
            "SELECT item_id, local_uri, added_at FROM playlist_items WHERE playlist_id = ?"
            " ORDER BY position",
            (row[0],),
        ).fetchall()
        if (row[1] or "") == modified and [tuple(r) for r in current] >= [tuple(i) for i in items]:
            return False
        playlist_id = row[0]
        conn.execute(
            "UPDATE playlists SET description = ?, last_modified = ?, followers = ?,"
            " collaborators = ? WHERE id = ?",
            (
                meta.get("description"),
                modified,
                meta.get("followers"),
                meta.get("collaborators"),
                playlist_id,
            ),
        )
        conn.execute("DELETE FROM playlist_items WHERE playlist_id = ?", (playlist_id,))
    else:
        cur = conn.execute(
            "INSERT INTO playlists (source, spotify_id, name, description, last_modified,"
            " followers, collaborators) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                source,
                meta.get("spotify_id"),
                name,
                meta.get("description"),
                modified,
                meta.get("followers"),
                meta.get("collaborators"),
            ),
        )
        playlist_id = cur.lastrowid
    conn.executemany(
        "INSERT INTO playlist_items (playlist_id, position, item_id, local_uri, added_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [(playlist_id, pos, *item) for pos, item in enumerate(items)],
    )
    return True


def save_library(conn: sqlite3.Connection, rows: Sequence[tuple[str, str, int | None, str]]) -> int:
    """Upsert (category, key, item_id, json) library entries; return how many were new."""
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO library (category, key, item_id, data) VALUES (?, ?, ?, ?)", rows
    )
    return conn.total_changes - before


def save_inferences(conn: sqlite3.Connection, names: Sequence[str]) -> int:
    before = conn.total_changes
    conn.executemany("INSERT OR IGNORE INTO inferences (name) VALUES (?)", [(n,) for n in names])
    return conn.total_changes - before


def load_inferences(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM inferences ORDER BY name")]


# --------------------------------------------------------------------------- reads


@dataclass(frozen=True)
class Totals:
    streams: int
    plays: int
    listening_ms: int
    first_played_at: int | None
    last_played_at: int | None


def load_totals(conn: sqlite3.Connection) -> Totals:
    """The store's totals, counted once per generation of the history and then remembered."""
    generation = load_generation(conn)
    cached = conn.execute("SELECT value FROM meta WHERE key = 'totals'").fetchone()
    if cached:
        values = cached[0].split(",")
        if values[0] == str(generation):
            return Totals(*(int(v) if v else None for v in values[1:]))  # type: ignore[arg-type]
    totals = _count_totals(conn)
    text = ",".join(
        "" if v is None else str(v)
        for v in (
            generation,
            totals.streams,
            totals.plays,
            totals.listening_ms,
            totals.first_played_at,
            totals.last_played_at,
        )
    )
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('totals', ?)", (text,))
    return totals


def _count_totals(conn: sqlite3.Connection) -> Totals:
    row = conn.execute(
        "SELECT count(*), coalesce(sum(ms_played >= ?), 0), coalesce(sum(ms_played), 0),"
        " min(ended_at), max(ended_at) FROM streams",
        (PLAY_MS,),
    ).fetchone()
    return Totals(*row)


def pack_flags(
    shuffle: np.ndarray, skipped: np.ndarray, offline: np.ndarray, incognito: np.ndarray
) -> np.ndarray:
    """Pack four arrays of -1 (unknown) / 0 / 1 into the `flags` column."""
    out = np.zeros(len(shuffle), dtype=np.int64)
    for bit, values in enumerate((shuffle, skipped, offline, incognito)):
        known = values >= 0
        out |= (known.astype(np.int64) | ((values == 1).astype(np.int64) << 1)) << (2 * bit)
    return out


def unpack_flag(flags: np.ndarray, bit: int) -> pd.arrays.BooleanArray:
    """One of the packed fields as a nullable boolean array."""
    import pandas as pd

    known = ((flags >> (2 * bit)) & 1).astype(bool)
    value = ((flags >> (2 * bit + 1)) & 1).astype(bool)
    return pd.arrays.BooleanArray(value, ~known)


def load_history(conn: sqlite3.Connection) -> pd.DataFrame:
    """`load_streams()` of the whole history, through a columnar cache beside the store file.

    The cache (Arrow IPC, `<store>-cache/streams-<store id>-<generation>.arrow`) is written on
    the first read after a change and read back in a fraction of the time of a full scan. Any
    change to the history bumps the generation, so a stale cache is never read.
    """
    import pandas as pd

    path = _store_file(conn)
    if path is None:
        return load_streams(conn)
    folder = path.parent / f"{path.name}-cache"
    cache = folder / f"streams-{_store_id(conn)}-{load_generation(conn)}.arrow"
    if cache.exists():
        try:
            cached = pd.read_feather(cache)
        except (OSError, ValueError):
            cache.unlink(missing_ok=True)
        else:
            for name in cached.columns:  # Arrow gives empty categories no string type
                column = cached[name]
                if isinstance(column.dtype, pd.CategoricalDtype) and not len(column.cat.categories):
                    cached[name] = _from_codes(column.cat.codes.to_numpy(), [])
            return cached
    frame = load_streams(conn)
    try:
        folder.mkdir(exist_ok=True)
        for old in folder.glob("streams-*.arrow"):
            old.unlink(missing_ok=True)
        partial = cache.with_suffix(".partial")
        frame.to_feather(partial)
        partial.replace(cache)
    except OSError:
        pass  # a read-only home still works, only slower
    return frame


def load_derived(conn: sqlite3.Connection, name: str) -> bytes | None:
    """A document derived from the history (e.g. a profile), if saved for this generation."""
    path = _derived_path(conn, name)
    if path is None or not path.exists():
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def save_derived(conn: sqlite3.Connection, name: str, data: bytes) -> None:
    """Keep a derived document beside the store until the history changes (best effort)."""
    path = _derived_path(conn, name)
    if path is None:
        return
    try:
        path.parent.mkdir(exist_ok=True)
        current = path.name.rsplit("-", 1)[-1]
        for old in path.parent.glob("*.json"):
            if old.name.rsplit("-", 1)[-1] != current:
                old.unlink(missing_ok=True)  # derived from an older history
        partial = path.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:
        pass


def _derived_path(conn: sqlite3.Connection, name: str) -> Path | None:
    path = _store_file(conn)
    if path is None:
        return None
    generation = f"{_store_id(conn)}{load_generation(conn)}"
    return path.parent / f"{path.name}-cache" / f"{name}-{generation}.json"


def _store_file(conn: sqlite3.Connection) -> Path | None:
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file)
    return None


def _store_id(conn: sqlite3.Connection) -> str:
    """A random id of this store file, so caches of a deleted and re-made store never match."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
    if row:
        return str(row[0])
    import uuid

    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('store_id', ?)", (uuid.uuid4().hex[:12],)
    )
    return str(conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()[0])


# The columns of `load_streams()`, in order (the plays export writes them all but item_id).
STREAM_FRAME_COLUMNS = (
    "played_at",
    "ms_played",
    "kind",
    "track_name",
    "artist_name",
    "album_name",
    "uri",
    "platform",
    "conn_country",
    "reason_start",
    "reason_end",
    "shuffle",
    "skipped",
    "offline",
    "offline_at",
    "incognito_mode",
    "context_uri",
    "source",
    "item_id",
)
_SEP = "\x1f"  # the unit separator: never part of a country code or a URI


def load_streams(
    conn: sqlite3.Connection, since: int | None = None, until: int | None = None
) -> pd.DataFrame:
    """Every stream as a frame (one row per stream, in time order), optionally in [since, until).

    Columns: played_at (UTC unix seconds of the end, int64), ms_played (int64), kind, track_name,
    artist_name, album_name, uri, platform, conn_country, reason_start, reason_end, source,
    context_uri (categoricals: a missing value is NaN), shuffle, skipped, offline,
    incognito_mode (nullable booleans), offline_at (nullable Int64, UTC seconds), item_id.

    Reading is columnar: SQLite concatenates each column in one scan of the table (in primary
    key order) and numpy parses the text, which is several times faster than fetching rows.
    """
    import pandas as pd

    where, args = [], []
    if since is not None:
        where.append("ended_at >= ?")
        args.append(since)
    if until is not None:
        where.append("ended_at < ?")
        args.append(until)
    int_columns = (
        "ended_at",
        "ms_played",
        "item_id",
        "source",
        "coalesce(platform_id, 0)",
        "coalesce(reason_start, 0)",
        "coalesce(reason_end, 0)",
        "flags",
        "coalesce(offline_at, -1)",
    )
    text_columns = ("conn_country", "context_uri")
    sql = (
        "SELECT count(*), "
        + ", ".join(f"group_concat({c})" for c in int_columns)
        + ", "
        + ", ".join(f"group_concat(coalesce({c}, ''), char(31))" for c in text_columns)
        + " FROM streams"
        + (" WHERE " + " AND ".join(where) if where else "")
    )
    row = conn.execute(sql, args).fetchone()
    n = int(row[0])
    ints = [
        np.fromstring(text, dtype=np.int64, sep=",") if n else np.zeros(0, dtype=np.int64)
        for text in row[1 : 1 + len(int_columns)]
    ]
    played_at, ms_played, item_ids, source, platform, r_start, r_end, flags, offline = ints
    texts = [(text.split(_SEP) if n else []) for text in row[1 + len(int_columns) :]]
    del row

    items = conn.execute(
        "SELECT i.id, i.kind, i.uri, t.name, a.name, al.name FROM items i"
        " JOIN titles t ON t.id = i.title_id LEFT JOIN artists a ON a.id = t.artist_id"
        " LEFT JOIN albums al ON al.id = i.album_id ORDER BY i.id"
    ).fetchall()
    item_cols = list(zip(*items, strict=True)) if items else [()] * 6
    pos = np.searchsorted(np.asarray(item_cols[0], dtype=np.int64), item_ids)
    kind_codes = np.asarray(item_cols[1], dtype=np.int64)[pos] if n else np.zeros(0, np.int64)
    kind_codes[source == SOURCE_ID["extended_video"]] = KIND_ID["video"]
    frame = pd.DataFrame(
        {
            "played_at": played_at,
            "ms_played": ms_played,
            "kind": _from_codes(kind_codes, KINDS),
        }
    )
    for name, values in zip(
        ("uri", "track_name", "artist_name", "album_name"), item_cols[2:], strict=True
    ):
        frame[name] = _categorical(np.asarray(values, dtype=object), pos)
    frame["platform"] = _dimension(conn, "platforms", platform)
    frame["conn_country"] = _text_categorical(texts[0])
    frame["reason_start"] = _dimension(conn, "reasons", r_start)
    frame["reason_end"] = _dimension(conn, "reasons", r_end)
    for bit, name in enumerate(FLAG_NAMES):
        frame[name] = unpack_flag(flags, bit)
    frame["offline_at"] = pd.arrays.IntegerArray(offline, offline < 0)
    frame["source"] = _from_codes(source, SOURCES)
    frame["context_uri"] = _text_categorical(texts[1])
    frame["item_id"] = item_ids
    return frame[list(STREAM_FRAME_COLUMNS)]


def _from_codes(codes: np.ndarray, categories: Sequence[Any]) -> pd.Categorical:
    """A categorical from integer codes (-1 = missing) and its distinct values."""
    import pandas as pd

    result: pd.Categorical = pd.Categorical.from_codes(
        codes.astype(np.int64), categories=pd.Index(list(categories), dtype="str")
    )
    return result


def _categorical(values: np.ndarray, pos: np.ndarray) -> pd.Categorical:
    """Per stream, the value of its item (`values` per item, `pos` the item of each stream)."""
    import pandas as pd

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return _from_codes(codes[pos] if len(pos) else codes[:0], list(uniques))


def _text_categorical(values: list[str]) -> pd.Categorical:
    """A column read as text ('' for NULL) as a categorical with NULL missing."""
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    keep = [i for i, u in enumerate(uniques) if u != ""]
    remap = np.full(len(uniques) + 1, -1, dtype=np.int64)
    remap[keep] = np.arange(len(keep))
    return _from_codes(remap[codes], [uniques[i] for i in keep])


def _dimension(conn: sqlite3.Connection, table: str, ids: np.ndarray) -> pd.Categorical:
    """Dimension ids (0 = none) as a categorical of their names."""
    pairs = conn.execute(f"SELECT id, name FROM {table} ORDER BY id").fetchall()
    size = max((i for i, _ in pairs), default=0) + 1
    remap = np.full(size, -1, dtype=np.int64)
    for k, (i, _) in enumerate(pairs):
        remap[i] = k
    codes = remap[ids] if len(ids) else ids
    return _from_codes(codes, [name for _, name in pairs])
