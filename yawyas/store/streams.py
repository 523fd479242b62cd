"""Streams in and out: saving export rows, account-data counts, totals, and reading the
history as a columnar frame (the only way analyses see the streams). Scrobbles (Last.fm,
ListenBrainz) are streams too, with seq -1: their saves are in `scrobbles.py`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from yawyas.sources.dates import plausible_span
from yawyas.store.db import load_generation
from yawyas.store.dimensions import KIND_ID, KINDS, SOURCE_ID, SOURCES, Dimensions

if TYPE_CHECKING:
    import pandas as pd

PLAY_MS = 30_000  # a stream of at least 30 s is a play

# The columns an export row fills, in the order `save_streams` takes them.
STREAM_COLUMNS = (
    "ended_at",
    "item_id",
    "ms_played",
    "source",
    "platform_id",
    "conn_country",
    "reason_start",
    "reason_end",
    "flags",
    "offline_at",
)
FLAG_NAMES = ("shuffle", "skipped", "offline", "incognito_mode")
_INSERT_STREAM = (
    f"INSERT OR IGNORE INTO streams ({', '.join(STREAM_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(STREAM_COLUMNS))})"
)


def save_streams(conn: sqlite3.Connection, rows: Iterable[Sequence[Any]]) -> int:
    """Insert streams (tuples in STREAM_COLUMNS order, seq 0); return how many were new."""
    before = conn.total_changes
    conn.executemany(_INSERT_STREAM, rows)
    return conn.total_changes - before


AccountKey = tuple[int, int, int]  # (minute, title_id, ms_played)


def load_account_keys(conn: sqlite3.Connection) -> set[AccountKey]:
    return {
        (m, t, ms)
        for m, t, ms in conn.execute("SELECT minute, title_id, ms_played FROM account_counts")
    }


def save_account_counts(
    conn: sqlite3.Connection, counts: dict[AccountKey, int], source: int, authors: dict[int, str]
) -> None:
    """Merge one file's per-key counts: the store keeps the largest count of any single file."""
    conn.executemany(
        "INSERT INTO account_counts (minute, title_id, ms_played, n, source, author)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (minute, title_id, ms_played) DO UPDATE SET"
        " n = max(n, excluded.n), source = min(source, excluded.source),"
        " author = coalesce(author, excluded.author)",
        [(m, t, ms, n, source, authors.get(t)) for (m, t, ms), n in counts.items()],
    )


ACCOUNT_KIND = {
    SOURCE_ID["account_music"]: KIND_ID["track"],
    SOURCE_ID["account_mixed"]: KIND_ID["track"],
    SOURCE_ID["account_podcast"]: KIND_ID["episode"],
    SOURCE_ID["account_audiobook"]: KIND_ID["audiobook"],
}


def materialize_account_streams(
    conn: sqlite3.Connection, dims: Dimensions, keys: Iterable[AccountKey]
) -> int:
    """Make the store hold, per account key, max(0, largest file count - streams on that key).

    "Streams on that key" are the seq-0 streams (extended history, API) that ended in that
    minute with that title and ms_played. Returns the net change in the number of streams.
    Depends only on what is stored, so the result does not depend on import order.
    """
    net = 0
    for minute, title_id, ms in keys:
        row = conn.execute(
            "SELECT n, source, author FROM account_counts"
            " WHERE minute = ? AND title_id = ? AND ms_played = ?",
            (minute, title_id, ms),
        ).fetchone()
        if row is None:
            continue
        n, source, author = row
        start = minute * 60
        on_key = conn.execute(
            "SELECT s.seq, s.item_id, s.source FROM streams s JOIN items i ON i.id = s.item_id"
            " WHERE s.ended_at BETWEEN ? AND ? AND s.ms_played = ? AND i.title_id = ?",
            (start, start + 59, ms, title_id),
        ).fetchall()
        covered = sum(1 for seq, _, _ in on_key if seq == 0)
        have = [(item, src) for seq, item, src in on_key if seq > 0]
        want = max(0, n - covered)
        kind = ACCOUNT_KIND[source]
        item_id = dims.items_by_title.get((kind, title_id))
        if item_id is None:
            artist, name = conn.execute(
                "SELECT a.name, t.name FROM titles t LEFT JOIN artists a ON a.id = t.artist_id"
                " WHERE t.id = ?",
                (title_id,),
            ).fetchone()
            item_id, _ = dims.item(kind, None, artist, name, author=author)
            dims.flush()
        if len(have) == want and all(h == (item_id, source) for h in have):
            continue
        if have:
            conn.execute(
                "DELETE FROM streams WHERE ended_at = ? AND ms_played = ? AND seq > 0"
                " AND item_id IN (SELECT id FROM items WHERE title_id = ?)",
                (start, ms, title_id),
            )
        conn.executemany(
            "INSERT INTO streams (ended_at, item_id, ms_played, seq, source)"
            " VALUES (?, ?, ?, ?, ?)",
            [(start, item_id, ms, k, source) for k in range(1, want + 1)],
        )
        net += want - len(have)
    return net


