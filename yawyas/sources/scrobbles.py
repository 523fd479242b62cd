"""What every scrobble source gives: one file's plays as columns (`ScrobbleColumns`).

Scrobbles (Last.fm, ListenBrainz) time the START of a play, exact to the second or to the minute,
and mostly carry no duration; Spotify's `ts` is the END of a stream. The readers in `lastfm.py`
and `listenbrainz.py` feed batches of raw rows to a `ColumnsBuilder`, which codes names once each,
cleans ids, skips and counts what cannot be a play, and collapses double scrobbles. No SQL here.
"""

from __future__ import annotations

import gc
import itertools
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

Int64Array = npt.NDArray[np.int64]

LASTFM = "lastfm"
LISTENBRAINZ = "listenbrainz"

# Reasons a row is not kept, as counted in ScrobbleColumns.skipped.
NO_DATE = "no date (now playing)"
NO_NAMES = "no artist or track name"
IMPLAUSIBLE = "implausible date"
DOUBLE = "double scrobble"

EARLIEST_S: Final = 1_009_843_200  # 2002-01-01T00:00:00Z: scrobbling (Audioscrobbler) began in 2002
FUTURE_SLACK_S: Final = 86_400  # a date later than now + 1 day cannot be a real play
MISSING: Final = np.int64(-(2**62))  # a row with no date at all (Last.fm's "now playing" row)


@dataclass(frozen=True)
class Scrobble:
    """One kept row, decoded (for tests and small callers; bulk code reads the columns)."""

    started_at: int
    artist: str
    track: str
    album: str | None
    duration_ms: int
    spotify_id: str | None
    isrc: str | None
    mbid: str | None
    msid: str | None


@dataclass(frozen=True)
class ScrobbleColumns:
    """One scrobble file as columns: times as arrays, names coded once each.

    `rows` counts the file's data rows; each is either kept or counted in `skipped` by reason,
    so `rows == kept + sum(skipped.values())`. `started_at` is the START of each play in UTC
    seconds, exact to `precision_s` (1, or 60 for minute-precision layouts: the play began in
    `[started_at, started_at + 60)`). `*_codes` index into the matching list of distinct,
    stripped values; -1 means absent. `duration_ms` is -1 where the source does not say.
    `spotify_ids` are track URIs (`spotify:track:<id>`), `mbids` MusicBrainz recording ids,
    `msids` ListenBrainz recording MSIDs. Kept rows stay in file order.
    """

    source: str  # LASTFM or LISTENBRAINZ
    layout: str  # which export layout the file had, e.g. "lastfm-to-csv"
    rows: int
    skipped: dict[str, int]
    precision_s: int
    started_at: Int64Array
    duration_ms: Int64Array
    artist_codes: Int64Array
    artists: list[str]
    track_codes: Int64Array
    tracks: list[str]
    album_codes: Int64Array
    albums: list[str]
    spotify_id_codes: Int64Array
    spotify_ids: list[str]
    isrc_codes: Int64Array
    isrcs: list[str]
    mbid_codes: Int64Array
    mbids: list[str]
    msid_codes: Int64Array
    msids: list[str]

    @property
    def kept(self) -> int:
        """How many plays the file holds after skipping."""
        return len(self.started_at)

    def record(self, i: int) -> Scrobble:
        """The i-th kept play, decoded."""

        def pick(codes: Int64Array, values: list[str]) -> str | None:
            c = int(codes[i])
            return values[c] if c >= 0 else None

        return Scrobble(
            started_at=int(self.started_at[i]),
            artist=self.artists[int(self.artist_codes[i])],
            track=self.tracks[int(self.track_codes[i])],
            album=pick(self.album_codes, self.albums),
            duration_ms=int(self.duration_ms[i]),
            spotify_id=pick(self.spotify_id_codes, self.spotify_ids),
            isrc=pick(self.isrc_codes, self.isrcs),
            mbid=pick(self.mbid_codes, self.mbids),
            msid=pick(self.msid_codes, self.msids),
        )


# --------------------------------------------------------------------------- shared building


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cycle collector while parsing: millions of small lists, dicts and strings,
    none of them cyclic, would otherwise trigger collection after collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _stripped(text: str) -> str | None:
    return text.strip() or None


