"""Moments: obsessions within rolling windows, and favourites that went quiet."""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from yawyas.analysis.clock import build_local_times
from yawyas.analysis.favorites import build_forgotten_favorites, build_obsessions

DAY = 86_400


def utc(text: str) -> int:
    return int(pd.Timestamp(text, tz="UTC").timestamp())


def plays(track: str, *ends: int, artist: str = "Artist", ms: int = 60_000) -> list[dict[str, Any]]:
    return [
        {
            "played_at": end,
            "ms_played": ms,
            "kind": "track",
            "track_name": track,
            "artist_name": artist,
        }
        for end in ends
    ]


def streams(rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = ["played_at", "ms_played", "kind", "track_name", "artist_name"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype(
        {
            "played_at": "int64",
            "ms_played": "int64",
            "kind": "str",
            "track_name": "str",
            "artist_name": "str",
        }
    )


def obsessions(rows: list[dict[str, Any]], **options: Any) -> pd.DataFrame:
    frame = streams(rows)
    return build_obsessions(frame, build_local_times(frame, "UTC"), **options)


def test_the_best_window_of_each_track() -> None:
    t = utc("2024-04-01 00:00:00")
    rows = plays("Spread", *(t + i * 3 * DAY for i in range(10)))  # 10 plays, 3 per week max
    rows += plays("Binge", t, t + DAY, t + 2 * DAY, t + 6 * DAY, t + 20 * DAY)  # 4 in a week
    found = obsessions(rows)
    assert list(found[["name", "plays"]].itertuples(index=False, name=None)) == [
        ("Binge", 4),
        ("Spread", 3),
    ]
    first = found.iloc[0]
    # local starts (UTC here) of the first and last play of the window; each play lasted 60 s
    assert first["window_start"] == pd.Timestamp("2024-03-31 23:59:00")
    assert first["window_end"] == pd.Timestamp("2024-04-06 23:59:00")


def test_a_window_is_seven_days_not_more() -> None:
    t = utc("2024-04-01 12:00:00")
    inside = obsessions(plays("Song", t, t + 1, t + 7 * DAY - 1))
    assert list(inside["plays"]) == [3]
    outside = obsessions(plays("Song", t, t + 1, t + 7 * DAY))
    assert len(outside) == 0  # only 2 plays in any window: below min_plays


def test_ties_earliest_window_and_name_order() -> None:
    t = utc("2024-01-01 00:00:00")
    rows = plays("B", t, t + 60, t + 120)
    rows += plays("A", t + 30 * DAY, t + 30 * DAY + 60, t + 30 * DAY + 120)
    rows += plays("A", t + 60 * DAY, t + 60 * DAY + 60, t + 60 * DAY + 120)
    rows += plays("Short", t, t + 60, ms=29_999)  # not plays
    found = obsessions(rows, n=5)
    assert list(found["name"]) == ["A", "B"]
    assert found.iloc[0]["window_start"] == pd.Timestamp("2024-01-30 23:59:00")


def test_pruning_keeps_exact_results() -> None:
    # Many busy tracks: the windowing of only the most played tracks must not change the answer.
    t = utc("2023-01-01 00:00:00")
    rows: list[dict[str, Any]] = []
    for k in range(120):
        spread = (k % 7 + 1) * DAY  # a play every 1..7 days
        rows += plays(f"T{k:03d}", *(t + i * spread for i in range(40 + k % 13)))
    rows += plays("Late binge", *(t + 400 * DAY + i * 600 for i in range(9)))
    frame = streams(rows)
    local = build_local_times(frame, "UTC")
    found = build_obsessions(frame, local, n=3)
    assert list(found["name"]) == ["Late binge", "T000", "T007"]
    assert list(found["plays"]) == [9, 7, 7]


def test_forgotten_favorites() -> None:
    end = utc("2024-12-31 12:00:00")
    rows = plays("Old love", *(utc("2023-01-01 10:00:00") + i * DAY for i in range(20)))
    rows += plays("Still on", *(utc("2023-01-01 10:00:00") + i * DAY for i in range(15)))
    rows += plays("Still on", utc("2024-12-01 10:00:00"))
    rows += plays("Barely", *(utc("2023-02-01 10:00:00") + i * DAY for i in range(3)))
    rows += plays("Last", end)
    frame = streams(rows)
    found = build_forgotten_favorites(frame, build_local_times(frame, "UTC"))
    assert list(found["name"]) == ["Old love"]  # "Barely" has too few plays to be a favourite
    row = found.iloc[0]
    assert row["plays"] == 20
    assert row["ms"] == 20 * 60_000
    assert row["first_played"] == pd.Timestamp("2023-01-01 09:59:00")
    assert row["last_played"] == pd.Timestamp("2023-01-20 09:59:00")


def test_forgotten_is_six_calendar_months() -> None:
    as_of = utc("2024-09-30 00:00:00") * 1000  # six calendar months earlier: 2024-03-30 00:00
    cutoff = utc("2024-03-30 00:00:00")
    # last plays START 1 s before the cutoff (forgotten) and exactly at it (not forgotten)
    before = plays("Before", *(cutoff - 1 + 60 - i * DAY for i in range(5)))
    edge = plays("Edge", *(cutoff + 60 - i * DAY for i in range(5)))
    frame = streams(before + edge)
    local = build_local_times(frame, "UTC")
    found = build_forgotten_favorites(frame, local, as_of_ms=as_of)
    assert list(found["name"]) == ["Before"]
    assert found["last_played"].iloc[0] == pd.Timestamp("2024-03-29 23:59:59")
    few = build_forgotten_favorites(frame, local, as_of_ms=as_of, candidates=1)
    assert len(few) == 1  # the single top favourite: 5 plays each, "Before" first by name
    picky = build_forgotten_favorites(frame, local, as_of_ms=as_of, min_plays=6)
    assert len(picky) == 0


def test_empty() -> None:
    frame = streams([])
    local = build_local_times(frame, "UTC")
    assert len(build_obsessions(frame, local)) == 0
    assert len(build_forgotten_favorites(frame, local)) == 0


def naive_best_windows(rows: list[dict[str, Any]], window_s: int) -> dict[tuple[str, str], int]:
    """Each track's most plays in any [t, t + window) starting at one of its plays: brute force."""
    starts: dict[tuple[str, str], list[float]] = {}
    for row in rows:
        if row["ms_played"] >= 30_000:
            key = (row["track_name"], row["artist_name"])
            starts.setdefault(key, []).append(row["played_at"] - row["ms_played"] / 1000)
    return {
        key: max(sum(1 for u in times if t <= u < t + window_s) for t in times)
        for key, times in starts.items()
    }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["X", "Y"]),
            st.integers(0, 30 * DAY),
            st.sampled_from([10_000, 30_000, 200_000]),
        ),
        max_size=60,
    )
)
def test_obsessions_match_brute_force(data: list[tuple[str, str, int, int]]) -> None:
    t0 = utc("2024-01-01 00:00:00")
    rows = [
        {
            "played_at": t0 + s,
            "ms_played": ms,
            "kind": "track",
            "track_name": name,
            "artist_name": art,
        }
        for name, art, s, ms in data
    ]
    expected = naive_best_windows(rows, 7 * DAY)
    found = obsessions(rows, n=10, min_plays=1)
    got = {(r.name, r.artist): r.plays for r in found.itertuples()}
    assert got == expected
