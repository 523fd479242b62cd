"""Scrobbles (Last.fm, ListenBrainz) into the store as one history with Spotify's: no doubles.

The rule, as the README states it ("Long histories from elsewhere"):

- When a play started: a scrobble's start lies in [s, s + p - 1] (p: 1 s, or 60 s for layouts
  that give the minute); a Spotify stream's in [ended_at - ms_played / 1000, + slack] (slack:
  59 s for account data, which knows its end to the minute only; the whole duration for plays
  from the API, whose `played_at` may be a start or an end; else 0).
- Two plays are of the same song when they have the same item (a ListenBrainz listen with a
  `spotify_id` has the Spotify item) or the same `song_key` of artist and title
  (`analysis.text`: case, accents, punctuation and "- Remastered 2011" set aside).
- A scrobble and a Spotify stream of the same song whose starts lie within 120 s of each other
  are one play: the Spotify stream is kept (it knows `ms_played`, the device, ...), the scrobble
  is dropped, whichever was imported first. A scrobble of a Spotify track (a ListenBrainz listen
  with its `spotify_id`) may also lie within 120 s of the stream's end: ListenBrainz's Spotify
  importer times listens by the API's `played_at`, the end of the play.
- Two scrobbles of the same song whose starts overlap (the same second; the same minute for a
  minute-precision layout) are one play, within a file or across files and sources. The copy
  kept is the better one: a duration of its own, then a Spotify item, then the second; on a tie,
  the one stored first.

Durations: a scrobble's `ms_played` is its source's own duration where it has one (ListenBrainz
`duration_ms`), else the track's known duration (`store.scrobbles.load_known_durations`), else
ASSUMED_MS; never under 30 s (a scrobble is a play) nor over MAX_MS. Known durations that come
later (a Spotify export, `yawyas enrich`) replace the known or assumed ones, so what the store
holds does not depend on the order of imports.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from yawyas.analysis.text import song_key
from yawyas.sources.scrobbles import ScrobbleColumns
from yawyas.store.dimensions import KIND_ID, PLAY_MS, SOURCE_ID, Dimensions
from yawyas.store.scrobbles import (
    MINUTE_FLAG,
    OWN_MS_FLAG,
    SCROBBLE_SEQ,
    NearStreams,
    delete_scrobble_streams,
    has_scrobbles,
    load_derived_scrobbles,
    load_items_by_isrc,
    load_known_durations,
    load_streams_ending,
    load_title_ids,
    load_title_names,
    save_scrobble_streams,
    update_scrobble_durations,
)

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

ASSUMED_MS = 210_000  # a typical track, when nothing says how long this one is
MAX_MS = 4 * 3_600_000  # a longer duration than four hours is taken as four hours
SAME_PLAY_S = 120  # a scrobble starting this close to a Spotify stream's start is that play
MINUTE_SLACK_S = 59  # account data and minute-precision scrobbles: the start within a minute
_REACH_S = MAX_MS // 1000 + SAME_PLAY_S + MINUTE_SLACK_S  # how far ends lie from the starts
_API = SOURCE_ID["api"]


@dataclass
class Saved:
    """What saving one scrobble file did."""

    added: int = 0  # plays the store did not hold
    duplicates: int = 0  # plays it held already (as a scrobble, or as a Spotify stream)
    replaced: int = 0  # stored scrobbles that gave way to a better copy of the same play


class _Songs:
    """The song of each title (its `song_key`), as small integers; computed once per title."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.of_title: dict[int, int] = {}
        self.ids: dict[str, int] = {}

    def __call__(self, title_ids: Int64Array) -> Int64Array:
        unique, inverse = np.unique(title_ids, return_inverse=True)
        missing = [t for t in unique.tolist() if t not in self.of_title]
        if missing:
            for title_id, (artist, name) in load_title_names(self.conn, missing).items():
                key = song_key(artist, name)
                # a title without a name is a song of its own
                self.of_title[title_id] = (
                    self.ids.setdefault(key, len(self.ids)) if key else -1 - title_id
                )
        songs = np.array([self.of_title.get(t, -1 - t) for t in unique.tolist()], dtype=np.int64)
        return songs[inverse] if len(songs) else np.empty(0, dtype=np.int64)


