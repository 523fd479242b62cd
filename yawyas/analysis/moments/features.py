"""Listening segments and what describes them: when, how and what.

A segment is the natural unit of a moment: a session (a gap of more than 30 minutes starts a new
one) cut again where the way of listening changes: another device family, shuffle switched, a
new play context, or the person starting something deliberately after a pause (a row clicked,
the play button, the app opened). Each segment gets

- time features: the local start on the 24-hour circle (cos, sin) and its listening day
  (a day runs from 04:00 to 04:00, so Friday 00:30 belongs to Thursday night), one-hot;
- context features: device family (one-hot), content (music/podcast/audiobook shares), shuffle,
  a co-listening embedding (TruncatedSVD of the TF-IDF of segment x artist, playlist and
  play-context counts) and the share of the segment in each of the most heard playlists.

The blocks are weighted so that distances read in plain terms: one hour apart on the clock is
0.26, another listening day 1.0, another device 1.41, entirely different music about 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD

from yawyas.analysis.common import (
    BoolArray,
    FloatArray,
    IntArray,
    end_ms,
    label_codes,
    ms_played,
    name_codes,
    start_ms,
    time_order,
)
from yawyas.analysis.devices import DEVICE_FAMILIES
from yawyas.analysis.sessions import SESSION_GAP_MS

MS_PER_MINUTE: Final = 60_000
MS_PER_DAY: Final = 86_400_000
DAY_START_MS: Final = 4 * 3_600_000  # a listening day runs from 04:00 to 04:00
EPOCH_WEEKDAY: Final = 3  # 1970-01-01 was a Thursday
RESTART_GAP_MS: Final = 15_000
RESTART_REASONS: Final = frozenset(
    {"clickrow", "playbtn", "uriopen", "clickside", "popup", "appload", "remote"}
)
CONTENTS: Final = ("music", "podcasts", "audiobooks", "other")
_KIND_CONTENT: Final = {"track": 0, "episode": 1, "video": 1, "audiobook": 2}

HOUR_WEIGHT: Final = 1.0
DAY_WEIGHT: Final = 0.71
DEVICE_WEIGHT: Final = 1.0
CONTENT_WEIGHT: Final = 1.0
SHUFFLE_WEIGHT: Final = 1.0
MUSIC_WEIGHT: Final = 1.0
PLAYLIST_WEIGHT: Final = 1.0
EMBEDDING_SIZE: Final = 24
PLAYLIST_COLUMNS: Final = 32
FULL_TRACK_MS: Final = 240_000  # a stream counts fully in the co-listening counts from 4 minutes


@dataclass(frozen=True)
class Segments:
    """The listening segments of a history, in time order, and which one each stream is in."""

    of_stream: IntArray  # segment of each stream (aligned with the streams' rows)
    first: IntArray  # row of each segment's first stream
    start_ms: IntArray  # UTC start, unix ms
    end_ms: IntArray  # UTC end of the segment's last stream
    local_start_ms: IntArray  # wall-clock start (local time read as if it were UTC)
    minute: FloatArray  # local start, minutes after midnight
    day: IntArray  # listening day's weekday (Monday = 0)
    week: IntArray  # listening week (Monday-based, since 1970)
    date: IntArray  # listening day (days since 1970; a day runs 04:00 to 04:00)
    device: IntArray  # index into DEVICE_FAMILIES
    shuffle: FloatArray  # 1 on, 0 off, 0.5 unknown (at the first stream)
    content: FloatArray  # (segments x CONTENTS) shares of ms_played
    streams: IntArray

    def __len__(self) -> int:
        return len(self.first)

    @property
    def local_end_ms(self) -> IntArray:
        """Wall-clock end of each segment (its start plus its length)."""
        out: IntArray = self.local_start_ms + (self.end_ms - self.start_ms)
        return out


def _states(values: pd.Series) -> IntArray:
    """0 false, 1 true, 2 unknown, of a nullable boolean column."""
    known = values.notna().to_numpy(dtype=bool)
    value = values.fillna(False).to_numpy(dtype=bool)
    out: IntArray = np.where(known, value.astype(np.int64), 2)
    return out


def _in_set(values: pd.Series, members: frozenset[str]) -> BoolArray:
    codes, labels = label_codes(values)
    table = np.array([str(v).strip().lower() in members for v in labels] + [False], dtype=bool)
    out: BoolArray = table[codes]
    return out


def content_codes(kinds: pd.Series) -> IntArray:
    """Index into CONTENTS of each stream's kind (track -> music, episode -> podcasts...)."""
    codes, labels = label_codes(kinds)
    table = np.array([_KIND_CONTENT.get(str(k), 3) for k in labels] + [3], dtype=np.int64)
    out: IntArray = table[codes]
    return out


