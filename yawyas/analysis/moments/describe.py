"""What each found moment holds: its window, shares, device, skips, top artists, tracks and
playlists, and the names (with their weight) that traits are read from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from yawyas.analysis.common import (
    FloatArray,
    IntArray,
    ObjArray,
    ms_played,
    name_codes,
    pair_codes,
    play_mask,
)
from yawyas.analysis.devices import DEVICE_FAMILIES
from yawyas.analysis.intent import INTENTS, build_start_intents
from yawyas.analysis.moments.features import CONTENTS, Segments, build_playlist_matrix
from yawyas.analysis.moments.model import busy_days, in_arc, start_window
from yawyas.analysis.moments.types import Ranked, Window

TOP: Final = 5
CHARACTERISTIC_LIFT: Final = 3.0
CHARACTERISTIC_PLAYS: Final = 3
CHARACTERISTIC_SHARE: Final = 0.02
NAMES_FOR_TRAITS: Final = 200  # the most played tracks, albums and artists read for words
MIN_PLAYLIST_SHARE: Final = 0.05
CONTENT_SHARE: Final = 0.8  # a moment is "podcasts" when 80% of its time is podcasts
END_QUANTILE: Final = 0.9
CONTENT_NAMES: Final = {"music": "music", "podcasts": "podcasts", "audiobooks": "audiobooks"}


@dataclass(frozen=True)
class Facts:
    """Everything measured about one moment (before it has an id, a name and traits)."""

    window: Window
    sessions: int
    weeks: int
    streams: int
    plays: int
    ms_played: int
    play_share: float
    time_share: float
    first_played_at: int
    last_played_at: int
    device: str
    device_share: float
    content: str
    shuffle_share: float | None
    deliberate_share: float | None
    skip_rate: float | None
    top_artists: tuple[Ranked, ...]
    top_tracks: tuple[Ranked, ...]
    top_playlists: tuple[Ranked, ...]
    top_albums: tuple[Ranked, ...] = ()
    characteristic: tuple[Ranked, ...] = ()  # artists far likelier here than elsewhere
    # "track", "album", "artist", "playlist", "genre" -> (text, share of the moment's streams)
    # ... and for tracks and albums, the name of their artist (None for the other kinds)
    names: dict[str, list[tuple[str, float, str | None]]] = field(default_factory=dict)


def display_window(segments: Segments, members: IntArray) -> Window:
    """The moment's window in calendar terms: the usual starts' first minute to where its
    sessions usually end, on the weekdays it starts on."""
    minutes = segments.minute[members]
    first, last = start_window(minutes)
    usual = in_arc(minutes, first, last)
    days = busy_days(segments.day[members][usual] if usual.any() else segments.day[members])
    end_minutes = (segments.local_end_ms[members] % 86_400_000) / 60_000
    ends = ((end_minutes - first) % 1440)[usual] if usual.any() else (end_minutes - first) % 1440
    length = float(np.quantile(ends, END_QUANTILE)) if len(ends) else 60.0
    length = max(length, (last - first) % 1440, 15.0)
    end = int(first + np.ceil(length / 15) * 15) % 1440
    start = int(first) % 1440
    if start < 240:  # starts after midnight: listening day is the calendar day before
        days = tuple(sorted((d + 1) % 7 for d in days))
    return Window(days=days, start_minute=start, end_minute=end)


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def _ranked(
    counts: IntArray,
    ms: FloatArray,
    first_seen: IntArray,
    names: ObjArray,
    total: int,
    *,
    artists: ObjArray | None = None,
    n: int = TOP,
) -> tuple[Ranked, ...]:
    """The `n` most played, ties broken by listening time, then by who came first (never by
    the alphabet)."""
    present = np.flatnonzero(counts > 0)
    order = np.lexsort((first_seen[present], -ms[present], -counts[present]))
    out = []
    for p in present[order]:
        name = names[p]
        if not isinstance(name, str):
            continue
        artist = artists[p] if artists is not None and isinstance(artists[p], str) else None
        out.append(Ranked(name, int(counts[p]), int(counts[p]) / max(total, 1), artist))
        if len(out) == n:
            break
    return tuple(out)


def _first_seen(codes: IntArray, n: int) -> IntArray:
    """The row of each code's first stream (rows are in the streams' order); n for none."""
    out = np.full(n, len(codes), dtype=np.int64)
    valid = codes >= 0
    np.minimum.at(out, codes[valid], np.flatnonzero(valid))
    return out


def _characteristic(
    counts: IntArray,
    ms: FloatArray,
    first_seen: IntArray,
    overall: IntArray,
    names: ObjArray,
    plays: int,
    total_plays: int,
) -> tuple[Ranked, ...]:
    """Artists far likelier in the moment than in the rest of the history (CHARACTERISTIC_LIFT
    times), each with several plays in it (CHARACTERISTIC_PLAYS, and a share of it)."""
    rest = np.maximum(overall - counts, 0)
    rest_total = max(total_plays - plays, 1)
    share_in = counts / max(plays, 1)
    share_out = (rest + 0.5) / rest_total
    enough = counts >= max(CHARACTERISTIC_PLAYS, CHARACTERISTIC_SHARE * plays)
    keep = enough & (share_in >= CHARACTERISTIC_LIFT * share_out)
    return _ranked(np.where(keep, counts, 0), ms, first_seen, names, plays, n=3)


def _named_counts(
    counts: IntArray, names: ObjArray, total: int, artists: ObjArray | None = None
) -> list[tuple[str, float, str | None]]:
    """The most counted names with their share of `total` (and their artist's name, for
    tracks and albums), for the trait lexicon."""
    present = np.flatnonzero(counts > 0)
    if len(present) > NAMES_FOR_TRAITS:
        present = present[np.argsort(-counts[present], kind="stable")[:NAMES_FOR_TRAITS]]
    return [
        (
            str(names[p]),
            float(counts[p]) / max(total, 1),
            str(artists[p]) if artists is not None and isinstance(artists[p], str) else None,
        )
        for p in present
        if isinstance(names[p], str)
    ]


class _Columns:
    """The streams' columns as codes, computed once for all moments."""

    def __init__(self, streams: pd.DataFrame, families: pd.Series) -> None:
        self.ms = ms_played(streams)
        self.plays = play_mask(streams)
        self.played_at = streams["played_at"].to_numpy(dtype=np.int64)
        self.artist, self.artist_names = name_codes(streams["artist_name"])
        self.track, self.track_names = name_codes(streams["track_name"])
        self.pair, self.pair_track, self.pair_artist = pair_codes(self.track, self.artist)
        self.album, self.album_names = name_codes(streams["album_name"])
        self.artist_first = _first_seen(self.artist, len(self.artist_names))
        self.pair_first = _first_seen(self.pair, len(self.pair_track))
        self.album_first = _first_seen(self.album, len(self.album_names))
        self.artist_overall = _counts(self.artist[self.plays], len(self.artist_names))
        first_album_row = np.minimum(self.album_first, max(len(self.artist) - 1, 0))
        self.album_artist = (
            self.artist[first_album_row] if len(self.artist) else np.zeros(0, dtype=np.int64)
        )
        self.device = families.cat.codes.to_numpy(dtype=np.int64)
        self.kind_music = streams["kind"].astype(object).to_numpy() == "track"
        skipped = streams["skipped"]
        self.skip_known = skipped.notna().to_numpy(dtype=bool) & self.kind_music
        self.skipped = skipped.fillna(False).to_numpy(dtype=bool)
        ends = streams["reason_end"].astype(object).to_numpy()
        self.end_fwd = ends == "fwdbtn"
        self.end_known = pd.notna(ends) & ~np.isin(ends, ["", "unknown"]) & self.kind_music
        self.items = (
            streams["item_id"].to_numpy(dtype=np.int64)
            if "item_id" in streams
            else np.zeros(len(streams), dtype=np.int64)
        )


