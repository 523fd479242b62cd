"""The person's Spotify library in the store: dated top lists, saved tracks, and a mirror of
their playlists (API playlists may share a name, which the export `playlists` table's
UNIQUE (source, name) cannot hold). Tables: migration 0002 in `yawyas.store.spotify`."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from yawyas.sources.spotify_models import (
    PlaylistEntry,
    PlaylistInfo,
    SavedTrack,
    TopArtist,
    TopTrack,
)
from yawyas.store.dimensions import Dimensions
from yawyas.store.metadata import save_artist_meta, save_track_meta
from yawyas.store.spotify import track_item

# --------------------------------------------------------------------------- top lists


def save_top_snapshot(
    conn: sqlite3.Connection,
    dims: Dimensions,
    taken_on: str,
    tracks: Sequence[TopTrack],
    artists: Sequence[TopArtist],
) -> int:
    """Replace the snapshot of day `taken_on` (YYYY-MM-DD, UTC); returns rows written."""
    rows: list[tuple[str, str, str, int, int | None, str | None, str]] = []
    keyed = [(track_item(dims, t.track)[0], t) for t in tracks]
    dims.flush()
    save_track_meta(conn, [(item_id, t.track) for item_id, t in keyed])
    for item_id, t in keyed:
        rows.append((taken_on, "tracks", t.time_range, t.rank, item_id, None, t.track.name))
    for a in artists:
        rows.append((taken_on, "artists", a.time_range, a.rank, None, a.artist.id, a.artist.name))
    save_artist_meta(conn, [(a.artist.id, a.artist) for a in artists])
    conn.execute("DELETE FROM top_snapshots WHERE taken_on = ?", (taken_on,))
    conn.executemany("INSERT INTO top_snapshots VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def load_top_days(conn: sqlite3.Connection) -> list[str]:
    """The days (YYYY-MM-DD, UTC) with a top snapshot, oldest first."""
    return [r[0] for r in conn.execute("SELECT DISTINCT taken_on FROM top_snapshots ORDER BY 1")]


def load_top(
    conn: sqlite3.Connection, kind: str, time_range: str, taken_on: str | None = None
) -> list[tuple[int, int | None, str | None, str]]:
    """(rank, item id, artist id, name) of one top list, from `taken_on` or the latest day."""
    return [
        (int(rank), item_id, artist_id, str(name))
        for rank, item_id, artist_id, name in conn.execute(
            "SELECT rank, item_id, artist_id, name FROM top_snapshots WHERE kind = ?"
            " AND time_range = ? AND taken_on = coalesce(?, (SELECT max(taken_on) FROM"
            " top_snapshots)) ORDER BY rank",
            (kind, time_range, taken_on),
        )
    ]


def save_saved_tracks(
    conn: sqlite3.Connection, dims: Dimensions, saved: Sequence[SavedTrack], *, replace: bool
) -> int:
    """Add saved tracks (or, with `replace`, make the table hold exactly these); returns how
    many were not there before."""
    keyed = [(track_item(dims, s.track)[0], s) for s in saved]
    dims.flush()
    save_track_meta(conn, [(item_id, s.track) for item_id, s in keyed])
    before = {r[0] for r in conn.execute("SELECT item_id FROM saved_tracks")}
    if replace:
        conn.execute("DELETE FROM saved_tracks")
    conn.executemany(
        "INSERT OR REPLACE INTO saved_tracks (item_id, added_at) VALUES (?, ?)",
        [(i, None if s.added_at_ms is None else s.added_at_ms // 1000) for i, s in keyed],
    )
    return len({i for i, _ in keyed} - before)


def load_newest_saved_s(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT max(added_at) FROM saved_tracks").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def load_saved_item_ids(conn: sqlite3.Connection) -> list[int]:
    """Saved tracks' item ids, most recently saved first."""
    return [
        r[0]
        for r in conn.execute("SELECT item_id FROM saved_tracks ORDER BY added_at DESC, item_id")
    ]


# --------------------------------------------------------------------------- playlists


def save_playlists(conn: sqlite3.Connection, playlists: Sequence[PlaylistInfo]) -> None:
    """Make the mirror hold exactly these playlists' metadata (items of gone ones go too)."""
    keep = {p.id for p in playlists}
    gone = [(r[0],) for r in conn.execute("SELECT spotify_id FROM spotify_playlists")]
    conn.executemany(
        "DELETE FROM spotify_playlists WHERE spotify_id = ?", [g for g in gone if g[0] not in keep]
    )
    conn.executemany(
        "INSERT INTO spotify_playlists (spotify_id, position, name, description, owner_id,"
        " owner_name, collaborative, public, snapshot_id, items_total)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (spotify_id) DO UPDATE SET"
        " position = excluded.position, name = excluded.name,"
        " description = excluded.description, owner_id = excluded.owner_id,"
        " owner_name = excluded.owner_name, collaborative = excluded.collaborative,"
        " public = excluded.public, snapshot_id = excluded.snapshot_id,"
        " items_total = excluded.items_total",
        [
            (
                p.id,
                k,
                p.name,
                p.description or None,
                p.owner_id,
                p.owner_name,
                int(p.collaborative),
                None if p.public is None else int(p.public),
                p.snapshot_id,
                p.items_total,
            )
            for k, p in enumerate(playlists)
        ],
    )


def load_playlist_snapshots(conn: sqlite3.Connection) -> dict[str, str]:
    """Playlist id -> the snapshot id its items were read at (stored, or found not available)."""
    return {
        pid: snapshot
        for pid, snapshot in conn.execute(
            "SELECT spotify_id, items_snapshot_id FROM spotify_playlists"
            " WHERE items_status IS NOT NULL AND items_snapshot_id IS NOT NULL"
        )
    }


def mark_playlist_not_available(
    conn: sqlite3.Connection, playlist_id: str, snapshot_id: str | None
) -> None:
    """Spotify would not give this playlist's items (403): keep its metadata only."""
    conn.execute("DELETE FROM spotify_playlist_items WHERE playlist_id = ?", (playlist_id,))
    conn.execute(
        "UPDATE spotify_playlists SET items_status = 'not available', items_snapshot_id = ?"
        " WHERE spotify_id = ?",
        (snapshot_id, playlist_id),
    )


def save_playlist_items(
    conn: sqlite3.Connection,
    dims: Dimensions,
    playlist_id: str,
    snapshot_id: str | None,
    entries: Sequence[PlaylistEntry],
) -> None:
    """Replace one playlist's items; local files keep their spotify:local: URI only."""
    rows = []
    tracks = []
    for e in entries:
        if e.track.is_local or e.track.id is None:
            item_id, local_uri = None, e.track.uri
        else:
            item_id, local_uri = track_item(dims, e.track)[0], None
            tracks.append((item_id, e.track))
        added = None if e.added_at_ms is None else e.added_at_ms // 1000
        rows.append((playlist_id, e.position, item_id, local_uri, added, e.added_by_id))
    dims.flush()
    save_track_meta(conn, tracks)
    conn.execute("DELETE FROM spotify_playlist_items WHERE playlist_id = ?", (playlist_id,))
    conn.executemany("INSERT INTO spotify_playlist_items VALUES (?, ?, ?, ?, ?, ?)", rows)
    conn.execute(
        "UPDATE spotify_playlists SET items_status = 'stored', items_snapshot_id = ?"
        " WHERE spotify_id = ?",
        (snapshot_id, playlist_id),
    )
