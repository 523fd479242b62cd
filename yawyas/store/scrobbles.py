"""Scrobbles (Last.fm, ListenBrainz) in the store: the SQL behind one history without doubles.

A scrobble is a stream like any other, so that every analysis sees it, told apart by `seq` -1
(Spotify's streams have seq >= 0) and its source (`lastfm`, `listenbrainz`). It times the START
of a play: `ended_at` = start + `ms_played` // 1000, so the start is `ended_at - ms_played // 1000`
exactly, as for every stream. The four Spotify fields of `flags` (bits 0-7) are unknown for a
scrobble; two bits of its own say what its times are worth:

- MINUTE_FLAG (bit 8): the start is known to the minute only (the play began in [start, +59 s]);
- OWN_MS_FLAG (bit 9): `ms_played` is the source's own duration (ListenBrainz `duration_ms`),
  not the track's known duration or the assumed one, which a later import may improve.

The rule that decides which scrobbles are kept lives in `services/scrobbles.py`; here are the
loads and saves it needs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import orjson

from yawyas.store.db import insert_many
from yawyas.store.dimensions import SOURCE_ID

Int64Array = npt.NDArray[np.int64]

SCROBBLE_SEQ = -1
MINUTE_FLAG = 1 << 8
OWN_MS_FLAG = 1 << 9
SCROBBLE_SOURCES = (SOURCE_ID["lastfm"], SOURCE_ID["listenbrainz"])
_SCROBBLE_KINDS = ("lastfm", "listenbrainz")  # imported_files.kind of a scrobble file


@dataclass(frozen=True)
class NearStreams:
    """Streams of a stretch of time, column by column (one entry per stream)."""

    ended_at: Int64Array
    item_id: Int64Array
    ms_played: Int64Array
    seq: Int64Array
    source: Int64Array
    flags: Int64Array
    title_id: Int64Array
    has_uri: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.ended_at)

    def take(self, rows: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> NearStreams:
        """The streams at `rows` (positions or a mask)."""
        return NearStreams(*(getattr(self, f)[rows] for f in self.__dataclass_fields__))


def load_streams_ending(conn: sqlite3.Connection, lo: int, hi: int) -> NearStreams:
    """Every stream (Spotify's and scrobbles) whose `ended_at` lies in [lo, hi] (UTC s)."""
    rows = conn.execute(
        "SELECT s.ended_at, s.item_id, s.ms_played, s.seq, s.source, s.flags, i.title_id,"
        " i.uri IS NOT NULL FROM streams s JOIN items i ON i.id = s.item_id"
        " WHERE s.ended_at BETWEEN ? AND ?",
        (lo, hi),
    ).fetchall()
    cols = np.array(rows, dtype=np.int64).reshape(-1, 8).T
    return NearStreams(
        ended_at=cols[0],
        item_id=cols[1],
        ms_played=cols[2],
        seq=cols[3],
        source=cols[4],
        flags=cols[5],
        title_id=cols[6],
        has_uri=cols[7].astype(bool),
    )


def has_scrobbles(conn: sqlite3.Connection) -> bool:
    """Whether a scrobble file was ever imported (cheap: no scan of the streams)."""
    marks = ", ".join("?" * len(_SCROBBLE_KINDS))
    row = conn.execute(
        f"SELECT 1 FROM imported_files WHERE kind IN ({marks}) LIMIT 1", _SCROBBLE_KINDS
    ).fetchone()
    return row is not None


def save_scrobble_streams(
    conn: sqlite3.Connection,
    source: int,
    ended_at: Int64Array,
    item_id: Int64Array,
    ms_played: Int64Array,
    flags: Int64Array,
) -> int:
    """Insert scrobbles as streams (seq -1); returns how many were new. Rows go in key order,
    which SQLite appends fastest."""
    order = np.argsort(ended_at, kind="stable")
    matrix = np.empty((len(order), 4), dtype=np.int64)
    for k, column in enumerate((ended_at, item_id, ms_played, flags)):
        matrix[:, k] = column[order]
    return insert_many(
        conn,
        "INSERT OR IGNORE INTO streams (ended_at, item_id, ms_played, flags, seq, source)",
        matrix,
        row=f"(?, ?, ?, ?, {SCROBBLE_SEQ}, {int(source)})",
    )


def delete_scrobble_streams(conn: sqlite3.Connection, keys: Iterable[tuple[int, int, int]]) -> int:
    """Delete scrobbles by (ended_at, item_id, ms_played); returns how many went."""
    before = conn.total_changes
    conn.executemany(
        f"DELETE FROM streams WHERE ended_at = ? AND item_id = ? AND ms_played = ?"
        f" AND seq = {SCROBBLE_SEQ}",
        keys,
    )
    return conn.total_changes - before


def load_title_names(
    conn: sqlite3.Connection, title_ids: Iterable[int]
) -> dict[int, tuple[str | None, str | None]]:
    """(artist, name) of each title id."""
    ids = orjson.dumps(sorted({int(t) for t in title_ids}))
    return {
        t: (a, n)
        for t, a, n in conn.execute(
            "SELECT t.id, a.name, t.name FROM titles t LEFT JOIN artists a ON a.id = t.artist_id"
            " WHERE t.id IN (SELECT value FROM json_each(?))",
            (ids,),
        )
    }


def load_items_by_isrc(
    conn: sqlite3.Connection, isrcs: Iterable[str]
) -> dict[str, tuple[int, int]]:
    """(item id, title id) of the Spotify track each ISRC belongs to, where a lookup
    (`yawyas enrich`, a sync) told it; the first such item when several share one."""
    found: dict[str, tuple[int, int]] = {}
    for isrc, item_id, title_id in conn.execute(
        "SELECT m.isrc, i.id, i.title_id FROM track_meta m JOIN items i ON i.id = m.item_id"
        " WHERE m.status = 1 AND m.isrc IN (SELECT value FROM json_each(?)) ORDER BY i.id",
        (orjson.dumps(sorted(set(isrcs))),),
    ):
        found.setdefault(str(isrc), (int(item_id), int(title_id)))
    return found


def load_title_ids(conn: sqlite3.Connection, uris: Iterable[str]) -> list[int]:
    """The title ids of the items with these URIs."""
    return [
        int(t)
        for (t,) in conn.execute(
            "SELECT title_id FROM items WHERE uri IN (SELECT value FROM json_each(?))",
            (orjson.dumps(sorted(set(uris))),),
        )
    ]


def load_known_durations(conn: sqlite3.Connection) -> dict[int, int]:
    """Per title id, the track's known length in ms: the median `ms_played` of its completed
    plays in the extended history (reason_end `trackdone`), else the longest duration Spotify
    gave for an item of that title (`track_meta`, from `yawyas enrich` or a sync)."""
    rows = conn.execute(
        "SELECT i.title_id, s.ms_played FROM streams s JOIN items i ON i.id = s.item_id"
        " WHERE s.seq = 0 AND s.source = ? AND s.ms_played > 0"
        " AND s.reason_end = (SELECT id FROM reasons WHERE name = 'trackdone')",
        (SOURCE_ID["extended_audio"],),
    ).fetchall()
    known: dict[int, int] = {}
    if rows:
        pairs = np.array(rows, dtype=np.int64)
        pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
        titles, first, counts = np.unique(pairs[:, 0], return_index=True, return_counts=True)
        lower = pairs[first + (counts - 1) // 2, 1]
        upper = pairs[first + counts // 2, 1]
        known = dict(zip(titles.tolist(), ((lower + upper) // 2).tolist(), strict=True))
    for title_id, ms in conn.execute(
        "SELECT i.title_id, max(m.duration_ms) FROM track_meta m JOIN items i ON i.id = m.item_id"
        " WHERE m.status = 1 AND m.duration_ms > 0 GROUP BY i.title_id"
    ):
        known.setdefault(int(title_id), int(ms))
    return known


def load_derived_scrobbles(
    conn: sqlite3.Connection, title_ids: Iterable[int] | None = None
) -> tuple[Int64Array, Int64Array, Int64Array, Int64Array]:
    """Scrobbles whose `ms_played` is not their source's own (of these titles, or all):
    (ended_at, item_id, ms_played, title_id) as arrays."""
    sql = (
        "SELECT s.ended_at, s.item_id, s.ms_played, i.title_id FROM streams s"
        " JOIN items i ON i.id = s.item_id"
        f" WHERE s.seq = {SCROBBLE_SEQ} AND (s.flags & {OWN_MS_FLAG}) = 0"
    )
    args: tuple[bytes, ...] = ()
    if title_ids is not None:
        sql += " AND i.title_id IN (SELECT value FROM json_each(?))"
        args = (orjson.dumps(sorted({int(t) for t in title_ids})),)
    cols = np.array(conn.execute(sql, args).fetchall(), dtype=np.int64).reshape(-1, 4).T
    return cols[0], cols[1], cols[2], cols[3]


def update_scrobble_durations(
    conn: sqlite3.Connection, changes: Iterable[tuple[int, int, int, int]]
) -> int:
    """Give scrobbles a new `ms_played` and move their end with it (the start stays):
    (new ms, ended_at, item_id, old ms) each; returns how many changed."""
    before = conn.total_changes
    conn.executemany(
        "UPDATE OR IGNORE streams SET ms_played = ?1,"
        " ended_at = ended_at - ms_played / 1000 + ?1 / 1000"
        f" WHERE ended_at = ?2 AND item_id = ?3 AND ms_played = ?4 AND seq = {SCROBBLE_SEQ}",
        changes,
    )
    return conn.total_changes - before