def build_facts(
    streams: pd.DataFrame,
    families: pd.Series,
    segments: Segments,
    labels: IntArray,
    n_moments: int,
    memberships: Sequence[tuple[str, int]] = (),
    genres: Mapping[int, Sequence[str]] | None = None,
) -> list[Facts]:
    """The facts of each moment 0..n_moments-1, given each segment's moment (`labels`)."""
    cols = _Columns(streams, families)
    stream_labels = labels[segments.of_stream] if len(labels) else labels
    total_plays = int(cols.plays.sum())
    total_ms = int(cols.ms.sum())
    intents = build_start_intents(streams["reason_start"]).cat.codes.to_numpy(dtype=np.int64)
    first_intent = intents[segments.first]
    n_items = int(cols.items.max(initial=0)) + 1
    if memberships:
        n_items = max(n_items, max(i for _, i in memberships) + 1)
        member, playlist_names = build_playlist_matrix(memberships, n_items)
    order = np.argsort(stream_labels, kind="stable")
    bounds = np.searchsorted(stream_labels[order], np.arange(n_moments + 1))
    out = []
    for m in range(n_moments):
        rows = order[bounds[m] : bounds[m + 1]]
        seg_rows = np.flatnonzero(labels == m)
        plays = int(cols.plays[rows].sum())
        ms = int(cols.ms[rows].sum())
        play_rows = rows[cols.plays[rows]]
        ranked_rows = play_rows if len(play_rows) else rows
        artist_counts = _counts(cols.artist[ranked_rows], len(cols.artist_names))
        pair_counts = _counts(cols.pair[ranked_rows], len(cols.pair_track))
        album_counts = _counts(cols.album[ranked_rows], len(cols.album_names))
        artist_ms = _sums(cols.artist[ranked_rows], cols.ms[ranked_rows], len(cols.artist_names))
        pair_ms = _sums(cols.pair[ranked_rows], cols.ms[ranked_rows], len(cols.pair_track))
        album_ms = _sums(cols.album[ranked_rows], cols.ms[ranked_rows], len(cols.album_names))
        device_ms = np.bincount(
            cols.device[rows], weights=cols.ms[rows], minlength=len(DEVICE_FAMILIES)
        )
        content_ms = segments.content[seg_rows].T @ segments.streams[seg_rows].astype(np.float64)
        content_i = int(np.argmax(content_ms)) if content_ms.sum() > 0 else 3
        content_share = content_ms[content_i] / max(content_ms.sum(), 1e-9)
        content = CONTENTS[content_i] if content_share >= CONTENT_SHARE else "mixed"
        shuffle = segments.shuffle[seg_rows]
        seg_streams = segments.streams[seg_rows]
        known_shuffle = shuffle != 0.5
        intent = first_intent[seg_rows]
        known_intent = intent != INTENTS.index("unknown")
        skip_known = cols.skip_known[rows]
        if skip_known.any():
            skip_rate: float | None = float(cols.skipped[rows][skip_known].mean())
        else:
            end_known = cols.end_known[rows]
            skip_rate = float(cols.end_fwd[rows][end_known].mean()) if end_known.any() else None
        names: dict[str, list[tuple[str, float, str | None]]] = {
            "artist": _named_counts(artist_counts, cols.artist_names, len(ranked_rows)),
            "album": _named_counts(
                album_counts,
                cols.album_names,
                len(ranked_rows),
                _at(cols.artist_names, cols.album_artist),
            ),
            "track": _named_counts(
                pair_counts,
                _at(cols.track_names, cols.pair_track),
                len(ranked_rows),
                _at(cols.artist_names, cols.pair_artist),
            ),
        }
        top_playlists: tuple[Ranked, ...] = ()
        item_counts = np.bincount(cols.items[rows], minlength=n_items)
        if memberships:
            in_playlist = np.asarray(item_counts @ member).ravel().astype(np.int64)
            ranked = _ranked(
                in_playlist,
                in_playlist.astype(np.float64),
                np.arange(len(in_playlist)),
                np.asarray(playlist_names, dtype=object),
                len(rows),
                n=3,
            )
            top_playlists = tuple(r for r in ranked if r.share >= MIN_PLAYLIST_SHARE)
            names["playlist"] = [(r.name, r.share, None) for r in top_playlists]
        if genres:
            names["genre"] = _genre_shares(item_counts, genres, len(rows))
        out.append(
            Facts(
                window=display_window(segments, seg_rows),
                sessions=len(seg_rows),
                weeks=len(np.unique(segments.week[seg_rows])),
                streams=len(rows),
                plays=plays,
                ms_played=ms,
                play_share=plays / max(total_plays, 1),
                time_share=ms / max(total_ms, 1),
                first_played_at=int(cols.played_at[rows].min()) if len(rows) else 0,
                last_played_at=int(cols.played_at[rows].max()) if len(rows) else 0,
                device=DEVICE_FAMILIES[int(np.argmax(device_ms))],
                device_share=float(device_ms.max() / max(device_ms.sum(), 1e-9)),
                content=content,
                shuffle_share=_mean(shuffle[known_shuffle], seg_streams[known_shuffle]),
                deliberate_share=_share(
                    float((intent[known_intent] == INTENTS.index("deliberate")).sum()),
                    float(known_intent.sum()),
                ),
                skip_rate=skip_rate,
                top_artists=_ranked(
                    artist_counts, artist_ms, cols.artist_first, cols.artist_names, len(ranked_rows)
                ),
                top_tracks=_ranked(
                    pair_counts,
                    pair_ms,
                    cols.pair_first,
                    _at(cols.track_names, cols.pair_track),
                    len(ranked_rows),
                    artists=_at(cols.artist_names, cols.pair_artist),
                ),
                top_playlists=top_playlists,
                top_albums=_ranked(
                    album_counts,
                    album_ms,
                    cols.album_first,
                    cols.album_names,
                    len(ranked_rows),
                    n=1,
                ),
                characteristic=_characteristic(
                    _counts(cols.artist[play_rows], len(cols.artist_names)),
                    artist_ms,
                    cols.artist_first,
                    cols.artist_overall,
                    cols.artist_names,
                    plays,
                    total_plays,
                ),
                names=names,
            )
        )
    return out


