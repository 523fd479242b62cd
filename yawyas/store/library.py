"""What the export says about the person besides streams: their playlists (the newest version
of each), their library (`YourLibrary.json`) and Spotify's inferences.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any


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
