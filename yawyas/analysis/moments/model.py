"""What the moments can be about: the contents that are dense somewhere in the week.

DBSCAN on time x context features (a sample of at most `sample_size` segments). Density, not a
fixed number of clusters: a cluster is a region where sessions are much closer together than the
person's everyday listening (about two hours of clock, or a clearly different music, apart), and
the density needed scales with the length of the history. Clusters whose content is alike are one
content; `content_balls` gives each content's segments at any time, for the routines search
(`routines`) to find when, and on what, it recurs. The helpers here also word a set of sessions'
usual start window (`start_window`, `in_arc`) and busy days (`busy_days`) for `describe`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from sklearn.cluster import DBSCAN

from yawyas.analysis.common import BoolArray, FloatArray, IntArray
from yawyas.analysis.devices import DEVICE_FAMILIES
from yawyas.analysis.moments.features import Segments

BIN_MINUTES: Final = 15
PEAK_FRACTION: Final = 0.2  # a window spans the bins around the peak with >= 20% of its count
DAY_FRACTION: Final = 0.3  # a day belongs to a moment with >= 30% of its busiest day's sessions


@dataclass(frozen=True)
class ModelParams:
    """The knobs of the content clustering, in plain units; the defaults are what the tests
    validate."""

    eps: float = 0.6
    merge_distance: float = 0.5
    sample_size: int = 12_000
    seed: int = 0
    radius_floor: float = 0.2
    radius_factor: float = 1.5
    weeks_per_core: float = 10.0
    weeks_per_moment: float = 4.0


@dataclass(frozen=True)
class Rule:
    """A dense cluster as a rule on segments: listening days, start window, context ball."""

    days: tuple[int, ...]
    start_minute: float  # first usual start (minutes after midnight)
    last_start_minute: float  # last usual start; before start_minute when crossing midnight
    centroid: FloatArray
    radius: float


def start_window(minutes: FloatArray) -> tuple[float, float]:
    """The usual start times of a set of sessions: (first, last) minute after midnight.

    15-minute bins on the 24-hour circle, smoothed over three bins; the window runs both ways
    from the busiest bin while bins keep at least a fifth of its count (empty edge bins off).
    """
    n_bins = 1440 // BIN_MINUTES
    counts = np.bincount((minutes // BIN_MINUTES).astype(np.int64) % n_bins, minlength=n_bins)
    smooth = (np.roll(counts, 1) + counts + np.roll(counts, -1)) / 3.0
    peak = int(np.argmax(smooth))
    floor = PEAK_FRACTION * smooth[peak]
    low = high = peak
    while high - low < n_bins - 1 and smooth[(low - 1) % n_bins] >= floor:
        low -= 1
    while high - low < n_bins - 1 and smooth[(high + 1) % n_bins] >= floor:
        high += 1
    while low < high and counts[low % n_bins] == 0:  # smoothing spills into empty bins
        low += 1
    while high > low and counts[high % n_bins] == 0:
        high -= 1
    return float((low * BIN_MINUTES) % 1440), float(((high + 1) * BIN_MINUTES) % 1440)


def in_arc(minutes: FloatArray, first: float, last: float) -> BoolArray:
    """Whether minutes after midnight fall in [first, last] on the 24-hour circle."""
    x = minutes % 1440
    a, b = first % 1440, last % 1440
    if last - first >= 1440:
        return np.ones(len(x), dtype=bool)
    out: BoolArray = (x >= a) & (x <= b) if a <= b else (x >= a) | (x <= b)
    return out


def busy_days(days: IntArray) -> tuple[int, ...]:
    """The listening days holding at least 30% of the busiest day's sessions."""
    counts = np.bincount(days, minlength=7)
    if counts.max(initial=0) == 0:
        return ()
    return tuple(int(d) for d in np.flatnonzero(counts >= DAY_FRACTION * counts.max()))


def _union(n: int, pairs: list[tuple[int, int]]) -> IntArray:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        parent[find(i)] = find(j)
    roots = sorted({find(i) for i in range(n)})
    out: IntArray = np.array([roots.index(find(i)) for i in range(n)], dtype=np.int64)
    return out


def _dense_clusters(
    features: FloatArray, weeks: float, fraction: float, params: ModelParams
) -> IntArray:
    """DBSCAN labels, with clusters below the minimum size turned to noise (-1)."""
    min_samples = max(5, round(weeks * fraction / params.weeks_per_core))
    min_size = max(8, round(weeks * fraction / params.weeks_per_moment))
    labels: IntArray = DBSCAN(eps=params.eps, min_samples=min_samples).fit_predict(features)
    counts = np.bincount(labels[labels >= 0], minlength=1)
    big = np.flatnonzero(counts >= min_size)
    remap = np.full(len(counts) + 1, -1, dtype=np.int64)
    remap[big] = np.arange(len(big))
    out: IntArray = np.where(labels >= 0, remap[labels], -1)
    return out


def _rule(segments: Segments, context: FloatArray, members: IntArray, params: ModelParams) -> Rule:
    first, last = start_window(segments.minute[members])
    in_window = in_arc(segments.minute[members], first, last)
    days = busy_days(segments.day[members][in_window] if in_window.any() else segments.day[members])
    centroid = context[members].mean(axis=0)
    spread = np.sqrt(((context[members] - centroid) ** 2).sum(axis=1))
    radius = max(params.radius_floor, params.radius_factor * float(np.quantile(spread, 0.9)))
    return Rule(days, first, last, centroid, radius)


def content_balls(
    time_x: FloatArray, context_x: FloatArray, segments: Segments, params: ModelParams
) -> list[BoolArray]:
    """Segments of each distinct content that is dense somewhere in the week: DBSCAN on
    time x context finds where some listening clusters; clusters whose content is alike are
    one content; each content is the ball around its centroid in what is played (not on which
    device), at any time: when and on what it recurs is for the routines to find."""
    n = len(segments)
    if n == 0:
        return []
    weeks = max(1.0, float(segments.week.max() - segments.week.min() + 1))
    rng = np.random.default_rng(params.seed)
    sample = np.arange(n)
    if n > params.sample_size:
        sample = np.sort(rng.choice(n, params.sample_size, replace=False))
    fraction = len(sample) / n
    dense = _dense_clusters(np.hstack([time_x[sample], context_x[sample]]), weeks, fraction, params)
    k = int(dense.max(initial=-1)) + 1
    if k == 0:
        return []
    rules = [_rule(segments, context_x, sample[dense == c], params) for c in range(k)]
    pairs = [
        (i, j)
        for i in range(k)
        for j in range(i + 1, k)
        if np.linalg.norm(rules[i].centroid - rules[j].centroid) < params.merge_distance
    ]
    groups = _union(k, pairs)
    members = sample[dense >= 0]
    merged = groups[dense[dense >= 0]]
    what = context_x[:, len(DEVICE_FAMILIES) :]  # what is played, not on which device
    balls = []
    for g in range(int(groups.max()) + 1):
        rule = _rule(segments, what, members[merged == g], params)
        distance = np.sqrt(((what - rule.centroid) ** 2).sum(axis=1))
        balls.append(distance <= rule.radius)
    return balls
