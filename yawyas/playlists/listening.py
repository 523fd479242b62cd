"""The music plays of a history, numbered by track, with what the playlist steps need.

Built once per history (`build_listening`) and passed to the pure steps: per play its track,
local weekday and minute of day, session, start intent, skip and completion; per track its URI,
name, artist and totals. Only plays (>= 30 s) of tracks with a Spotify URI are kept: a playlist
can hold nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

DAY_S: Final = 86_400
T = TypeVar("T")


@dataclass(frozen=True)
class Listening:
    """Music plays (one entry per play, in time order) and their tracks (one per track code)."""

    track: IntArray  # per play: track code 0..n_tracks-1
    start_s: IntArray  # per play: UTC start, unix seconds
    weekday: IntArray  # per play: local weekday of the start, Monday = 0
    minute: IntArray  # per play: local minute of the day of the start, 0..1439
    session: IntArray  # per play: session number (30 min of silence splits)
    deliberate: BoolArray  # per play: the person chose it (row click, play button...)
    skipped: BoolArray  # per play: skipped (flag true or ended with the forward button)
    completion: FloatArray  # per play: ms_played over the track's longest play, 0..1
    uris: ObjArray  # per track
    names: ObjArray  # per track
    artists: ObjArray  # per track
    artist: IntArray  # per track: artist code
    item_ids: IntArray  # per track: the store's item id
    _derived: dict[Hashable, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    mine: BoolArray | None = None  # per play: the person's own (not kids', someone else's...)

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What `compute` derives from these plays, computed once per `key` (a history does
        not change; `evaluate` builds hundreds of playlists from one). Arrays in the result are
        made read-only, so that no caller changes what the next one reads."""
        if key not in self._derived:
            value = compute()
            for array in value if isinstance(value, tuple) else (value,):
                if isinstance(array, np.ndarray):
                    array.flags.writeable = False
            self._derived[key] = value
        out: T = self._derived[key]
        return out

    @property
    def n_tracks(self) -> int:
        return len(self.uris)

    @property
    def end_s(self) -> int:
        """The latest play start (UTC s), or 0 for no plays."""
        return int(self.start_s.max()) if len(self.start_s) else 0

    def plays_per_track(self, mask: BoolArray | None = None) -> IntArray:
        """Plays per track code, of all plays or of the plays in `mask`."""
        if mask is None:
            return self.derived("plays_per_track", lambda: self._count(self.track))
        return self._count(self.track[mask])

    def _count(self, codes: IntArray) -> IntArray:
        return np.bincount(codes, minlength=self.n_tracks).astype(np.int64)

    def before(self, cutoff_s: int) -> Listening:
        """Only the plays that started before `cutoff_s` (same track numbering)."""
        return self.subset(self.start_s < cutoff_s)

    def subset(self, keep: BoolArray) -> Listening:
        """Only the plays in `keep` (same track numbering)."""
        return Listening(
            track=self.track[keep],
            start_s=self.start_s[keep],
            weekday=self.weekday[keep],
            minute=self.minute[keep],
            session=self.session[keep],
            deliberate=self.deliberate[keep],
            skipped=self.skipped[keep],
            completion=self.completion[keep],
            uris=self.uris,
            names=self.names,
            artists=self.artists,
            artist=self.artist,
            item_ids=self.item_ids,
            mine=None if self.mine is None else self.mine[keep],
        )


