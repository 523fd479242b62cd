"""`now` as a blend fitted per person, its baselines and its evaluation over several cutoffs."""

from __future__ import annotations

import gc
import weakref
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.framekit import moment
from tests.test_playlists_steps import MONDAY, frame, weekly
from yawyas.errors import BadInputError
from yawyas.playlists.backtest import (
    QUARTER_S,
    QUARTER_SAMPLES,
    backtest_cutoffs,
    fit_blend,
    quarter_starts,
)
from yawyas.playlists.blend import PARTS, SIGNALS, Blend, Signals
from yawyas.playlists.evaluate import (
    BASELINES,
    activation_tracks,
    evaluate,
    evaluate_window,
    lately_tracks,
    time_of_week_tracks,
    top_tracks,
)
from yawyas.playlists.generate import Context, build_playlist, everyday_taste, now_recipe
from yawyas.playlists.listening import DAY_S, build_listening
from yawyas.playlists.steps import INDEX_PAIRS_AFTER, pairs_from, play_pairs


def _names(lis: Any, codes: Any) -> list[str]:
    return [str(lis.names[c]) for c in codes]


def test_activation_puts_a_few_recent_plays_above_many_old_ones() -> None:
    rows = [{"start": MONDAY + timedelta(hours=h), "track": "old"} for h in range(10)]
    rows += [{"start": MONDAY + timedelta(days=99, hours=h), "track": "new"} for h in range(2)]
    lis = build_listening(frame(rows), "UTC")
    now_s = int((MONDAY + timedelta(days=100)).timestamp())
    # ACT-R: 10 plays 100 days ago (10 x 8.64e6^-0.5 = 0.0034) < 2 plays a day ago (0.0068)
    assert _names(lis, activation_tracks(lis, now_s, 2)) == ["new", "old"]
    assert _names(lis, top_tracks(lis, 2)) == ["old", "new"]


def test_lately_halves_a_play_every_week() -> None:
    rows = [{"start": MONDAY + timedelta(hours=h), "track": "old"} for h in range(10)]
    rows += [{"start": MONDAY + timedelta(days=28, hours=h), "track": "mid"} for h in range(2)]
    rows += [{"start": MONDAY + timedelta(days=34), "track": "new"}]
    lis = build_listening(frame(rows), "UTC")
    now_s = int((MONDAY + timedelta(days=35)).timestamp())
    # 10 plays 5 weeks ago count 10/32 = 0.31; 2 plays a week ago 2 x 0.5 = 1.0; 1 play a day
    # ago 0.91. ACT-R's power law keeps the many old plays first (0.0058 > 0.0034 > 0.0026)
    assert _names(lis, lately_tracks(lis, now_s, 3)) == ["mid", "new", "old"]
    assert _names(lis, activation_tracks(lis, now_s, 3)) == ["old", "new", "mid"]


def test_time_of_week_baseline_crosses_midnight_and_fills_with_the_top() -> None:
    rows = [
        {"start": MONDAY + timedelta(weeks=w, days=5, minutes=20), "track": "late"}
        for w in range(3)
    ]  # Saturday 00:20
    rows += [{"start": MONDAY + timedelta(days=d, hours=12), "track": "noon"} for d in range(9)]
    lis = build_listening(frame(rows), "UTC")
    friday_2340 = 4 * 1440 + 23 * 60 + 40
    assert _names(lis, time_of_week_tracks(lis, friday_2340, 1)) == ["late"]
    assert _names(lis, time_of_week_tracks(lis, friday_2340, 2)) == ["late", "noon"]
    # nothing within an hour on Wednesday evening: the overall top
    assert _names(lis, time_of_week_tracks(lis, 2 * 1440 + 20 * 60, 2)) == ["noon", "late"]


