"""Moments: short obsessions, and favourites that fell silent.

Both look at music plays (`kind == "track"`, >= 30 s); a track is (track name, artist name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from yawyas.analysis.common import (
    IntArray,
    ObjArray,
    name_codes,
    order_within_groups,
    pair_codes,
    play_mask,
    sort_times,
    top_positions,
    with_missing,
)
from yawyas.analysis.taste import kind_mask

WEEK_MS: Final = 7 * 86_400_000


def _run_starts(sorted_codes: IntArray) -> IntArray:
    """Positions where a new run of equal values begins in a sorted array."""
    if len(sorted_codes) == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.empty(len(sorted_codes), dtype=bool)
    change[0] = True
    change[1:] = sorted_codes[1:] != sorted_codes[:-1]
    return np.flatnonzero(change)


@dataclass(frozen=True)
class TrackPlays:
    """The music plays (>= 30 s, with a track name) of a frame, numbered by track.

    `rows`: their positions in the frame; `codes`: their track (0..n-1); `names` and `artists`:
    each track's name and artist (None when unknown).
    """

    rows: IntArray
    codes: IntArray
    names: ObjArray
    artists: ObjArray


def build_track_plays(streams: pd.DataFrame) -> TrackPlays:
    """The music plays of `streams` by track: compute once, pass to the functions below."""
    track_codes, tracks = name_codes(streams["track_name"])
    artist_codes, artists = name_codes(streams["artist_name"])
    wanted = kind_mask(streams, "track") & play_mask(streams) & (track_codes >= 0)
    rows = np.flatnonzero(wanted)
    codes, track_of, artist_of = pair_codes(track_codes[rows], artist_codes[rows])
    return TrackPlays(rows, codes, tracks[track_of], with_missing(artists)[artist_of])


def _best_windows(
    codes: IntArray, start: IntArray, end: IntArray, window_ms: int, n_codes: int
) -> tuple[IntArray, IntArray, IntArray]:
    """For plays (code, start ms): each code's most plays within [t, t + window) for t one of its
    plays, and the positions (into `codes`) of the first and last play of the earliest such window.
    Codes without plays get 0 and -1."""
    best = np.zeros(n_codes, dtype=np.int64)
    first_at = np.full(n_codes, -1, dtype=np.int64)
    last_at = np.full(n_codes, -1, dtype=np.int64)
    if len(codes) == 0:
        return best, first_at, last_at
    # Plays by (code, start): in time order, then regrouped by code.
    order = order_within_groups(codes, sort_times(start, end))
    start = start - start.min()
    # (code, start) packed into one int64 that increases along `order`, for one binary search;
    # in whole seconds if milliseconds would overflow.
    unit = 1 if (n_codes + 1) * (int(start.max()) + window_ms + 1) < 2**62 else 1000
    start, window = start // unit, window_ms // unit
    key = (codes * (int(start.max()) + window + 1) + start)[order]
    in_window = np.searchsorted(key, key + window, side="left") - np.arange(len(key))
    code = codes[order]
    runs = _run_starts(code)
    best[code[runs]] = np.maximum.reduceat(in_window, runs)
    # The first best window of each code is its earliest: positions run in time order per code.
    at_best = np.flatnonzero(in_window == best[code])
    first = at_best[_run_starts(code[at_best])]
    first_at[code[first]] = order[first]
    last_at[code[first]] = order[first + in_window[first] - 1]
    return best, first_at, last_at


def build_obsessions(
    streams: pd.DataFrame,
    local: pd.DataFrame,
    *,
    n: int = 10,
    window_ms: int = WEEK_MS,
    min_plays: int = 3,
    plays: TrackPlays | None = None,
) -> pd.DataFrame:
    """Tracks played the most within some rolling window (7 days by default).

    For each track, the window [t, t + 7 days) starting at one of its plays that holds the most
    plays of it (the earliest such window on ties). Tracks with fewer than `min_plays` there are
    left out; the rest are ordered by those plays descending, then name, then artist.
    Columns: `name`, `artist`, `plays` (in the window), `window_start`, `window_end` (local
    wall-clock starts of the window's first and last play). `local` comes from
    `build_local_times` on the same streams; `plays`, if given, from `build_track_plays`.
    """
    plays = plays or build_track_plays(streams)
    rows, codes, names, artists = plays.rows, plays.codes, plays.names, plays.artists
    columns = ("name", "artist", "plays", "window_start", "window_end")
    totals = np.bincount(codes, minlength=len(names))
    ranked = np.flatnonzero(totals >= min_plays)
    if len(ranked) == 0 or n <= 0:
        return pd.DataFrame({c: [] for c in columns})
    ranked = ranked[np.argsort(-totals[ranked], kind="stable")]
    start = local["start_ms"].to_numpy(dtype=np.int64)[rows]
    end = streams["played_at"].to_numpy(dtype=np.int64)[rows]

    def windows(tracks: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        wanted = np.zeros(len(names), dtype=bool)
        wanted[tracks] = True
        mine = np.flatnonzero(wanted[codes])
        best, first_at, last_at = _best_windows(
            codes[mine], start[mine], end[mine], window_ms, len(names)
        )
        ok = first_at >= 0
        first_at[ok], last_at[ok] = mine[first_at[ok]], mine[last_at[ok]]
        return best, first_at, last_at

    # A track's best window holds at most all its plays: window the most played tracks first, and
    # then only the tracks with as many plays in total as the n-th best window found.
    done = min(len(ranked), max(4 * n, 64))
    best, first_at, last_at = windows(ranked[:done])
    found = np.sort(best[best >= min_plays])[::-1]
    bar = int(found[n - 1]) if len(found) >= n else min_plays
    needed = int(np.searchsorted(-totals[ranked], -bar, side="right"))
    if needed > done:
        best, first_at, last_at = windows(ranked[:needed])
    chosen = top_positions(best, [names, artists], n, eligible=best >= min_plays)
    if not chosen:
        return pd.DataFrame({c: [] for c in columns})
    local_start = local["local_start"].to_numpy()[rows]
    return pd.DataFrame(
        {
            "name": names[chosen],
            "artist": artists[chosen],
            "plays": best[chosen],
            "window_start": local_start[first_at[chosen]],
            "window_end": local_start[last_at[chosen]],
        }
    )


def build_forgotten_favorites(
    streams: pd.DataFrame,
    local: pd.DataFrame,
    *,
    as_of_ms: int | None = None,
    quiet_months: int = 6,
    candidates: int = 50,
    min_plays: int = 5,
    n: int = 10,
    plays: TrackPlays | None = None,
) -> pd.DataFrame:
    """Favourites gone quiet: top tracks by plays that have not been played for `quiet_months`.

    Give the history up to the moment of judgement (the whole history, or everything up to the end
    of a report's period). The favourites are the `candidates` most played tracks (plays desc,
    then name, artist) with at least `min_plays`; a favourite is forgotten when its last play
    started before `as_of_ms` (UTC ms; default: the latest stream end) minus `quiet_months`
    calendar months. Ordered by plays descending, then name. Columns: `name`, `artist`, `plays`,
    `ms` (time of those plays), `first_played`, `last_played` (local wall clock). `plays`, if
    given, comes from `build_track_plays` on the same streams.
    """
    track_plays = plays or build_track_plays(streams)
    rows, codes = track_plays.rows, track_plays.codes
    names, artists = track_plays.names, track_plays.artists
    columns = ("name", "artist", "plays", "ms", "first_played", "last_played")
    if len(rows) == 0:
        return pd.DataFrame({c: [] for c in columns})
    if as_of_ms is None:
        as_of_ms = int(streams["played_at"].to_numpy(dtype=np.int64).max()) * 1000
    cutoff = pd.Timestamp(as_of_ms, unit="ms") - pd.DateOffset(months=quiet_months)
    cutoff_ms = int(cutoff.value) // 1_000_000  # Timestamp.value is in ns whatever its unit

    play_count = np.bincount(codes, minlength=len(names)).astype(np.int64)
    ms = np.bincount(
        codes, weights=streams["ms_played"].to_numpy(dtype=np.int64)[rows], minlength=len(names)
    ).astype(np.int64)
    favourites = top_positions(
        play_count, [names, artists], candidates, eligible=play_count >= min_plays
    )
    if not favourites:
        return pd.DataFrame({c: [] for c in columns})
    slot = np.full(len(names), -1, dtype=np.int64)
    slot[favourites] = np.arange(len(favourites))
    fav_slot = slot[codes]
    mine = fav_slot >= 0
    start = local["start_ms"].to_numpy(dtype=np.int64)[rows][mine]
    which = fav_slot[mine]
    first_start = np.full(len(favourites), np.iinfo(np.int64).max, dtype=np.int64)
    last_start = np.full(len(favourites), np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first_start, which, start)
    np.maximum.at(last_start, which, start)
    keep = np.flatnonzero(last_start < cutoff_ms)[:n]
    if len(keep) == 0:
        return pd.DataFrame({c: [] for c in columns})
    chosen = [favourites[i] for i in keep]
    local_start = local["local_start"].to_numpy()[rows][mine]
    first_played = np.empty(len(favourites), dtype=local_start.dtype)
    last_played = np.empty(len(favourites), dtype=local_start.dtype)
    is_first = start == first_start[which]
    first_played[which[is_first]] = local_start[is_first]
    is_last = start == last_start[which]
    last_played[which[is_last]] = local_start[is_last]
    return pd.DataFrame(
        {
            "name": names[chosen],
            "artist": artists[chosen],
            "plays": play_count[chosen],
            "ms": ms[chosen],
            "first_played": first_played[keep],
            "last_played": last_played[keep],
        }
    )
