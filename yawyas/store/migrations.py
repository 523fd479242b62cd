"""Every change to the store's schema, as numbered migrations in one list, and the runner.

A migration is applied once, in its own transaction, and recorded in `migrations`; a store that
knows a migration this yawyas does not was written by a newer yawyas and is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from yawyas.errors import StoreError

# (name, SQL) in number order; add new ones at the end, never edit an applied one.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    # the history: names once each in dimension tables, streams pointing at them
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
    # what the Spotify Web API adds: lookups, top lists, saved tracks, playlists, sync state
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
    # the learned moments: the last run and each stream's moment
    (
        "0003_moments",
        """
        CREATE TABLE moment_runs (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            generation INTEGER NOT NULL,
            key TEXT NOT NULL,
            computed_at INTEGER NOT NULL,
            streams INTEGER NOT NULL,
            labels BLOB NOT NULL,
            ended_at BLOB NOT NULL
        );
        CREATE TABLE moments (
            id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            document TEXT NOT NULL
        );
        """,
    ),
    # the playlists yawyas publishes
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
    # `playlist now`'s weights per zone, and Spotify's answers for songs known by name only
    (
        "0007_songs",
        """
        -- the blend of signals `now` uses, tuned on the history of `generation` (see
        -- playlists.blend); `key` names what else it depends on (moments, version)
        CREATE TABLE now_blends (
            zone TEXT PRIMARY KEY,
            generation INTEGER NOT NULL,
            key TEXT NOT NULL,
            document TEXT NOT NULL,
            tuned_at INTEGER NOT NULL
        );
        -- one search per song key (analysis.text.song_key): status 1 found `uri`, 0 Spotify
        -- had no track with the same folded artist and title
        CREATE TABLE song_matches (
            song_key TEXT PRIMARY KEY,
            status INTEGER NOT NULL,
            uri TEXT,
            searched_at INTEGER NOT NULL
        );
        """,
    ),
)


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the numbered migrations not yet applied, each in its own transaction."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER)"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    migrations = MIGRATIONS
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