def test_evaluate_pools_its_windows_and_reports_the_spread() -> None:
    lis = build_listening(weekly(30), "UTC")
    result = evaluate(lis, Context(lis), size=8, windows=4)
    assert len(result.windows) == 4
    cutoffs = [w.cutoff_s for w in result.windows]
    assert cutoffs == sorted(cutoffs)
    assert [w.train_plays for w in result.windows] == [
        int((lis.start_s < c).sum()) for c in cutoffs
    ]
    assert result.heldout_plays == sum(w.heldout_plays for w in result.windows) == 4 * 19 + 1
    for name in ("now", *BASELINES):
        hits = sum(w.hits[name] for w in result.windows)
        assert result.rate(name) == pytest.approx(hits / result.heldout_plays)
    doc = result.as_dict()
    assert set(doc["baselines"]) == set(BASELINES)
    assert doc["best_baseline"] == result.best_baseline
    assert doc["lift_over_best"] == pytest.approx(result.lift_over_best, abs=1e-3)
    assert len(doc["cutoffs"]) == 4
    spread = doc["spread"]["lift_over_best"]
    assert spread["min"] <= spread["mean"] <= spread["max"]
    # a weekly routine: the time of the week is everything, and `now` holds all of it
    assert result.now >= 0.95
    assert result.now >= result.rate("time_of_week")


