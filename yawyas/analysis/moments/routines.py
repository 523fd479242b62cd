"""Routines: listening of one kind (a device, podcasts, a playlist's music...) that comes back
at the same time of the week, week after week, far more often than chance would bring it.

Occasions. A history is cut into blocks of `BLOCK_WEEKS` weeks, and again into years
(`BLOCK_SIZES`). In each block and for each group of segments (see `Group`), every one-hour
window of the listening day (04:00 to 04:00, in steps of half an hour) on every set of days
(`DAYSETS`) is counted in occasions: the days of that set, week by week, on which the group
started something in that window.

The null model is the person's own history with each segment's day and start time drawn
independently from all of their days and start times (the same sessions, their days and times
shuffled). Under it, a week with `n` segments of the group has one on day `d` in window `j`
with chance `1 - (1 - p(d) p(j)) ** n`, so the expected occasions are an exact sum over weeks;
the tail is taken as Poisson with that mean (conservative: a sum of yes/no chances varies less).
For all listening, days and times come from the whole history, so a habit of an era (late
nights in 2022, afternoons in 2024) stands out, while a rhythm that never changes (most
listening in the evening, every day of every year) is what the null model expects and is no
moment. For a content, a kind or a device, they come from the person's listening in the same
block or era: what sets it apart is its hours, not the era's (everyday music that was popular
in a year of late nights is not a late-night habit of its own).

A window is hot in a block when its occasions beat the null by `Z_HOT` standard deviations,
`P_HOT`, and `MIN_LIFT` times. Hot windows are linked from block to block when their centres
are within `DRIFT_MINUTES` (a routine that drifts slowly stays one; a job that moves it by an
hour starts another) into chains. A chain is a candidate routine with an era (its first and
last occasion), and a routine when, over its whole era, it recurs on at least `min_weeks`
distinct weeks and on at least MIN_REGULARITY of the weeks the person listened, no single
day holds more than `MAX_DAY_SHARE` of its streams (a binge or a party is not a routine), and
its occasions beat the null by `Z_ROUTINE` standard deviations, `MIN_LIFT` times, and with a
p below `FAMILY_P` over the number of windows looked at (`looked_at`: a Bonferroni bound).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field, replace
from typing import Final

import numpy as np

from yawyas.analysis.common import BoolArray, FloatArray, IntArray
from yawyas.analysis.moments.features import Segments

BIN_MINUTES: Final = 30
BINS: Final = 1440 // BIN_MINUTES
WINDOW_BINS: Final = 2  # a window is one hour: two bins
DAY_START_MINUTE: Final = 240  # the listening day runs from 04:00 to 04:00
BLOCK_WEEKS: Final = 13
BLOCK_SIZES: Final = (BLOCK_WEEKS, 52)  # a season, and a year for the faint habits of years
SHORT_WEEKS: Final = 26  # shorter histories (about six months) need fewer weeks
DAYSETS: Final[tuple[tuple[int, ...], ...]] = (
    (0, 1, 2, 3, 4),
    (5, 6),
    (0, 1, 2, 3),
    (6, 0, 1, 2, 3),
    (4, 5),
    (0, 1, 2, 3, 4, 5, 6),
    (0,),
    (1,),
    (2,),
    (3,),
    (4,),
    (5,),
    (6,),
)
Z_HOT: Final = 3.0
P_HOT: Final = 1e-3
Z_ROUTINE: Final = 6.0
FAMILY_P: Final = 0.01  # the chance of one false routine anywhere in a history (Bonferroni)
MIN_LIFT: Final = 2.0
MIN_OCCASIONS: Final = 3
ALL_RANK: Final = 3  # the group of all listening (see `Group`)
ERA_MIN_SEGMENTS: Final = 50  # fewer background segments in an era: the whole history's chances
MAX_DAY_SHARE: Final = 0.10
MIN_REGULARITY: Final = 1 / 3  # it happens in at least one listening week in three of its era
DRIFT_MINUTES: Final = 45.0
JUMP_WEEKS: Final = 10  # the weeks compared on either side of a possible jump
JUMP_MIN_STARTS: Final = 5
MAX_PAUSE_WEEKS: Final = 26  # the same routine after a pause of up to half a year
STORY_LIFT: Final = 4.0  # sharper routines keep their own content (a playlist's hour)
SAME_GROUP: Final = 0.8  # a group holding this much of another's routine may take it in
MAX_WIDEN: Final = 3  # half hours a window may grow on each side
EXTEND_LIFT: Final = 2.0
DAY_FRACTION: Final = 0.3  # a day of a routine holds 30% of its busiest day's occasions
MAX_BLOCK_GAP: Final = 2  # a routine may pause for one block (a season away) and go on


@dataclass(frozen=True)
class Group:
    """Segments that share how or what they are: a device, a kind of content, a content
    cluster, or all of them. `rank` orders specificity (content 0, kind 1, device 2, all 3)."""

    key: str
    rank: int
    mask: BoolArray
    rows: IntArray = field(init=False, repr=False, compare=False)  # the mask's segments

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", np.flatnonzero(self.mask))


@dataclass(frozen=True)
class Routine:
    """A routine found in one group: its listening days (0 = Monday, days run 04:00-04:00),
    its window in each stretch of weeks (bins of the listening day), its members (segment
    indices) and what
    the null model says of it."""

    group: Group
    days: tuple[int, ...]
    spans: tuple[Span, ...]  # where and when: week ranges, each with its window of bins
    members: IntArray
    occasions: int
    expected: float
    z: float
    p_value: float
    weeks: int
    dates: int
    top_day_share: float
    first_week: int
    last_week: int
    active_weeks: int  # weeks of its era in which the person listened at all
    era_share: float  # its streams' share of all streams of its era

    @property
    def scale(self) -> int:
        """Weeks per block of the chain it came from (finer chains place eras better)."""
        return min((hi - lo + 1 for lo, hi, _, _ in self.spans), default=0)

    @property
    def regularity(self) -> float:
        """The share of its era's listening weeks it happened in."""
        return self.weeks / max(self.active_weeks, 1)

    @property
    def lift(self) -> float:
        """Occasions over what the null model expects."""
        return self.occasions / max(self.expected, 1e-9)