class Coder:
    """Codes values by their cleaned form (stripped, by default); absent -> -1.

    One C-level dict pass per batch: each raw value maps to the position where it was first
    seen, and each distinct raw value is cleaned once, so a million rows naming a few thousand
    things cost a dict lookup each. `clean` returns None for a value that means "absent".
    """

    def __init__(self, clean: Callable[[str], str | None] = _stripped) -> None:
        self.values: list[str] = []  # the distinct cleaned values, by code
        self._clean = clean
        self._index: dict[str, int] = {}  # cleaned value -> code
        self._first: dict[str | None, int] = {None: 0}  # raw value -> position first seen
        self._code_at = np.full(1, -1, dtype=np.int64)  # position -> code (first positions)

    def code(self, raw: Iterable[str | None], count: int) -> Int64Array:
        """The code of each of the `count` values, appending new ones to `values`."""
        seen = len(self._code_at)
        known = len(self._first)
        first = np.fromiter(
            map(self._first.setdefault, raw, itertools.count(seen)), dtype=np.int64, count=count
        )
        code_at = np.empty(count, dtype=np.int64)
        for value, at in itertools.islice(reversed(self._first.items()), len(self._first) - known):
            code_at[at - seen] = self._code_of(self._clean(value)) if value is not None else -1
        self._code_at = np.concatenate([self._code_at, code_at])
        return self._code_at[first]

    def code_dictionary(self, values: list[str], indices: npt.NDArray[np.integer]) -> Int64Array:
        """The codes of a dictionary-encoded column: `values` are its distinct raw values (each
        cleaned once here), `indices` each row's position in them."""
        if not self.values and self._clean is _stripped and "" not in values:
            stripped = [v.strip() for v in values]
            if stripped == values:  # clean and distinct already: they are the codes
                self.values = list(values)
                self._index = dict(zip(self.values, range(len(values)), strict=True))
                return indices.astype(np.int64)
        table = np.fromiter(
            (self._code_of(self._clean(v)) for v in values), dtype=np.int64, count=len(values)
        )
        if not len(table):
            return np.full(len(indices), -1, dtype=np.int64)
        codes: Int64Array = table[indices]
        return codes

    def _code_of(self, text: str | None) -> int:
        if not text:
            return -1
        c = self._index.get(text)
        if c is None:
            c = self._index[text] = len(self.values)
            self.values.append(text)
        return c


def _doubles(started: Int64Array, artist: Int64Array, track: Int64Array) -> npt.NDArray[np.bool_]:
    """Which rows repeat an earlier row's (start, artist, track): all but the first of each."""
    double = np.zeros(len(started), dtype=bool)
    if len(started) < 2:
        return double
    # only rows sharing a start with another can be doubles: sort those few by the full key
    by_start = np.argsort(started, kind="stable")
    ordered = started[by_start]
    shared = np.zeros(len(started), dtype=bool)
    tie = ordered[1:] == ordered[:-1]
    shared[1:] |= tie
    shared[:-1] |= tie
    rows = by_start[shared]
    if len(rows) < 2:
        return double
    order = rows[np.lexsort((rows, track[rows], artist[rows], started[rows]))]
    same = (
        (np.diff(started[order]) == 0)
        & (np.diff(artist[order]) == 0)
        & (np.diff(track[order]) == 0)
    )
    double[order[1:][same]] = True  # the row index breaks ties: the first row is kept
    return double