@dataclass(frozen=True)
class Totals:
    streams: int
    plays: int
    listening_ms: int
    first_played_at: int | None
    last_played_at: int | None


def load_totals(conn: sqlite3.Connection) -> Totals:
    """The store's totals, counted once per generation of the history and then remembered."""
    generation = load_generation(conn)
    cached = conn.execute("SELECT value FROM meta WHERE key = 'totals'").fetchone()
    if cached:
        values = cached[0].split(",")
        if values[0] == str(generation):
            return Totals(*(int(v) if v else None for v in values[1:]))  # type: ignore[arg-type]
    totals = _count_totals(conn)
    text = ",".join(
        "" if v is None else str(v)
        for v in (
            generation,
            totals.streams,
            totals.plays,
            totals.listening_ms,
            totals.first_played_at,
            totals.last_played_at,
        )
    )
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('totals', ?)", (text,))
    return totals


def _count_totals(conn: sqlite3.Connection) -> Totals:
    plausible, args = plausible_clause()
    row = conn.execute(
        "SELECT count(*), coalesce(sum(ms_played >= ?), 0), coalesce(sum(ms_played), 0),"
        f" min(ended_at), max(ended_at) FROM streams WHERE {plausible}",
        (PLAY_MS, *args),
    ).fetchone()
    return Totals(*row)


def plausible_clause(now: float | None = None) -> tuple[str, list[int]]:
    """An SQL condition (and its arguments) that holds for the streams whose end falls in the
    plausible span of their source (`sources.dates.plausible_span`): what every reader of the
    history sees, so that a stream dated 1970 or 2099 that an older yawyas stored never reaches
    an analysis."""
    spans = [plausible_span(name, now) for name in SOURCES]
    last = max(end for _, end in spans)
    firsts = {first for first, _ in spans}
    if len(firsts) == 1:
        return "ended_at BETWEEN ? AND ?", [firsts.pop(), last]
    cases = " ".join(f"WHEN {code} THEN {first}" for code, (first, _) in enumerate(spans))
    return f"ended_at <= ? AND ended_at >= (CASE source {cases} ELSE 0 END)", [last]


def pack_flags(
    shuffle: np.ndarray, skipped: np.ndarray, offline: np.ndarray, incognito: np.ndarray
) -> np.ndarray:
    """Pack four arrays of -1 (unknown) / 0 / 1 into the `flags` column."""
    out = np.zeros(len(shuffle), dtype=np.int64)
    for bit, values in enumerate((shuffle, skipped, offline, incognito)):
        known = values >= 0
        out |= (known.astype(np.int64) | ((values == 1).astype(np.int64) << 1)) << (2 * bit)
    return out


def unpack_flag(flags: np.ndarray, bit: int) -> pd.arrays.BooleanArray:
    """One of the packed fields as a nullable boolean array."""
    import pandas as pd

    known = ((flags >> (2 * bit)) & 1).astype(bool)
    value = ((flags >> (2 * bit + 1)) & 1).astype(bool)
    return pd.arrays.BooleanArray(value, ~known)


STREAM_FRAME_COLUMNS = (
    "played_at",
    "ms_played",
    "kind",
    "track_name",
    "artist_name",
    "album_name",
    "uri",
    "platform",
    "conn_country",
    "reason_start",
    "reason_end",
    "shuffle",
    "skipped",
    "offline",
    "offline_at",
    "incognito_mode",
    "context_uri",
    "source",
    "item_id",
)
_SEP = "\x1f"  # the unit separator: never part of a country code or a URI