def _counts(codes: IntArray, n: int) -> IntArray:
    """How often each code 0..n-1 occurs (-1 ignored)."""
    out: IntArray = np.bincount(codes + 1, minlength=n + 1)[1:]
    return out


def _sums(codes: IntArray, values: IntArray, n: int) -> FloatArray:
    """The sum of `values` per code 0..n-1 (-1 ignored)."""
    out: FloatArray = np.bincount(codes + 1, weights=values, minlength=n + 1)[1:].astype(np.float64)
    return out


def _at(names: ObjArray, codes: IntArray) -> ObjArray:
    """names[codes] with None where a code is -1."""
    padded = np.empty(len(names) + 1, dtype=object)
    padded[: len(names)] = names
    padded[len(names)] = None
    out: ObjArray = padded[codes]
    return out


def _mean(values: FloatArray, weights: IntArray) -> float | None:
    if len(values) == 0 or weights.sum() == 0:
        return None
    return float(np.average(values, weights=weights))


def _genre_shares(
    item_counts: IntArray, genres: Mapping[int, Sequence[str]], total: int
) -> list[tuple[str, float, str | None]]:
    counts: dict[str, int] = {}
    for item in np.flatnonzero(item_counts):
        for genre in genres.get(int(item), ()):
            counts[genre] = counts.get(genre, 0) + int(item_counts[item])
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:NAMES_FOR_TRAITS]
    return [(genre, count / max(total, 1), None) for genre, count in ranked]
