"""The pure playlist steps, recipes and the `now` neighbourhood, on small histories built here."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.framekit import moment
from yawyas.analysis.moments.types import moment_at
from yawyas.errors import BadInputError, NotFoundError
from yawyas.playlists import steps
from yawyas.playlists.blend import plays_around
from yawyas.playlists.generate import (
    Context,
    build_playlist,
    now_recipe,
)
from yawyas.playlists.listening import Listening, build_listening
from yawyas.playlists.recipes import (
    Recipe,
    find_recipe,
    parse_recipe,
    read_recipes,
    starter_recipes,
)

MONDAY = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A streams frame as `load_history` gives it, from rows of (start, track, artist, ...)."""
    out = []
    for i, r in enumerate(rows):
        ms = r.get("ms", 200_000)
        start: datetime = r["start"]
        out.append(
            {
                "played_at": int(start.timestamp()) + ms // 1000,
                "ms_played": ms,
                "kind": "track",
                "track_name": r["track"],
                "artist_name": r.get("artist", r["track"] + " band"),
                "album_name": "Album",
                "uri": f"spotify:track:{r['track'].replace(' ', '').ljust(22, 'x')[:22]}",
                "platform": "android",
                "conn_country": "ES",
                "reason_start": r.get("reason_start", "trackdone"),
                "reason_end": r.get("reason_end", "trackdone"),
                "skipped": r.get("skipped", False),
                "item_id": r.get("item_id", i),
            }
        )
    df = pd.DataFrame(out)
    for c in (
        "kind",
        "track_name",
        "artist_name",
        "album_name",
        "uri",
        "platform",
        "conn_country",
        "reason_start",
        "reason_end",
    ):
        df[c] = df[c].astype("category")
    df["skipped"] = df["skipped"].astype("boolean")
    return df.sort_values("played_at", ignore_index=True)


def weekly(weeks: int = 20) -> pd.DataFrame:
    """Mondays 07:00 'run' tracks in one session, Thursdays 19:00 'jazz', daily 'pop' at noon."""
    rows: list[dict[str, Any]] = []
    for w in range(weeks):
        week = MONDAY + timedelta(weeks=w)
        t = week + timedelta(hours=7)
        for k in range(6):
            rows.append(
                {
                    "start": t + timedelta(minutes=4 * k),
                    "track": f"run {k}",
                    "artist": f"runner {k % 3}",
                }
            )
        t = week + timedelta(days=3, hours=19)
        for k in range(6):
            rows.append(
                {"start": t + timedelta(minutes=4 * k), "track": f"jazz {k}", "artist": "trio"}
            )
        for d in range(7):
            rows.append(
                {
                    "start": week + timedelta(days=d, hours=12),
                    "track": f"pop {d % 2}",
                    "artist": "pop star",
                }
            )
    return frame(rows)


@pytest.fixture(scope="module")
def listening() -> Listening:
    return build_listening(weekly(), "UTC")


@pytest.fixture(scope="module")
def context(listening: Listening) -> Context:
    return Context(listening, steps.build_colisten(listening))


def names(playlist: Any) -> list[str]:
    return [t.track_name for t in playlist.tracks]


def test_listening_keeps_plays_of_tracks_in_time_order(listening: Listening) -> None:
    assert len(listening.track) == 20 * 19
    assert (np.diff(listening.start_s) >= 0).all()
    assert listening.n_tracks == 6 + 6 + 2
    run0 = list(listening.names).index("run 0")
    assert (listening.weekday[listening.track == run0] == 0).all()
    assert (listening.minute[listening.track == run0] == 7 * 60).all()


def test_short_streams_and_episodes_are_not_plays() -> None:
    df = frame([{"start": MONDAY, "track": "a", "ms": 10_000}, {"start": MONDAY, "track": "b"}])
    df["uri"] = df["uri"].cat.rename_categories(
        {c: c.replace("track", "episode") for c in df["uri"].cat.categories if "b" in c[14:15]}
    )
    lis = build_listening(df, "UTC")
    assert len(lis.track) == 0


def test_now_on_monday_morning_is_the_run(context: Context) -> None:
    playlist = build_playlist(now_recipe(6), context, at=datetime(2026, 6, 1, 7, 10))
    assert sorted(names(playlist)) == [f"run {k}" for k in range(6)]
    assert all("on Mondays" in t.why for t in playlist.tracks)


def test_now_on_thursday_evening_is_jazz_not_the_monday_run(context: Context) -> None:
    playlist = build_playlist(now_recipe(6), context, at=datetime(2026, 6, 4, 19, 0))
    assert sorted(names(playlist)) == [f"jazz {k}" for k in range(6)]


