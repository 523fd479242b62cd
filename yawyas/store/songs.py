"""Songs beyond their plays: the Spotify URIs the store knows for names, Spotify's search
answers for songs known by name only (`song_matches`), and `now`'s tuned blend (`now_blends`).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable

from yawyas.store.db import load_generation


def load_track_names(conn: sqlite3.Connection) -> list[tuple[int, str, str | None, str | None]]:
    """(item id, URI, artist, title) of every Spotify track the store knows: played, saved, in
    the person's library or playlists (exported or synced), or looked up."""
    return [
        (int(item), str(uri), artist, title)
        for item, uri, artist, title in conn.execute(
            "SELECT i.id, i.uri, a.name, t.name FROM items i JOIN titles t ON t.id = i.title_id"
            " LEFT JOIN artists a ON a.id = t.artist_id"
            " WHERE i.uri LIKE 'spotify:track:%' ORDER BY i.id"
        )
    ]


def load_song_matches(conn: sqlite3.Connection) -> dict[str, str | None]:
    """Song key -> the URI Spotify's search found for it (None: no confident match)."""
    return {
        str(key): (str(uri) if status == 1 and uri else None)
        for key, status, uri in conn.execute("SELECT song_key, status, uri FROM song_matches")
    }


def save_song_matches(conn: sqlite3.Connection, rows: Iterable[tuple[str, str | None]]) -> None:
    """Keep search answers: (song key, URI), or (song key, None) when nothing matched."""
    now = int(time.time())
    conn.executemany(
        "INSERT OR REPLACE INTO song_matches (song_key, status, uri, searched_at)"
        " VALUES (?, ?, ?, ?)",
        [(key, 0 if uri is None else 1, uri, now) for key, uri in rows],
    )


def load_now_blend(conn: sqlite3.Connection, zone: str, key: str) -> str | None:
    """The stored blend document for `zone`, if it was tuned on the current history with the
    same `key`."""
    row = conn.execute(
        "SELECT generation, key, document FROM now_blends WHERE zone = ?", (zone,)
    ).fetchone()
    if row is None or int(row[0]) != load_generation(conn) or row[1] != key:
        return None
    return str(row[2])


def save_now_blend(
    conn: sqlite3.Connection, zone: str, generation: int, key: str, document: str
) -> None:
    """Keep the blend tuned for `zone` on the history of `generation`."""
    conn.execute(
        "INSERT OR REPLACE INTO now_blends (zone, generation, key, document, tuned_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (zone, generation, key, document, int(time.time())),
    )
