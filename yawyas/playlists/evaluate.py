"""How well would `now` have done? Learn before a cutoff, score the plays after it, against
strong baselines, over several cutoffs.

The held-out span (by default the last 28 days) is cut into windows (by default four weeks);
each window is judged by what was known at its start, its cutoff: the plays before it, the
moments learned from them (see `service.evaluate_history`) and a blend tuned on them alone
(`blend.fit_blend`, on the weeks before the cutoff). A hit is a held-out play (>= 30 s) whose song
(the same song under any URI, or by name alone) is in the playlist for its local start (its
weekday and quarter hour).

With `rolling` (the default), every held-out quarter hour is judged with all the plays before
it, as `playlist now` is used (it always knows what you played until the minute): `now` with its
blend fitted for a quarter hour ahead on the weeks before the window (moments as learned at the
window's cutoff), and the baselines each from the plays before that quarter hour. With
`every_minutes` (a multiple of 15), `now` and the baselines are remade that often only, each
quarter hour judged with the plays before the last time they were made (30: a playlist that
`yawyas schedule` refreshes every 30 minutes). Without `rolling`, each window is judged whole
from its cutoff, `now` fitted for a week ahead.

Baselines, from the same plays before the same cutoff, on the same held-out plays:
- top: the overall top songs by plays;
- recent: the most recently played songs;
- time_of_week: the top songs of the same weekday within an hour of the time (filled up with
  the overall top when that hour holds fewer);
- recency_frequency: ACT-R base-level activation, the sum over a song's plays of (age)^-0.5;
- lately: the most played songs lately, each play counting half as much every 7 days (a
  simple baseline that on real histories is often the strongest of these).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from yawyas.errors import BadInputError
from yawyas.playlists.backtest import QUARTER_S, fit_blend
from yawyas.playlists.blend import (
    ACTIVATION_DECAY,
    ACTIVATION_MIN_AGE_S,
    SLOT_MIN,
    Blend,
    plays_around,
    slot_of,
    slot_time,
)
from yawyas.playlists.generate import Context, now_recipe, select
from yawyas.playlists.listening import DAY_S, IntArray, Listening

DEFAULT_HOLDOUT_DAYS: Final = 28
DEFAULT_WINDOWS: Final = 4
BASELINES: Final = ("top", "recent", "time_of_week", "recency_frequency", "lately")
LATELY_HALF_LIFE_DAYS: Final = 7.0


def _rate(hits: int, plays: int) -> float:
    return hits / plays if plays else 0.0


def _lift(now: float, base: float) -> float:
    if base == 0:
        return float("inf") if now else 1.0
    return now / base


@dataclass(frozen=True)
class WindowResult:
    """One held-out window: its cutoff, what was learned before it, and the hits of `now` and
    of each baseline among its plays."""

    cutoff_s: int
    until_s: int
    train_plays: int
    heldout_plays: int
    moments: int
    hits: Mapping[str, int]  # "now" and every baseline
    blend: Blend = field(default_factory=Blend)

    def rate(self, name: str) -> float:
        """The hit rate of `now` or of a baseline in this window."""
        return _rate(self.hits[name], self.heldout_plays)

    @property
    def best_baseline(self) -> str:
        """The baseline with the highest hit rate (the first of BASELINES on a tie)."""
        return max(BASELINES, key=lambda b: (self.hits[b], -BASELINES.index(b)))

    @property
    def lift_over_best(self) -> float:
        return _lift(self.rate("now"), self.rate(self.best_baseline))

    def as_dict(self) -> dict[str, Any]:
        return {
            "cutoff": self.cutoff_s,
            "until": self.until_s,
            "train_plays": self.train_plays,
            "heldout_plays": self.heldout_plays,
            "moments": self.moments,
            "hit_rate_now": round(self.rate("now"), 4),
            "baselines": {b: round(self.rate(b), 4) for b in BASELINES},
            "best_baseline": self.best_baseline,
            "lift_over_best": round(self.lift_over_best, 3),
            "blend": self.blend.as_document(),
        }


@dataclass(frozen=True)
class Evaluation:
    """Hit rates of `now` and the baselines over all held-out plays (pooled over the
    windows), and per window."""

    windows: tuple[WindowResult, ...]
    size: int
    rolling: bool = False  # each quarter hour judged with the plays before it
    every_minutes: int = SLOT_MIN  # rolling: `now` remade every so many minutes

    @property
    def cutoff_s(self) -> int:
        return self.windows[0].cutoff_s

    @property
    def train_plays(self) -> int:
        return self.windows[0].train_plays

    @property
    def heldout_plays(self) -> int:
        return sum(w.heldout_plays for w in self.windows)

    @property
    def moments(self) -> int:
        return self.windows[0].moments

    def rate(self, name: str) -> float:
        """The pooled hit rate of `now` or of a baseline."""
        return _rate(sum(w.hits[name] for w in self.windows), self.heldout_plays)

    @property
    def now(self) -> float:
        return self.rate("now")

    @property
    def top(self) -> float:
        return self.rate("top")

    @property
    def recent(self) -> float:
        return self.rate("recent")

    @property
    def best_baseline(self) -> str:
        """The baseline with the highest pooled hit rate (the first of BASELINES on a tie)."""
        return max(BASELINES, key=lambda b: (self.rate(b), -BASELINES.index(b)))

    @property
    def lift_over_best(self) -> float:
        """now / the best baseline (inf when that is 0 and now is not)."""
        return _lift(self.now, self.rate(self.best_baseline))

    @property
    def lift_over_top(self) -> float:
        """now / top (inf when top is 0 and now is not)."""
        return _lift(self.now, self.top)

    def spread(self) -> dict[str, dict[str, float]]:
        """Mean, min and max over the windows of each hit rate and of lift_over_best."""
        values: dict[str, list[float]] = {
            "hit_rate_now": [w.rate("now") for w in self.windows],
            **{f"hit_rate_{b}": [w.rate(b) for w in self.windows] for b in BASELINES},
            "lift_over_best": [w.lift_over_best for w in self.windows],
        }
        return {
            name: {
                "mean": round(float(np.mean(v)), 4),
                "min": round(float(np.min(v)), 4),
                "max": round(float(np.max(v)), 4),
            }
            for name, v in values.items()
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "cutoff": self.cutoff_s,
            "train_plays": self.train_plays,
            "heldout_plays": self.heldout_plays,
            "size": self.size,
            "rolling": self.rolling,
            "every_minutes": self.every_minutes if self.rolling else None,
            "moments": self.moments,
            "hit_rate_now": round(self.now, 4),
            "hit_rate_top": round(self.top, 4),
            "hit_rate_recent": round(self.recent, 4),
            "lift_over_top": round(self.lift_over_top, 3),
            "baselines": {b: round(self.rate(b), 4) for b in BASELINES},
            "best_baseline": self.best_baseline,
            "lift_over_best": round(self.lift_over_best, 3),
            "cutoffs": [w.as_dict() for w in self.windows],
            "spread": self.spread(),
        }


def top_tracks(listening: Listening, size: int) -> IntArray:
    """The `size` most played songs (ties: the lower code)."""
    plays = listening.plays_per_track()
    order = np.lexsort((np.arange(len(plays)), -plays))
    out: IntArray = order[plays[order] > 0][:size]
    return out


def recent_tracks(listening: Listening, size: int) -> IntArray:
    """The `size` most recently played distinct songs."""
    seen: dict[int, None] = {}
    end, step = len(listening.track), 4 * size  # the last plays, more while they repeat
    while end > 0 and len(seen) < size:
        for t in listening.track[max(end - step, 0) : end][::-1].tolist():
            if t not in seen:
                seen[t] = None
                if len(seen) == size:
                    break
        end, step = end - step, 2 * step
    return np.asarray(list(seen), dtype=np.int64)


def activation_tracks(listening: Listening, now_s: int, size: int) -> IntArray:
    """The `size` songs of highest ACT-R base-level activation at `now_s`: the sum over their
    plays of (age in seconds)^-d, d = ACTIVATION_DECAY (ties: the lower code)."""
    age = np.maximum(now_s - listening.start_s, ACTIVATION_MIN_AGE_S).astype(np.float64)
    score = np.bincount(listening.track, age**-ACTIVATION_DECAY, minlength=listening.n_tracks)
    order = np.lexsort((np.arange(len(score)), -score))
    out: IntArray = order[score[order] > 0][:size]
    return out


def lately_tracks(listening: Listening, now_s: int, size: int) -> IntArray:
    """The `size` songs most played lately at `now_s`: each play counts 2^-(age / 7 days)
    (ties: the lower code)."""
    score = listening.before(now_s).halving_sums(now_s, LATELY_HALF_LIFE_DAYS)
    order = np.lexsort((np.arange(len(score)), -score))
    out: IntArray = order[score[order] > 0][:size]
    return out


def time_of_week_tracks(listening: Listening, week_minute: int, size: int) -> IntArray:
    """The `size` most played songs within an hour of `week_minute` (minutes after Monday
    00:00) on the circle of the week, filled up with the overall top (ties: the lower code)."""
    near = plays_around(listening, week_minute)
    counts = np.bincount(listening.track[near], minlength=listening.n_tracks)
    order = np.lexsort((np.arange(len(counts)), -counts))
    chosen = order[counts[order] > 0][:size]
    if len(chosen) < size:
        rest = top_tracks(listening, size + len(chosen))
        chosen = np.concatenate([chosen, rest[~np.isin(rest, chosen)]])[:size]
    out: IntArray = chosen.astype(np.int64)
    return out


def check_cutoff(listening: Listening, cutoff_s: int) -> None:
    """Raise BadInputError unless plays started both before and at or after `cutoff_s`."""
    if not (listening.start_s < cutoff_s).any() or not (listening.start_s >= cutoff_s).any():
        raise BadInputError(
            "Nothing to evaluate: the cutoff must leave plays both before and after it."
        )


def holdout_windows(
    listening: Listening, first_s: int, until_s: int | None, windows: int
) -> list[tuple[int, int]]:
    """The held-out span from `first_s` to `until_s` (default: just after the last play) cut
    into `windows` windows of equal length, as (cutoff, until) pairs."""
    end = listening.end_s + 1 if until_s is None else until_s
    if end <= first_s:
        raise BadInputError("Nothing to evaluate: the held-out span is empty.")
    edges = np.linspace(first_s, end, max(windows, 1) + 1).round().astype(np.int64)
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]


def evaluate_window(
    listening: Listening,
    context: Context,
    cutoff_s: int,
    until_s: int,
    *,
    size: int = 50,
    blend: Blend | None = None,
    rolling: bool = True,
    every_minutes: int = SLOT_MIN,
) -> WindowResult:
    """`now` (size `size`) and the baselines on the plays that started in [cutoff_s, until_s),
    learning from the plays before `cutoff_s` only (with `rolling`, before each quarter hour:
    see the module). `context` supplies playlists and the moments (which must be learned
    before the cutoff too); `now`'s blend is tuned on the plays before the cutoff unless
    `blend` is given."""
    moments = tuple(context.moments)
    # the window's history up to its end, a history of its own: what the quarter hours share
    # (per-play weights of this window's moments, running sums) is freed with the window
    listening = listening.subset(slice(0, int(np.searchsorted(listening.start_s, until_s))))
    first = listening.before(cutoff_s)
    if blend is None:
        blend = fit_blend(first, moments, cutoff_s, size, horizon="quarter" if rolling else "week")
    held = np.flatnonzero((listening.start_s >= cutoff_s) & (listening.start_s < until_s))
    slots = slot_of(listening.weekday[held], listening.minute[held])
    # the held-out plays judged together: per slot of the week from the cutoff, or per quarter
    # hour with the plays before it
    groups = listening.start_s[held] // QUARTER_S if rolling else slots
    recipe = now_recipe(size)
    hits = dict.fromkeys(("now", *BASELINES), 0)
    judged_at, train, ctx, fixed = -1, first, context, {}
    every_s = every_minutes * 60
    for group in np.unique(groups).tolist():
        here = groups == group
        # from the cutoff; rolling, from the last time `now` was made again (every quarter
        # hour by default, as asked at the minute; every 30 minutes as `schedule` refreshes it)
        at_s = max(cutoff_s, group * QUARTER_S // every_s * every_s) if rolling else cutoff_s
        if at_s != judged_at:
            judged_at, train = at_s, listening.before(at_s)
            ctx = Context(
                listening=train, playlists=context.playlists, moments=moments, blend=blend
            )
            fixed = _timeless_baselines(train, at_s, size)
        if not len(train.track):
            continue
        slot = int(slots[here][0])
        chosen, _ = select(recipe, ctx, now_s=at_s, at=slot_time(slot))
        lists = {
            "now": chosen["track"],
            "time_of_week": time_of_week_tracks(train, slot * SLOT_MIN + SLOT_MIN // 2, size),
            **fixed,
        }
        wanted = listening.track[held[here]]
        for name, tracks in lists.items():
            hits[name] += _hits(wanted, tracks)
    return WindowResult(
        cutoff_s=int(cutoff_s),
        until_s=int(until_s),
        train_plays=len(first.track),
        heldout_plays=len(held),
        moments=len({m.id for m in moments}),
        hits=hits,
        blend=blend,
    )


def _timeless_baselines(train: Listening, now_s: int, size: int) -> dict[str, IntArray]:
    """The baselines that do not depend on the time of the week, from `train` as of `now_s`."""
    if not len(train.track):
        return {}
    return {
        "top": top_tracks(train, size),
        "recent": recent_tracks(train, size),
        "recency_frequency": activation_tracks(train, now_s, size),
        "lately": lately_tracks(train, now_s, size),
    }


def _hits(tracks: IntArray, wanted: IntArray) -> int:
    return int(np.isin(tracks, wanted).sum())


def combine(
    windows: Sequence[WindowResult],
    size: int,
    *,
    rolling: bool = False,
    every_minutes: int = SLOT_MIN,
) -> Evaluation:
    """The evaluation of the windows that hold held-out plays."""
    kept = tuple(w for w in windows if w.heldout_plays)
    if not kept:
        raise BadInputError("Nothing to evaluate: no plays in the held-out span.")
    return Evaluation(kept, size, rolling, every_minutes)


def check_every(every_minutes: int) -> None:
    """How often `now` is remade must be whole quarter hours, at most a week: else bad input."""
    if every_minutes % SLOT_MIN or not SLOT_MIN <= every_minutes <= 7 * 1440:
        raise BadInputError(
            f"--every {every_minutes}: give whole quarter hours in minutes, from 15 to 10080."
        )


def evaluate(
    listening: Listening,
    context: Context,
    *,
    cutoff_s: int | None = None,
    size: int = 50,
    windows: int = 1,
    rolling: bool = True,
    every_minutes: int = SLOT_MIN,
) -> Evaluation:
    """Hit rates of `now` and the baselines, holding out the plays from `cutoff_s` (default:
    the last DEFAULT_HOLDOUT_DAYS days) in `windows` windows (judged `rolling`, `now` remade
    every `every_minutes`, unless told otherwise). `context` supplies playlists and moments
    (learned before the cutoff; the same moments serve every window here)."""
    if cutoff_s is None:
        cutoff_s = listening.end_s - DEFAULT_HOLDOUT_DAYS * DAY_S
    check_cutoff(listening, cutoff_s)
    check_every(every_minutes)
    results = [
        evaluate_window(
            listening, context, a, b, size=size, rolling=rolling, every_minutes=every_minutes
        )
        for a, b in holdout_windows(listening, cutoff_s, None, windows)
    ]
    return combine(results, size, rolling=rolling, every_minutes=every_minutes)
