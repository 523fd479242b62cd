"""Track and artist metadata from Spotify lookups (`yawyas enrich`): one row per track and per
artist, status 1 found, 0 Spotify answered 404 (nothing else ever marks an item missing).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from yawyas.sources.spotify_models import ArtistInfo, TrackInfo

if TYPE_CHECKING:
    import pandas as pd


def save_track_meta(conn: sqlite3.Connection, rows: Iterable[tuple[int, TrackInfo | None]]) -> None:
    """Cache lookups: (item id, track) or (item id, None) when Spotify answered 404."""
    now = int(time.time())
    meta: list[tuple[object, ...]] = []
    artists: list[tuple[int, int, str | None, str]] = []
    items: list[tuple[int]] = []
    for item_id, t in dict(rows).items():  # one row per item, the last one given
        items.append((item_id,))
        if t is None:
            meta.append((item_id, 0, *([None] * 12), now))
            continue
        album = t.album
        meta.append(
            (
                item_id,
                1,
                t.id,
                t.name,
                t.duration_ms,
                None if t.explicit is None else int(t.explicit),
                t.isrc.strip().upper() if t.isrc else None,
                album.uri if album else None,
                album.name if album else None,
                album.album_type if album else None,
                album.release_date if album else None,
                album.release_date_precision if album else None,
                t.disc_number,
                t.track_number,
                now,
            )
        )
        artists += [(item_id, k, a.id, a.name) for k, a in enumerate(t.artists)]
    conn.executemany(f"INSERT OR REPLACE INTO track_meta VALUES ({', '.join('?' * 15)})", meta)
    conn.executemany("DELETE FROM track_artists WHERE item_id = ?", items)
    conn.executemany("INSERT INTO track_artists VALUES (?, ?, ?, ?)", artists)


def save_artist_meta(
    conn: sqlite3.Connection, rows: Iterable[tuple[str, ArtistInfo | None]]
) -> None:
    """Cache lookups: (artist id, artist) or (artist id, None) when Spotify answered 404."""
    import orjson

    now = int(time.time())
    conn.executemany(
        "INSERT OR REPLACE INTO artist_meta (artist_id, status, name, genres, fetched_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (aid, 0, None, None, now)
            if a is None
            else (aid, 1, a.name, orjson.dumps(list(a.genres)).decode(), now)
            for aid, a in rows
        ],
    )


def load_tracks_to_enrich(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """(item id, Spotify track id) of every spotify:track: item not looked up yet."""
    rows = conn.execute(
        "SELECT i.id, i.uri FROM items i LEFT JOIN track_meta m ON m.item_id = i.id"
        " WHERE i.uri LIKE 'spotify:track:%' AND m.item_id IS NULL ORDER BY i.id"
    ).fetchall()
    return [(item_id, uri.rsplit(":", 1)[1]) for item_id, uri in rows]


def load_artists_to_enrich(conn: sqlite3.Connection) -> list[str]:
    """Spotify ids of the artists of looked-up tracks that were not looked up yet."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT ta.artist_id FROM track_artists ta"
            " LEFT JOIN artist_meta am ON am.artist_id = ta.artist_id"
            " WHERE ta.artist_id IS NOT NULL AND am.artist_id IS NULL ORDER BY ta.artist_id"
        )
    ]


def load_recordings(conn: sqlite3.Connection) -> dict[int, int]:
    """item id -> recording id, for every looked-up track with an ISRC: the recording is the
    smallest item id sharing that ISRC, so one recording's counts are not split over its
    releases. Items not in the mapping are their own recording (`.get(i, i)`)."""
    return {
        item_id: recording_id
        for item_id, recording_id in conn.execute(
            "SELECT item_id, min(item_id) OVER (PARTITION BY isrc) FROM track_meta"
            " WHERE isrc IS NOT NULL AND status = 1"
        )
    }


def load_track_meta(conn: sqlite3.Connection) -> pd.DataFrame:
    """Looked-up tracks (status 1) as a frame: item_id, recording_id, duration_ms, explicit
    (nullable), isrc, album_name, album_type, release_date, release_year, artist_ids (tuple)."""
    import pandas as pd

    frame = pd.read_sql_query(
        "SELECT m.item_id, coalesce(min(m.item_id) OVER (PARTITION BY m.isrc), m.item_id)"
        " AS recording_id, m.duration_ms, m.explicit, m.isrc, m.album_name, m.album_type,"
        " m.release_date, (SELECT group_concat(artist_id, ',') FROM (SELECT artist_id FROM"
        " track_artists ta WHERE ta.item_id = m.item_id AND artist_id IS NOT NULL"
        " ORDER BY position)) AS artists FROM track_meta m WHERE m.status = 1"
        " ORDER BY m.item_id",
        conn,
    )
    frame["recording_id"] = frame["recording_id"].where(frame["isrc"].notna(), frame["item_id"])
    frame["explicit"] = frame["explicit"].astype("boolean")
    frame["release_year"] = pd.to_numeric(frame["release_date"].str[:4], errors="coerce").astype(
        "Int64"
    )
    frame["artist_ids"] = [tuple(a.split(",")) if a else () for a in frame.pop("artists")]
    return frame


def load_item_genres(conn: sqlite3.Connection) -> dict[int, tuple[str, ...]]:
    """Item id -> the genres of its artists, where the API gave any (often none since 2024)."""
    import json

    found: dict[int, list[str]] = {}
    for item_id, genres in conn.execute(
        "SELECT ta.item_id, am.genres FROM track_artists ta"
        " JOIN artist_meta am ON am.artist_id = ta.artist_id"
        " WHERE am.status = 1 AND am.genres IS NOT NULL AND am.genres NOT IN ('', '[]')"
        " ORDER BY ta.item_id, ta.position"
    ):
        try:
            names = json.loads(genres)
        except ValueError:
            continue
        bucket = found.setdefault(int(item_id), [])
        bucket += [str(g) for g in names if isinstance(g, str) and str(g) not in bucket]
    return {item: tuple(genres) for item, genres in found.items() if genres}


def load_track_flags(conn: sqlite3.Connection) -> list[tuple[int, bool | None, int | None]]:
    """(item id, explicit, duration_ms) of every track enrich looked up (None: unknown)."""
    return [
        (int(item), None if explicit is None else bool(explicit), duration)
        for item, explicit, duration in conn.execute(
            "SELECT item_id, explicit, duration_ms FROM track_meta WHERE status = 1"
        )
    ]
