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
from collections.abc import Sequence
from typing import TYPE_CHECKING

from yawyas.sources.spotify_models import (
    RecentPlay,
    TrackInfo,
)
from yawyas.store.db import bump_generation, load_generation
from yawyas.store.dimensions import KIND_ID, SOURCE_ID, Dimensions
from yawyas.store.metadata import save_track_meta

if TYPE_CHECKING:
    pass

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
    no URI), not itself from the API nor a scrobble (a scrobble gives way to Spotify's own
    streams, see services/scrobbles.py), whose end (`ended_at`, an export's `ts`) or start
    (`ended_at - ms_played`) lies within DUPLICATE_WINDOW_S of `played_at`. Spotify does not
    say whether `played_at` is a play's start or end, so either counts. An account-data
    stream knows its end to the minute only: its end is the interval [ended_at, +59 s].
    Returns the stream's key (ended_at, item_id, ms_played, seq), the closest first.
    """
    w = DUPLICATE_WINDOW_S
    rows = conn.execute(
        "SELECT s.ended_at, s.item_id, s.ms_played, s.seq FROM streams s"
        " JOIN items i ON i.id = s.item_id"
        " WHERE s.ended_at BETWEEN ? AND ? AND s.source != ? AND s.seq >= 0"
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
