"""`now` outside every moment: everyday taste, learned from the plays no moment holds."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.framekit import moment
from tests.test_playlists_steps import MONDAY, frame, names, weekly
from yawyas.analysis.moments.types import Moment
from yawyas.playlists import steps
from yawyas.playlists.generate import (
    Context,
    build_playlist,
    everyday_mask,
    everyday_taste,
    moment_holds,
    now_recipe,
)
from yawyas.playlists.listening import build_listening
from yawyas.services.playlists import build_now

RUN = moment("run", "Monday run", ((0,), 6 * 60 + 30, 8 * 60))
JAZZ = moment("jazz", "Thursday jazz", ((3,), 18 * 60 + 30, 20 * 60))
LATE = moment("late", "Friday late", ((4,), 23 * 60, 90))


@pytest.mark.parametrize("weekly_moment", [RUN, JAZZ, LATE])
def test_holds_agrees_with_contains_on_every_quarter_hour(weekly_moment: Moment) -> None:
    grid = list(itertools.product(range(7), range(0, 1440, 15)))
    weekday = np.array([d for d, _ in grid])
    minute = np.array([m for _, m in grid])
    monday = datetime(2026, 6, 1)
    expected = [weekly_moment.contains(monday + timedelta(days=d, minutes=m)) for d, m in grid]
    assert moment_holds(weekly_moment, weekday, minute).tolist() == expected
    (window,) = weekly_moment.windows
    assert sum(expected) == len(window.days) * window.minutes // 15  # on quarter hours
    saturday_1am = monday + timedelta(days=5, hours=1)
    assert weekly_moment.contains(saturday_1am) is (weekly_moment is LATE)  # Friday night


def test_everyday_plays_are_the_ones_no_moment_holds() -> None:
    lis = build_listening(weekly(4), "UTC")
    mask = everyday_mask(lis, [RUN, JAZZ])
    kinds = {str(n).split()[0] for n in lis.names[lis.track[mask]]}
    assert kinds == {"pop"}
    assert everyday_mask(lis, []).all()


def _drifting_history() -> pd.DataFrame:
    """Two years of everyday listening: 'old' artist heard a lot in the first year, 'new'
    artist less in all but every day of the last two months, and a 'jazz' moment on
    Thursdays."""
    rows: list[dict[str, Any]] = []
    for day in range(730):
        start = MONDAY + timedelta(days=day, hours=10)
        if day < 365:
            rows += [
                {"start": start + timedelta(minutes=4 * k), "track": f"old {k}", "artist": "old"}
                for k in range(4)
            ]
        if day >= 670:
            rows += [
                {"start": start + timedelta(minutes=4 * k), "track": f"new {k}", "artist": "new"}
                for k in range(3)
            ]
        if day % 7 == 3:
            rows += [
                {
                    "start": start + timedelta(hours=9, minutes=4 * k),
                    "track": f"jazz {k}",
                    "artist": "trio",
                }
                for k in range(6)
            ]
    return frame(rows)


def test_everyday_taste_follows_the_drift_and_leaves_moments_out() -> None:
    lis = build_listening(_drifting_history(), "UTC")
    taste = everyday_taste(lis, [JAZZ], lis.end_s + 1)
    assert taste.sum() == pytest.approx(1.0)
    top = [str(lis.names[t]) for t in np.argsort(-taste)[:3]]
    assert sorted(top) == ["new 0", "new 1", "new 2"]
    plays = lis.plays_per_track()
    assert all(str(lis.names[t]).startswith("old") for t in np.argsort(-plays)[:4])
    jazz = [t for t in range(lis.n_tracks) if str(lis.names[t]).startswith("jazz")]
    assert taste[jazz].sum() == 0
    nobody = replace(lis, mine=np.zeros(len(lis.track), dtype=bool))  # no play of the person's
    assert not everyday_mask(nobody, []).any()
    nothing = everyday_taste(nobody, [], nobody.end_s + 1)
    assert not nothing.any()


def test_now_outside_every_moment_plays_everyday_taste() -> None:
    lis = build_listening(_drifting_history(), "UTC")
    ctx = Context(lis, steps.build_colisten(lis), moments=(JAZZ,))
    wednesday = (MONDAY + timedelta(weeks=105, days=2)).replace(tzinfo=None)
    moment, playlist = build_now(ctx, wednesday + timedelta(hours=15), 3)
    assert moment == "Everyday listening, around 15:00 on Wednesdays"
    assert sorted(names(playlist)) == ["new 0", "new 1", "new 2"]
    # the why names the signals that put each track there
    assert all("played 14 times in the last 2 weeks" in t.why for t in playlist.tracks)

    thursday = wednesday + timedelta(days=1)
    moment, playlist = build_now(ctx, thursday + timedelta(hours=19), 6)
    assert moment == "Thursday jazz"
    assert sorted(names(playlist)) == [f"jazz {k}" for k in range(6)]
    assert all("in your moment Thursday jazz" in t.why for t in playlist.tracks)
    # an hour and a half before the jazz, the person is not in it yet
    _, playlist = build_now(ctx, thursday + timedelta(hours=17), 3)
    assert sorted(names(playlist)) == ["new 0", "new 1", "new 2"]

    # without moments the time of the week speaks for itself where it holds plays
    plain = Context(lis, steps.build_colisten(lis))
    _, playlist = build_now(plain, thursday + timedelta(hours=19, minutes=10), 3)
    assert all(n.startswith("jazz") for n in names(playlist))
    assert all("times around 19:10 on Thursdays" in t.why for t in playlist.tracks)
    _, playlist = build_now(plain, thursday + timedelta(hours=17), 3)
    assert sorted(names(playlist)) == ["new 0", "new 1", "new 2"]


def test_a_moment_holding_every_play_falls_back_to_the_neighbourhood() -> None:
    lis = build_listening(weekly(4), "UTC")
    near_noon = moment("noon", "Noon", (tuple(range(7)), 11 * 60, 13 * 60))
    ctx = Context(lis, moments=(RUN, JAZZ, near_noon))
    assert not everyday_mask(lis, ctx.moments).any()
    at = (MONDAY + timedelta(days=30, hours=15)).replace(tzinfo=None)
    playlist = build_playlist(now_recipe(2), ctx, at=at, now_s=lis.end_s)
    assert len(playlist.tracks) == 2  # not empty: the hour's neighbourhood and taste lately
