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
    # the store readable by other tools: lookup tables for the small integer codes, declared
    # foreign keys, each platform's device family, and the `plays` view (see store/views.py)
    (
        "0005_views",
        """
        -- the names of the small integer codes (store/dimensions.py KINDS and SOURCES; a test
        -- keeps them equal: a new kind or source adds its row in its own migration)
        CREATE TABLE kinds (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        INSERT INTO kinds (id, name) VALUES
            (0, 'unknown'), (1, 'track'), (2, 'episode'), (3, 'audiobook'), (4, 'video');
        CREATE TABLE stream_sources (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        INSERT INTO stream_sources (id, name) VALUES
            (0, 'extended_audio'), (1, 'extended_video'), (2, 'account_music'),
            (3, 'account_podcast'), (4, 'account_audiobook'), (5, 'account_mixed'), (6, 'api');
        -- the device family of each platform string (phone, desktop, ...), filled by yawyas
        -- from analysis/devices.py whenever history arrives
        ALTER TABLE platforms ADD COLUMN device TEXT;
        -- the UTC offset of the views' zone from each instant on (store/views.py fills it)
        CREATE TABLE zone_offsets (
            starts_at INTEGER PRIMARY KEY,
            utc_offset_min INTEGER NOT NULL
        );
        -- the same tables again, now with their foreign keys declared (SQLite can only add
        -- them by rebuilding a table; rows are copied in primary-key order)
        CREATE TABLE items_new (
            id INTEGER PRIMARY KEY,
            kind INTEGER NOT NULL REFERENCES kinds(id),
            uri TEXT UNIQUE,
            title_id INTEGER NOT NULL REFERENCES titles(id),
            album_id INTEGER REFERENCES albums(id),
            author TEXT
        );
        INSERT INTO items_new (id, kind, uri, title_id, album_id, author)
            SELECT id, kind, uri, title_id, album_id, author FROM items ORDER BY id;
        DROP TABLE items;
        ALTER TABLE items_new RENAME TO items;
        CREATE TABLE streams_new (
            ended_at INTEGER NOT NULL,
            item_id INTEGER NOT NULL REFERENCES items(id),
            ms_played INTEGER NOT NULL,
            seq INTEGER NOT NULL DEFAULT 0,
            source INTEGER NOT NULL REFERENCES stream_sources(id),
            platform_id INTEGER REFERENCES platforms(id),
            conn_country TEXT,
            reason_start INTEGER REFERENCES reasons(id),
            reason_end INTEGER REFERENCES reasons(id),
            flags INTEGER NOT NULL DEFAULT 0,
            offline_at INTEGER,
            context_uri TEXT,
            PRIMARY KEY (ended_at, item_id, ms_played, seq)
        ) WITHOUT ROWID;
        INSERT INTO streams_new
            SELECT ended_at, item_id, ms_played, seq, source, platform_id, conn_country,
                reason_start, reason_end, flags, offline_at, context_uri
            FROM streams ORDER BY ended_at, item_id, ms_played, seq;
        DROP TABLE streams;
        ALTER TABLE streams_new RENAME TO streams;
        CREATE TABLE account_counts_new (
            minute INTEGER NOT NULL,
            title_id INTEGER NOT NULL REFERENCES titles(id),
            ms_played INTEGER NOT NULL,
            n INTEGER NOT NULL,
            source INTEGER NOT NULL REFERENCES stream_sources(id),
            author TEXT,
            PRIMARY KEY (minute, title_id, ms_played)
        ) WITHOUT ROWID;
        INSERT INTO account_counts_new
            SELECT minute, title_id, ms_played, n, source, author
            FROM account_counts ORDER BY minute, title_id, ms_played;
        DROP TABLE account_counts;
        ALTER TABLE account_counts_new RENAME TO account_counts;
        -- one row per stream, in words: what tools like Datasette, duckdb or pandas read.
        -- Times: played_at is the UTC end; local_time the local start in the zone of
        -- zone_offsets (NULL while it is empty). shuffle, skipped, offline, incognito_mode:
        -- 1, 0 or NULL (not recorded), unpacked from the bit pairs of streams.flags.
        CREATE VIEW plays AS
        WITH timed AS (
            SELECT s.*,
                s.ended_at - (s.ms_played + 999) / 1000 AS started_at,
                (SELECT z.utc_offset_min FROM zone_offsets z
                 WHERE z.starts_at <= s.ended_at - (s.ms_played + 999) / 1000
                 ORDER BY z.starts_at DESC LIMIT 1) AS utc_offset_min
            FROM streams s
        )
        SELECT
            strftime('%Y-%m-%dT%H:%M:%SZ', s.ended_at, 'unixepoch') AS played_at,
            CASE WHEN s.utc_offset_min IS NOT NULL THEN
                strftime('%Y-%m-%dT%H:%M:%S', s.started_at + 60 * s.utc_offset_min, 'unixepoch')
                || printf('%+03d:%02d', s.utc_offset_min / 60, abs(s.utc_offset_min) % 60)
            END AS local_time,
            s.utc_offset_min AS utc_offset_min,
            s.ms_played AS ms_played,
            CASE WHEN src.name = 'extended_video' THEN 'video' ELSE k.name END AS kind,
            t.name AS track_name,
            a.name AS artist_name,
            al.name AS album_name,
            i.uri AS uri,
            CASE WHEN s.platform_id IS NULL THEN 'other' ELSE p.device END AS device,
            p.name AS platform,
            s.conn_country AS country,
            rs.name AS reason_start,
            re.name AS reason_end,
            CASE WHEN s.flags & 1 THEN (s.flags >> 1) & 1 END AS shuffle,
            CASE WHEN s.flags & 4 THEN (s.flags >> 3) & 1 END AS skipped,
            CASE WHEN s.flags & 16 THEN (s.flags >> 5) & 1 END AS offline,
            strftime('%Y-%m-%dT%H:%M:%SZ', s.offline_at, 'unixepoch') AS offline_at,
            CASE WHEN s.flags & 64 THEN (s.flags >> 7) & 1 END AS incognito_mode,
            s.context_uri AS context_uri,
            src.name AS source
        FROM timed s
        JOIN items i ON i.id = s.item_id
        JOIN kinds k ON k.id = i.kind
        JOIN stream_sources src ON src.id = s.source
        JOIN titles t ON t.id = i.title_id
        LEFT JOIN artists a ON a.id = t.artist_id
        LEFT JOIN albums al ON al.id = i.album_id
        LEFT JOIN platforms p ON p.id = s.platform_id
        LEFT JOIN reasons rs ON rs.id = s.reason_start
        LEFT JOIN reasons re ON re.id = s.reason_end;
        """,
    ),
    # scrobbles from elsewhere: Last.fm and ListenBrainz streams (store/scrobbles.py)
    (
        "0006_scrobble_sources",
        """
        INSERT OR IGNORE INTO stream_sources (id, name) VALUES (7, 'lastfm'), (8, 'listenbrainz');
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
    todo = [(name, sql) for name, sql in migrations if name not in done]
    if not todo:
        return
    # Foreign keys are checked once per migration, before it commits, rather than row by row
    # while a table is rebuilt (SQLite's own procedure for changing a table's schema).
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for name, sql in todo:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(sql):
                    conn.execute(statement)
                _check_foreign_keys(conn, name)
                conn.execute(
                    "INSERT INTO migrations (name, applied_at) VALUES (?, strftime('%s','now'))",
                    (name,),
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def _check_foreign_keys(conn: sqlite3.Connection, name: str) -> None:
    """Refuse a migration that would leave rows pointing at rows that do not exist."""
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({f"{row[0]} -> {row[2]}" for row in broken})
        raise StoreError(
            f"Migration {name} found {len(broken):,} rows pointing at missing rows "
            f"({', '.join(tables)}); the store was left as it was: restore it from a backup "
            "or import your exports into a new store."
        )


def _statements(sql: str) -> Iterator[str]:
    buf: list[str] = []
    for line in sql.splitlines():
        buf.append(line)
        if line.rstrip().endswith(";") and sqlite3.complete_statement("\n".join(buf)):
            yield "\n".join(buf)
            buf = []
    if "".join(buf).strip():
        yield "\n".join(buf)
