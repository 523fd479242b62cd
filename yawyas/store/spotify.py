"""What the Spotify Web API adds to the store: tables, saves and loads (the only SQL for it).

- API plays are streams like any other (source `api`, seq 0), deduplicated against exported
  streams of the same listen (see `covering_stream`);
- `track_meta` / `track_artists` / `artist_meta` cache one lookup per track and artist;
  status 0 means Spotify answered 404 (nothing else ever marks an item missing);
- `top_snapshots` (one dated snapshot per day), `saved_tracks`, and `spotify_playlists` /
  `spotify_playlist_items`: their saves and loads are in `spotify_library`;
- `spotify_state`: the recently-played cursor and other small facts about the sync.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from yawyas.sources.spotify_models import (
    ArtistInfo,
    RecentPlay,
    TrackInfo,
)
from yawyas.store import KIND_ID, SOURCE_ID, Dimensions, bump_generation, load_generation

if TYPE_CHECKING:
    import pandas as pd

MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0002_spotify",
        """
        CREATE TABLE spotify_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        -- one lookup per track item (GET /tracks/{id}, or a full track object seen in a sync);
        -- status 1: found, 0: Spotify answered 404
        CREATE TABLE track_meta (
            item_id INTEGER PRIMARY KEY REFERENCES items(id),
            status INTEGER NOT NULL,
            spotify_id TEXT,
            name TEXT,
            duration_ms INTEGER,
            explicit INTEGER,
            isrc TEXT,
            album_uri TEXT,
            album_name TEXT,
            album_type TEXT,
            release_date TEXT,
            release_date_precision TEXT,
            disc_number INTEGER,
            track_number INTEGER,
            fetched_at INTEGER NOT NULL
        );
        CREATE INDEX track_meta_isrc ON track_meta (isrc) WHERE isrc IS NOT NULL;
        CREATE TABLE track_artists (
            item_id INTEGER NOT NULL REFERENCES items(id),
            position INTEGER NOT NULL,
            artist_id TEXT,
            name TEXT NOT NULL,
            PRIMARY KEY (item_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX track_artists_artist ON track_artists (artist_id);
        -- genres: a JSON array, often [] in 2026 (never depend on it)
        CREATE TABLE artist_meta (
            artist_id TEXT PRIMARY KEY,
            status INTEGER NOT NULL,
            name TEXT,
            genres TEXT,
            fetched_at INTEGER NOT NULL
        );
        CREATE TABLE top_snapshots (
            taken_on TEXT NOT NULL,
            kind TEXT NOT NULL,
            time_range TEXT NOT NULL,
            rank INTEGER NOT NULL,
            item_id INTEGER REFERENCES items(id),
            artist_id TEXT,
            name TEXT NOT NULL,
            PRIMARY KEY (taken_on, kind, time_range, rank)
        ) WITHOUT ROWID;
        CREATE TABLE saved_tracks (
            item_id INTEGER PRIMARY KEY REFERENCES items(id),
            added_at INTEGER
        );
        -- items_status: 'stored' (items of snapshot items_snapshot_id are in
        -- spotify_playlist_items), 'not available' (Spotify answered 403), NULL (metadata only)
        CREATE TABLE spotify_playlists (
            spotify_id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            description TEXT,
            owner_id TEXT,
            owner_name TEXT,
            collaborative INTEGER NOT NULL,
            public INTEGER,
            snapshot_id TEXT,
            items_total INTEGER,
            items_status TEXT,
            items_snapshot_id TEXT
        );
        CREATE TABLE spotify_playlist_items (
            playlist_id TEXT NOT NULL REFERENCES spotify_playlists(spotify_id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            item_id INTEGER REFERENCES items(id),
            local_uri TEXT,
            added_at INTEGER,
            added_by TEXT,
            PRIMARY KEY (playlist_id, position)
        ) WITHOUT ROWID;
        """,
    ),
)

API = SOURCE_ID["api"]
DUPLICATE_WINDOW_S = 60  # an API play this close to an exported stream of the track is it
MAX_STREAM_S = 2 * 3600  # the longest stream whose start is compared with an API play
MINUTE_SLACK_S = 59  # account-data streams know their end to the minute only
RECENT_CURSOR = "recent_after_ms"
RECONCILED_GENERATION = "reconciled_generation"


# --------------------------------------------------------------------------- state


def load_state(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM spotify_state WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


def save_state(conn: sqlite3.Connection, key: str, value: str | int) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO spotify_state (key, value) VALUES (?, ?)", (key, str(value))
    )


def mark_changed(conn: sqlite3.Connection) -> None:
    """Bump the history's generation for a change made here, keeping it known as reconciled
    with the exports when it was (only imports make a reconcile necessary)."""
    was_reconciled = load_state(conn, RECONCILED_GENERATION) == str(load_generation(conn))
    bump_generation(conn)
    if was_reconciled:
        mark_reconciled(conn)


def mark_reconciled(conn: sqlite3.Connection) -> None:
    save_state(conn, RECONCILED_GENERATION, load_generation(conn))


def needs_reconcile(conn: sqlite3.Connection) -> bool:
    """True when something else (an import) changed the history since the last reconcile."""
    return load_state(conn, RECONCILED_GENERATION) != str(load_generation(conn))


# --------------------------------------------------------------------------- items


def track_item(dims: Dimensions, track: TrackInfo) -> tuple[int, int]:
    """The (item id, title id) of a track: by URI, named after its first artist."""
    artist = track.artists[0].name if track.artists else None
    album = track.album
    return dims.item(
        KIND_ID["track"],
        track.uri,
        artist or None,
        track.name or None,
        album.name if album and album.name else None,
        album.uri if album else None,
    )


# --------------------------------------------------------------------------- API plays


def covering_stream(
    conn: sqlite3.Connection, item_id: int, title_id: int, played_at: int
) -> tuple[int, int, int, int] | None:
    """The exported stream an API play at `played_at` (UTC s) duplicates, if any.

    The rule: a stream of the same item or the same title (artist and name; account data has
    no URI), not itself from the API, whose end (`ended_at`, an export's `ts`) or start
    (`ended_at - ms_played`) lies within DUPLICATE_WINDOW_S of `played_at`. Spotify does not
    say whether `played_at` is a play's start or end, so either counts. An account-data
    stream knows its end to the minute only: its end is the interval [ended_at, +59 s].
    Returns the stream's key (ended_at, item_id, ms_played, seq), the closest first.
    """
    w = DUPLICATE_WINDOW_S
    rows = conn.execute(
        "SELECT s.ended_at, s.item_id, s.ms_played, s.seq FROM streams s"
        " JOIN items i ON i.id = s.item_id"
        " WHERE s.ended_at BETWEEN ? AND ? AND s.source != ?"
        " AND (s.item_id = ? OR i.title_id = ?)"
        " ORDER BY abs(s.ended_at - ?)",
        (
            played_at - w - MINUTE_SLACK_S,
            played_at + w + MAX_STREAM_S,
            API,
            item_id,
            title_id,
            played_at,
        ),
    ).fetchall()
    for ended_at, sid, ms, seq in rows:
        slack = MINUTE_SLACK_S if seq > 0 else 0
        for lo in (ended_at, ended_at - ms // 1000):
            if lo - w <= played_at <= lo + slack + w:
                return ended_at, sid, ms, seq
    return None


def _keep_context(
    conn: sqlite3.Connection, key: tuple[int, int, int, int], context_uri: str | None
) -> None:
    """Give the exported stream the API's play context, which exports do not have."""
    if context_uri:
        conn.execute(
            "UPDATE streams SET context_uri = ? WHERE ended_at = ? AND item_id = ?"
            " AND ms_played = ? AND seq = ? AND context_uri IS NULL",
            (context_uri, *key),
        )


def save_api_plays(
    conn: sqlite3.Connection, dims: Dimensions, plays: Sequence[RecentPlay]
) -> tuple[int, int]:
    """Save recently-played plays as streams; returns (added, already known or duplicates).

    A play becomes a stream with source `api`, seq 0, `ended_at` = its `played_at` (UTC s)
    and `ms_played` = the track's `duration_ms`: the API does not say how much was heard.
    A play that duplicates an exported stream (`covering_stream`) is not added; its context
    goes to that stream. Tracks are cached in `track_meta` from the full objects.
    """
    keyed = [(play, track_item(dims, play.track)) for play in plays]
    dims.flush()
    save_track_meta(conn, [(ids[0], play.track) for play, ids in keyed])
    added = duplicates = 0
    for play, (item_id, title_id) in keyed:
        played_at = play.played_at_ms // 1000
        context_uri = play.context.uri if play.context else None
        cover = covering_stream(conn, item_id, title_id, played_at)
        if cover is not None:
            _keep_context(conn, cover, context_uri)
            duplicates += 1
            continue
        before = conn.total_changes
        conn.execute(
            "INSERT OR IGNORE INTO streams (ended_at, item_id, ms_played, seq, source,"
            " context_uri) VALUES (?, ?, ?, 0, ?, ?)",
            (played_at, item_id, play.track.duration_ms or 0, API, context_uri),
        )
        new = conn.total_changes - before
        added += new
        duplicates += 1 - new
    return added, duplicates


def reconcile_api_streams(
    conn: sqlite3.Connection, since: int | None = None, until: int | None = None
) -> int:
    """Remove API streams that an exported stream covers (an export imported after the API
    sync), moving their context to it; returns how many went. `since`/`until` (UTC s) bound
    the `ended_at` of the exported streams that changed; None: look everywhere."""
    if since is None or until is None:
        lo, hi = conn.execute(
            "SELECT min(ended_at), max(ended_at) FROM streams WHERE source != ?", (API,)
        ).fetchone()
        if lo is None:
            return 0
        since, until = (lo if since is None else since), (hi if until is None else until)
    w = DUPLICATE_WINDOW_S
    rows = conn.execute(
        "SELECT s.ended_at, s.item_id, s.ms_played, s.context_uri, i.title_id FROM streams s"
        " JOIN items i ON i.id = s.item_id"
        " WHERE s.source = ? AND s.ended_at BETWEEN ? AND ?",
        (API, since - w - MAX_STREAM_S, until + w + MINUTE_SLACK_S),
    ).fetchall()
    removed = 0
    for ended_at, item_id, ms, context_uri, title_id in rows:
        cover = covering_stream(conn, item_id, title_id, ended_at)
        if cover is None:
            continue
        conn.execute(
            "DELETE FROM streams WHERE ended_at = ? AND item_id = ? AND ms_played = ?"
            " AND seq = 0 AND source = ?",
            (ended_at, item_id, ms, API),
        )
        _keep_context(conn, cover, context_uri)
        removed += 1
    return removed


# --------------------------------------------------------------------------- metadata


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


def load_playlist_memberships(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(playlist name, item id) for every track in a playlist, from exports and the API
    alike (each pair once), ordered by name and item id."""
    return [
        (str(name), int(item_id))
        for name, item_id in conn.execute(
            "SELECT p.name, pi.item_id FROM playlists p"
            " JOIN playlist_items pi ON pi.playlist_id = p.id WHERE pi.item_id IS NOT NULL"
            " UNION SELECT sp.name, spi.item_id FROM spotify_playlists sp"
            " JOIN spotify_playlist_items spi ON spi.playlist_id = sp.spotify_id"
            " WHERE spi.item_id IS NOT NULL ORDER BY 1, 2"
        )
    ]


# --------------------------------------------------------------------------- status


def load_status(conn: sqlite3.Connection) -> dict[str, int | str | None]:
    """What the API side of the store holds, for `yawyas whoami` and summaries."""
    one = conn.execute(
        "SELECT (SELECT count(*) FROM streams WHERE source = ?),"
        " (SELECT count(*) FROM track_meta WHERE status = 1),"
        " (SELECT count(*) FROM track_meta WHERE status = 0),"
        " (SELECT count(*) FROM items i WHERE i.uri LIKE 'spotify:track:%' AND NOT EXISTS"
        "  (SELECT 1 FROM track_meta m WHERE m.item_id = i.id)),"
        " (SELECT count(*) FROM artist_meta WHERE status = 1),"
        " (SELECT count(*) FROM saved_tracks), (SELECT count(*) FROM spotify_playlists)",
        (API,),
    ).fetchone()
    keys = (
        "api_streams",
        "tracks_enriched",
        "tracks_missing",
        "tracks_to_enrich",
        "artists_enriched",
        "saved_tracks",
        "playlists",
    )
    status: dict[str, int | str | None] = dict(zip(keys, one, strict=True))
    status["user_id"] = load_state(conn, "user_id")
    status["last_sync_at"] = load_state(conn, "last_sync_at")
    status["recent_after_ms"] = load_state(conn, RECENT_CURSOR)
    return status
