"""Stable moment ids: the same data gives the same ids, and a moment that persists after new
data keeps its id.

A new moment is matched to the stored one it shares most streams with (Jaccard overlap of the
streams both runs saw, at least `MIN_OVERLAP`, best pairs first, one to one). Unmatched moments
get an id from a hash of what they are: days, start, device, content, top artists and playlist.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Final

import numpy as np

from yawyas.analysis.common import IntArray
from yawyas.analysis.moments.describe import Facts

MIN_OVERLAP: Final = 0.3
NEW_STREAM: Final = -2  # a stream the earlier run did not see


def content_id(facts: Facts) -> str:
    """'m' and 8 hex digits from the moment's days, start, device, content, top names."""
    key = "|".join(
        [
            ",".join(str(d) for d in facts.window.days),
            str(facts.window.start_minute // 30),
            facts.device,
            facts.content,
            ",".join(a.name for a in facts.top_artists[:3]),
            facts.top_playlists[0].name if facts.top_playlists else "",
        ]
    )
    return "m" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def align_previous(
    played_at: IntArray, previous_played_at: IntArray, previous_labels: IntArray
) -> IntArray:
    """The earlier run's label of each current stream, matched by its end second: -1 noise,
    NEW_STREAM for streams the earlier run did not have."""
    if len(previous_played_at) == 0:
        return np.full(len(played_at), NEW_STREAM, dtype=np.int64)
    order = np.argsort(previous_played_at, kind="stable")
    ends = previous_played_at[order]
    pos = np.minimum(np.searchsorted(ends, played_at), len(ends) - 1)
    hit = ends[pos] == played_at
    out: IntArray = np.where(hit, previous_labels[order][pos], NEW_STREAM).astype(np.int64)
    return out


def match_ids(
    labels: IntArray,
    previous: IntArray,
    previous_ids: Sequence[str],
    fresh: Sequence[str],
) -> list[str]:
    """The id of each current moment (`labels` index them per stream, -1 noise): the id of the
    earlier moment it overlaps most, else its `fresh` (content) id, made unique."""
    n, p = len(fresh), len(previous_ids)
    ids: list[str | None] = [None] * n
    if n and p:
        seen = previous != NEW_STREAM
        both = (labels >= 0) & (previous >= 0)
        overlap = np.bincount(labels[both] * p + previous[both], minlength=n * p).reshape(n, p)
        size_new = np.bincount(labels[seen & (labels >= 0)], minlength=n)
        size_old = np.bincount(previous[previous >= 0], minlength=p)
        union = size_new[:, None] + size_old[None, :] - overlap
        jaccard = np.where(union > 0, overlap / np.maximum(union, 1), 0.0)
        used: set[int] = set()
        for flat in np.argsort(-jaccard, axis=None, kind="stable"):
            i, j = divmod(int(flat), p)
            if jaccard[i, j] < MIN_OVERLAP:
                break
            if ids[i] is None and j not in used:
                ids[i] = previous_ids[j]
                used.add(j)
    taken = {i for i in ids if i is not None}
    out = []
    for i, own in enumerate(ids):
        if own is None:
            own = fresh[i]
            suffix = 2
            while own in taken:
                own = f"{fresh[i]}-{suffix}"
                suffix += 1
        taken.add(own)
        out.append(own)
    return out