def test_the_time_of_week_crosses_midnight_and_the_end_of_the_week() -> None:
    rows = [
        {"start": MONDAY + timedelta(weeks=w, days=5, minutes=30), "track": "late"}
        for w in range(5)
    ] + [
        {"start": MONDAY + timedelta(weeks=w, minutes=20), "track": "monday"} for w in range(3)
    ]  # Saturday 00:30 and Monday 00:20
    lis = build_listening(frame(rows), "UTC")
    late, monday = (list(lis.names).index(n) for n in ("late", "monday"))
    friday_night = lis.track[plays_around(lis, 4 * 1440 + 23 * 60 + 45)]
    assert friday_night.tolist() == [late] * 5
    assert len(plays_around(lis, 5 * 1440 + 23 * 60 + 45)) == 0
    sunday_night = lis.track[plays_around(lis, 6 * 1440 + 23 * 60 + 45)]
    assert sunday_night.tolist() == [monday] * 3


def test_every_track_has_a_why_and_size_is_kept(context: Context) -> None:
    playlist = build_playlist(now_recipe(10), context, at=datetime(2026, 6, 1, 12, 0))
    assert len(playlist.tracks) == 10
    assert all(t.why for t in playlist.tracks)
    assert len(set(playlist.uris)) == 10


def test_max_per_artist_and_spacing(context: Context) -> None:
    recipe = Recipe(key="r", name="r", now=True, size=10, max_per_artist=1)
    playlist = build_playlist(recipe, context, at=datetime(2026, 6, 4, 19, 0))
    artists = [t.artist_name for t in playlist.tracks]
    assert len(artists) == len(set(artists))


def test_space_artists_never_puts_one_artist_twice_in_a_row_when_avoidable() -> None:
    pool = steps.Pool.of(track=[0, 1, 2, 3, 4])
    artist = np.array([0, 0, 0, 1, 2])
    out = steps.space_artists(pool, artist)["track"].tolist()
    codes = artist[out]
    assert sorted(out) == [0, 1, 2, 3, 4]
    assert all(a != b for a, b in itertools.pairwise(codes))


def test_drop_recent_and_filters() -> None:
    pool = steps.Pool.of(track=[0, 1, 2], days_since=[1.0, 10.0, 40.0])
    assert steps.drop_recent(pool, 7)["track"].tolist() == [1, 2]
    assert steps.drop_recent(pool, 0)["track"].tolist() == [0, 1, 2]
    assert steps.drop_explicit(pool, {0: True, 1: False}, allow=False)["track"].tolist() == [1, 2]
    assert steps.drop_explicit(pool, {}, allow=False)["track"].tolist() == [0, 1, 2]
    kept = steps.keep_durations(pool, {0: 30_000, 1: 200_000}, 60, 600)
    assert kept["track"].tolist() == [1, 2]  # track 2: duration unknown, kept


def test_cap_artists_keeps_the_best_of_each_artist() -> None:
    pool = steps.Pool.of(track=[0, 1, 2, 3, 4, 5])
    artist = np.array([7, 8, 7, 7, 8, 9])
    assert steps.cap_artists(pool, artist, 2)["track"].tolist() == [0, 1, 2, 4, 5]
    assert steps.cap_artists(pool, artist, 0)["track"].tolist() == [0, 1, 2, 3, 4, 5]


def test_mix_counts_sum_to_size() -> None:
    assert steps.Mix(0.7, 0.15, 0.15).counts(50) == {"familiar": 35, "forgotten": 8, "long_tail": 7}
    assert sum(steps.Mix(1, 1, 1).counts(7).values()) == 7
    assert steps.Mix(0, 0, 0).counts(5) == {"familiar": 5, "forgotten": 0, "long_tail": 0}


def test_pick_mix_fills_a_short_bucket_from_the_rest() -> None:
    pool = steps.Pool.of(track=range(6), bucket=["familiar"] * 5 + ["long_tail"])
    picked = steps.pick_mix(pool, steps.Mix(0.5, 0.5, 0.0), 4)
    assert picked["track"].tolist() == [0, 1, 2, 3]


def test_order_flow_follows_co_listening(context: Context) -> None:
    recipe = Recipe(key="r", name="r", now=True, size=6, max_per_artist=0)
    playlist = build_playlist(recipe, context, at=datetime(2026, 6, 4, 19, 0))
    order = [int(n.split()[1]) for n in names(playlist)]
    steps_between = [abs(a - b) for a, b in itertools.pairwise(order)]
    assert max(steps_between) <= 2  # neighbours in the sessions stay neighbours


def test_seed_artist_recipe(context: Context) -> None:
    recipe = Recipe(key="s", name="s", seed_artists=("trio",), size=3, max_per_artist=0)
    playlist = build_playlist(recipe, context)
    assert {t.artist_name for t in playlist.tracks} == {"trio"}
    assert all("seeds" in t.why for t in playlist.tracks)