def build_segments(streams: pd.DataFrame, local: pd.DataFrame, families: pd.Series) -> Segments:
    """Cut the history into segments (see the module docstring).

    `local` is `build_local_times(streams, ...)` and `families` `build_device_families(...)` of
    the same rows.
    """
    n = len(streams)
    starts = start_ms(streams)
    order = time_order(streams, starts)
    s = starts[order]
    e = np.maximum(end_ms(streams)[order], s)
    device = families.cat.codes.to_numpy(dtype=np.int64)
    shuffle = _states(streams["shuffle"])
    new = np.ones(n, dtype=bool)
    if n > 1:
        running_end = np.maximum.accumulate(e)
        gap = s[1:] - running_end[:-1]
        dev, shuf = device[order], shuffle[order]
        restart = _in_set(streams["reason_start"], RESTART_REASONS)[order]
        new[1:] = (gap > SESSION_GAP_MS) | (dev[1:] != dev[:-1]) | (shuf[1:] != shuf[:-1])
        new[1:] |= restart[1:] & (gap >= RESTART_GAP_MS)
        if "context_uri" in streams:
            ctx = label_codes(streams["context_uri"])[0][order]
            new[1:] |= (ctx[1:] != ctx[:-1]) & (ctx[1:] >= 0) & (ctx[:-1] >= 0)
    heads = np.flatnonzero(new)
    seg_sorted = np.cumsum(new) - 1
    of_stream = np.empty(n, dtype=np.int64)
    of_stream[order] = seg_sorted
    first = order[heads]
    wall = local["local_start"].to_numpy().astype("datetime64[ms]").astype(np.int64)[first]
    listening_day = np.floor_divide(wall - DAY_START_MS, MS_PER_DAY)
    ms = ms_played(streams)
    kinds = content_codes(streams["kind"])
    cells = np.bincount(
        of_stream * len(CONTENTS) + kinds, weights=ms, minlength=len(heads) * len(CONTENTS)
    )
    content = cells.astype(np.float64).reshape(len(heads), len(CONTENTS))
    totals = content.sum(axis=1, keepdims=True)
    content = np.divide(content, totals, out=np.zeros_like(content), where=totals > 0)
    return Segments(
        of_stream=of_stream,
        first=first,
        start_ms=s[heads],
        end_ms=np.maximum.reduceat(e, heads) if n else np.zeros(0, dtype=np.int64),
        local_start_ms=wall,
        minute=(wall % MS_PER_DAY) / MS_PER_MINUTE,
        day=(listening_day + EPOCH_WEEKDAY) % 7,
        week=np.floor_divide(listening_day + EPOCH_WEEKDAY, 7),
        date=listening_day,
        device=device[first],
        shuffle=np.array([0.0, 1.0, 0.5])[shuffle[first]],
        content=content,
        streams=np.diff(np.append(heads, n)).astype(np.int64),
    )


def build_time_features(segments: Segments) -> FloatArray:
    """(segments x 9): the start on the 24-hour circle and the listening day, one-hot."""
    angle = 2 * np.pi * segments.minute / 1440
    days = np.zeros((len(segments), 7))
    days[np.arange(len(segments)), segments.day] = DAY_WEIGHT
    out: FloatArray = np.column_stack(
        [HOUR_WEIGHT * np.cos(angle), HOUR_WEIGHT * np.sin(angle), days]
    )
    return out


def build_playlist_matrix(
    memberships: Sequence[tuple[str, int]], n_items: int
) -> tuple[sp.csr_matrix, list[str]]:
    """(items x playlists) 0/1 membership, and the playlist names (sorted)."""
    names = sorted({name for name, _ in memberships})
    index = {name: i for i, name in enumerate(names)}
    pairs = [(item, index[name]) for name, item in memberships if 0 <= item < n_items]
    rows = np.array([p[0] for p in pairs], dtype=np.int64)
    cols = np.array([p[1] for p in pairs], dtype=np.int64)
    matrix = sp.csr_matrix((np.ones(len(pairs)), (rows, cols)), shape=(n_items, max(1, len(names))))
    matrix.data[:] = 1.0  # a track listed twice in a playlist is still one membership
    return matrix, names