def load_streams(
    conn: sqlite3.Connection, since: int | None = None, until: int | None = None
) -> pd.DataFrame:
    """Every stream as a frame (one row per stream, in time order), optionally in [since, until).

    Columns: played_at (UTC unix seconds of the end, int64), ms_played (int64), kind, track_name,
    artist_name, album_name, uri, platform, conn_country, reason_start, reason_end, source,
    context_uri (categoricals: a missing value is NaN), shuffle, skipped, offline,
    incognito_mode (nullable booleans), offline_at (nullable Int64, UTC seconds), item_id.

    Streams dated outside the plausible span of their source are left out (`plausible_clause`).
    Reading is columnar: SQLite concatenates each column in one scan of the table (in primary
    key order) and numpy parses the text, which is several times faster than fetching rows.
    """
    import pandas as pd

    plausible, plausible_args = plausible_clause()
    where, args = [plausible], list(plausible_args)
    if since is not None:
        where.append("ended_at >= ?")
        args.append(since)
    if until is not None:
        where.append("ended_at < ?")
        args.append(until)
    int_columns = (
        "ended_at",
        "ms_played",
        "item_id",
        "source",
        "coalesce(platform_id, 0)",
        "coalesce(reason_start, 0)",
        "coalesce(reason_end, 0)",
        "flags",
        "coalesce(offline_at, -1)",
    )
    text_columns = ("conn_country", "context_uri")
    sql = (
        "SELECT count(*), "
        + ", ".join(f"group_concat({c})" for c in int_columns)
        + ", "
        + ", ".join(f"group_concat(coalesce({c}, ''), char(31))" for c in text_columns)
        + " FROM streams WHERE "
        + " AND ".join(where)
    )
    row = conn.execute(sql, args).fetchone()
    n = int(row[0])
    ints = [
        np.fromstring(text, dtype=np.int64, sep=",") if n else np.zeros(0, dtype=np.int64)
        for text in row[1 : 1 + len(int_columns)]
    ]
    played_at, ms_played, item_ids, source, platform, r_start, r_end, flags, offline = ints
    texts = [(text.split(_SEP) if n else []) for text in row[1 + len(int_columns) :]]
    del row

    items = conn.execute(
        "SELECT i.id, i.kind, i.uri, t.name, a.name, al.name FROM items i"
        " JOIN titles t ON t.id = i.title_id LEFT JOIN artists a ON a.id = t.artist_id"
        " LEFT JOIN albums al ON al.id = i.album_id ORDER BY i.id"
    ).fetchall()
    item_cols = list(zip(*items, strict=True)) if items else [()] * 6
    pos = np.searchsorted(np.asarray(item_cols[0], dtype=np.int64), item_ids)
    kind_codes = np.asarray(item_cols[1], dtype=np.int64)[pos] if n else np.zeros(0, np.int64)
    kind_codes[source == SOURCE_ID["extended_video"]] = KIND_ID["video"]
    frame = pd.DataFrame(
        {
            "played_at": played_at,
            "ms_played": ms_played,
            "kind": from_codes(kind_codes, KINDS),
        }
    )
    for name, values in zip(
        ("uri", "track_name", "artist_name", "album_name"), item_cols[2:], strict=True
    ):
        frame[name] = _categorical(np.asarray(values, dtype=object), pos)
    frame["platform"] = _dimension(conn, "platforms", platform)
    frame["conn_country"] = _text_categorical(texts[0])
    frame["reason_start"] = _dimension(conn, "reasons", r_start)
    frame["reason_end"] = _dimension(conn, "reasons", r_end)
    for bit, name in enumerate(FLAG_NAMES):
        frame[name] = unpack_flag(flags, bit)
    frame["offline_at"] = pd.arrays.IntegerArray(offline, offline < 0)
    frame["source"] = from_codes(source, SOURCES)
    frame["context_uri"] = _text_categorical(texts[1])
    frame["item_id"] = item_ids
    return frame[list(STREAM_FRAME_COLUMNS)]


def from_codes(codes: np.ndarray, categories: Sequence[Any]) -> pd.Categorical:
    """A categorical from integer codes (-1 = missing) and its distinct values."""
    import pandas as pd

    result: pd.Categorical = pd.Categorical.from_codes(
        codes.astype(np.int64), categories=pd.Index(list(categories), dtype="str")
    )
    return result


def _categorical(values: np.ndarray, pos: np.ndarray) -> pd.Categorical:
    """Per stream, the value of its item (`values` per item, `pos` the item of each stream)."""
    import pandas as pd

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return from_codes(codes[pos] if len(pos) else codes[:0], list(uniques))


def _text_categorical(values: list[str]) -> pd.Categorical:
    """A column read as text ('' for NULL) as a categorical with NULL missing."""
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    keep = [i for i, u in enumerate(uniques) if u != ""]
    remap = np.full(len(uniques) + 1, -1, dtype=np.int64)
    remap[keep] = np.arange(len(keep))
    return from_codes(remap[codes], [uniques[i] for i in keep])


def _dimension(conn: sqlite3.Connection, table: str, ids: np.ndarray) -> pd.Categorical:
    """Dimension ids (0 = none) as a categorical of their names."""
    pairs = conn.execute(f"SELECT id, name FROM {table} ORDER BY id").fetchall()
    size = max((i for i, _ in pairs), default=0) + 1
    remap = np.full(size, -1, dtype=np.int64)
    for k, (i, _) in enumerate(pairs):
        remap[i] = k
    codes = remap[ids] if len(ids) else ids
    return from_codes(codes, [name for _, name in pairs])
