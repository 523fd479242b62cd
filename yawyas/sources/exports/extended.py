"""Extended streaming history (`Streaming_History_Audio_*.json`, `endsong_*.json`): rows to
columns, names coded once each, invalid rows counted by reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import numpy as np

from yawyas.sources.dates import IMPLAUSIBLE_DATE, plausible_span
from yawyas.sources.exports.kinds import EXTENDED_AUDIO, MAX_MS_PLAYED, clean_name, valid_ms

# --------------------------------------------------------------------------- extended rows

# Identity of an extended row: (kind, uri, artist/show/book, track/episode/chapter, album,
# album uri). Kinds as in the store: 0 unknown, 1 track, 2 episode, 3 audiobook.
Identity = tuple[int, str | None, str | None, str | None, str | None, str | None]
_UNKNOWN_IDENTITY: Identity = (0, None, None, None, None, None)

_FIELDS = (
    "ts",
    "ms_played",
    "spotify_track_uri",
    "platform",
    "conn_country",
    "reason_start",
    "reason_end",
    "shuffle",
    "skipped",
    "offline",
    "offline_timestamp",
    "incognito_mode",
)
_FLAG = {True: 1, False: 0}
_EPOCH = np.datetime64(0, "s")


@dataclass(frozen=True)
class ExtendedColumns:
    """One extended-history file as columns: numbers as arrays, names coded once each.

    Only valid rows are kept (`skipped` counts the others by reason). `*_codes` index into the
    matching list of distinct values; -1 means null.
    """

    rows: int
    skipped: dict[str, int]
    ended_at: np.ndarray  # UTC seconds
    ms_played: np.ndarray
    identity_codes: np.ndarray
    identities: list[Identity]
    platform_codes: np.ndarray
    platforms: list[str]
    country_codes: np.ndarray
    countries: list[str]
    reason_start_codes: np.ndarray
    reason_end_codes: np.ndarray
    reasons: list[str]
    flags: np.ndarray  # shuffle, skipped, offline, incognito_mode: -1/0/1 each, shape (n, 4)
    offline_at: np.ndarray  # UTC seconds, -1 unknown


def _identity(r: dict[str, Any]) -> Identity:
    """The identity of a row: its track, episode or chapter URI, else its names."""
    uri = r.get("spotify_track_uri")
    if uri:
        return (
            1,
            uri,
            clean_name(r.get("master_metadata_album_artist_name")),
            clean_name(r.get("master_metadata_track_name")),
            clean_name(r.get("master_metadata_album_album_name")),
            None,
        )
    ep_uri = r.get("spotify_episode_uri") or None
    ep_name, show = clean_name(r.get("episode_name")), clean_name(r.get("episode_show_name"))
    if ep_uri or ep_name or show:
        return (2, ep_uri, show, ep_name, None, None)
    ch_uri = r.get("audiobook_chapter_uri") or None
    book, chapter = (
        clean_name(r.get("audiobook_title")),
        clean_name(r.get("audiobook_chapter_title")),
    )
    if ch_uri or book or chapter:
        return (3, ch_uri, book, chapter, book, r.get("audiobook_uri") or None)
    name = clean_name(r.get("master_metadata_track_name"))
    artist = clean_name(r.get("master_metadata_album_artist_name"))
    if name or artist:
        return (1, None, artist, name, clean_name(r.get("master_metadata_album_album_name")), None)
    return _UNKNOWN_IDENTITY


def _codes(values: Sequence[Any], uniques: list[str]) -> np.ndarray:
    """Code each value by its position among the distinct values (appended to `uniques`)."""
    index: dict[Any, int] = {u: i for i, u in enumerate(uniques)}
    index[None] = -1
    for v in dict.fromkeys(values):
        if v not in index:
            index[v] = len(uniques)
            uniques.append(v if isinstance(v, str) else str(v))
    return np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))


def parse_ts(ts: Any) -> int | None:
    """UTC seconds of an extended-history `ts` ("2019-03-13T20:15:03Z"); None if unreadable."""
    if not isinstance(ts, str):
        return None
    try:
        parsed = datetime.fromisoformat(ts)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def _ts_column(values: list[Any]) -> np.ndarray:
    """UTC seconds per `ts`, -1 where unreadable: numpy parses the common shape in C."""
    try:
        if all(isinstance(v, str) and len(v) == 20 and v[19] == "Z" for v in values):
            return (np.array([v[:19] for v in values], dtype="datetime64[s]") - _EPOCH).astype(
                np.int64
            )
    except ValueError:
        pass
    return np.array([-1 if (s := parse_ts(v)) is None else s for v in values], dtype=np.int64)


def _ms_column(values: list[Any]) -> np.ndarray:
    """ms_played per row; -1 where it is not a whole number from 0 to MAX_MS_PLAYED."""
    try:
        arr = np.array(values)
    except (OverflowError, ValueError):
        arr = np.array([], dtype=object)
    if arr.dtype.kind == "i" and len(arr) == len(values):
        return np.where((arr >= 0) & (arr <= MAX_MS_PLAYED), arr, -1).astype(np.int64)
    return np.fromiter(
        (-1 if (ms := valid_ms(v)) is None else ms for v in values),
        dtype=np.int64,
        count=len(values),
    )


def _offline_column(values: list[Any]) -> np.ndarray:
    """offline_timestamp as UTC seconds (seconds in some files, ms in others); 0/null -> -1."""
    out = np.array(
        [
            v if isinstance(v, int | float) and not isinstance(v, bool) and v > 0 else -1
            for v in values
        ],
        dtype=np.float64,
    )
    out = np.where(out > 100_000_000_000, out // 1000, out)
    return out.astype(np.int64)


def read_extended(rows: list[Any], kind: str = EXTENDED_AUDIO) -> ExtendedColumns:
    """Turn one extended-history file's rows into columns (see ExtendedColumns); rows whose
    `ts` is outside `plausible_span(kind)` are skipped as "implausible date"."""
    skipped: dict[str, int] = {}
    total = len(rows)
    rows = [r for r in rows if isinstance(r, dict)]
    if len(rows) < total:
        skipped["row is not an object"] = total - len(rows)
    getter = itemgetter(*_FIELDS)
    try:
        table = [getter(r) for r in rows]
    except KeyError:  # older files lack some fields
        table = [tuple(r.get(k) for k in _FIELDS) for r in rows]
    cols: list[tuple[Any, ...]] = list(zip(*table, strict=True)) if table else [()] * len(_FIELDS)
    del table
    ended = _ts_column(list(cols[0]))
    ms = _ms_column(list(cols[1]))
    bad_ts = ended < 0
    first, last = plausible_span(kind)
    implausible = ~bad_ts & ((ended < first) | (ended > last))
    bad_ms = (ms < 0) & ~bad_ts & ~implausible
    if bad_ts.any():
        skipped["unreadable ts"] = int(bad_ts.sum())
    if implausible.any():
        skipped[IMPLAUSIBLE_DATE] = int(implausible.sum())
    if bad_ms.any():
        skipped["unreadable ms_played"] = int(bad_ms.sum())
    keep = np.flatnonzero(~(bad_ts | implausible | bad_ms))
    if len(keep) < len(rows):
        kept = keep.tolist()
        rows = [rows[i] for i in kept]
        cols = [tuple(c[i] for i in kept) for c in cols]
        ended, ms = ended[keep], ms[keep]

    # identities: rows with a track URI are coded by URI (names from its first row);
    # the others, by their names, row by row
    uris = cols[2]
    first_row = {u: i for i, u in zip(range(len(uris) - 1, -1, -1), reversed(uris), strict=True)}
    identities: list[Identity] = []
    index: dict[Any, int] = {}
    for uri, i in first_row.items():
        if uri and isinstance(uri, str):
            index[uri] = len(identities)
            identities.append(_identity(rows[i]))
    by_names: dict[Identity, int] = {}
    codes = [index.get(u, -1) if u else -1 for u in uris]
    for i in [i for i, c in enumerate(codes) if c < 0]:
        ident = _identity(rows[i])
        key: Any = ident[1] if ident[1] is not None else ident
        code = index.get(key) if ident[1] is not None else by_names.get(ident)
        if code is None:
            code = len(identities)
            identities.append(ident)
            if ident[1] is not None:
                index[key] = code
            else:
                by_names[ident] = code
        codes[i] = code
    identity_codes = np.array(codes, dtype=np.int64)

    platforms: list[str] = []
    countries: list[str] = []
    reasons: list[str] = []
    flags = (
        np.array([[_FLAG.get(v, -1) for v in cols[k]] for k in (7, 8, 9, 11)], dtype=np.int64)
        .reshape(4, len(rows))
        .T
    )
    return ExtendedColumns(
        rows=total,
        skipped=skipped,
        ended_at=ended,
        ms_played=ms,
        identity_codes=identity_codes,
        identities=identities,
        platform_codes=_codes(cols[3], platforms),
        platforms=platforms,
        country_codes=_codes(cols[4], countries),
        countries=countries,
        reason_start_codes=_codes(cols[5], reasons),
        reason_end_codes=_codes(cols[6], reasons),
        reasons=reasons,
        flags=flags,
        offline_at=_offline_column(list(cols[10])),
    )
