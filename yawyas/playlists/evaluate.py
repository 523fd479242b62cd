"""How well would `now` have done? Learn before a cutoff, score the plays after it.

Hit rate: the share of held-out plays (started at or after the cutoff) whose track the `now`
playlist for their local start (its weekday and quarter hour) would have held. The
playlists are built from the plays before the cutoff only, with the moments learned from those
plays (see `service.evaluate_history`). Baselines, from the same plays: the overall top tracks
by plays, and the most recently played tracks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import numpy as np

from yawyas.errors import BadInputError
from yawyas.playlists.generate import Context, build_playlist, now_recipe
from yawyas.playlists.listening import DAY_S, IntArray, Listening

DEFAULT_HOLDOUT_DAYS: Final = 28
SLOT_MIN: Final = 15  # held-out plays are judged at the middle of their quarter hour
SLOTS_PER_DAY: Final = 1440 // SLOT_MIN
_MONDAY: Final = datetime(2024, 1, 1)  # a Monday: only weekday and time of day are used


@dataclass(frozen=True)
class Evaluation:
    """Hit rates of `now` and the baselines over the held-out plays."""

    cutoff_s: int
    train_plays: int
    heldout_plays: int
    size: int
    moments: int  # moments `now` knew of (learned before the cutoff)
    now: float
    top: float
    recent: float

    @property
    def lift_over_top(self) -> float:
        """now / top (inf when top is 0 and now is not)."""
        if self.top == 0:
            return float("inf") if self.now else 1.0
        return self.now / self.top

    def as_dict(self) -> dict[str, float | int]:
        return {
            "cutoff": self.cutoff_s,
            "train_plays": self.train_plays,
            "heldout_plays": self.heldout_plays,
            "size": self.size,
            "moments": self.moments,
            "hit_rate_now": round(self.now, 4),
            "hit_rate_top": round(self.top, 4),
            "hit_rate_recent": round(self.recent, 4),
            "lift_over_top": round(self.lift_over_top, 3),
        }


def top_tracks(listening: Listening, size: int) -> IntArray:
    """The `size` most played tracks (ties: the lower track code)."""
    plays = listening.plays_per_track()
    order = np.lexsort((np.arange(len(plays)), -plays))
    out: IntArray = order[plays[order] > 0][:size]
    return out


def recent_tracks(listening: Listening, size: int) -> IntArray:
    """The `size` most recently played distinct tracks."""
    seen: dict[int, None] = {}
    for t in listening.track[::-1].tolist():
        if t not in seen:
            seen[t] = None
            if len(seen) == size:
                break
    return np.asarray(list(seen), dtype=np.int64)


def _hits(tracks: IntArray, wanted: IntArray) -> int:
    return int(np.isin(tracks, wanted).sum())


def check_cutoff(listening: Listening, cutoff_s: int) -> None:
    """Raise BadInputError unless plays started both before and at or after `cutoff_s`."""
    if not (listening.start_s < cutoff_s).any() or not (listening.start_s >= cutoff_s).any():
        raise BadInputError(
            "Nothing to evaluate: the cutoff must leave plays both before and after it."
        )


def evaluate(
    listening: Listening,
    context: Context,
    *,
    cutoff_s: int | None = None,
    size: int = 50,
) -> Evaluation:
    """Hit rates of `now` (size `size`) and the baselines, learning before `cutoff_s` (default:
    the last DEFAULT_HOLDOUT_DAYS days are held out). `context` supplies playlists and moments
    (which must be learned before the cutoff too); its listening is replaced by the plays
    before the cutoff."""
    if cutoff_s is None:
        cutoff_s = listening.end_s - DEFAULT_HOLDOUT_DAYS * DAY_S
    check_cutoff(listening, cutoff_s)
    train = listening.before(cutoff_s)
    held = listening.start_s >= cutoff_s
    ctx = Context(
        listening=train,
        playlists=context.playlists,
        moments=context.moments,
    )
    held_tracks = listening.track[held]
    slots = listening.weekday[held] * SLOTS_PER_DAY + listening.minute[held] // SLOT_MIN
    recipe = now_recipe(size)
    index = {u: i for i, u in enumerate(train.uris.tolist())}
    now_hits = 0
    for slot in np.unique(slots).tolist():
        at = _MONDAY + timedelta(
            days=slot // SLOTS_PER_DAY, minutes=(slot % SLOTS_PER_DAY) * SLOT_MIN + SLOT_MIN // 2
        )
        playlist = build_playlist(recipe, ctx, now_s=cutoff_s, at=at)
        codes = np.asarray([index[u] for u in playlist.uris], dtype=np.int64)
        now_hits += _hits(held_tracks[slots == slot], codes)
    n = len(held_tracks)
    return Evaluation(
        cutoff_s=int(cutoff_s),
        train_plays=len(train.track),
        heldout_plays=n,
        size=size,
        moments=len({m.id for m in ctx.moments}),
        now=now_hits / n,
        top=_hits(held_tracks, top_tracks(train, size)) / n,
        recent=_hits(held_tracks, recent_tracks(train, size)) / n,
    )