def build_listening(streams: pd.DataFrame, tz: str) -> Listening:
    """The music plays of `streams` with local times in `tz` (see `Listening`)."""
    from yawyas.analysis.clock import build_local_times
    from yawyas.analysis.common import label_codes, play_mask
    from yawyas.analysis.intent import build_start_intents
    from yawyas.analysis.sessions import SESSION_GAP_MS

    uri_codes, uri_labels = label_codes(streams["uri"])
    track_label = np.append(
        np.array([str(u).startswith("spotify:track:") for u in uri_labels], dtype=bool), False
    )  # the last slot: a missing URI (code -1)
    keep = np.flatnonzero(track_label[uri_codes] & play_mask(streams))
    sub = streams.iloc[keep]
    local = build_local_times(sub, tz)
    start_ms = local["start_ms"].to_numpy(dtype=np.int64)
    order = np.argsort(start_ms, kind="stable")
    sub = sub.iloc[order]
    local = local.iloc[order]
    start_ms = start_ms[order]

    all_codes, all_uris = label_codes(sub["uri"])
    used, codes = np.unique(all_codes, return_inverse=True)  # only tracks with plays
    uris = all_uris[used]
    n_tracks = len(uris)
    first_row = np.full(n_tracks, -1, dtype=np.int64)
    rows = np.arange(len(codes), dtype=np.int64)
    first_row[codes[::-1]] = rows[::-1]
    names = _text(sub["track_name"], first_row)
    artists_text = _text(sub["artist_name"], first_row)
    _, artist_codes = np.unique(artists_text.astype(str), return_inverse=True)
    item_ids = sub["item_id"].to_numpy(dtype=np.int64)[first_row] if n_tracks else first_row

    ms = sub["ms_played"].to_numpy(dtype=np.int64)
    longest = np.zeros(n_tracks, dtype=np.int64)
    np.maximum.at(longest, codes, ms)
    completion = np.minimum(ms / np.maximum(longest[codes], 1), 1.0)

    ends = start_ms + ms
    new = np.ones(len(start_ms), dtype=bool)
    if len(start_ms) > 1:
        running_end = np.maximum.accumulate(ends)
        new[1:] = start_ms[1:] - running_end[:-1] > SESSION_GAP_MS
    session = np.cumsum(new) - 1

    intents = build_start_intents(sub["reason_start"]).to_numpy()
    skipped_flag = sub["skipped"].fillna(False).to_numpy(dtype=bool)
    end_codes, end_labels = label_codes(sub["reason_end"])
    fwd = np.append(np.asarray(end_labels, dtype=object) == "fwdbtn", False)[end_codes]
    local_start = local["local_start"].to_numpy().astype("datetime64[m]").astype(np.int64)
    return Listening(
        track=codes.astype(np.int64),
        start_s=start_ms // 1000,
        weekday=local["weekday"].to_numpy(dtype=np.int64),
        minute=local_start % 1440,
        session=session.astype(np.int64),
        deliberate=intents == "deliberate",
        skipped=skipped_flag | fwd,
        completion=completion.astype(np.float64),
        uris=np.asarray(uris, dtype=object),
        names=names,
        artists=artists_text,
        artist=artist_codes.astype(np.int64),
        item_ids=item_ids.astype(np.int64),
    )


def _text(column: pd.Series, rows: IntArray) -> ObjArray:
    """The text of `column` at `rows` ("" where missing)."""
    from yawyas.analysis.common import label_codes

    codes, labels = label_codes(column)
    names = np.append(np.asarray([str(v) for v in labels], dtype=object), "")
    out: ObjArray = names[codes[rows]] if len(rows) else np.zeros(0, dtype=object)
    return out


def day_type(weekday: IntArray | int) -> IntArray:
    """0 for a weekday (Monday-Friday), 1 for the weekend."""
    return (np.asarray(weekday) >= 5).astype(np.int64)


_ARRAYS: Final = (
    "track",
    "start_s",
    "weekday",
    "minute",
    "session",
    "deliberate",
    "skipped",
    "completion",
    "artist",
    "item_ids",
)
_TEXTS: Final = ("uris", "names", "artists")


def save_listening(listening: Listening, path: Path) -> None:
    """Write `listening` to an .npz file (atomically; no pickles)."""
    arrays: dict[str, npt.NDArray[Any]] = {k: getattr(listening, k) for k in _ARRAYS}
    for k in _TEXTS:
        arrays[k] = np.asarray([str(v) for v in getattr(listening, k)], dtype=str)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob("listening-*.npz"):
        old.unlink(missing_ok=True)
    partial = path.with_suffix(".partial.npz")
    np.savez(partial, **arrays)  # type: ignore[arg-type]
    partial.replace(path)


def read_listening(path: Path) -> Listening | None:
    """A Listening written by `save_listening`, or None when the file is missing or bad."""
    try:
        with np.load(path, allow_pickle=False) as data:
            values: dict[str, Any] = {k: data[k] for k in _ARRAYS}
            for k in _TEXTS:
                values[k] = data[k].astype(object)
    except (OSError, ValueError, KeyError):
        return None
    return Listening(**values)