def close_pairs(
    a_lo: Int64Array, a_hi: Int64Array, b_lo: Int64Array, b_hi: Int64Array, gap: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Every pair (i, j) whose intervals [a_lo[i], a_hi[i]] and [b_lo[j], b_hi[j]] lie no more
    than `gap` apart (0: they overlap), in i order."""
    if not len(a_lo) or not len(b_lo):
        empty = np.empty(0, dtype=np.intp)
        return empty, empty
    order = np.argsort(b_lo, kind="stable")
    starts = b_lo[order]
    widest = int((b_hi - b_lo).max())
    left = np.searchsorted(starts, a_lo - gap - widest, side="left")
    right = np.searchsorted(starts, a_hi + gap, side="right")
    counts = right - left
    ia = np.repeat(np.arange(len(a_lo)), counts)
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    jb = order[np.repeat(left, counts) + within]
    keep = (a_lo[ia] <= b_hi[jb] + gap) & (b_lo[jb] <= a_hi[ia] + gap)
    return ia[keep], jb[keep]


def _spotify_starts(near: NearStreams) -> tuple[Int64Array, Int64Array]:
    """The interval of each Spotify stream's start (see the module's rule)."""
    lo = near.ended_at - near.ms_played // 1000
    slack = np.where(
        near.seq > 0, MINUTE_SLACK_S, np.where(near.source == _API, near.ms_played // 1000, 0)
    )
    return lo, lo + slack


def _scrobble_starts(near: NearStreams) -> tuple[Int64Array, Int64Array]:
    lo = near.ended_at - near.ms_played // 1000
    return lo, lo + np.where(near.flags & MINUTE_FLAG, MINUTE_SLACK_S, 0)


def _same_song(
    songs: _Songs, titles_a: Int64Array, items_a: Int64Array, titles_b: Int64Array,
    items_b: Int64Array,
) -> BoolArray:  # fmt: skip
    """Pairwise: the same item, or titles of the same song."""
    same: BoolArray = (items_a == items_b) | (titles_a == titles_b)
    rest = np.flatnonzero(~same)
    if len(rest):
        both = songs(np.concatenate([titles_a[rest], titles_b[rest]]))
        same[rest] = both[: len(rest)] == both[len(rest) :]
    return same


def _covered(
    songs: _Songs, lo: Int64Array, hi: Int64Array, titles: Int64Array, items: Int64Array,
    spotify_item: BoolArray, spotify: NearStreams,
) -> BoolArray:  # fmt: skip
    """Which scrobbles (their starts in [lo, hi]) are plays that these Spotify streams hold:
    the same song, starting within SAME_PLAY_S of the stream's start. A scrobble of a Spotify
    track (`spotify_item`) may also be timed by the stream's end: ListenBrainz's own Spotify
    importer times a listen by the API's `played_at`, which is the end of the play."""
    covered = np.zeros(len(lo), dtype=bool)
    if not len(spotify):
        return covered
    s_lo, s_hi = _spotify_starts(spotify)
    i, j = close_pairs(lo, hi, s_lo, s_hi, SAME_PLAY_S)
    same = _same_song(songs, titles[i], items[i], spotify.title_id[j], spotify.item_id[j])
    covered[i[same]] = True
    by_end = np.flatnonzero(spotify_item & ~covered)
    if len(by_end):
        e_lo = spotify.ended_at
        e_hi = e_lo + np.where(spotify.seq > 0, MINUTE_SLACK_S, 0)
        i, j = close_pairs(lo[by_end], hi[by_end], e_lo, e_hi, SAME_PLAY_S)
        rows = by_end[i]
        same = _same_song(songs, titles[rows], items[rows], spotify.title_id[j], spotify.item_id[j])
        covered[rows[same]] = True
    return covered


def _rank(own: BoolArray, has_uri: BoolArray, minute: BoolArray) -> Int64Array:
    """Which copy of one play is worth keeping: a duration of its own, a Spotify item, the
    second (higher is better)."""
    return own.astype(np.int64) * 4 + has_uri.astype(np.int64) * 2 + (~minute).astype(np.int64)


