"""`now`: the blend's score of every song at a local time, and the why of each track.

The signals and their blend are in `blend` (fitted in `backtest`); this module turns them into
a source for the playlist steps, and words the why of each track from the signals that gave
most of its score.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Final

import numpy as np

from yawyas.playlists.blend import PARTS, Signals, plays_around, slot_of
from yawyas.playlists.generate import (
    Context,
    EverydayEvidence,
    Source,
    when_words,
)
from yawyas.playlists.listening import DAY_S, FloatArray, IntArray, Listening

WHY_SHARE: Final = 0.2  # a signal giving this share of a track's score is in its why
WHY_SIGNALS: Final = 3


def now_signals(ctx: Context, now_s: int) -> Signals:
    """The signals of the context's plays as of `now_s` (computed once per history)."""
    lis, moments = ctx.listening, tuple(ctx.moments)
    return ctx.derived(("signals", moments, now_s), lambda: Signals(lis, moments, now_s))


def now_scores(
    ctx: Context, now_s: int, when: datetime, size: int
) -> tuple[FloatArray, FloatArray]:
    """Per song: its `now` score at the local time `when`, and the part of it each of PARTS
    gave (songs x PARTS; the score is their sum). Outside every moment only the person's own
    songs score (`own_songs`): not the kids' songs, not someone else's, no sleep sounds."""
    slot = now_signals(ctx, now_s).at(int(slot_of(when.weekday(), when.hour * 60 + when.minute)))
    parts = slot.parts(ctx.now_blend(now_s, size))
    lis = ctx.listening
    if not slot.in_moment and lis.mine is not None:
        parts = parts * lis.derived("own songs", lambda: own_songs(lis))[:, None]
    return parts.sum(axis=1), parts


def own_songs(lis: Listening) -> FloatArray:
    """Per song: 1 when at least half of its plays are the person's own (`lis.mine`), else 0."""
    if lis.mine is None:
        return np.ones(lis.n_tracks)
    own = np.bincount(lis.track[lis.mine], minlength=lis.n_tracks)
    out: FloatArray = (2 * own >= lis.plays_per_track()).astype(np.float64)
    return out


def now_source(ctx: Context, now_s: int, when: datetime, size: int) -> Source:
    """`now` at the local time `when`: the blend's score per song as its boost; the plays
    within an hour of that time of the week are the ones its why counts."""
    lis = ctx.listening
    score, parts = now_scores(ctx, now_s, when, size)
    weekday, minute = when.weekday(), when.hour * 60 + when.minute
    evidence = NowEvidence(ctx, now_s, when, parts)
    return Source(
        np.zeros(len(lis.track)),
        np.zeros(len(lis.track), dtype=bool),
        score,
        when_words(weekday, minute),
        evidence,
        engagement=False,
        buckets=False,
    )


class NowEvidence(Mapping[int, str]):
    """The why of a `now` track, worded only for the tracks asked for: the signals that gave
    WHY_SHARE or more of its score (at most WHY_SIGNALS, the biggest first)."""

    def __init__(self, ctx: Context, now_s: int, when: datetime, parts: FloatArray) -> None:
        self._now_s, self._parts = now_s, parts
        signals = now_signals(ctx, now_s)
        lis = self._lis = signals.lis  # the plays before now_s: the why counts no later one
        self._weekday, self._minute = when.weekday(), when.hour * 60 + when.minute
        slot = int(slot_of(self._weekday, self._minute))
        week_minute = self._weekday * 1440 + self._minute
        near = plays_around(lis, week_minute)
        self._near = np.bincount(lis.track[near], minlength=lis.n_tracks)
        self._moment = signals.moment_for(slot)
        self._device = signals.near(week_minute)[1]
        self._everyday = EverydayEvidence(lis, signals.everyday, now_s)

    def __getitem__(self, track: int) -> str:
        row = self._parts[track]
        total = float(row.sum())
        if total <= 0:
            raise KeyError(track)
        order = np.argsort(-row, kind="stable")[:WHY_SIGNALS].tolist()
        chosen = [k for k in order if row[k] >= WHY_SHARE * total] or order[:1]
        return "; ".join(self._words(PARTS[k], track) for k in chosen)

    def __iter__(self) -> Iterator[int]:
        return iter(np.flatnonzero(self._parts.sum(axis=1) > 0).tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(self._parts.sum(axis=1) > 0))

    def _words(self, signal: str, track: int) -> str:
        starts = _play_starts(self._lis, track)
        days = (self._now_s - starts) / DAY_S
        if signal == "recent":
            last = float(days.min()) if len(days) else 0.0
            if last < 1:
                return "played today"
            return "played yesterday" if last < 2 else f"last played {int(last)} days ago"
        if signal == "week":
            return f"played {_times(int((days < 14).sum()))} in the last 2 weeks"
        if signal == "season":
            return f"played {_times(int((days < 91).sum()))} in the last 3 months"
        if signal == "frequency":
            return f"played {_times(len(days))} in all"
        if signal == "activation":
            last = int(days.min()) if len(days) else 0
            return f"played {_times(len(days))}, the last {_days(last)}"
        if signal == "colisten":
            return "goes with what you played last"
        if signal == "session":
            return "in what you are playing now"
        if signal == "next":
            return "often follows what you are playing now"
        if signal == "everyday":
            return self._everyday.get(track, "your everyday taste lately")
        if signal == "time_of_week":
            return (
                f"played {_times(int(self._near[track]))} {when_words(self._weekday, self._minute)}"
            )
        if signal == "moment" and self._moment is not None:
            return f"in your moment {self._moment.name}"
        if signal == "device" and self._device >= 0:
            from yawyas.analysis.platforms import DEVICE_FAMILIES  # no pandas

            return f"often played on the {DEVICE_FAMILIES[self._device]} at this time"
        return signal


def _play_starts(lis: Listening, track: int) -> IntArray:
    """The start times (UTC s) of a song's plays."""
    starts: IntArray = lis.start_s[lis.track == track]
    return starts


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _days(n: int) -> str:
    return "today" if n < 1 else "yesterday" if n < 2 else f"{n} days ago"