Span = tuple[int, int, int, int]  # (first week, last week, first bin, last bin), inclusive


@dataclass(frozen=True)
class Frame:
    """Each segment's week (since the first) and bin of the listening day, and the null
    model's day and bin chances, from the background segments."""

    weeks: IntArray
    bins: IntArray
    p_day: FloatArray
    p_bin: FloatArray
    min_weeks: int
    p_routine: float  # the p a routine must beat: FAMILY_P over the windows looked at
    day: IntArray  # each segment's listening weekday
    day_counts: IntArray  # (weeks + 1) x 7: background segments per day, cumulated over weeks
    bin_counts: IntArray  # (weeks + 1) x BINS: likewise per bin of the listening day
    listened: IntArray  # weeks + 1: weeks with any listening, cumulated
    week_streams: IntArray  # weeks + 1: streams per week, cumulated
    _columns: dict[int, tuple[IntArray, IntArray, IntArray, IntArray]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def chances(self, lo: int, hi: int) -> tuple[FloatArray, FloatArray]:
        """(p_day, p_bin) of the background segments in weeks lo..hi: the null model of a
        group compared with the person's own listening in that era."""
        days = self.day_counts[hi + 1] - self.day_counts[lo]
        n = int(days.sum())
        if n < ERA_MIN_SEGMENTS:
            return self.p_day, self.p_bin
        return days / n, (self.bin_counts[hi + 1] - self.bin_counts[lo]) / n

    def columns(self, group: Group) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        """(rows, weeks, bins, days) of a group's segments, gathered once per group."""
        key = id(group.rows)
        found = self._columns.get(key)
        if found is None or found[0] is not group.rows:
            rows = group.rows
            found = (rows, self.weeks[rows], self.bins[rows], self.day[rows])
            self._columns[key] = found
        return found

    def streams_between(self, lo: int, hi: int) -> int:
        """All streams of weeks lo..hi."""
        return int(self.week_streams[hi + 1] - self.week_streams[lo])

    def listening_weeks(self, lo: int, hi: int) -> int:
        """How many weeks of lo..hi had any listening."""
        return int(self.listened[hi + 1] - self.listened[lo])


def looked_at(n_weeks: int, groups: int) -> int:
    """How many windows the search looks at: groups x day sets x one-hour windows x blocks."""
    blocks = sum(-(-n_weeks // size) for size in BLOCK_SIZES)
    return max(groups, 1) * len(DAYSETS) * (BINS - 1) * blocks


def build_frame(segments: Segments, background: BoolArray | None = None, groups: int = 1) -> Frame:
    """The frame of a history; the null model's chances come from `background` (default: all
    segments; see `fit.fit_moments`, which leaves the strongest routines out of it)."""
    weeks = (segments.week - segments.week.min()).astype(np.int64)
    bins = (listening_minutes(segments) // BIN_MINUTES).astype(np.int64)
    rows = np.ones(len(weeks), dtype=bool) if background is None else background
    if not rows.any():
        rows = np.ones(len(weeks), dtype=bool)
    n = int(rows.sum())
    n_weeks = int(weeks.max()) + 1
    day_counts = np.zeros((n_weeks + 1, 7), dtype=np.int64)
    np.add.at(day_counts, (weeks[rows] + 1, segments.day[rows]), 1)
    bin_counts = np.zeros((n_weeks + 1, BINS), dtype=np.int64)
    np.add.at(bin_counts, (weeks[rows] + 1, bins[rows]), 1)
    listened = np.zeros(n_weeks + 1, dtype=np.int64)
    listened[np.unique(weeks) + 1] = 1
    return Frame(
        weeks=weeks,
        bins=bins,
        day=segments.day,
        p_day=np.bincount(segments.day[rows], minlength=7) / n,
        p_bin=np.bincount(bins[rows], minlength=BINS) / n,
        min_weeks=min_weeks_for(n_weeks),
        p_routine=FAMILY_P / looked_at(n_weeks, groups),
        day_counts=np.cumsum(day_counts, axis=0),
        bin_counts=np.cumsum(bin_counts, axis=0),
        listened=np.cumsum(listened),
        week_streams=np.cumsum(
            np.bincount(weeks + 1, weights=segments.streams, minlength=n_weeks + 1)
        ).astype(np.int64),
    )


@dataclass(frozen=True)
class _Region:
    group: int
    dayset: int
    size: int  # weeks per block
    block: int
    first_bin: int
    last_bin: int
    centre: float  # minutes after 04:00: median start of the group's segments in the region

    @property
    def span(self) -> Span:
        first = self.block * self.size
        return (first, first + self.size - 1, self.first_bin, self.last_bin)


def listening_minutes(segments: Segments) -> FloatArray:
    """Each segment's start in minutes after 04:00 (the start of its listening day)."""
    out: FloatArray = (segments.minute - DAY_START_MINUTE) % 1440
    return out


def _expected(
    n_week: FloatArray, p_day: FloatArray, p_window: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Expected occasions and their variance per (day, window) under the null model, summed
    over weeks with `n_week` segments of the group each."""
    chance = np.clip(p_day[:, None] * p_window[None, :], 0.0, 1.0)
    miss = (1.0 - chance)[None, :, :] ** n_week[:, None, None]
    q = 1.0 - miss
    expected: FloatArray = q.sum(axis=0)
    variance: FloatArray = (q * miss).sum(axis=0)
    return expected, variance


def _window_shares(bins: IntArray, weights: FloatArray | None = None) -> FloatArray:
    """The share of segments whose start falls in each one-hour window (bins j and j+1)."""
    counts = np.bincount(bins, weights=weights, minlength=BINS).astype(np.float64)
    total = counts.sum()
    share = counts / total if total > 0 else counts
    out: FloatArray = share.copy()
    out[:-1] += share[1:]
    return out


def _occasion_grid(week: IntArray, day: IntArray, bins: IntArray, n_weeks: int) -> IntArray:
    """(7 x BINS): on how many weeks each day had a segment in each one-hour window."""
    keys = np.concatenate([(week * 7 + day) * BINS + bins, (week * 7 + day) * BINS + bins - 1])
    keep = np.concatenate([np.ones(len(bins), bool), bins > 0])
    unique = np.unique(keys[keep])
    cell = unique % (7 * BINS)
    out: IntArray = np.bincount(cell, minlength=7 * BINS).reshape(7, BINS)
    return out


def _runs(hot: BoolArray) -> list[tuple[int, int]]:
    """(first, last) windows of each run of hot windows, bridging single cold ones."""
    runs: list[tuple[int, int]] = []
    idx = np.flatnonzero(hot)
    for j in idx.tolist():
        if runs and j - runs[-1][1] <= 2:
            runs[-1] = (runs[-1][0], j)
        else:
            runs.append((j, j))
    return runs


def find_regions(
    segments: Segments, groups: list[Group], frame: Frame, sizes: tuple[int, ...] = BLOCK_SIZES
) -> list[_Region]:
    """The hot regions of every group in every block, at every block size (see the module
    docstring): short blocks place an era, long ones find the faint habits of years."""
    minutes = listening_minutes(segments)
    weeks, bins = frame.weeks, frame.bins
    out: list[_Region] = []
    for size in sizes:
        block = weeks // size
        order = np.argsort(block, kind="stable")
        bounds = np.searchsorted(block[order], np.arange(int(block.max(initial=-1)) + 2))
        for q in range(len(bounds) - 1):
            rows = order[bounds[q] : bounds[q + 1]]
            if len(rows) < 20:
                continue
            week0 = q * size
            local = frame.chances(week0, min(week0 + size - 1, len(frame.listened) - 2))
            for g, group in enumerate(groups):
                mine = rows[group.mask[rows]]
                if len(mine) < MIN_OCCASIONS:
                    continue
                # a content or a device against the person's listening of the same time; all
                # listening against the whole history (the habits of an era)
                p_day, p_bin = local if group.rank < ALL_RANK else (frame.p_day, frame.p_bin)
                p_window = p_bin.copy()
                p_window[:-1] += p_bin[1:]
                n_week = np.bincount(weeks[mine] - week0, minlength=size).astype(np.float64)
                grid = _occasion_grid(weeks[mine] - week0, segments.day[mine], bins[mine], size)
                expected, variance = _expected(n_week, p_day, p_window)
                for k, days in enumerate(DAYSETS):
                    seen = grid[list(days)].sum(axis=0).astype(np.float64)
                    mean = expected[list(days)].sum(axis=0)
                    sd = np.sqrt(variance[list(days)].sum(axis=0)) + 1e-9
                    hot = (
                        ((seen - mean) / sd >= Z_HOT)
                        & (poisson_tail(seen, mean) <= P_HOT)
                        & (seen >= MIN_LIFT * mean)
                        & (seen >= MIN_OCCASIONS)
                    )
                    for first, last in _runs(hot):
                        last_bin = min(last + WINDOW_BINS - 1, BINS - 1)
                        inside = (
                            np.isin(segments.day[mine], days)
                            & (bins[mine] >= first)
                            & (bins[mine] <= last_bin)
                        )
                        centre = float(np.median(minutes[mine][inside])) if inside.any() else 0.0
                        out.append(_Region(g, k, size, q, first, last_bin, centre))
    return out


def _chains(regions: list[_Region]) -> list[list[_Region]]:
    """Regions of one group and day set linked across blocks when their centres are within
    DRIFT_MINUTES and at most MAX_BLOCK_GAP blocks apart; each chain a list by block."""
    by_key: dict[tuple[int, int, int], list[_Region]] = {}
    for r in regions:
        by_key.setdefault((r.group, r.dayset, r.size), []).append(r)
    chains: list[list[_Region]] = []
    for found in by_key.values():
        found.sort(key=lambda r: (r.block, r.first_bin))
        open_chains: list[list[_Region]] = []
        for r in found:
            near = [
                chain
                for chain in open_chains
                if 0 < r.block - chain[-1].block <= MAX_BLOCK_GAP
                and abs(r.centre - chain[-1].centre) <= DRIFT_MINUTES
            ]
            best = min(near, key=lambda c: abs(r.centre - c[-1].centre), default=None)
            if best is not None:
                best.append(r)
            else:
                open_chains.append([r])
        chains += open_chains
    return chains


def poisson_tail(seen: FloatArray | float, expected: FloatArray | float) -> FloatArray:
    """P(X >= seen) for X Poisson with mean `expected`: a conservative tail for a sum of
    independent yes/no chances with that mean (its variance is at most the mean)."""
    from scipy.special import gammainc

    seen_arr = np.asarray(seen, dtype=np.float64)
    mean = np.maximum(np.asarray(expected, dtype=np.float64), 1e-12)
    out: FloatArray = np.where(seen_arr <= 0, 1.0, gammainc(np.maximum(seen_arr, 1.0), mean))
    return out


def evaluate_chain(
    segments: Segments,
    group: Group,
    days: tuple[int, ...],
    spans: tuple[Span, ...],
    frame: Frame,
) -> Routine | None:
    """The routine of `group` on `days` within `spans`, with its era and significance, or
    None when it has no member at all. Whether it passes the tests is `is_routine`."""
    rows, weeks, bins, row_days = frame.columns(group)
    member = np.zeros(len(rows), dtype=bool)
    for first_week, last_week, first, last in spans:
        member |= (weeks >= first_week) & (weeks <= last_week) & (bins >= first) & (bins <= last)
    on_day = np.zeros(7, dtype=bool)
    on_day[list(days)] = True
    member &= on_day[row_days]
    if not member.any():
        return None
    members = rows[member]
    first_week, last_week = int(weeks[member].min()), int(weeks[member].max())
    if group.rank < ALL_RANK:
        p_day, p_bin = frame.chances(first_week, last_week)
    else:
        p_day, p_bin = frame.p_day, frame.p_bin
    span = last_week - first_week + 1
    era = (weeks >= first_week) & (weeks <= last_week)
    n_week = np.bincount(weeks[era] - first_week, minlength=span).astype(np.float64)
    weeks = frame.weeks
    # the window of each week (a routine may drift from stretch to stretch)
    window = np.zeros((span, BINS), dtype=bool)
    for lo, hi, first, last in spans:
        lo, hi = max(lo, first_week), min(hi, last_week)
        if lo <= hi:
            window[lo - first_week : hi - first_week + 1, first : last + 1] = True
    p_window = window @ p_bin
    chance = np.clip(p_day[list(days)][None, :] * p_window[:, None], 0.0, 1.0)
    miss = (1.0 - chance) ** n_week[:, None]
    expected = float((1.0 - miss).sum())
    variance = float(((1.0 - miss) * miss).sum())
    occasions = len(np.unique(weeks[members] * 7 + segments.day[members]))
    z = (occasions - expected) / math.sqrt(variance + 1e-9)
    streams = segments.streams[members]
    dates, inverse = np.unique(segments.date[members], return_inverse=True)
    per_date = np.bincount(inverse, weights=streams)
    return Routine(
        group=group,
        days=days,
        spans=spans,
        members=members,
        occasions=occasions,
        expected=expected,
        z=float(z),
        p_value=float(poisson_tail(occasions, expected)),
        weeks=len(np.unique(weeks[members])),
        dates=len(dates),
        top_day_share=float(per_date.max() / max(streams.sum(), 1)),
        first_week=first_week,
        last_week=last_week,
        active_weeks=frame.listening_weeks(first_week, last_week),
        era_share=float(streams.sum()) / max(frame.streams_between(first_week, last_week), 1),
    )


def is_routine(r: Routine, frame: Frame) -> bool:
    """The tests every moment passes: recurrence, no day dominating, beating the null."""
    return (
        r.weeks >= frame.min_weeks
        and r.regularity >= MIN_REGULARITY
        and r.top_day_share <= MAX_DAY_SHARE
        and r.z >= Z_ROUTINE
        and r.p_value <= frame.p_routine
        and r.lift >= MIN_LIFT
    )


def find_routines(
    segments: Segments, groups: list[Group], frame: Frame, sizes: tuple[int, ...] = BLOCK_SIZES
) -> list[Routine]:
    """Every candidate routine of every group that passes `is_routine`, before the choice
    between overlapping ones (see `choose`)."""
    if len(segments) == 0:
        return []
    out = []
    minutes = listening_minutes(segments)
    for chain in _chains(find_regions(segments, groups, frame, sizes)):
        group, days = groups[chain[0].group], DAYSETS[chain[0].dayset]
        for spans in split_at_jump(
            tuple(r.span for r in chain), group, days, segments, frame, minutes
        ):
            routine = evaluate_chain(segments, group, days, spans, frame)
            if routine is not None:
                routine = refine_days(routine, segments, frame)
            if routine is not None and is_routine(routine, frame):
                out.append(widen(routine, segments, frame))
    return out


def split_at_jump(
    spans: tuple[Span, ...],
    group: Group,
    days: tuple[int, ...],
    segments: Segments,
    frame: Frame,
    minutes: FloatArray,
) -> list[tuple[Span, ...]]:
    """A chain cut in two where its usual start jumps (a job that moves a commute by an hour):
    the weekly median starts of JUMP_WEEKS weeks before a week and after it differ by more
    than DRIFT_MINUTES and their middle halves do not overlap. Each part gets the window its
    own starts fill (5% to 95%); slow drift never jumps and stays one chain."""
    lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
    first, last = min(s[2] for s in spans), max(s[3] for s in spans)
    rows, weeks, bins, row_days = frame.columns(group)
    on_day = np.zeros(7, dtype=bool)
    on_day[list(days)] = True
    member = on_day[row_days] & (weeks >= lo) & (weeks <= hi) & (bins >= first) & (bins <= last)
    rows = rows[member]
    if len(rows) < 4 * JUMP_MIN_STARTS:
        return [spans]
    order = np.lexsort((minutes[rows], frame.weeks[rows]))
    w, m = frame.weeks[rows][order], minutes[rows][order]
    # each week's (lower) median start; a jump shows between the weeks before and after
    uniq, first_of, count = np.unique(w, return_index=True, return_counts=True)
    if len(uniq) < 2 * JUMP_WEEKS:
        return [spans]
    weekly = m[first_of + (count - 1) // 2]
    windows = np.lib.stride_tricks.sliding_window_view(weekly, JUMP_WEEKS)
    before, after = windows[:-JUMP_WEEKS], windows[JUMP_WEEKS:]  # boundary at index k
    q_before = np.quantile(before, (0.25, 0.5, 0.75), axis=1)
    q_after = np.quantile(after, (0.25, 0.5, 0.75), axis=1)
    apart = (q_before[2] < q_after[0]) | (q_after[2] < q_before[0])
    jump = np.where(apart, np.abs(q_after[1] - q_before[1]), 0.0)
    if not len(jump) or jump.max() <= DRIFT_MINUTES:
        return [spans]
    cut = int(uniq[int(np.argmax(jump)) + JUMP_WEEKS])
    parts = []
    for part, (p_lo, p_hi) in ((w < cut, (lo, cut - 1)), (w >= cut, (cut, hi))):
        starts = m[part] // BIN_MINUTES
        a, b = int(np.quantile(starts, 0.05)), int(np.quantile(starts, 0.95))
        clipped = tuple(
            (max(s[0], p_lo), min(s[1], p_hi), a, b) for s in spans if s[1] >= p_lo and s[0] <= p_hi
        )
        if clipped:
            parts.append(clipped)
    return parts


def _shifted(spans: tuple[Span, ...], before: int, after: int) -> tuple[Span, ...]:
    return tuple(
        (lo, hi, max(first - before, 0), min(last + after, BINS - 1))
        for lo, hi, first, last in spans
    )


def widen(r: Routine, segments: Segments, frame: Frame) -> Routine:
    """The routine's window grown half an hour at a time on either side (up to MAX_WIDEN) while
    what the added half hour brings is EXTEND_LIFT times what the null model expects there: hot
    windows hold where a routine usually starts, not its late starts."""
    best = r
    for side in (0, 1):
        for _ in range(MAX_WIDEN):
            spans = _shifted(best.spans, 1 - side, side)
            if spans == best.spans:
                break
            wider = evaluate_chain(segments, best.group, best.days, spans, frame)
            if wider is None:
                break
            added = wider.occasions - best.occasions
            expected = wider.expected - best.expected
            if added < EXTEND_LIFT * max(expected, 0.5) or not is_routine(wider, frame):
                break
            best = wider
    return best


def refine_days(r: Routine, segments: Segments, frame: Frame) -> Routine | None:
    """The routine on the days it really happens: days of its set holding at least
    DAY_FRACTION of the busiest day's occasions (a Mon-Thu set that is Tue and Thu)."""
    week_day = np.unique(frame.weeks[r.members] * 7 + segments.day[r.members])
    per_day = np.bincount(week_day % 7, minlength=7)
    days = tuple(d for d in r.days if per_day[d] >= DAY_FRACTION * per_day.max())
    if days == tuple(r.days):
        return r
    return evaluate_chain(segments, r.group, days, r.spans, frame)


def min_weeks_for(history_weeks: int) -> int:
    """Distinct weeks a moment must recur on: 8, or 4 in histories shorter than six months."""
    return 4 if history_weeks < SHORT_WEEKS else 8


def choose(routines: list[Routine], segments: Segments, frame: Frame) -> list[Routine]:
    """The routines that explain the listening best, greedily: the most significant first;
    then each other one judged on what is left of it (the streams no routine chosen before
    holds), kept only if that still passes the tests, and taken in the order of what is left.
    So a playlist's routine inside a device's hours wins when it is the sharper story, the
    device's routine when it holds a habit beyond it (music that varies, night after night),
    and broad views of routines already told, or fragments of them, fall away."""
    best: dict[tuple[object, ...], Routine] = {}
    for r in routines:  # the same routine is often found from several day sets and scales
        key = (r.group.key, r.days, r.first_week, r.last_week, r.occasions, len(r.members))
        if key not in best or best[key].z < r.z:
            best[key] = r
    heap = [(-r.z, i, r) for i, r in enumerate(best.values())]
    heapq.heapify(heap)
    taken = np.zeros(len(segments), dtype=bool)
    kept: list[Routine] = []
    while heap:
        _, i, r = heapq.heappop(heap)
        if taken[r.members].any():
            rest = replace(r.group, mask=r.group.mask & ~taken)
            again = evaluate_chain(segments, rest, r.days, r.spans, frame)
            if again is not None:  # what is left may live on fewer days (a Friday)
                again = refine_days(again, segments, frame)
            if again is None or not is_routine(again, frame):
                continue
            again = replace(again, group=r.group)
            if heap and -heap[0][0] > again.z:
                heapq.heappush(heap, (-again.z, i, again))
                continue
            r = again
        kept.append(r)
        taken[r.members] = True
    return kept


_CENTRES: dict[int, tuple[IntArray, float]] = {}


def _centre(segments: Segments, r: Routine) -> float:
    """The median start of a routine's segments (minutes after 04:00), computed once."""
    found = _CENTRES.get(id(r.members))
    if found is None or found[0] is not r.members:
        found = (r.members, float(np.median(listening_minutes(segments)[r.members])))
        if len(_CENTRES) > 10_000:
            _CENTRES.clear()
        _CENTRES[id(r.members)] = found
    return found[1]


def merge_days(routines: list[Routine], segments: Segments, frame: Frame) -> list[Routine]:
    """Routines of one group at the same time of day are one routine when they live on other
    days of the same era ("Tue, Thu evenings"), or on the same days in eras that follow each
    other (a pause, not a change) - when the merged one still passes the tests."""
    out = list(routines)
    changed = True
    while changed:
        changed = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                merged = _merged(out[i], out[j], segments, frame)
                if merged is not None:
                    out[i] = merged
                    del out[j]
                    changed = True
                    break
            if changed:
                break
    return out


def _same_story(a: Routine, b: Routine, segments: Segments) -> bool:
    """Two faint routines of different listening on the same days, hours and device (music
    that changes over the years, on the phone every weekend morning) are one habit."""
    if set(a.days) != set(b.days) or max(a.lift, b.lift) >= STORY_LIFT:
        return False
    devices = [np.bincount(segments.device[r.members]).argmax() for r in (a, b)]
    return bool(devices[0] == devices[1])


def _hours(r: Routine) -> tuple[int, int]:
    """The bins of the listening day its windows cover, over all its eras."""
    return min(first for _, _, first, _ in r.spans), max(last for _, _, _, last in r.spans)


def _one_habit(a: Routine, b: Routine, segments: Segments) -> bool:
    """Faint routines of one device or kind of listening whose hours overlap by half are
    pieces of one habit (everyday music at the computer on weekday afternoons, passing the
    tests in some seasons and not in others, over years): merged whatever the weeks between
    them, when the whole still passes the tests. Sharp ones (a playlist's hour) keep their
    eras: a change of hour or day there is a change of life."""
    if max(a.lift, b.lift) >= STORY_LIFT:
        return False
    (a_lo, a_hi), (b_lo, b_hi) = _hours(a), _hours(b)
    overlap = min(a_hi, b_hi) - max(a_lo, b_lo) + 1
    return overlap >= 0.5 * min(a_hi - a_lo + 1, b_hi - b_lo + 1)


def _merged(a: Routine, b: Routine, segments: Segments, frame: Frame) -> Routine | None:
    group = a.group
    if a.group.key != b.group.key:  # one group may hold the other's routine (a show, podcasts)
        if a.group.mask[b.members].mean() >= SAME_GROUP:
            group = a.group
        elif b.group.mask[a.members].mean() >= SAME_GROUP:
            group = b.group
        elif _same_story(a, b, segments):
            group = Group(
                f"{a.group.key}+{b.group.key}",
                max(a.group.rank, b.group.rank),
                a.group.mask | b.group.mask,
            )
        else:
            return None
    if _one_habit(a, b, segments):
        pass  # a faint habit seen in pieces: one routine whatever the eras between them
    elif abs(_centre(segments, a) - _centre(segments, b)) > DRIFT_MINUTES:
        return None
    else:
        gap = max(a.first_week, b.first_week) - min(a.last_week, b.last_week)
        if set(a.days) & set(b.days):
            if set(a.days) != set(b.days) or gap > MAX_PAUSE_WEEKS:
                return None
        elif gap > BLOCK_WEEKS:
            return None
    days = tuple(sorted(set(a.days) | set(b.days)))
    merged = evaluate_chain(segments, group, days, a.spans + b.spans, frame)
    if merged is None or not is_routine(merged, frame):
        return None
    return merged
