"""`now` as a blend of signals, weighed per person by what predicted their own past best.

The signals, each a distribution over songs (it sums to 1), from the plays before `now_s` only:

- recent: how lately the song was last played (the order of "the most recent tracks");
- week, season: its plays, halving in weight every 7 and every 90 days;
- frequency: all its plays (the order of "the overall top tracks");
- activation: ACT-R's base-level activation, the sum over its plays of (age in s)^-0.5
  (Anderson & Schooler 1991; the strongest simple relistening model, Reiter-Haas et al. 2021);
- colisten: how often it was played right before or after the last plays (what goes with what
  you are into now);
- everyday: everyday taste, the plays no moment holds (see `generate.everyday_taste`);
- artist: its artist's share of the plays of the last weeks (45-day half-life), spread over the
  artist's songs as all their plays prefer them;
- session: its plays in the session going on (the last 3 hours, halving every 30 minutes);
- next: the songs that followed those plays' songs in the sessions of the history, one to
  NEXT_STEPS songs later (the rest of the album, the playlist in its order);
- moment: its plays in the windows of the moment that holds the time (`moment_at`), if any;
- device: its plays on the device family mostly used at that time of week, where known.

Their mixture, `taste` = sum of weight x signal, is what the person plays whatever the time. The
time of the week is the backbone: the song's plays within an hour of the same time on the same
weekday (recency-weighted, c(song) of C in all), smoothed by `prior` plays' worth of the taste
(Dirichlet smoothing, as language models smooth a document by its collection):

    now(song) = (c(song) + prior x taste(song)) / (C + prior)

A time of the week with many plays speaks for itself; a quiet one leans on the taste.

A `Blend` holds the weights, the prior and the replay (what a song of the session going on keeps
of its score: a shuffle does not come back soon to what it just played, a song on repeat does)
twice: for times in a moment and for everyday times.
`backtest.fit_blend` finds them by rolling back-tests on the history before `now_s`: for each
of the last weeks with plays, the signals come from the plays before that week only. The
weights are the mixture that makes those weeks' plays likeliest (EM: the log-likelihood of a
mixture of fixed distributions is concave in its weights, so this is stable even on a few
hundred plays); the prior and the replay are the pair whose top-N songs held the most of them.
numpy only: `playlist now` starts fast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

import numpy as np

from yawyas.analysis.moments.types import Moment, moment_at
from yawyas.playlists.listening import DAY_S, FloatArray, IntArray, Listening

BLEND_VERSION: Final = 3  # bump when the signals or the fit change: stored blends are redone
SIGNALS: Final = (
    "recent",
    "week",
    "season",
    "frequency",
    "activation",
    "colisten",
    "everyday",
    "artist",
    "session",
    "next",
    "moment",
    "device",
)
FIXED: Final = 10  # the first FIXED signals do not depend on the time of the week
PARTS: Final = (*SIGNALS, "time_of_week")  # what a song's `now` score is made of
RECENT_HALF_LIFE_DAYS: Final = 7.0
WEEK_HALF_LIFE_DAYS: Final = 7.0
SEASON_HALF_LIFE_DAYS: Final = 90.0
ACTIVATION_DECAY: Final = 0.5
ACTIVATION_MIN_AGE_S: Final = 60.0
ARTIST_HALF_LIFE_DAYS: Final = 45.0
MOMENT_HALF_LIFE_DAYS: Final = 120.0
DEVICE_HALF_LIFE_DAYS: Final = 60.0
COLISTEN_PLAYS: Final = 50  # the last plays whose neighbours the colisten signal weighs
COLISTEN_HALF_LIFE_DAYS: Final = 1.0
SESSION_REACH_S: Final = 3 * 3600  # plays this close before now are the session going on
SESSION_HALF_LIFE_S: Final = 30 * 60
NEXT_STEPS: Final = 4  # how many songs ahead of the session the `next` signal looks
TIME_OF_WEEK_REACH_MIN: Final = 60
TIME_OF_WEEK_HALF_LIFE_DAYS: Final = 180.0
WEEK_MIN: Final = 7 * 1440
SLOT_MIN: Final = 15  # times of the week are judged at the middle of their quarter hour
MONDAY: Final = datetime(2024, 1, 1)  # a Monday: only weekday and time of day are used


DEFAULT_IN_MOMENT: Final = {"moment": 1.0, "week": 0.2}
DEFAULT_EVERYDAY: Final = {"everyday": 1.0, "recent": 0.2}
DEFAULT_PRIOR: Final = 8.0
SESSION: Final = SIGNALS.index("session")


def _weights(named: Mapping[str, float]) -> tuple[float, ...]:
    total = sum(named.values())
    return tuple(float(named.get(s, 0.0)) / total for s in SIGNALS)


@dataclass(frozen=True)
class Blend:
    """The weights of the signals (in SIGNALS order) and the prior of the time of the week,
    for times in a moment and for everyday times, and how they were found."""

    in_moment: tuple[float, ...] = field(default_factory=lambda: _weights(DEFAULT_IN_MOMENT))
    everyday: tuple[float, ...] = field(default_factory=lambda: _weights(DEFAULT_EVERYDAY))
    in_moment_prior: float = DEFAULT_PRIOR
    everyday_prior: float = DEFAULT_PRIOR
    in_moment_replay: float = 1.0  # what a song of the session going on keeps of its score
    everyday_replay: float = 1.0
    tuned: bool = False  # False: the defaults (too little history to back-test)
    horizon: str = "week"  # how far ahead it was fitted to predict: "week" or "quarter" (hour)
    windows: int = 0  # back-test weeks
    plays: int = 0  # held-out plays of those weeks
    hits: int = 0  # of them, in the tuned blend's playlists

    def weights(self, in_moment: bool) -> FloatArray:
        """The weights of the signals for a time in a moment, or for an everyday time."""
        return np.asarray(self.in_moment if in_moment else self.everyday, dtype=np.float64)

    def prior(self, in_moment: bool) -> float:
        """How many plays' worth of taste smooth the time of the week (inf: time left out)."""
        return self.in_moment_prior if in_moment else self.everyday_prior

    def replay(self, in_moment: bool) -> float:
        """What a song played in the session going on keeps of its score (1: all of it; 0:
        it is left out, as a shuffled playlist does not come back to it soon)."""
        return self.in_moment_replay if in_moment else self.everyday_replay

    def as_document(self) -> dict[str, Any]:
        """The blend as JSON-ready data (what the store keeps; an infinite prior is null)."""
        return {
            "signals": list(SIGNALS),
            "in_moment": [round(w, 6) for w in self.in_moment],
            "everyday": [round(w, 6) for w in self.everyday],
            "in_moment_prior": _finite(self.in_moment_prior),
            "everyday_prior": _finite(self.everyday_prior),
            "in_moment_replay": self.in_moment_replay,
            "everyday_replay": self.everyday_replay,
            "tuned": self.tuned,
            "horizon": self.horizon,
            "windows": self.windows,
            "plays": self.plays,
            "hits": self.hits,
        }

    @staticmethod
    def from_document(doc: Mapping[str, Any]) -> Blend | None:
        """A blend back from `as_document`; None when it was made for other signals."""
        if list(doc.get("signals", ())) != list(SIGNALS):
            return None
        return Blend(
            in_moment=tuple(float(w) for w in doc["in_moment"]),
            everyday=tuple(float(w) for w in doc["everyday"]),
            in_moment_prior=_infinite(doc["in_moment_prior"]),
            everyday_prior=_infinite(doc["everyday_prior"]),
            in_moment_replay=float(doc["in_moment_replay"]),
            everyday_replay=float(doc["everyday_replay"]),
            tuned=bool(doc["tuned"]),
            horizon=str(doc.get("horizon", "week")),
            windows=int(doc["windows"]),
            plays=int(doc["plays"]),
            hits=int(doc["hits"]),
        )