def build_context_features(
    streams: pd.DataFrame,
    segments: Segments,
    memberships: Sequence[tuple[str, int]] = (),
    *,
    seed: int = 0,
) -> FloatArray:
    """(segments x k): device, content, shuffle, co-listening embedding, playlist shares.

    `memberships` are (playlist name, item id) pairs (`store.spotify.load_playlist_memberships`);
    streams need an `item_id` column for them to count.
    """
    n = len(segments)
    seg = segments.of_stream
    weight = np.minimum(ms_played(streams), FULL_TRACK_MS) / FULL_TRACK_MS
    kinds = content_codes(streams["kind"])
    blocks: list[sp.csr_matrix] = []
    artist, artists = name_codes(streams["artist_name"])
    music = (kinds == 0) & (artist >= 0)
    blocks.append(
        sp.csr_matrix((weight[music], (seg[music], artist[music])), shape=(n, len(artists) + 1))
    )
    blocks.append(sp.csr_matrix((weight, (seg, kinds)), shape=(n, len(CONTENTS))))
    share_blocks: list[sp.csr_matrix] = []
    if memberships and "item_id" in streams:
        items = streams["item_id"].to_numpy(dtype=np.int64)
        n_items = int(max(items.max(initial=0), max(i for _, i in memberships))) + 1
        member, _ = build_playlist_matrix(memberships, n_items)
        per_item = sp.csr_matrix((weight, (seg, items)), shape=(n, n_items))
        in_playlists = (per_item @ member).tocsr()
        blocks.append(in_playlists)
        share_blocks.append(in_playlists)
    if "context_uri" in streams:
        ctx, uris = label_codes(streams["context_uri"])
        known = ctx >= 0
        if known.any():
            contexts = sp.csr_matrix(
                (weight[known], (seg[known], ctx[known])), shape=(n, len(uris))
            )
            blocks.append(contexts)
            share_blocks.append(contexts)
    embedding = _embed(sp.hstack(blocks).tocsr(), seed)
    playlist = _shares(share_blocks, weight, seg, n)
    device = np.zeros((n, len(DEVICE_FAMILIES)))
    device[np.arange(n), segments.device] = DEVICE_WEIGHT
    out: FloatArray = np.column_stack(
        [
            device,
            CONTENT_WEIGHT * segments.content,
            SHUFFLE_WEIGHT * segments.shuffle,
            MUSIC_WEIGHT * embedding,
            PLAYLIST_WEIGHT * playlist,
        ]
    )
    return out


def _embed(counts: sp.csr_matrix, seed: int) -> FloatArray:
    """TF-IDF (log counts, smoothed idf, unit rows) reduced by TruncatedSVD."""
    n, width = counts.shape
    counts.sum_duplicates()
    counts.eliminate_zeros()
    size = min(EMBEDDING_SIZE, width - 1, n - 1)
    if size < 1 or counts.nnz == 0:
        return np.zeros((n, EMBEDDING_SIZE))
    counts.data = np.log1p(counts.data)
    df = np.bincount(counts.indices, minlength=width)
    idf = np.log((1 + n) / (1 + df)) + 1
    tfidf = (counts @ sp.diags(idf)).tocsr()
    norms = np.sqrt(np.asarray(tfidf.multiply(tfidf).sum(axis=1)).ravel())
    tfidf = sp.diags(1 / np.maximum(norms, 1e-12)) @ tfidf
    svd = TruncatedSVD(n_components=size, algorithm="randomized", n_iter=5, random_state=seed)
    with np.errstate(divide="ignore", invalid="ignore"):  # its variance ratio, of rows all alike
        reduced: FloatArray = svd.fit_transform(tfidf)
    # a fixed sign per component (the largest loading positive), so ids do not flip
    signs = np.sign(svd.components_[np.arange(size), np.abs(svd.components_).argmax(axis=1)])
    reduced *= np.where(signs == 0, 1.0, signs)
    if size < EMBEDDING_SIZE:
        reduced = np.column_stack([reduced, np.zeros((n, EMBEDDING_SIZE - size))])
    return reduced


def _shares(
    blocks: Sequence[sp.csr_matrix], weight: FloatArray, seg: IntArray, n: int
) -> FloatArray:
    """Share of each segment's (weighted) streams in each of the most heard playlists."""
    if not blocks:
        return np.zeros((n, 0))
    counts = sp.hstack(blocks).tocsc()
    totals = np.bincount(seg, weights=weight, minlength=n)
    top = np.argsort(-np.asarray(counts.sum(axis=0)).ravel(), kind="stable")[:PLAYLIST_COLUMNS]
    dense = np.asarray(counts[:, np.sort(top)].todense(), dtype=np.float64)
    out: FloatArray = np.minimum(dense / np.maximum(totals, 1e-9)[:, None], 1.0)
    return out
