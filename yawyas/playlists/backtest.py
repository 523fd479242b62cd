"""Fitting `now`'s blend by rolling back-tests on the history before a time (see `blend`).

For each of the last weeks with plays before `now_s`, the signals come from the plays before
that week only, and the week's plays are what they must predict: per held-out quarter hour of
the week, the candidate songs (each signal's best and the songs played then) with their signals,
their plays near that time, and how often each was played. That fits a blend for a week ahead
(`horizon="week"`: what `evaluate --from-cutoff` asks of it). `playlist now` is asked at the
minute, with every play until then; its blend is fitted for a quarter hour ahead
(`horizon="quarter"`, what `evaluate` asks by default): the back-test samples QUARTER_SAMPLES
quarter hours with plays from the same weeks, each predicted from the plays before it only. The
weights of the signals are the mixture that makes those plays likeliest (EM); the prior of the
time of the week and the replay (what a song of the session going on keeps of its score) are the
pair of PRIORS x REPLAYS whose top-N songs held the most of them. The slots in a moment and the
everyday ones are fitted apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from yawyas.analysis.moments.types import Moment
from yawyas.playlists.blend import (
    FIXED,
    SESSION,
    SIGNALS,
    SLOT_MIN,
    Blend,
    Signals,
    slot_of,
)
from yawyas.playlists.listening import DAY_S, BoolArray, FloatArray, IntArray, Listening

PRIORS: Final = (0.5, 2.0, 8.0, 32.0, 128.0, 512.0, float("inf"))  # tried, in plays
REPLAYS: Final = (1.0, 0.5, 0.2, 0.05, 0.0)  # tried: what a song of the session keeps
BACKTEST_WINDOWS: Final = 4
MAX_BACKTEST_WINDOWS: Final = 12
BACKTEST_PLAYS: Final = 500  # held-out plays wanted before stopping at BACKTEST_WINDOWS
BACKTEST_WINDOW_DAYS: Final = 7
BACKTEST_LOOKBACK_WEEKS: Final = 26  # how far back to look for weeks with plays
MIN_WINDOW_PLAYS: Final = 10
MIN_TRAIN_PLAYS: Final = 100
CANDIDATES_PER_SIGNAL: Final = 2  # x size: each signal's best songs a back-test considers
EM_ITERATIONS: Final = 200
MIN_WEIGHT: Final = 0.001  # a signal with less weight is left out
QUARTER_S: Final = SLOT_MIN * 60
QUARTER_SAMPLES: Final = 150  # quarter hours an hour-ahead back-test predicts
HORIZONS: Final = ("week", "quarter")


@dataclass(frozen=True)
class Backtest:
    """The candidate songs of every held-out slot of the back-test weeks, padded to one width:
    their signals, their plays near the slot's time, how many held-out plays each got, which
    slots are in a moment, and all the held-out plays of each slot."""

    signals: FloatArray  # slots x width x SIGNALS
    near: FloatArray  # slots x width
    targets: FloatArray  # slots x width: held-out plays of that song in that slot
    valid: BoolArray  # slots x width
    in_moment: BoolArray  # per slot
    plays: IntArray  # per slot: all its held-out plays (also of songs no signal proposed)
    windows: int


def backtest_cutoffs(lis: Listening, now_s: int) -> list[int]:
    """The starts of the back-test weeks before `now_s`: the last weeks (counted back from
    `now_s`, within BACKTEST_LOOKBACK_WEEKS) that hold MIN_WINDOW_PLAYS plays and have
    MIN_TRAIN_PLAYS plays before them; BACKTEST_WINDOWS of them, more (up to
    MAX_BACKTEST_WINDOWS) while they hold fewer than BACKTEST_PLAYS plays in all."""
    week = BACKTEST_WINDOW_DAYS * DAY_S
    out: list[int] = []
    plays = 0
    for k in range(1, BACKTEST_LOOKBACK_WEEKS + 1):
        start = now_s - k * week
        first = int(np.searchsorted(lis.start_s, start, side="left"))
        end = int(np.searchsorted(lis.start_s, start + week, side="left"))
        if first < MIN_TRAIN_PLAYS:
            break
        if end - first >= MIN_WINDOW_PLAYS:
            out.append(start)
            plays += end - first
        enough = len(out) >= BACKTEST_WINDOWS and plays >= BACKTEST_PLAYS
        if enough or len(out) == MAX_BACKTEST_WINDOWS:
            break
    return out


_Row = tuple[FloatArray, FloatArray, FloatArray, bool, int]


def _best(values: FloatArray, k: int) -> IntArray:
    """Positions of the (up to) k largest positive values."""
    positive = np.flatnonzero(values > 0)
    if len(positive) > k:
        positive = positive[np.argpartition(-values[positive], k - 1)[:k]]
    return positive


def _window_rows(lis: Listening, moments: Sequence[Moment], start: int, size: int) -> list[_Row]:
    """Per held-out slot of the week from `start`: its candidates' signals and plays near the
    time, their held-out plays, whether a moment holds it, and all its held-out plays. The
    candidates are each signal's best songs and the songs played then."""
    signals = Signals(lis.before(start), moments, start)
    first = int(np.searchsorted(lis.start_s, start, side="left"))
    end = int(np.searchsorted(lis.start_s, start + BACKTEST_WINDOW_DAYS * DAY_S, side="left"))
    fixed = _fixed_best(signals, size)
    slots = slot_of(lis.weekday[first:end], lis.minute[first:end])
    tracks = lis.track[first:end]
    return [
        _slot_row(signals, fixed, slot, tracks[slots == slot], size)
        for slot in np.unique(slots).tolist()
    ]


