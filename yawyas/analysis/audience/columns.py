"""The per-stream columns the audience rules read, computed once: names as integer codes,
weights, sessions, local minutes and device units."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from yawyas.analysis.common import IntArray, ObjArray, label_codes, name_codes, play_mask, start_ms
from yawyas.analysis.devices import build_device_families
from yawyas.analysis.sessions import SESSION_GAP_MS
from yawyas.analysis.text import fold

FloatArray = npt.NDArray[np.float64]
SKIP_WEIGHT: Final = 0.25  # a stream under 30 s counts a quarter of a play
_DIGITS = re.compile(r"[0-9]+")
_TABLET = re.compile(
    r"\bipad|tablet|\bsm[ -]?[tx]\d|\bgalaxy tab|\bkindle|\bfire hd|\bmediapad", re.I
)


@dataclass(frozen=True)
class Columns:
    """What the rules read, one entry per stream (codes index the name arrays; -1: none)."""

    n: int
    artist: IntArray
    artists: ObjArray
    track: IntArray
    tracks: ObjArray
    album: IntArray
    albums: ObjArray
    item: IntArray  # the store's item id, -1 when unknown
    weight: FloatArray  # 1 for a play, SKIP_WEIGHT for a shorter stream
    play: npt.NDArray[np.bool_]
    ms: IntArray
    start_ms: IntArray
    session: IntArray  # session number (30 minutes of silence on its device split)
    session_minutes: IntArray  # per session: how long it lasted, in minutes
    session_minute: IntArray  # per session: the local minute of the day it started
    minute: IntArray  # local minute of the day of the start
    day: IntArray  # local day of the start (days since 1970-01-01)
    family: IntArray  # index into DEVICE_FAMILIES
    unit: IntArray  # index into `units`: one device (its platform string without versions)
    units: tuple[str, ...]  # readable names of the units
    unit_platforms: tuple[tuple[str, ...], ...]  # the platform strings of each unit
    kind_track: npt.NDArray[np.bool_]

    def per_artist(self, values: FloatArray) -> FloatArray:
        """Sum of `values` per artist code (streams without an artist left out)."""
        has = self.artist >= 0
        return sum_by(self.artist[has], values[has], len(self.artists))


def sum_by(codes: IntArray, weights: FloatArray, n: int) -> FloatArray:
    """Sum of `weights` per code 0..n-1."""
    out: FloatArray = np.bincount(codes, weights=weights, minlength=n).astype(np.float64)
    return out


def unit_key(platform: str) -> str:
    """One device behind its platform strings: folded, without version numbers ("iOS 16.7.2
    (iPad7,5)" and "iOS 14.8 (iPad7,5)" are one tablet)."""
    return " ".join(_DIGITS.sub(" ", fold(platform)).split())


def device_label(platform: str, family: str) -> str:
    """A short name for the device behind a platform string: "tablet" for tablets, else its
    family ("phone", "speaker", ...)."""
    return "tablet" if _TABLET.search(platform) else family


def _running_end(ends: IntArray, group: IntArray) -> IntArray:
    """The latest end so far within each run of equal `group` values (rows sorted by group,
    then start)."""
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    out = np.empty_like(ends)
    for a, b in zip(first, np.r_[first[1:], len(ends)], strict=True):
        out[a:b] = np.maximum.accumulate(ends[a:b])
    return out


def _platforms_of(platforms: ObjArray, keys: list[str], name: str) -> tuple[str, ...]:
    return tuple(str(p) for p, k in zip(platforms, keys, strict=True) if k == name)


def build_columns(
    streams: pd.DataFrame, local: pd.DataFrame, families: pd.Series | None = None
) -> Columns:
    """The columns of `streams` (shaped like `store.load_streams()`), with `local` from
    `build_local_times` of the same rows."""
    n = len(streams)
    artist, artists = name_codes(streams["artist_name"])
    track, tracks = name_codes(streams["track_name"])
    album, albums = name_codes(streams["album_name"])
    item = (
        streams["item_id"].fillna(-1).to_numpy(dtype=np.int64)
        if "item_id" in streams
        else np.full(n, -1, dtype=np.int64)
    )
    play = play_mask(streams)
    ms = streams["ms_played"].to_numpy(dtype=np.int64)
    starts = start_ms(streams)
    if families is None:
        families = build_device_families(streams["platform"])
    codes, platforms = label_codes(streams["platform"])
    keys = [unit_key(str(p)) for p in platforms]
    names = sorted(set(keys))
    per_platform = np.array([names.index(k) for k in keys] + [len(names)], dtype=np.int64)
    unit = per_platform[codes]
    # Sessions per device: two people listening at once on two devices are two sessions.
    order = np.lexsort((starts, unit))
    s, u = starts[order], unit[order]
    e = np.maximum(s + ms[order], s)
    new = np.ones(n, dtype=bool)
    if n > 1:
        new[1:] = (u[1:] != u[:-1]) | (s[1:] - _running_end(e, u)[:-1] > SESSION_GAP_MS)
    session = np.empty(n, dtype=np.int64)
    session[order] = np.cumsum(new) - 1
    wall = local["local_start"].to_numpy().astype("datetime64[m]").astype(np.int64)
    firsts = np.flatnonzero(new)
    session_minutes = (
        (np.maximum.reduceat(e, firsts) - s[firsts]) // 60_000 if n else np.zeros(0, np.int64)
    )
    session_minute = wall[order[firsts]] % 1440 if n else np.zeros(0, np.int64)
    kinds, kind_labels = label_codes(streams["kind"])
    is_track = np.append(np.array([str(k) == "track" for k in kind_labels], dtype=bool), False)
    return Columns(
        n=n,
        artist=artist,
        artists=artists,
        track=track,
        tracks=tracks,
        album=album,
        albums=albums,
        item=item,
        weight=np.where(play, 1.0, SKIP_WEIGHT),
        play=play,
        ms=ms,
        start_ms=starts,
        session=session,
        session_minutes=session_minutes.astype(np.int64),
        session_minute=session_minute.astype(np.int64),
        minute=wall % 1440,
        day=wall // 1440,
        family=families.cat.codes.to_numpy(dtype=np.int64),
        unit=unit,
        units=(*names, "unknown"),
        unit_platforms=(*(_platforms_of(platforms, keys, name) for name in names), ()),
        kind_track=is_track[kinds],
    )


def unit_label(cols: Columns, unit: int, family: str) -> str:
    """The short name of a unit's device ("tablet", or its family)."""
    platforms = cols.unit_platforms[unit]
    return device_label(platforms[0], family) if platforms else family