class ColumnsBuilder:
    """Accumulates batches of rows into a ScrobbleColumns, skipping and counting as it goes.

    Rows without a date, without artist or track, or with a date outside [2002, now + 1 day]
    are counted, not kept; rows with the same start, artist and track are one play.
    """

    def __init__(self, source: str, layout: str, precision_s: int, now: float | None) -> None:
        self.source, self.layout, self.precision_s = source, layout, precision_s
        self.latest_s = int(time.time() if now is None else now) + FUTURE_SLACK_S
        self.rows = 0
        self.skipped: dict[str, int] = {}
        self.artists, self.tracks, self.albums = Coder(), Coder(), Coder()
        self.spotify_ids = Coder(clean_spotify_id)
        self.isrcs = Coder(clean_isrc)
        self.mbids = Coder(clean_mbid)
        self.msids = Coder(clean_mbid)
        self._parts: list[list[Int64Array | None]] = []  # None: a column this batch lacks

    def _skip(self, reason: str, count: int) -> None:
        if count:
            self.skipped[reason] = self.skipped.get(reason, 0) + count

    def add(
        self,
        started_at: Int64Array,
        artists: Iterable[str | None],
        tracks: Iterable[str | None],
        albums: Iterable[str | None],
        *,
        duration_ms: Int64Array | None = None,
        spotify_ids: Iterable[str | None] | None = None,
        isrcs: Iterable[str | None] | None = None,
        mbids: Iterable[str | None] | None = None,
        mbids_else: Iterable[str | None] | None = None,
        msids: Iterable[str | None] | None = None,
    ) -> None:
        """Add one batch; `started_at` is UTC seconds (MISSING where the row has no date).

        The other columns give one value per row (None if absent), in any iterable. Names are
        stripped here, ids cleaned (a value that is not a valid id counts as absent);
        `mbids_else` is used where `mbids` has no valid id.
        """
        n = len(started_at)
        mbid = None if mbids is None else self.mbids.code(mbids, n)
        if mbids_else is not None:
            other = self.mbids.code(mbids_else, n)
            mbid = other if mbid is None else np.where(mbid >= 0, mbid, other)
        self.add_coded(
            started_at,
            self.artists.code(artists, n),
            self.tracks.code(tracks, n),
            self.albums.code(albums, n),
            duration_ms=duration_ms,
            spotify_ids=None if spotify_ids is None else self.spotify_ids.code(spotify_ids, n),
            isrcs=None if isrcs is None else self.isrcs.code(isrcs, n),
            mbids=mbid,
            msids=None if msids is None else self.msids.code(msids, n),
        )

    def add_coded(
        self,
        started_at: Int64Array,
        artist: Int64Array,
        track: Int64Array,
        album: Int64Array,
        *,
        duration_ms: Int64Array | None = None,
        spotify_ids: Int64Array | None = None,
        isrcs: Int64Array | None = None,
        mbids: Int64Array | None = None,
        msids: Int64Array | None = None,
    ) -> None:
        """Add one batch whose names and ids are already codes of this builder's coders."""
        self.rows += len(started_at)
        cols: list[Int64Array | None] = [
            started_at, artist, track, album, duration_ms, spotify_ids, isrcs, mbids, msids,
        ]  # fmt: skip
        no_date = started_at == MISSING
        no_names = ~no_date & ((artist < 0) | (track < 0))
        implausible = (
            ~no_date & ~no_names & ((started_at < EARLIEST_S) | (started_at > self.latest_s))
        )
        self._skip(NO_DATE, int(no_date.sum()))
        self._skip(NO_NAMES, int(no_names.sum()))
        self._skip(IMPLAUSIBLE, int(implausible.sum()))
        bad = no_date | no_names | implausible
        if bad.any():
            keep = np.flatnonzero(~bad)
            cols = [None if c is None else c[keep] for c in cols]
        self._parts.append(cols)

    def finish(self) -> ScrobbleColumns:
        """Collapse double scrobbles and return the columns."""
        sizes = [len(p[0]) for p in self._parts if p[0] is not None]
        present: dict[int, Int64Array] = {}
        for k in range(9):
            parts = [p[k] for p in self._parts]
            if k < 3 or any(c is not None for c in parts):  # start, artist, track: always
                present[k] = np.concatenate(
                    [np.full(m, -1, dtype=np.int64) if c is None else c
                     for c, m in zip(parts, sizes, strict=True)]
                    or [np.empty(0, dtype=np.int64)]
                )  # fmt: skip
        self._parts = []
        double = _doubles(present[0], present[1], present[2])
        if double.any():
            self._skip(DOUBLE, int(double.sum()))
            keep = np.flatnonzero(~double)
            present = {k: c[keep] for k, c in present.items()}
        kept = len(present[0])
        cols = [present[k] if k in present else np.full(kept, -1, dtype=np.int64) for k in range(9)]
        return ScrobbleColumns(
            source=self.source,
            layout=self.layout,
            rows=self.rows,
            skipped=dict(self.skipped),
            precision_s=self.precision_s,
            started_at=cols[0],
            duration_ms=cols[4],
            artist_codes=cols[1],
            artists=self.artists.values,
            track_codes=cols[2],
            tracks=self.tracks.values,
            album_codes=cols[3],
            albums=self.albums.values,
            spotify_id_codes=cols[5],
            spotify_ids=self.spotify_ids.values,
            isrc_codes=cols[6],
            isrcs=self.isrcs.values,
            mbid_codes=cols[7],
            mbids=self.mbids.values,
            msid_codes=cols[8],
            msids=self.msids.values,
        )


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SPOTIFY_TRACK = re.compile(
    r"(?:https?://open\.spotify\.com/(?:intl-[A-Za-z-]+/)?track/|spotify:track:)?"
    r"([0-9A-Za-z]{22})(?:[?#].*)?"
)
_ISRC = re.compile(r"[A-Z]{2}[A-Z0-9]{3}[0-9]{7}")


def clean_mbid(value: str) -> str | None:
    """A MusicBrainz id (or ListenBrainz MSID) in lower case, or None if it is not a UUID."""
    text = value.strip().lower()
    return text if _UUID.fullmatch(text) else None


def clean_spotify_id(value: str) -> str | None:
    """A Spotify track as its URI (`spotify:track:<id>`), from a URL, URI or bare id."""
    m = _SPOTIFY_TRACK.fullmatch(value.strip())
    return f"spotify:track:{m.group(1)}" if m else None


def clean_isrc(value: str) -> str | None:
    """An ISRC in upper case without hyphens, or None if it is not one."""
    text = value.strip().upper().replace("-", "")
    return text if _ISRC.fullmatch(text) else None
