"""Finding the moments among the segments: density clustering, weekly merging, a lift test.

1. DBSCAN on time x context features (a sample of at most `sample_size` segments). Density,
   not a fixed number of clusters: a moment is a region where sessions are much closer together
   than the person's everyday listening, and whatever is in no dense region is noise. `eps` is a
   resolution in the features' plain units (about two hours of clock, or a clearly different
   music), and the density needed scales with the length of the history: a core session needs
   neighbours from about one week in ten, a cluster sessions from one week in four.
2. The listening day is one-hot with a distance above `eps`, so each cluster lives on one
   weekday; clusters with the same context (closer than `merge_distance`) whose start windows
   overlap are one weekly moment on several days ("Mon-Fri 17:00").
3. Each moment is then a rule: its days, its start window and a context radius. Every segment
   is classified by the rules (the nearest context wins), so the sample only finds moments.
4. A moment must be concentrated in time: the share of its context's listening that falls in
   its window must be `min_lift` times the share of all other listening in that window.
   Everyday listening, spread over the week like the rest, fails this and becomes noise.
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
MIN_WEEKS: Final = 4  # a moment happens in at least this many different weeks
MAX_LIFT: Final = 100.0  # beyond this, "far likelier" is all there is to say


@dataclass(frozen=True)
class ModelParams:
    """The knobs of the model, in plain units; the defaults are what the tests validate."""

    eps: float = 0.6
    merge_distance: float = 0.5
    min_lift: float = 3.0
    sample_size: int = 12_000
    seed: int = 0
    radius_floor: float = 0.2
    radius_factor: float = 1.5
    margin_minutes: float = 30.0
    weeks_per_core: float = 10.0
    weeks_per_moment: float = 4.0


@dataclass(frozen=True)
class Rule:
    """A found moment as a rule on segments: listening days, start window, context ball."""

    days: tuple[int, ...]
    start_minute: float  # first usual start (minutes after midnight)
    last_start_minute: float  # last usual start; before start_minute when crossing midnight
    centroid: FloatArray
    radius: float
    lift: float = 0.0


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


def _arcs_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    def pieces(w: tuple[float, float]) -> list[tuple[float, float]]:
        first, last = w
        return [(first, last)] if first <= last else [(first, 1440.0), (0.0, last)]

    return any(min(b1, b2) >= max(a1, a2) for a1, b1 in pieces(a) for a2, b2 in pieces(b))


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


def _in_rule_time(segments: Segments, rule: Rule, margin: float) -> BoolArray:
    on_day = np.isin(segments.day, rule.days)
    out: BoolArray = on_day & in_arc(
        segments.minute, rule.start_minute - margin, rule.last_start_minute + margin
    )
    return out


def _lift(weight: FloatArray, similar: BoolArray, timely: BoolArray) -> float:
    """How much likelier listening of this context is in the window than other listening:
    P(window | context) / P(window | other context), by streams."""
    inside = weight[similar].sum()
    if inside == 0:
        return 0.0
    p_similar = weight[similar & timely].sum() / inside
    rest = weight[~similar].sum()
    p_rest = weight[~similar & timely].sum() / rest if rest > 0 else weight[timely].sum() / inside
    return float(min(p_similar / max(p_rest, 1e-6), MAX_LIFT))


def classify(
    segments: Segments, context: FloatArray, rules: list[Rule], margin: float
) -> tuple[IntArray, list[float]]:
    """Each segment's rule (-1: none), nearest context first; and each rule's lift."""
    n = len(segments)
    labels = np.full(n, -1, dtype=np.int64)
    best = np.full(n, np.inf)
    lifts = []
    for i, rule in enumerate(rules):
        distance = np.sqrt(((context - rule.centroid) ** 2).sum(axis=1))
        similar = distance <= rule.radius
        timely = _in_rule_time(segments, rule, margin)
        weight = segments.streams.astype(np.float64)
        lifts.append(_lift(weight, similar, timely))
        take = similar & timely & (distance < best)
        labels[take] = i
        best[take] = distance[take]
    return labels, lifts


def fit_rules(
    time_x: FloatArray, context_x: FloatArray, segments: Segments, params: ModelParams
) -> tuple[list[Rule], IntArray]:
    """The moments' rules, and each segment's moment (index into the rules; -1 for noise)."""
    n = len(segments)
    if n == 0:
        return [], np.zeros(0, dtype=np.int64)
    weeks = max(1.0, float(segments.week.max() - segments.week.min() + 1))
    rng = np.random.default_rng(params.seed)
    sample = np.arange(n)
    if n > params.sample_size:
        sample = np.sort(rng.choice(n, params.sample_size, replace=False))
    fraction = len(sample) / n
    dense = _dense_clusters(np.hstack([time_x[sample], context_x[sample]]), weeks, fraction, params)
    k = int(dense.max(initial=-1)) + 1
    if k == 0:
        return [], np.full(n, -1, dtype=np.int64)
    rules = [_rule(segments, context_x, sample[dense == c], params) for c in range(k)]
    pairs = [
        (i, j)
        for i in range(k)
        for j in range(i + 1, k)
        if np.linalg.norm(rules[i].centroid - rules[j].centroid) < params.merge_distance
        and _arcs_overlap(
            (rules[i].start_minute, rules[i].last_start_minute),
            (rules[j].start_minute, rules[j].last_start_minute),
        )
    ]
    groups = _union(k, pairs)
    merged = groups[dense[dense >= 0]]
    members = sample[dense >= 0]
    rules = [
        _rule(segments, context_x, members[merged == g], params)
        for g in range(int(groups.max()) + 1)
    ]
    labels, lifts = classify(segments, context_x, rules, params.margin_minutes)
    weeks_seen = [len(np.unique(segments.week[labels == i])) for i in range(len(rules))]
    keep = [
        i for i in range(len(rules)) if lifts[i] >= params.min_lift and weeks_seen[i] >= MIN_WEEKS
    ]
    kept = [
        Rule(r.days, r.start_minute, r.last_start_minute, r.centroid, r.radius, lifts[i])
        for i, r in enumerate(rules)
        if i in keep
    ]
    if len(kept) != len(rules):
        labels, _ = classify(segments, context_x, kept, params.margin_minutes)
    return kept, labels


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
