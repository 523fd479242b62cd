"""The playlists yawyas publishes: which Spotify playlist each recipe writes, and what it wrote.

`published_playlists` remembers, per recipe key, the Spotify id (so a publish replaces items in
place instead of making a second copy) and the URIs last written in full. A row whose write did
not finish has `complete = 0`, so the next run writes again.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from yawyas.store import load_generation, transaction

MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0004_playlists",
        """
        CREATE TABLE published_playlists (
            recipe TEXT PRIMARY KEY,
            spotify_id TEXT NOT NULL,
            name TEXT NOT NULL,
            uris TEXT NOT NULL DEFAULT '[]',
            snapshot_id TEXT,
            complete INTEGER NOT NULL DEFAULT 0,
            published_at INTEGER NOT NULL
        );
        """,
    ),
)


@dataclass(frozen=True)
class Published:
    """What the store remembers of one recipe's playlist."""

    recipe: str
    spotify_id: str
    name: str
    uris: tuple[str, ...]
    snapshot_id: str | None
    complete: bool
    published_at: int


def load_published(conn: sqlite3.Connection, recipe: str) -> Published | None:
    """The remembered playlist of `recipe`, or None."""
    row = conn.execute(
        "SELECT recipe, spotify_id, name, uris, snapshot_id, complete, published_at"
        " FROM published_playlists WHERE recipe = ?",
        (recipe,),
    ).fetchone()
    if row is None:
        return None
    return Published(
        row[0], row[1], row[2], tuple(json.loads(row[3])), row[4], bool(row[5]), int(row[6])
    )


def save_published(
    conn: sqlite3.Connection,
    recipe: str,
    spotify_id: str,
    name: str,
    uris: Sequence[str] = (),
    *,
    snapshot_id: str | None = None,
    complete: bool = False,
) -> None:
    """Remember `recipe`'s playlist (and, when `complete`, the URIs it now holds)."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO published_playlists"
            " (recipe, spotify_id, name, uris, snapshot_id, complete, published_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (recipe) DO UPDATE SET"
            " spotify_id = excluded.spotify_id, name = excluded.name, uris = excluded.uris,"
            " snapshot_id = excluded.snapshot_id, complete = excluded.complete,"
            " published_at = excluded.published_at",
            (
                recipe,
                spotify_id,
                name,
                json.dumps(list(uris)),
                snapshot_id,
                int(complete),
                int(time.time()),
            ),
        )


def forget_published(conn: sqlite3.Connection, recipe: str) -> None:
    """Forget `recipe`'s playlist (it was deleted on Spotify)."""
    with transaction(conn):
        conn.execute("DELETE FROM published_playlists WHERE recipe = ?", (recipe,))


def load_item_genres(conn: sqlite3.Connection) -> dict[int, list[str]]:
    """item id -> the genres of its artists (from enrich; often empty in 2026)."""
    out: dict[int, list[str]] = {}
    rows = conn.execute(
        "SELECT ta.item_id, am.genres FROM track_artists ta JOIN artist_meta am"
        " ON am.artist_id = ta.artist_id WHERE am.status = 1 AND am.genres IS NOT NULL"
        " AND am.genres != '[]'"
    )
    for item_id, genres in rows:
        try:
            values = json.loads(genres)
        except ValueError:
            continue
        if isinstance(values, list):
            out.setdefault(int(item_id), []).extend(str(g) for g in values)
    return out


def listening_cache_path(conn: sqlite3.Connection, tz: str) -> Path | None:
    """Where the playlist steps' plays of this store's current history in zone `tz` are cached
    (beside the store, like the streams cache; a change to the history changes the name), or
    None for an in-memory store or one not read yet."""
    store_file = next(
        (Path(f) for _, name, f in conn.execute("PRAGMA database_list") if name == "main" and f),
        None,
    )
    row = conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
    if store_file is None or row is None:
        return None
    zone = re.sub(r"[^A-Za-z0-9_+-]+", "_", tz)
    folder = store_file.parent / f"{store_file.name}-cache"
    return folder / f"listening-{row[0]}-{load_generation(conn)}-{zone}.npz"


def load_track_flags(conn: sqlite3.Connection) -> list[tuple[int, bool | None, int | None]]:
    """(item id, explicit, duration_ms) of every track enrich looked up (None: unknown)."""
    return [
        (int(item), None if explicit is None else bool(explicit), duration)
        for item, explicit, duration in conn.execute(
            "SELECT item_id, explicit, duration_ms FROM track_meta WHERE status = 1"
        )
    ]