@pytest.mark.parametrize("rolling", [True, False], ids=["rolling", "from-cutoff"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_histories_are_not_below_the_best_baseline(seed: int, rolling: bool) -> None:
    """No time, no drift, no sessions: nothing to learn beyond how often each song is played.
    The best baseline is chosen after seeing the held-out plays, so `now` may trail it by
    sampling noise (one point), never by more; judged either way."""
    rng = np.random.default_rng(seed)
    n = 5000
    starts = np.sort(rng.uniform(0, 250 * 1440, n))
    songs = rng.zipf(1.3, n) % 500
    rows = [
        {"start": MONDAY + timedelta(minutes=float(m)), "track": f"t{k}", "artist": f"a{k % 17}"}
        for m, k in zip(starts, songs, strict=True)
    ]
    lis = build_listening(frame(rows), "UTC")
    result = evaluate(lis, Context(lis), windows=4, rolling=rolling)
    assert result.rolling == rolling
    best = result.rate(result.best_baseline)
    assert result.now >= best - 0.01, result.as_dict()


def _routine_and_drift() -> Any:
    """Thursdays 19:00 the same six jazz songs; every other day a new favourite a fortnight."""
    rows: list[dict[str, Any]] = []
    for day in range(200):
        start = MONDAY + timedelta(days=day, hours=10)
        if day % 7 == 3:
            rows += [
                {"start": start + timedelta(hours=9, minutes=4 * k), "track": f"jazz {k}"}
                for k in range(6)
            ]
        else:
            fav = day // 14
            rows += [
                {"start": start + timedelta(minutes=4 * k), "track": f"fav {fav} {k}"}
                for k in range(3)
            ]
    return frame(rows)


def test_the_blend_is_fitted_on_the_weeks_before_now_only() -> None:
    lis = build_listening(_routine_and_drift(), "UTC")
    now_s = lis.end_s - 20 * DAY_S
    starts = backtest_cutoffs(lis.before(now_s), now_s)
    assert starts
    assert max(starts) + 7 * DAY_S <= now_s
    blend = fit_blend(lis, (), now_s, size=6)
    assert blend.tuned
    assert blend.windows == len(starts)
    # the same history with other plays after `now_s` gives the same blend
    assert fit_blend(lis.before(now_s), (), now_s, size=6) == blend
    weights = dict(zip(SIGNALS, blend.everyday, strict=True))
    assert sum(weights.values()) == pytest.approx(1.0)
    # drifting favourites: what was played lately predicts; the all-time top does not
    lately = weights["recent"] + weights["week"] + weights["colisten"] + weights["activation"]
    assert lately > weights["frequency"]
    assert blend.everyday_prior < float("inf")  # and the jazz hour speaks for itself


def test_the_quarter_hour_blend_predicts_each_quarter_from_the_plays_before_it() -> None:
    lis = build_listening(_routine_and_drift(), "UTC")
    now_s = lis.end_s - 20 * DAY_S
    before = lis.before(now_s)
    weeks = backtest_cutoffs(before, now_s)
    quarters = quarter_starts(before, now_s, weeks)
    assert 0 < len(quarters) <= QUARTER_SAMPLES
    assert quarters == sorted(quarters)
    assert min(weeks) <= quarters[0]
    assert quarters[-1] < now_s
    assert all(q % QUARTER_S == 0 for q in quarters)
    # every sampled quarter hour holds a play of the back-test weeks
    assert all(((before.start_s >= q) & (before.start_s < q + QUARTER_S)).any() for q in quarters)
    blend = fit_blend(lis, (), now_s, size=6, horizon="quarter")
    assert blend.tuned
    assert blend.horizon == "quarter"
    assert fit_blend(lis.before(now_s), (), now_s, size=6, horizon="quarter") == blend
    restored = Blend.from_document(blend.as_document())
    assert restored is not None
    assert restored.horizon == "quarter"
    with pytest.raises(ValueError, match="horizon"):
        fit_blend(lis, (), now_s, horizon="year")


def test_rolling_evaluation_knows_what_was_played_earlier_in_the_window() -> None:
    """A song first played in the held-out weeks, then every day: judged from the cutoff alone
    nothing can hold it; judged with the plays before each quarter hour, `recent`, `lately` and
    `now` hold all its plays after the first."""
    rows = [
        {"start": MONDAY + timedelta(days=d, hours=9, minutes=4 * k), "track": f"old {k}"}
        for d in range(120)
        for k in range(5)
    ]
    rows += [
        {"start": MONDAY + timedelta(days=d, hours=21), "track": "new love"}
        for d in range(100, 120)
    ]
    lis = build_listening(frame(rows), "UTC")
    cutoff = int((MONDAY + timedelta(days=99)).timestamp())
    weekly_result = evaluate(lis, Context(lis), cutoff_s=cutoff, size=6, windows=1, rolling=False)
    rolling = evaluate(lis, Context(lis), cutoff_s=cutoff, size=6, windows=1)
    assert rolling.rolling
    assert rolling.as_dict()["rolling"] is True
    assert not weekly_result.rolling
    assert rolling.heldout_plays == weekly_result.heldout_plays == 5 * 21 + 20
    # from the cutoff: the five old songs, never the new one
    assert weekly_result.rate("recent") == pytest.approx(105 / 125)
    # quarter hour by quarter hour: six places hold the old songs and the new one once played
    for name in ("recent", "lately", "now"):
        assert rolling.rate(name) == pytest.approx(124 / 125), name
    assert all(w.blend.horizon == "quarter" for w in rolling.windows)


def test_now_remade_every_week_knows_what_it_knew_at_the_cutoff() -> None:
    """Judged every quarter hour but remade only every `every_minutes`: each quarter hour with
    the plays before the last remake. A song first played the evening after a cutoff on a
    week's boundary, then every evening: remade once a week, the baselines know only what
    they knew at the cutoff (as judged from the cutoff) and never hold it; remade every day
    (at midnight UTC) or every quarter hour, they hold all its plays but the first."""
    week = 7 * DAY_S
    cutoff = (int((MONDAY + timedelta(days=100)).timestamp()) // week + 1) * week
    first_evening = datetime.fromtimestamp(cutoff, UTC) + timedelta(hours=21)
    rows = [
        {"start": MONDAY + timedelta(days=d, hours=9, minutes=4 * k), "track": f"old {k}"}
        for d in range(130)
        for k in range(5)
    ]
    rows += [{"start": first_evening + timedelta(days=d), "track": "new love"} for d in range(7)]
    lis = build_listening(frame(rows), "UTC")
    ctx = Context(lis)
    results = {
        name: evaluate_window(lis, ctx, cutoff, cutoff + week, size=6, **kw)
        for name, kw in {
            "cutoff": {"rolling": False},
            "week": {"every_minutes": 7 * 1440},
            "day": {"every_minutes": 1440},
            "quarter": {},
        }.items()
    }
    for name in BASELINES:
        assert results["week"].hits[name] == results["cutoff"].hits[name], name
    held = results["cutoff"].heldout_plays
    assert held == 7 * 5 + 7
    assert results["cutoff"].hits["recent"] == held - 7  # never the new song
    assert results["day"].hits["recent"] == results["quarter"].hits["recent"] == held - 1
    with pytest.raises(BadInputError, match="--every 20"):
        evaluate(lis, ctx, cutoff_s=cutoff, every_minutes=20)


def test_now_follows_the_routine_and_the_drift_and_says_why() -> None:
    lis = build_listening(_routine_and_drift(), "UTC")
    ctx = Context(lis)
    thursday = (MONDAY + timedelta(days=199 - (199 - 3) % 7)).replace(tzinfo=None)
    jazz = build_playlist(now_recipe(6), ctx, at=thursday + timedelta(hours=19, minutes=5))
    assert sorted(t.track_name for t in jazz.tracks) == [f"jazz {k}" for k in range(6)]
    assert all("around 19:05 on Thursdays" in t.why for t in jazz.tracks)
    morning = build_playlist(now_recipe(9), ctx, at=thursday + timedelta(days=1, hours=10))
    # fitted for the next quarter hour, `now` trusts what was played last: the jazz of last
    # night and the favourites of this fortnight, never the older favourites
    names = {t.track_name for t in morning.tracks}
    assert {f"fav 14 {k}" for k in range(3)} <= names
    assert not any(n.startswith("fav ") and not n.startswith(("fav 13 ", "fav 14 ")) for n in names)
    assert all("played" in t.why for t in morning.tracks)


def test_signals_are_distributions_and_the_parts_sum_to_the_score() -> None:
    lis = build_listening(_routine_and_drift(), "UTC")
    signals = Signals(lis, (), lis.end_s + 1)
    slot = signals.at(3 * 96 + 19 * 4)  # Thursday 19:00
    sums = slot.signals.sum(axis=0)
    assert np.allclose(sums[sums > 0], 1.0)
    assert slot.near_total > 0
    blend = fit_blend(lis, ())
    parts = slot.parts(blend)
    assert parts.shape == (lis.n_tracks, len(PARTS))
    present = (sums > 0) / (sums > 0).sum()  # the signals that hold something at this time
    whole = slot.parts(Blend(everyday=tuple(present), everyday_prior=8.0))
    assert np.isclose(whole.sum(), 1.0)  # (C + prior x 1) / (C + prior)
    assert 0 < parts.sum() <= 1.0 + 1e-9
    alone = slot.parts(Blend(everyday_prior=float("inf")))
    assert not alone[:, -1].any()  # no time of the week with an infinite prior


def test_a_blend_survives_its_document_and_refuses_other_signals() -> None:
    blend = fit_blend(build_listening(weekly(30), "UTC"), ())
    doc = blend.as_document()
    again = Blend.from_document(doc)
    assert again is not None
    assert again.everyday_prior == blend.everyday_prior
    assert again.in_moment == pytest.approx(blend.in_moment, abs=1e-6)
    assert Blend.from_document({**doc, "signals": ["recent"]}) is None
    assert not Blend().tuned
    assert fit_blend(build_listening(weekly(2), "UTC"), ()) == Blend()  # too short to test


def _album_sessions(days: int) -> Any:
    """Every evening at 20:00 one album of ten songs from its first song, in order."""
    return frame(
        [
            {"start": MONDAY + timedelta(days=d, hours=20, minutes=4 * k), "track": f"a{k}"}
            for d in range(days)
            for k in range(10)
        ]
    )


def test_the_session_signals_know_what_is_playing_and_what_follows_it() -> None:
    lis = build_listening(_album_sessions(30), "UTC")
    day = MONDAY + timedelta(days=30, hours=20)
    played = frame([{"start": day + timedelta(minutes=4 * k), "track": f"a{k}"} for k in range(3)])
    lis = build_listening(pd.concat([_album_sessions(30), played], ignore_index=True), "UTC")
    now_s = int((day + timedelta(minutes=12)).timestamp())
    column = {s: SIGNALS.index(s) for s in ("session", "next")}
    at = Signals(lis, (), now_s).at(0)
    session, follows = at.signals[:, column["session"]], at.signals[:, column["next"]]
    # the session: the three songs played tonight, the last one most
    assert sorted(_names(lis, np.flatnonzero(session))) == ["a0", "a1", "a2"]
    assert _names(lis, [int(session.argmax())]) == ["a2"]
    # what follows: the songs that came one to four songs after them on the other evenings,
    # a3 (right after the last one) most
    assert _names(lis, [int(follows.argmax())]) == ["a3"]
    assert sorted(_names(lis, np.flatnonzero(follows))) == [f"a{k}" for k in range(1, 7)]
    # four hours after the last play there is no session going on
    later = Signals(lis, (), now_s + 4 * 3600).at(0)
    assert not later.signals[:, column["session"]].any()
    assert not later.signals[:, column["next"]].any()


def _shuffle_mornings(days: int, seed: int = 3) -> Any:
    """Every morning from 08:00 twenty songs of a forty-song playlist on shuffle: no song twice
    in a session."""
    rng = np.random.default_rng(seed)
    return frame(
        [
            {"start": MONDAY + timedelta(days=d, hours=8, minutes=4 * k), "track": f"s{int(t)}"}
            for d in range(days)
            for k, t in enumerate(rng.permutation(40)[:20])
        ]
    )


def test_a_shuffle_does_not_come_back_to_what_it_just_played() -> None:
    """On shuffle, the songs of this morning's session are the ones least likely in the next
    quarter hour: the fit learns to leave them out, and `now` at 08:45 holds the others."""
    lis = build_listening(_shuffle_mornings(60), "UTC")
    blend = fit_blend(lis, (), horizon="quarter", size=10)
    assert blend.everyday_replay < 0.5
    restored = Blend.from_document(blend.as_document())
    assert restored is not None
    assert restored.everyday_replay == blend.everyday_replay
    today = MONDAY + timedelta(days=60, hours=8)
    morning = _shuffle_mornings(61)
    played = morning[morning["played_at"] < int((today + timedelta(minutes=45)).timestamp())]
    lis = build_listening(played, "UTC")
    ctx = Context(lis)
    playlist = build_playlist(
        now_recipe(10), ctx, at=(today + timedelta(minutes=45)).replace(tzinfo=None)
    )
    this_morning = set(played[played["played_at"] >= int(today.timestamp())]["track_name"])
    assert len(this_morning) == 11
    names = {t.track_name for t in playlist.tracks}
    assert len(names) == 10
    assert not names & this_morning


def _fresh(lis: Any) -> Any:
    """The same plays as a history of their own (nothing shared with a longer one)."""
    return lis.subset(np.ones(len(lis.track), dtype=bool))


def test_signals_brought_up_to_date_are_the_signals_computed_afresh() -> None:
    """`evaluate` asks for the signals every quarter hour: sums kept from the last time asked
    and brought up to date give what computing them from nothing gives, forward, backward and
    after a jump, with moments, devices and the time of the week."""
    lis = build_listening(_routine_and_drift(), "UTC")
    jazz = moment("jazz", "Thursday evenings", ((3,), 19 * 60, 20 * 60))
    times = [lis.end_s - d * DAY_S + 3600 * h for d, h in ((60, 0), (30, 5), (30, 9), (90, 2))]
    times.append(lis.end_s + 1)
    for now_s in times:
        kept = Signals(lis.before(now_s), (jazz,), now_s)
        afresh = Signals(_fresh(lis.before(now_s)), (jazz,), now_s)
        for slot in (3 * 96 + 19 * 4, 96 + 40):  # Thursday 19:00 (the moment), Tuesday 10:00
            a, b = kept.at(slot), afresh.at(slot)
            assert np.allclose(a.signals, b.signals, rtol=1e-9, atol=1e-15)
            assert np.allclose(a.near, b.near, rtol=1e-9, atol=1e-15)
            assert a.in_moment == b.in_moment
        assert np.array_equal(kept.everyday, afresh.everyday)
    every = _fresh(lis)
    everyday = Signals(every, (jazz,), every.end_s + 1)
    column = SIGNALS.index("everyday")
    reference = everyday_taste(every, (jazz,), every.end_s + 1)
    assert np.allclose(everyday.fixed[:, column], reference)


def test_the_pairs_of_a_few_songs_indexed_or_not_are_the_pairs_of_the_plays_before() -> None:
    """`pairs_from` on the first plays of a history: all pairs at first, by an index of the
    whole history once asked again and again; either way the pairs of those songs within
    those plays (and none of a later play)."""
    lis = build_listening(_album_sessions(40), "UTC")
    first = lis.before(int((MONDAY + timedelta(days=20, hours=20, minutes=10)).timestamp()))
    songs = np.asarray([2, 5], dtype=np.int64)
    a_all, b_all = play_pairs(first)
    for forward in (True, False):
        key = a_all if forward else b_all
        wanted = sorted(
            (int(x), int(y))
            for x, y in zip(key, b_all if forward else a_all, strict=True)
            if x in songs
        )
        for _ in range(INDEX_PAIRS_AFTER + 2):
            a, b = pairs_from(first, songs, forward=forward)
            got = sorted((int(x), int(y)) for x, y in zip(a, b, strict=True) if x in songs)
            assert got == wanted
    assert first.asks("pairs from") > INDEX_PAIRS_AFTER  # the index was used


def test_now_keeps_no_cut_history_alive() -> None:
    """`evaluate` cuts the history every quarter hour: what `now` derives from a cut must not
    hold it in a cycle (it would stay in memory until the garbage collector runs)."""
    lis = build_listening(_routine_and_drift(), "UTC")
    gc.collect()
    gc.disable()
    try:
        cut = lis.before(lis.end_s - 3 * DAY_S)
        alive = weakref.ref(cut)
        at = datetime.fromtimestamp(lis.end_s - 3 * DAY_S, UTC).replace(tzinfo=None)
        build_playlist(now_recipe(6), Context(cut, blend=Blend()), now_s=cut.end_s + 1, at=at)
        del cut
        assert alive() is None
    finally:
        gc.enable()


def test_now_for_this_minute_knows_the_session_and_now_for_later_does_not() -> None:
    """Every day one of twelve albums from its first song, each day at another hour, and three
    songs of one played just now: `now` asked for this minute (in the person's zone) holds what
    follows them on that album and says so; asked for two days later it knows no session."""
    from yawyas.services.playlists import asked_seconds, build_now

    def album(day: int, start: datetime, songs: int = 10) -> list[dict[str, Any]]:
        return [
            {
                "start": start + timedelta(minutes=4 * k),
                "track": f"album {day % 12} song {k}",
                "artist": f"band {day % 12}",
            }
            for k in range(songs)
        ]

    rows = [r for d in range(60) for r in album(d, MONDAY + timedelta(days=d, hours=(5 * d) % 24))]
    today = MONDAY + timedelta(days=60, hours=9)
    rows += album(5, today, songs=3)
    lis = build_listening(frame(rows), "UTC")
    ctx = Context(lis)
    at = (today + timedelta(minutes=14)).replace(tzinfo=None)
    assert asked_seconds(at, "UTC") == int((today + timedelta(minutes=14)).timestamp())
    _, playlist = build_now(ctx, at, 3, tz="UTC")
    names = {t.track_name for t in playlist.tracks}
    assert names <= {f"album 5 song {k}" for k in range(3, 10)}
    assert any("follows what you are playing now" in t.why for t in playlist.tracks)
    _, later = build_now(ctx, at + timedelta(days=2), 3, tz="UTC")
    assert not any("playing now" in t.why for t in later.tracks)


def test_the_why_of_now_for_a_past_time_counts_only_the_plays_before_it() -> None:
    from yawyas.playlists.now import now_source

    rows = [{"start": MONDAY + timedelta(days=d, hours=12), "track": "x"} for d in range(30)]
    lis = build_listening(frame(rows), "UTC")
    only_plays = tuple(1.0 if s == "frequency" else 0.0 for s in SIGNALS)
    ctx = Context(lis, blend=Blend(everyday=only_plays, everyday_prior=float("inf")))
    then = MONDAY + timedelta(days=10)  # after ten of the thirty plays
    source = now_source(ctx, int(then.timestamp()), then.replace(tzinfo=None), 5)
    assert source.evidence[0] == "played 10 times in all"