def _fixed_best(signals: Signals, size: int) -> IntArray:
    """The songs any of the signals that do not depend on the time puts in its best."""
    reach = CANDIDATES_PER_SIGNAL * size
    return np.unique(np.concatenate([_best(signals.fixed[:, k], reach) for k in range(FIXED)]))


def _slot_row(signals: Signals, fixed: IntArray, slot: int, here: IntArray, size: int) -> _Row:
    """One held-out slot: the signals and plays near the time of its candidates (`fixed`, the
    best of the signals that depend on the time, the songs played then), their held-out plays
    (`here`: the songs played then), whether a moment holds it, and how many plays it holds."""
    reach = CANDIDATES_PER_SIGNAL * size
    at = signals.at(slot)
    proposed = [fixed, _best(at.near, reach), here]
    proposed += [_best(at.signals[:, k], reach) for k in range(FIXED, len(SIGNALS))]
    songs = np.unique(np.concatenate(proposed))
    played = np.bincount(here, minlength=signals.lis.n_tracks)[songs].astype(np.float64)
    return (at.signals[songs], at.near[songs], played, at.in_moment, len(here))


def quarter_starts(lis: Listening, now_s: int, weeks: Sequence[int]) -> list[int]:
    """The quarter hours (UTC s) of the back-test `weeks` before `now_s` that hold plays and
    have MIN_TRAIN_PLAYS plays before them, thinned evenly to QUARTER_SAMPLES."""
    if not weeks:
        return []
    lo = int(np.searchsorted(lis.start_s, min(weeks), side="left"))
    hi = int(np.searchsorted(lis.start_s, now_s, side="left"))
    lo = max(lo, MIN_TRAIN_PLAYS)
    if lo >= hi:
        return []
    quarters = np.unique(lis.start_s[lo:hi] // QUARTER_S) * QUARTER_S
    quarters = quarters[np.searchsorted(lis.start_s, quarters, side="left") >= MIN_TRAIN_PLAYS]
    if len(quarters) > QUARTER_SAMPLES:
        pick = np.linspace(0, len(quarters) - 1, QUARTER_SAMPLES).round().astype(np.int64)
        quarters = quarters[np.unique(pick)]
    return [int(q) for q in quarters.tolist()]


def _quarter_row(lis: Listening, moments: Sequence[Moment], start: int, size: int) -> _Row:
    """The quarter hour from `start` predicted from the plays before it (see `_slot_row`)."""
    signals = Signals(lis.before(start), moments, start)
    first = int(np.searchsorted(lis.start_s, start, side="left"))
    end = int(np.searchsorted(lis.start_s, start + QUARTER_S, side="left"))
    slot = int(slot_of(int(lis.weekday[first]), int(lis.minute[first])))
    return _slot_row(signals, _fixed_best(signals, size), slot, lis.track[first:end], size)


def build_backtest(
    lis: Listening,
    moments: Sequence[Moment],
    starts: Sequence[int],
    size: int,
    *,
    quarters: Sequence[int] = (),
) -> Backtest:
    """The back-test of the weeks from `starts`, or of the quarter hours from `quarters` when
    given (see `Backtest`)."""
    if quarters:
        rows = [_quarter_row(lis, moments, start, size) for start in quarters]
    else:
        rows = [r for start in starts for r in _window_rows(lis, moments, start, size)]
    width = max((len(r[2]) for r in rows), default=0)
    signals = np.zeros((len(rows), width, len(SIGNALS)))
    near = np.zeros((len(rows), width))
    targets = np.zeros((len(rows), width))
    valid = np.zeros((len(rows), width), dtype=bool)
    for i, (f, c, t, _, _) in enumerate(rows):
        signals[i, : len(t)] = f
        near[i, : len(t)] = c
        targets[i, : len(t)] = t
        valid[i, : len(t)] = True
    in_moment = np.array([r[3] for r in rows], dtype=bool)
    plays = np.array([r[4] for r in rows], dtype=np.int64)
    return Backtest(signals, near, targets, valid, in_moment, plays, len(starts))


def backtest_hits(
    bt: Backtest,
    mask: BoolArray,
    weights: FloatArray,
    prior: float,
    size: int,
    replay: float = 1.0,
) -> int:
    """Held-out plays in the top-`size` songs of the blend (`weights`, `prior`, `replay`),
    over the slots in `mask` (only songs with a positive score are in a playlist)."""
    signals, near, targets = bt.signals[mask], bt.near[mask], bt.targets[mask]
    if not len(signals):
        return 0
    taste = signals @ weights
    # (near + prior x taste) / (total + prior) ranks as near / prior + taste within a slot
    scores = taste if prior == float("inf") else near / prior + taste
    if replay != 1.0:
        scores = np.where(signals[:, :, SESSION] > 0, scores * replay, scores)
    scores = np.where(bt.valid[mask] & (scores > 0), scores, -np.inf)
    if scores.shape[1] > size:
        top = np.argpartition(-scores, size - 1, axis=1)[:, :size]
        scores = np.take_along_axis(scores, top, axis=1)
        targets = np.take_along_axis(targets, top, axis=1)
    return int(targets[np.isfinite(scores)].sum())


def em_weights(bt: Backtest, mask: BoolArray, allowed: Sequence[str]) -> FloatArray:
    """The mixture weights of the `allowed` signals that make the held-out plays of the slots
    in `mask` likeliest (EM; the log-likelihood is concave in the weights). Plays no signal
    gave any chance are left out; weights under MIN_WEIGHT are dropped."""
    ks = [SIGNALS.index(s) for s in allowed]
    t = bt.targets[mask]
    rows = bt.signals[mask][t > 0][:, ks]
    counts = t[t > 0]
    keep = rows.sum(axis=1) > 0
    rows, counts = rows[keep], counts[keep]
    out = np.zeros(len(SIGNALS))
    if not len(rows):
        return out
    w = np.full(len(ks), 1.0 / len(ks))
    for _ in range(EM_ITERATIONS):
        share = rows * w
        share /= share.sum(axis=1, keepdims=True)
        w = (share * counts[:, None]).sum(axis=0) / counts.sum()
    w = np.where(w >= MIN_WEIGHT, w, 0.0)
    out[ks] = w / w.sum()
    return out


def _fit_group(bt: Backtest, mask: BoolArray, size: int) -> tuple[FloatArray, float, float, int]:
    """The weights (EM), the prior and the replay (the pair of PRIORS x REPLAYS with the most
    hits; the larger on a tie) and their hits, for the slots in `mask`. (Falling back to the
    best single signal unless the mixture clearly beats it was tried: on the calibration
    histories it lost more than it saved.)"""
    allowed = [s for s in SIGNALS if s != "moment" or bt.in_moment[mask].all()]
    weights = em_weights(bt, mask, allowed)
    hits = {(p, r): backtest_hits(bt, mask, weights, p, size, r) for p in PRIORS for r in REPLAYS}
    prior, replay = max(hits, key=lambda pr: (hits[pr], pr))
    return weights, prior, replay, hits[prior, replay]


def fit_blend(
    lis: Listening,
    moments: Sequence[Moment],
    now_s: int | None = None,
    size: int = 50,
    *,
    horizon: str = "week",
) -> Blend:
    """The blend fitted on this person's plays in the last weeks before `now_s` (default:
    after the last play), each week (`horizon="week"`) or each sampled quarter hour
    (`horizon="quarter"`) predicted from the plays before it only (see the module). The
    defaults when the history is too short for a back-test."""
    if horizon not in HORIZONS:
        raise ValueError(f"unknown horizon {horizon!r}")
    now_s = lis.end_s + 1 if now_s is None else now_s
    lis = lis.before(now_s)
    starts = backtest_cutoffs(lis, now_s)
    quarters = quarter_starts(lis, now_s, starts) if horizon == "quarter" else []
    if not starts or (horizon == "quarter" and not quarters):
        return Blend(horizon=horizon)
    bt = build_backtest(lis, moments, starts, size, quarters=quarters)
    fitted: dict[bool, tuple[FloatArray, float, float, int]] = {}
    for in_moment in (True, False):
        mask = bt.in_moment == in_moment
        if mask.any():
            fitted[in_moment] = _fit_group(bt, mask, size)
    default = Blend()
    w_moment, p_moment, r_moment, h_moment = fitted.get(
        True, (default.weights(True), default.in_moment_prior, 1.0, 0)
    )
    w_everyday, p_everyday, r_everyday, h_everyday = fitted.get(
        False, (default.weights(False), default.everyday_prior, 1.0, 0)
    )
    return Blend(
        in_moment=tuple(float(w) for w in w_moment),
        everyday=tuple(float(w) for w in w_everyday),
        in_moment_prior=p_moment,
        everyday_prior=p_everyday,
        in_moment_replay=r_moment,
        everyday_replay=r_everyday,
        tuned=True,
        horizon=horizon,
        windows=len(starts),
        plays=int(bt.plays.sum()),
        hits=h_moment + h_everyday,
    )