def _finite(value: float) -> float | None:
    return None if value == float("inf") else value


def _infinite(value: float | None) -> float:
    return float("inf") if value is None else float(value)


def slot_time(slot: int) -> datetime:
    """The local time a quarter-hour slot of the week (0 = Monday 00:00-00:15) is judged at."""
    return MONDAY + timedelta(minutes=slot * SLOT_MIN + SLOT_MIN // 2)


def slot_of(weekday: IntArray | int, minute: IntArray | int) -> IntArray:
    """The quarter-hour slot of the week of a local weekday and minute of the day."""
    out: IntArray = (np.asarray(weekday) * 1440 + np.asarray(minute)) // SLOT_MIN
    return out


def _sums(codes: IntArray, weights: FloatArray | None, n: int) -> FloatArray:
    """Per code 0..n-1: the sum of `weights` (or the count) of its entries."""
    out: FloatArray = np.bincount(codes, weights, minlength=n).astype(np.float64)
    return out


def _normalised(values: FloatArray) -> FloatArray:
    total = float(values.sum())
    out: FloatArray = values / total if total > 0 else values
    return out


def plays_around(lis: Listening, week_minute: int) -> IntArray:
    """The plays (indices, in time order) that started within TIME_OF_WEEK_REACH_MIN minutes of
    `week_minute` (minutes after Monday 00:00) on the circle of the week."""
    order, sorted_minutes = lis.derived("plays by minute of the week", lambda: _by_week(lis))
    lo, hi = week_minute - TIME_OF_WEEK_REACH_MIN, week_minute + TIME_OF_WEEK_REACH_MIN
    spans = [(lo, hi)]
    if lo < 0:
        spans = [(0, hi), (lo + WEEK_MIN, WEEK_MIN)]
    elif hi >= WEEK_MIN:
        spans = [(lo, WEEK_MIN), (0, hi - WEEK_MIN)]
    parts = [
        order[
            np.searchsorted(sorted_minutes, a, side="left") : np.searchsorted(
                sorted_minutes, b, side="right"
            )
        ]
        for a, b in spans
    ]
    out: IntArray = np.sort(np.concatenate(parts))
    return out


def _by_week(lis: Listening) -> tuple[IntArray, IntArray]:
    if lis.origin is not None:  # the first plays of a history: its order, without the rest
        order, minutes = _by_week_of(lis.origin)
        first = order < len(lis.track)
        return order[first], minutes[first]
    return _by_week_of(lis)


def _by_week_of(lis: Listening) -> tuple[IntArray, IntArray]:
    def compute() -> tuple[IntArray, IntArray]:
        week_minute = (lis.weekday * 1440 + lis.minute).astype(np.int16)  # < 10,080: radix
        order = np.argsort(week_minute, kind="stable")
        return order, week_minute[order].astype(np.int64)

    return lis.derived("plays by minute of the week, whole", compute)


@dataclass(frozen=True)
class Slot:
    """What `now` knows at one quarter hour of the week: every signal per song (songs x
    SIGNALS), the songs' recency-weighted plays near that time and their total, and whether a
    moment holds it."""

    signals: FloatArray
    near: FloatArray
    near_total: float
    in_moment: bool

    def parts(self, blend: Blend) -> FloatArray:
        """Per song: the parts of its `now` score (songs x PARTS; the score is their sum)."""
        prior = blend.prior(self.in_moment)
        taste = self.signals * blend.weights(self.in_moment)
        if prior == float("inf"):
            parts = np.column_stack([taste, np.zeros(len(taste))])
        else:
            scale = 1.0 / (self.near_total + prior)
            parts = np.column_stack([taste * (prior * scale), self.near * scale])
        replay = blend.replay(self.in_moment)
        if replay != 1.0:
            parts[self.signals[:, SESSION] > 0] *= replay
        out: FloatArray = parts
        return out


class Signals:
    """The signals of the plays in `lis` before `now_s` as of `now_s`: the ones that do not
    depend on the time of the week computed once, the others per time asked. Sums over the
    plays are brought up to date from the last time asked (`Listening.play_sums`), so that
    `evaluate` can ask every quarter hour of a long history."""

    def __init__(self, lis: Listening, moments: Sequence[Moment], now_s: int) -> None:
        from yawyas.playlists.generate import everyday_mask, everyday_taste

        lis = lis.before(now_s)
        self.lis = lis
        self.now_s = now_s
        self.moments = tuple(m for m in moments if not m.hidden)
        n = lis.n_tracks
        last = lis.last_starts()
        recent = np.where(
            last >= 0, np.exp2(-np.maximum(now_s - last, 0) / DAY_S / RECENT_HALF_LIFE_DAYS), 0.0
        )
        frequency = lis.plays_per_track().astype(np.float64)
        self.everyday = everyday_mask(lis, self.moments)
        age_s = np.maximum(now_s - lis.start_s, ACTIVATION_MIN_AGE_S).astype(np.float64)
        columns = (
            recent,
            lis.halving_sums(now_s, WEEK_HALF_LIFE_DAYS),
            lis.halving_sums(now_s, SEASON_HALF_LIFE_DAYS),
            frequency,
            _sums(lis.track, age_s**-ACTIVATION_DECAY, n),  # a power law: all of it each time
            self._colisten(),
            everyday_taste(lis, self.moments, now_s),
            self._artist(frequency),
            *self._session(),
        )
        self.fixed = np.column_stack([_normalised(c) for c in columns])
        self._by_moment: dict[str, FloatArray] = {}
        self._by_device: dict[int, FloatArray] = {}
        self._slot_moment: dict[int, Moment | None] = {}

    def _artist(self, plays: FloatArray) -> FloatArray:
        """Per song: its artist's share of the recent plays, spread over the artist's songs as
        all their plays prefer them (what an artist you are into now brings)."""
        lis = self.lis
        n_artists = int(lis.artist.max()) + 1 if lis.n_tracks else 0
        artist_recent = self.lis.halving_sums(
            self.now_s, ARTIST_HALF_LIFE_DAYS, "artist", lambda w: w.artist[w.track], n_artists
        )
        artist_all = _sums(lis.artist, plays, n_artists)
        within = plays / np.maximum(artist_all[lis.artist], 1.0)
        out: FloatArray = artist_recent[lis.artist] * within
        return out

    def _colisten(self) -> FloatArray:
        """Per song: its plays right before or after a song of the last plays, weighted by how
        recent that play was."""
        from yawyas.playlists.steps import pairs_from

        lis, n = self.lis, self.lis.n_tracks
        last = slice(max(len(lis.track) - COLISTEN_PLAYS, 0), None)
        age = np.maximum(self.now_s - lis.start_s[last], 0) / DAY_S
        lately = _sums(lis.track[last], np.exp2(-age / COLISTEN_HALF_LIFE_DAYS), n)
        songs = np.flatnonzero(lately)
        a, b = pairs_from(lis, songs, forward=True)
        after = _sums(b, lately[a], n)
        b, a = pairs_from(lis, songs, forward=False)
        return after + _sums(a, lately[b], n)

    def _session(self) -> tuple[FloatArray, FloatArray]:
        """Per song: its plays in the session going on (the last SESSION_REACH_S), halving in
        weight every SESSION_HALF_LIFE_S; and the songs that followed those plays' songs in
        the sessions of the history, one to NEXT_STEPS songs later (each song's followers
        shared out by how often each followed it). Both are zero when nothing was played
        lately."""
        from yawyas.playlists.steps import pairs_from

        lis, n = self.lis, self.lis.n_tracks
        first = int(np.searchsorted(lis.start_s, self.now_s - SESSION_REACH_S, side="left"))
        age = np.maximum(self.now_s - lis.start_s[first:], 0)
        session = _sums(lis.track[first:], np.exp2(-age / SESSION_HALF_LIFE_S), n)
        follows, step = np.zeros(n), session
        for _ in range(NEXT_STEPS):  # a quarter hour holds a few songs: a few steps ahead
            a, b = pairs_from(lis, np.flatnonzero(step), forward=True)
            if not len(a):
                break
            per_follower = 1.0 / _sums(a, None, n)[a]  # each song's followers shared out
            step = _sums(b, step[a] * per_follower, n)
            follows += step
        return session, follows

    def moment_for(self, slot: int) -> Moment | None:
        """The moment that holds the slot's time (`moment_at`), or None."""
        if slot not in self._slot_moment:
            self._slot_moment[slot] = moment_at(self.moments, slot_time(slot))
        return self._slot_moment[slot]

    def moment_signal(self, moment: Moment | None) -> FloatArray:
        """Per song: its share of the recency-weighted plays in the moment's windows."""
        from yawyas.playlists.generate import moment_weights

        if moment is None:
            return np.zeros(self.lis.n_tracks)
        if moment.id not in self._by_moment:
            sums = self.lis.halving_sums(
                self.now_s,
                MOMENT_HALF_LIFE_DAYS,
                ("moment", moment),
                within=lambda w: moment_weights(w, moment),
            )
            self._by_moment[moment.id] = _normalised(sums)
        return self._by_moment[moment.id]

    def device_signal(self, device: int) -> FloatArray:
        """Per song: its share of the recency-weighted plays on device family `device`."""
        if device < 0:
            return np.zeros(self.lis.n_tracks)
        if device not in self._by_device:

            def on_it(w: Listening) -> FloatArray:
                out: FloatArray = (w.devices() == device).astype(np.float64)
                return out

            sums = self.lis.halving_sums(
                self.now_s, DEVICE_HALF_LIFE_DAYS, ("device", device), within=on_it
            )
            self._by_device[device] = _normalised(sums)
        return self._by_device[device]

    def near(self, week_minute: int) -> tuple[FloatArray, int]:
        """Per song: its recency-weighted plays within an hour of `week_minute` on the same
        weekday; and the device family most used then (-1 when unknown)."""
        lis = self.lis
        around = plays_around(lis, week_minute)
        base, h = lis.halving_base(TIME_OF_WEEK_HALF_LIFE_DAYS)
        weight = base[around] * lis.halving_scale(self.now_s, h)
        counts = _sums(lis.track[around], weight, lis.n_tracks)
        devices = self.lis.devices()[around]
        devices = devices[devices >= 0]
        usual = int(np.bincount(devices).argmax()) if len(devices) else -1
        return counts, usual

    def at(self, slot: int) -> Slot:
        """What `now` knows at the slot's time (see `Slot`)."""
        near, device = self.near(slot * SLOT_MIN + SLOT_MIN // 2)
        moment = self.moment_for(slot)
        columns = np.column_stack(
            [self.fixed, self.moment_signal(moment), self.device_signal(device)]
        )
        return Slot(columns, near, float(near.sum()), moment is not None)
