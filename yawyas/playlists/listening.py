"""The music plays of a history, numbered by song, with what the playlist steps need.

Built once per history (`build_listening`) and passed to the pure steps: per play its song,
local weekday and minute of day, session, start intent, skip, completion and device family; per
song its URI, name, artist and name key. Every play (>= 30 s) of a music track counts, with a
URI or by its names alone (account data): a song is one identity, whatever names its plays. A
song is its name key (`song_key`: folded artist and title), or its URI where the plays have no
names; tracks sharing an ISRC (`recordings`) are one song too. So one song never appears twice
in a playlist, and a names-only history makes playlists like any other. A song's URI is the
Spotify URI its plays used most ('' when none did: see `services.resolve`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
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
A = TypeVar("A", bound="np.ndarray[Any, Any]")


@dataclass(frozen=True)
class Listening:
    """Music plays (one entry per play, in time order) and their songs (one per track code)."""

    track: IntArray  # per play: song code 0..n_tracks-1
    start_s: IntArray  # per play: UTC start, unix seconds
    weekday: IntArray  # per play: local weekday of the start, Monday = 0
    minute: IntArray  # per play: local minute of the day of the start, 0..1439
    session: IntArray  # per play: session number (30 min of silence splits)
    deliberate: BoolArray  # per play: the person chose it (row click, play button...)
    skipped: BoolArray  # per play: skipped (flag true or ended with the forward button)
    completion: FloatArray  # per play: ms_played over the song's longest play, 0..1
    uris: ObjArray  # per song: its Spotify track URI, '' when no play named one
    names: ObjArray  # per song
    artists: ObjArray  # per song
    artist: IntArray  # per song: artist code
    item_ids: IntArray  # per song: the store's item id of its most played item
    device: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # per play: index in DEVICE_FAMILIES, -1 where the export does not say (account data)
    keys: ObjArray = field(default_factory=lambda: np.zeros(0, dtype=object))
    # per song: its name key (`song_key`), '' for a song known by URI alone
    _derived: dict[Hashable, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    mine: BoolArray | None = None  # per play: the person's own (not kids', someone else's...)
    origin: Listening | None = field(default=None, compare=False, repr=False)
    # the history these plays are the first plays of (`before`), whose per-play derivations
    # they share

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

    def asks(self, key: Hashable) -> int:
        """How many times `key` was asked of the whole history these plays begin, this time
        included (what is worth indexing is what is asked again and again)."""
        whole = self.whole
        count = int(whole._derived.get(("asks", key), 0)) + 1
        whole._derived[("asks", key)] = count
        return count

    @property
    def whole(self) -> Listening:
        """The history these plays are the first plays of (themselves when not cut)."""
        return self.origin or self

    def per_play(self, key: Hashable, compute: Callable[[Listening], A]) -> A:
        """A value per play that depends on that play alone, computed once for the whole
        history these plays begin (`before` cuts many times, `evaluate` judges every quarter
        hour) and cut to these plays."""
        whole = self.whole
        out: A = whole.derived(("per play", key), lambda: compute(whole))
        return out[: len(self.track)]  # type: ignore[return-value]

    def halving_base(self, half_life_days: float) -> tuple[FloatArray, float]:
        """Per play 2^((start - last) / h), h the half-life, last the latest start of the whole
        history; and h: a play's weight at `now_s`, halving every `half_life_days` before it,
        is that times 2^((last - now_s) / h) (`halving_scale`)."""
        h = half_life_days * DAY_S
        last = self.whole.end_s
        return self.per_play(("halving", h), lambda w: np.exp2((w.start_s - last) / h)), h

    def halving_scale(self, now_s: int, h: float) -> float:
        """What turns `halving_base` weights into weights as of `now_s`."""
        return float(np.exp2((self.whole.end_s - now_s) / h))

    def halving(self, now_s: int, half_life_days: float) -> FloatArray:
        """One weight per play: 1 at `now_s` (and for any play after it), halving every
        `half_life_days` before it."""
        base, h = self.halving_base(half_life_days)
        out: FloatArray = np.minimum(base * self.halving_scale(now_s, h), 1.0)
        return out

    def play_sums(
        self,
        key: Hashable,
        n_codes: int,
        codes: Callable[[Listening], IntArray] | None = None,
        weights: Callable[[Listening], FloatArray] | None = None,
    ) -> FloatArray:
        """Per code 0..n_codes-1 (by default, per song): the sum over these plays of a
        weight per play (`per_play`; by default 1, a count). For the first plays of a history
        (`before`), the sums of the most plays asked for so far are kept and only the plays
        after them added: `evaluate` asks again every quarter hour. The result is read-only."""
        whole, n = self.whole, len(self.track)
        # per-play codes and weights are kept for the first plays of a history, asked again
        # and again; a whole history asks once (`playlist now`): nothing worth keeping
        keep = self.per_play if self.origin is not None else lambda _, f: f(self)
        code = self.track if codes is None else keep(("codes", key), codes)
        weight = None if weights is None else keep(("weights", key), weights)
        kept: tuple[int, FloatArray] | None = whole._derived.get(("sums", key))
        since = kept[0] if kept is not None and kept[0] <= n else 0
        added = np.bincount(
            code[since:], None if weight is None else weight[since:], minlength=n_codes
        ).astype(np.float64)
        out = added if kept is None or since == 0 else kept[1] + added
        out.flags.writeable = False
        whole._derived[("sums", key)] = (n, out)
        return out

    def halving_sums(
        self,
        now_s: int,
        half_life_days: float,
        key: Hashable = None,
        codes: Callable[[Listening], IntArray] | None = None,
        n_codes: int | None = None,
        within: Callable[[Listening], FloatArray] | None = None,
    ) -> FloatArray:
        """Per song (or per code of `codes`, named by `key`): its plays (those `within`
        weighs, by that weight), each counting 1 at `now_s` and halving every
        `half_life_days` before it (see `play_sums`; these plays must start before now)."""

        def weights(whole: Listening) -> FloatArray:
            base = whole.halving_base(half_life_days)[0]
            out: FloatArray = base if within is None else base * within(whole)
            return out

        sums = self.play_sums(
            ("halving", half_life_days, key),
            self.n_tracks if n_codes is None else n_codes,
            codes,
            weights,
        )
        out: FloatArray = sums * self.halving_scale(now_s, half_life_days * DAY_S)
        return out

    def last_starts(self) -> IntArray:
        """Per song: the start of its latest play, -1 for a song not played (kept and
        brought up to date like `play_sums`). Read-only."""
        whole, n = self.whole, len(self.track)
        kept: tuple[int, IntArray] | None = whole._derived.get("last starts")
        since = kept[0] if kept is not None and kept[0] <= n else 0
        out = (
            np.full(self.n_tracks, -1, dtype=np.int64)
            if since == 0 or kept is None
            else kept[1].copy()
        )
        np.maximum.at(out, self.track[since:], self.start_s[since:n])
        out.flags.writeable = False
        whole._derived["last starts"] = (n, out)
        return out

    @property
    def n_tracks(self) -> int:
        return len(self.uris)

    @property
    def end_s(self) -> int:
        """The latest play start (UTC s), or 0 for no plays."""
        return int(self.start_s[-1]) if len(self.start_s) else 0  # in time order

    def plays_per_track(self, mask: BoolArray | None = None) -> IntArray:
        """Plays per track code, of all plays or of the plays in `mask`."""
        if mask is None:
            return self.derived(
                "plays_per_track", lambda: self.play_sums("plays", self.n_tracks).astype(np.int64)
            )
        return self._count(self.track[mask])

    def _count(self, codes: IntArray) -> IntArray:
        return np.bincount(codes, minlength=self.n_tracks).astype(np.int64)

    def devices(self) -> IntArray:
        """Per play: its device family code (-1 unknown); all unknown for an old cache."""
        if len(self.device) == len(self.track):
            return self.device
        return np.full(len(self.track), -1, dtype=np.int64)

    def before(self, cutoff_s: int) -> Listening:
        """Only the plays that started before `cutoff_s` (same track numbering)."""
        n = int(np.searchsorted(self.start_s, cutoff_s, side="left"))
        if n == len(self.start_s):
            return self
        first = self.subset(slice(0, n))  # views, not copies: evaluate cuts many times
        return replace(first, origin=self.origin or self)

    def subset(self, keep: BoolArray | slice) -> Listening:
        """Only the plays in `keep` (a mask or a slice; same track numbering)."""
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
            device=self.devices()[keep],
            keys=self.keys,
            mine=None if self.mine is None else self.mine[keep],
        )


def build_listening(
    streams: pd.DataFrame, tz: str, recordings: Mapping[int, int] | None = None
) -> Listening:
    """The music plays of `streams` with local times in `tz` (see `Listening`); `recordings`
    maps item ids to a recording id (tracks sharing an ISRC, `store.load_recordings`)."""
    from yawyas.analysis.clock import build_local_times
    from yawyas.analysis.common import label_codes, play_mask
    from yawyas.analysis.devices import DEVICE_FAMILIES, classify_platform
    from yawyas.analysis.intent import build_start_intents
    from yawyas.analysis.sessions import SESSION_GAP_MS

    keep = np.flatnonzero(_music(streams) & play_mask(streams))
    sub = streams.iloc[keep]
    local = build_local_times(sub, tz)
    start_ms = local["start_ms"].to_numpy(dtype=np.int64)
    order = np.argsort(start_ms, kind="stable")
    sub = sub.iloc[order]
    local = local.iloc[order]
    start_ms = start_ms[order]

    items = sub["item_id"].to_numpy(dtype=np.int64)
    item_list, item_of_play = np.unique(items, return_inverse=True)
    first = _first_rows(item_of_play, len(item_list))
    item_uris = _text(sub["uri"], first)
    item_names = _text(sub["track_name"], first)
    item_artists = _text(sub["artist_name"], first)
    item_song = _songs(item_list, item_uris, item_names, item_artists, recordings or {})
    codes = item_song[item_of_play]
    n_tracks = int(item_song.max()) + 1 if len(item_song) else 0

    # per song: its most played item names it; its most played Spotify URI publishes it
    item_plays = np.bincount(item_of_play, minlength=len(item_list))
    by_plays = np.lexsort((item_list, -item_plays))  # most played first, then lowest id
    best = np.full(n_tracks, -1, dtype=np.int64)
    best[item_song[by_plays[::-1]]] = by_plays[::-1]  # the last write is the most played
    is_track_uri = np.array([u.startswith("spotify:track:") for u in item_uris], dtype=bool)
    with_uri = by_plays[is_track_uri[by_plays]]
    best_uri = np.full(n_tracks, -1, dtype=np.int64)
    best_uri[item_song[with_uri[::-1]]] = with_uri[::-1]
    uris = np.where(best_uri >= 0, item_uris[np.maximum(best_uri, 0)], "").astype(object)
    names = item_names[best] if n_tracks else np.zeros(0, dtype=object)
    artists_text = item_artists[best] if n_tracks else np.zeros(0, dtype=object)
    keys = np.array(
        [song_key_of(a, t) for a, t in zip(artists_text, names, strict=True)], dtype=object
    )
    _, artist_codes = np.unique(
        np.array([fold_name(a) for a in artists_text], dtype=str), return_inverse=True
    )
    item_ids = item_list[best] if n_tracks else best

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
    platform_codes, platforms = label_codes(sub["platform"])
    family = np.append(
        np.array([DEVICE_FAMILIES.index(classify_platform(str(p))) for p in platforms]), -1
    ).astype(np.int64)  # the last slot: no platform (account data)
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
        uris=uris,
        names=names,
        artists=artists_text,
        artist=artist_codes.astype(np.int64),
        item_ids=item_ids.astype(np.int64),
        device=family[platform_codes],
        keys=keys,
    )


def _music(streams: pd.DataFrame) -> BoolArray:
    """Per stream: a music track, by URI or, without one, by its kind and names."""
    from yawyas.analysis.common import label_codes

    uri_codes, uri_labels = label_codes(streams["uri"])
    by_uri = np.append(
        np.array([str(u).startswith("spotify:track:") for u in uri_labels], dtype=bool), False
    )[uri_codes]
    kind_codes, kind_labels = label_codes(streams["kind"])
    is_track = np.append(np.asarray(kind_labels, dtype=object) == "track", False)[kind_codes]
    named = streams["track_name"].notna().to_numpy(dtype=bool)
    out: BoolArray = by_uri | (is_track & named & (uri_codes < 0))
    return out


def _first_rows(groups: IntArray, n: int) -> IntArray:
    """Per group 0..n-1: the first row holding it."""
    first = np.full(n, -1, dtype=np.int64)
    rows = np.arange(len(groups), dtype=np.int64)
    first[groups[::-1]] = rows[::-1]
    return first


def _songs(
    items: IntArray,
    uris: ObjArray,
    names: ObjArray,
    artists: ObjArray,
    recordings: Mapping[int, int],
) -> IntArray:
    """Per item: its song code (0..), numbered by first appearance. Items with the same name
    key are one song, and so are items of one recording (the same ISRC)."""
    identity = [
        song_key_of(a, t) or f"uri\x1f{u}" for a, t, u in zip(artists, names, uris, strict=True)
    ]
    _, group = np.unique(np.asarray(identity, dtype=object), return_inverse=True)
    parent = list(range(int(group.max()) + 1 if len(group) else 0))

    def root(g: int) -> int:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    position = {int(item): k for k, item in enumerate(items.tolist())}
    for item, recording in recordings.items():
        a, b = position.get(int(item)), position.get(int(recording))
        if a is not None and b is not None:
            ra, rb = root(int(group[a])), root(int(group[b]))
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    roots = np.array([root(int(g)) for g in group], dtype=np.int64)
    _, first = np.unique(roots, return_index=True)
    number = np.empty(len(parent), dtype=np.int64)
    number[roots[np.sort(first)]] = np.arange(len(first))
    out: IntArray = number[roots] if len(roots) else roots
    return out


def song_key_of(artist: object, title: object) -> str:
    """`song_key` of an artist and title as stored ('' and None alike are missing)."""
    from yawyas.analysis.text import song_key

    return song_key(str(artist) if artist else None, str(title) if title else None)


def fold_name(name: object) -> str:
    """A name folded for matching (`analysis.text.fold`)."""
    from yawyas.analysis.text import fold

    return fold(str(name)) if name else ""


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
    "device",
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
_TEXTS: Final = ("uris", "names", "artists", "keys")


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