def _clamp_ms(ms: Int64Array) -> Int64Array:
    return np.clip(ms, PLAY_MS, MAX_MS)


def _durations(known: dict[int, int], title_ids: Int64Array) -> Int64Array:
    """Each title's known length in ms (ASSUMED_MS where none is known), by a table look-up."""
    if not len(title_ids):
        return np.empty(0, dtype=np.int64)
    table = np.full(int(title_ids.max()) + 1, ASSUMED_MS, dtype=np.int64)
    for title_id, ms in known.items():
        if title_id < len(table):
            table[title_id] = ms
    return table[title_ids]


class ScrobbleImport:
    """Saves the scrobble files of one import, with what they share computed once: the
    known durations of tracks and the songs of titles."""

    def __init__(self, conn: sqlite3.Connection, dims: Callable[[], Dimensions]) -> None:
        self.conn = conn
        self._dims = dims  # loaded only when a scrobble file is saved
        self.songs = _Songs(conn)
        self._known: dict[int, int] | None = None
        self.spotify_span: tuple[int, int] | None = None  # ends of the Spotify streams saved
        self.spotify_titles: set[int] = set()

    @property
    def dims(self) -> Dimensions:
        """The import's name-to-key maps (loaded from the store on first use)."""
        return self._dims()

    def note_spotify(self, ended_at: Int64Array, title_ids: Int64Array) -> None:
        """Remember Spotify streams saved in this import: `settle` checks the scrobbles near
        them and the durations of their titles."""
        if len(ended_at):
            lo, hi = int(ended_at.min()), int(ended_at.max())
            if self.spotify_span is not None:
                lo, hi = min(lo, self.spotify_span[0]), max(hi, self.spotify_span[1])
            self.spotify_span = (lo, hi)
            self.spotify_titles.update(np.unique(title_ids).tolist())

    def known_ms(self, title_ids: Int64Array) -> Int64Array:
        """Each title's known track length in ms, ASSUMED_MS where none is known."""
        if self._known is None:
            self._known = load_known_durations(self.conn)
        return _durations(self._known, title_ids)

    def save(self, cols: ScrobbleColumns) -> Saved:
        """Save one file's scrobbles: the plays the store does not hold yet, by the rule."""
        n = cols.kept
        if not n:
            return Saved()
        item_id, title_id, has_uri = self._items(cols)
        source = SOURCE_ID[cols.source]
        own = cols.duration_ms > 0
        ms = _clamp_ms(np.where(own, cols.duration_ms, self.known_ms(title_id)))
        start = cols.started_at
        minute = np.full(n, cols.precision_s >= 60)
        last = start + np.where(minute, MINUTE_SLACK_S, 0)
        rank = _rank(own, has_uri, minute)

        drop = self._doubles_within(start, last, title_id, item_id, rank)
        near = load_streams_ending(
            self.conn, int(start.min()) - _REACH_S, int(last.max()) + _REACH_S
        )
        covered = _covered(
            self.songs, start, last, title_id, item_id, has_uri, near.take(near.seq >= 0)
        )
        stored = near.take(near.seq == SCROBBLE_SEQ)
        replaced = 0
        replacing = np.zeros(n, dtype=bool)
        if len(stored):
            c_lo, c_hi = _scrobble_starts(stored)
            i, j = close_pairs(start, last, c_lo, c_hi, 0)
            same = _same_song(
                self.songs, title_id[i], item_id[i], stored.title_id[j], stored.item_id[j]
            )
            i, j = i[same], j[same]
            stored_rank = _rank(
                (stored.flags & OWN_MS_FLAG) > 0, stored.has_uri, (stored.flags & MINUTE_FLAG) > 0
            )
            best = np.full(n, -1, dtype=np.int64)
            np.maximum.at(best, i, stored_rank[j])
            matched = best >= 0
            better = matched & (rank > best) & ~drop & ~covered
            drop |= matched & ~better
            gone = j[better[i]]
            replaced = delete_scrobble_streams(
                self.conn,
                zip(
                    stored.ended_at[gone].tolist(),
                    stored.item_id[gone].tolist(),
                    stored.ms_played[gone].tolist(),
                    strict=True,
                ),
            )
            replacing = better
        keep = ~drop & ~covered
        flags = (np.where(minute, MINUTE_FLAG, 0) | np.where(own, OWN_MS_FLAG, 0)).astype(np.int64)
        inserted = save_scrobble_streams(
            self.conn,
            source,
            (start + ms // 1000)[keep],
            item_id[keep],
            ms[keep],
            flags[keep],
        )
        added = inserted - int((replacing & keep).sum())
        return Saved(
            added=added,
            duplicates=n - added,
            replaced=replaced,
        )

    def _items(self, cols: ScrobbleColumns) -> tuple[Int64Array, Int64Array, BoolArray]:
        """Each scrobble's item and title: the Spotify item of its `spotify_id`, else the
        Spotify track its ISRC is known to be, else the track of its names (as for account
        data); and whether the item is Spotify's (has a URI)."""
        n = cols.kept
        items = np.empty(n, dtype=np.int64)
        titles = np.empty(n, dtype=np.int64)
        has_uri = cols.spotify_id_codes >= 0
        with_isrc = np.flatnonzero(~has_uri & (cols.isrc_codes >= 0))
        if len(with_isrc):
            codes = cols.isrc_codes[with_isrc]
            known = load_items_by_isrc(self.conn, [cols.isrcs[c] for c in np.unique(codes)])
            if known:
                pairs = np.array(
                    [known.get(cols.isrcs[c], (-1, -1)) for c in range(len(cols.isrcs))],
                    dtype=np.int64,
                ).reshape(-1, 2)
                hit = pairs[codes, 0] >= 0
                rows = with_isrc[hit]
                items[rows], titles[rows] = pairs[codes[hit], 0], pairs[codes[hit], 1]
                has_uri[rows] = True
        artists = np.array([*cols.artists, None], dtype=object)
        tracks = np.array([*cols.tracks, None], dtype=object)
        albums = np.array([*cols.albums, None], dtype=object)
        track_kind = KIND_ID["track"]
        by_uri = np.flatnonzero(cols.spotify_id_codes >= 0)
        if len(by_uri):
            codes, first, inverse = np.unique(
                cols.spotify_id_codes[by_uri], return_index=True, return_inverse=True
            )
            rows = by_uri[first]
            found = [
                self.dims.item(track_kind, cols.spotify_ids[c], a, t, al)
                for c, a, t, al in zip(
                    codes.tolist(),
                    artists[cols.artist_codes[rows]].tolist(),
                    tracks[cols.track_codes[rows]].tolist(),
                    albums[cols.album_codes[rows]].tolist(),
                    strict=True,
                )
            ]
            pairs = np.array(found, dtype=np.int64).reshape(-1, 2)
            items[by_uri] = pairs[inverse, 0]
            titles[by_uri] = pairs[inverse, 1]
        by_name = np.flatnonzero(~has_uri)
        if len(by_name):
            pair = cols.artist_codes[by_name] * (len(cols.tracks) + 1) + cols.track_codes[by_name]
            order = np.argsort(pair, kind="stable")
            ordered = pair[order]
            starts = np.empty(len(order), dtype=bool)
            starts[0] = True
            np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
            group = np.cumsum(starts) - 1  # each row's song, in sorted order
            inverse = np.empty(len(order), dtype=np.int64)
            inverse[order] = group
            rows = by_name[order[starts]]  # the first scrobble of each song
            # its album: that of the first scrobble of the song that names one
            album = cols.album_codes[rows].copy()
            sorted_album = cols.album_codes[by_name][order]
            named = np.flatnonzero(sorted_album >= 0)
            if len(named):
                first = np.empty(len(named), dtype=bool)
                first[0] = True
                np.not_equal(group[named][1:], group[named][:-1], out=first[1:])
                album[group[named][first]] = sorted_album[named[first]]
            item = self.dims.item
            found = [
                item(track_kind, None, a, t, al)
                for a, t, al in zip(
                    artists[cols.artist_codes[rows]].tolist(),
                    tracks[cols.track_codes[rows]].tolist(),
                    albums[album].tolist(),
                    strict=True,
                )
            ]
            pairs = np.array(found, dtype=np.int64).reshape(-1, 2)
            items[by_name] = pairs[inverse, 0]
            titles[by_name] = pairs[inverse, 1]
        self.dims.flush()
        return items, titles, has_uri

    def _doubles_within(
        self, start: Int64Array, last: Int64Array, titles: Int64Array, items: Int64Array,
        rank: Int64Array,
    ) -> BoolArray:  # fmt: skip
        """The scrobbles of one file that another of the same file is the better copy of (the
        reader already made one of the rows with the very same names)."""
        drop = np.zeros(len(start), dtype=bool)
        order = np.argsort(start, kind="stable")
        shared = np.zeros(len(start), dtype=bool)
        # only rows whose start interval meets the next one's can be doubles
        meets = start[order][1:] <= last[order][:-1]
        shared[order[1:][meets]] = shared[order[:-1][meets]] = True
        rows = np.flatnonzero(shared)
        if len(rows) < 2:
            return drop
        i, j = close_pairs(start[rows], last[rows], start[rows], last[rows], 0)
        i, j = rows[i], rows[j]
        other = i != j
        i, j = i[other], j[other]
        same = _same_song(self.songs, titles[i], items[i], titles[j], items[j])
        i, j = i[same], j[same]
        # i gives way to j when j is better, or as good and earlier in the file
        loses = (rank[j] > rank[i]) | ((rank[j] == rank[i]) & (j < i))
        drop[i[loses]] = True
        return drop

    def settle(self) -> int:
        """After the Spotify streams of this import: drop the scrobbles they hold and give
        their titles' scrobbles the durations now known. Returns the scrobbles dropped."""
        if self.spotify_span is None or not has_scrobbles(self.conn):
            return 0
        dropped = drop_covered_scrobbles(self.conn, *self.spotify_span, songs=self.songs)
        refresh_scrobble_durations(self.conn, self.spotify_titles)
        return dropped


def drop_covered_scrobbles(
    conn: sqlite3.Connection, lo: int, hi: int, songs: _Songs | None = None
) -> int:
    """Delete the scrobbles that Spotify streams ending in [lo, hi] (UTC s) hold (the rule);
    returns how many went."""
    near = load_streams_ending(conn, lo - _REACH_S, hi + _REACH_S)
    spotify = near.take((near.seq >= 0) & (near.ended_at >= lo) & (near.ended_at <= hi))
    stored = near.take(near.seq == SCROBBLE_SEQ)
    if not len(spotify) or not len(stored):
        return 0
    c_lo, c_hi = _scrobble_starts(stored)
    covered = _covered(
        songs or _Songs(conn), c_lo, c_hi, stored.title_id, stored.item_id, stored.has_uri, spotify
    )
    gone = np.flatnonzero(covered)
    return delete_scrobble_streams(
        conn,
        zip(
            stored.ended_at[gone].tolist(),
            stored.item_id[gone].tolist(),
            stored.ms_played[gone].tolist(),
            strict=True,
        ),
    )


def settle_synced_plays(conn: sqlite3.Connection, lo: int, hi: int, uris: Iterable[str]) -> int:
    """After a sync saved plays from the API (`played_at` in [lo, hi], UTC s; tracks `uris`):
    drop the scrobbles they hold, give their tracks' scrobbles the durations now known.
    Returns the scrobbles dropped."""
    if not has_scrobbles(conn):
        return 0
    dropped = drop_covered_scrobbles(conn, lo, hi)
    refresh_scrobble_durations(conn, load_title_ids(conn, uris))
    return dropped


def refresh_scrobble_durations(
    conn: sqlite3.Connection, title_ids: Iterable[int] | None = None
) -> int:
    """Give the scrobbles (of these titles, or all) whose duration is not their source's own
    the duration known now; returns how many changed."""
    if not has_scrobbles(conn):
        return 0
    ended_at, item_id, ms, titles = load_derived_scrobbles(conn, title_ids)
    if not len(ended_at):
        return 0
    want = _clamp_ms(_durations(load_known_durations(conn), titles))
    change = np.flatnonzero(want != ms)
    return update_scrobble_durations(
        conn,
        zip(
            want[change].tolist(),
            ended_at[change].tolist(),
            item_id[change].tolist(),
            ms[change].tolist(),
            strict=True,
        ),
    )