def test_unknown_seeds_mood_and_moment_say_so(context: Context) -> None:
    with pytest.raises(NotFoundError, match="no artist 'nobody' in your history"):
        build_playlist(Recipe(key="s", name="s", seed_artists=("nobody",)), context)
    with pytest.raises(NotFoundError, match="seed"):
        build_playlist(Recipe(key="s", name="s", seed_tracks=("spotify:track:none",)), context)
    with pytest.raises(NotFoundError, match="No mood 'sad'"):
        build_playlist(Recipe(key="m", name="m", mood="sad"), context)
    with pytest.raises(NotFoundError, match="No moment"):
        build_playlist(Recipe(key="m", name="m", moment="gym"), context)


def test_moment_recipe_uses_the_window(listening: Listening) -> None:
    jazz = moment("thu_jazz", "Thursday jazz", ((3,), 18 * 60 + 30, 20 * 60))
    ctx = Context(listening, steps.build_colisten(listening), moments=(jazz,))
    playlist = build_playlist(
        Recipe(key="j", name="j", moment="Thursday jazz", size=6, max_per_artist=0), ctx
    )
    assert sorted(names(playlist)) == [f"jazz {k}" for k in range(6)]
    assert "in Thursday jazz (Thu 18:30-20:00)" in playlist.tracks[0].why
    assert moment_at((jazz,), datetime(2026, 6, 4, 19, 0)) == jazz
    assert moment_at((jazz,), datetime(2026, 6, 5, 19, 0)) is None


def test_moment_window_past_midnight() -> None:
    m = moment("late", "Late", ((4,), 23 * 60, 60))
    assert m.contains(datetime(2026, 6, 5, 23, 30))  # Friday
    assert m.contains(datetime(2026, 6, 6, 0, 30))  # Saturday, still Friday night
    assert not m.contains(datetime(2026, 6, 5, 0, 30))


# ----- recipes ---------------------------------------------------------------------------------


def test_recipe_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "playlists.toml"
    path.write_text(starter_recipes([("weekend_run", "Weekend run")], ["run", "chill"]))
    recipes = read_recipes(path)
    assert [r.key for r in recipes] == ["now", "weekend_run", "mood-run", "mood-chill"]
    assert recipes[1].moment == "weekend_run"
    assert recipes[2].mood == "run"
    assert find_recipe(recipes, "Weekend run (yawyas)", path).key == "weekend_run"
    with pytest.raises(NotFoundError, match="No recipe 'nope'"):
        find_recipe(recipes, "nope", path)


def test_recipe_values() -> None:
    r = parse_recipe(
        "x",
        {
            "mood": "run",
            "size": 20,
            "mix": {"familiar": 1},
            "explicit": False,
            "skip_played_within_days": 7,
            "max_duration_s": 400,
        },
    )
    assert (r.size, r.mix.familiar, r.explicit, r.skip_played_within_days) == (20, 1.0, False, 7)
    assert r.marker == "[yawyas:x]"
    assert parse_recipe("y", {"now": True}).size == 50


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "needs a source"),
        ({"mood": "run", "moment": "gym"}, "more than one source"),
        ({"mood": "run", "size": 0}, "size must be"),
        ({"mood": "run", "size": "ten"}, "size must be"),
        ({"mood": "run", "colour": "red"}, "unknown keys"),
        ({"mood": "run", "mix": {"hits": 1}}, "mix takes"),
        ({"seed_tracks": "spotify:track:x"}, "list of text"),
    ],
)
def test_bad_recipes_say_what_is_wrong(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        parse_recipe("x", raw)


def test_bad_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "playlists.toml"
    path.write_text("[playlists.x\n")
    with pytest.raises(BadInputError, match="not valid TOML"):
        read_recipes(path)


def test_a_moment_with_two_windows_draws_from_both(listening: Listening) -> None:
    mix = moment("mix", "Mix", ((0,), 6 * 60 + 30, 7 * 60 + 30), ((3,), 18 * 60 + 30, 20 * 60))
    ctx = Context(listening, moments=(mix,))
    recipe = Recipe(key="m", name="m", moment="mix", size=12, max_per_artist=0)
    playlist = build_playlist(recipe, ctx)
    assert sorted(names(playlist)) == sorted(
        [f"run {k}" for k in range(6)] + [f"jazz {k}" for k in range(6)]
    )
    assert "and 1 more)" in playlist.tracks[0].why


def test_now_names_the_most_specific_moment_whatever_their_order(listening: Listening) -> None:
    from yawyas.services.playlists import build_now

    broad = moment("broad", "Weekday evenings", ((0, 1, 2, 3, 4), 17 * 60, 21 * 60), plays=90)
    narrow = moment("narrow", "Monday rehearsal", ((0,), 18 * 60, 19 * 60), plays=10)
    at = datetime(2026, 6, 1, 18, 30)  # a Monday
    for order in ((broad, narrow), (narrow, broad)):
        name, _ = build_now(Context(listening, moments=order), at, 5)
        assert name == "Monday rehearsal"
    name, _ = build_now(Context(listening, moments=(broad, narrow)), at + timedelta(days=1), 5)
    assert name == "Weekday evenings"
