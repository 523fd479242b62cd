"""The playlists yawyas publishes: which Spotify playlist each recipe writes, and what it wrote.

`published_playlists` remembers, per recipe key, the Spotify id (so a publish replaces items in
place instead of making a second copy) and the URIs last written in full. A row whose write did
not finish has `complete = 0`, so the next run writes again.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass

from yawyas.store.db import transaction


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
