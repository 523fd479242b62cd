"""Taste: top lists, kinds, countries, diversity, discovery and taste by year."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from tests import framekit
from tests.framekit import utc
from yawyas.analysis.clock import build_local_times
from yawyas.analysis.common import categorize_names
from yawyas.analysis.taste import (
    build_countries,
    build_discovery,
    build_diversity,
    build_kinds,
    build_taste_by_year,
    build_top,
    build_totals,
)


def streams(*rows: dict[str, Any]) -> pd.DataFrame:
    """A frame of partial rows, by default in November 2023."""
    return framekit.streams(*rows, played_at=1_700_000_000)


def records(frame: pd.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    return list(frame[list(columns)].itertuples(index=False, name=None))


def test_plays_need_30_seconds_but_time_counts_everything() -> None:
    frame = streams(
        {"ms_played": 29_999},
        {"ms_played": 30_000},
        {"ms_played": 0},
    )
    totals = build_totals(frame, "artist")
    assert records(totals, "name", "streams", "plays", "ms") == [("Artist", 3, 1, 59_999)]


def test_top_artists_by_time_ties_broken_by_name() -> None:
    frame = streams(
        {"artist_name": "Zoe", "ms_played": 100_000},
        {"artist_name": "Adele", "ms_played": 100_000},
        {"artist_name": "Mika", "ms_played": 250_000},
        {"artist_name": "Björk", "ms_played": 10_000},
        {"artist_name": "Björk", "ms_played": 10_000},
        {"artist_name": "Björk", "ms_played": 40_000},
        {"artist_name": None, "ms_played": 999_000},  # nameless rows are not an artist
        {"kind": "episode", "artist_name": "A Show", "ms_played": 999_000},
    )
    totals = build_totals(frame, "artist")
    by_ms = build_top(totals, by="ms", n=3)
    assert records(by_ms, "name", "plays", "ms") == [
        ("Mika", 1, 250_000),
        ("Adele", 1, 100_000),
        ("Zoe", 1, 100_000),
    ]
    by_plays = build_top(totals, by="plays", n=10)
    assert list(by_plays["name"]) == ["Adele", "Björk", "Mika", "Zoe"]


def test_tracks_are_name_and_artist_pairs() -> None:
    frame = streams(
        {"track_name": "Intro", "artist_name": "The xx", "album_name": "xx"},
        {"track_name": "Intro", "artist_name": "The xx", "album_name": "xx"},
        {"track_name": "Intro", "artist_name": "M83", "album_name": "Hurry Up"},
        {"track_name": "Intro", "artist_name": None, "album_name": None},
    )
    top = build_top(build_totals(frame, "track"), by="plays", n=10)
    assert records(top, "name", "artist", "plays") == [
        ("Intro", "The xx", 2),
        ("Intro", None, 1),
        ("Intro", "M83", 1),
    ]
    albums = build_top(build_totals(frame, "album"), n=10)
    assert records(albums, "name", "artist", "plays") == [
        ("xx", "The xx", 2),
        ("Hurry Up", "M83", 1),
    ]


def test_show_names_with_trailing_spaces_are_one_show() -> None:
    frame = streams(
        {"kind": "episode", "track_name": "Ep 1", "artist_name": "The Daily "},
        {"kind": "episode", "track_name": "Ep 2", "artist_name": "The Daily"},
        {"kind": "episode", "track_name": "Ep 3", "artist_name": "   "},
    )
    for prepared in (frame, categorize_names(frame), frame.astype({"artist_name": object})):
        shows = build_top(build_totals(prepared, "show"), n=5)
        assert records(shows, "name", "plays") == [("The Daily", 2)]


def test_kinds_always_lists_all_five() -> None:
    frame = streams({"kind": "episode", "ms_played": 90_000}, {"kind": "track"})
    kinds = build_kinds(frame)
    assert records(kinds, "kind", "streams", "plays", "ms") == [
        ("track", 1, 1, 60_000),
        ("episode", 1, 1, 90_000),
        ("audiobook", 0, 0, 0),
        ("video", 0, 0, 0),
        ("unknown", 0, 0, 0),
    ]
    assert kinds["share"].sum() == pytest.approx(1.0)
    assert list(build_kinds(streams().iloc[0:0])["share"]) == [0.0] * 5


def test_countries_unknown_as_zz() -> None:
    frame = streams(
        {"conn_country": "ES", "ms_played": 90_000},
        {"conn_country": None},
        {"conn_country": "ZZ"},
        {"conn_country": "JP", "ms_played": 200_000},
    )
    assert records(build_countries(frame), "country", "streams", "ms") == [
        ("JP", 1, 200_000),
        ("ZZ", 2, 120_000),
        ("ES", 1, 90_000),
    ]


@pytest.mark.parametrize(
    ("ms", "bits"),
    [
        ([60_000] * 4, 2.0),
        ([120_000, 60_000, 60_000], 1.5),
        ([60_000], 0.0),
        ([60_000] * 8, 3.0),
    ],
)
def test_entropy_of_known_distributions(ms: list[int], bits: float) -> None:
    frame = streams(*({"artist_name": f"A{i}", "ms_played": m} for i, m in enumerate(ms)))
    diversity = build_diversity(frame)
    assert diversity.entropy_bits == pytest.approx(bits, abs=1e-12)
    assert diversity.effective_artists == pytest.approx(2**bits)
    assert diversity.artists == len(ms)
    assert diversity.top10_share == pytest.approx(1.0)


def test_top10_share() -> None:
    # 12 artists: ten with 2 minutes, two with 1 minute -> 20 / 22 of the time in the top ten.
    ms = [120_000] * 10 + [60_000] * 2
    frame = streams(*({"artist_name": f"A{i:02d}", "ms_played": m} for i, m in enumerate(ms)))
    diversity = build_diversity(frame)
    assert diversity.top10_share == pytest.approx(20 / 22)
    assert diversity.entropy_bits == pytest.approx(
        -sum((m / 1_320_000) * math.log2(m / 1_320_000) for m in ms)
    )
    assert build_diversity(streams().iloc[0:0]).artists == 0


def test_discovery_counts_first_plays_in_their_local_month() -> None:
    frame = streams(
        # Old Friend: first played in January, again in March: new in January only.
        {"artist_name": "Old Friend", "played_at": utc("2024-01-10 12:00:00")},
        {"artist_name": "Old Friend", "played_at": utc("2024-03-10 12:00:00")},
        # A 10-second skip is not a discovery; the later full play is.
        {"artist_name": "Skipped", "played_at": utc("2024-01-11 12:00:00"), "ms_played": 10_000},
        {"artist_name": "Skipped", "played_at": utc("2024-03-11 12:00:00")},
        # Starts 2024-01-31 23:30 UTC = 2024-02-01 00:30 in Madrid: a February discovery.
        {"artist_name": "Midnight", "played_at": utc("2024-01-31 23:31:00")},
        # Podcasts are not artists.
        {"kind": "episode", "artist_name": "A Show", "played_at": utc("2024-01-12 12:00:00")},
    )
    local = build_local_times(frame, "Europe/Madrid")
    discovery = build_discovery(frame, local)
    assert records(discovery, "month", "new_artists", "artists") == [
        ("2024-01", 1, ["Old Friend"]),
        ("2024-02", 1, ["Midnight"]),
        ("2024-03", 1, ["Skipped"]),
    ]
    in_utc = build_discovery(frame, build_local_times(frame, "UTC"))
    assert list(in_utc["new_artists"]) == [2, 0, 1]

    march = build_discovery(
        frame, local, since=pd.Timestamp("2024-03-01"), until=pd.Timestamp("2024-03-31")
    )
    assert records(march, "month", "new_artists") == [("2024-03", 1)]
    nothing = build_discovery(frame, local, since=pd.Timestamp("2025-01-01"))
    assert len(nothing) == 0


def test_discovery_examples_are_the_most_played() -> None:
    rows = [{"artist_name": "Often", "played_at": utc("2024-05-01 10:00:00") + i} for i in range(3)]
    rows += [{"artist_name": name, "played_at": utc("2024-05-02 10:00:00")} for name in "DCBA"]
    frame = streams(*rows)
    discovery = build_discovery(frame, build_local_times(frame, "UTC"), examples=3)
    assert records(discovery, "new_artists", "artists") == [(5, ["Often", "A", "B"])]


def test_taste_by_year() -> None:
    frame = streams(
        {"artist_name": "Early", "played_at": utc("2019-06-01 12:00:00"), "ms_played": 300_000},
        {"artist_name": "Both", "played_at": utc("2019-07-01 12:00:00"), "ms_played": 100_000},
        {"artist_name": "Both", "played_at": utc("2020-07-01 12:00:00"), "ms_played": 100_000},
        {"artist_name": "Late", "played_at": utc("2020-08-01 12:00:00"), "ms_played": 200_000},
        # 2020-12-31 23:30 UTC starts on New Year's Day 2021 in Madrid
        {"artist_name": "New Year", "played_at": utc("2020-12-31 23:31:00")},
    )
    table = build_taste_by_year(frame, build_local_times(frame, "Europe/Madrid"), n=1)
    assert records(table, "year", "rank", "name") == [
        (2019, 1, "Early"),
        (2020, 1, "Late"),
        (2021, 1, "New Year"),
    ]
    table = build_taste_by_year(frame, build_local_times(frame, "UTC"), n=5)
    assert records(table[table["year"] == 2020], "rank", "name", "ms") == [
        (1, "Late", 200_000),
        (2, "Both", 100_000),
        (3, "New Year", 60_000),
    ]


def test_empty_frames() -> None:
    empty = streams().iloc[0:0]
    local = build_local_times(empty, "UTC")
    assert len(build_top(build_totals(empty, "track"))) == 0
    assert len(build_top(build_totals(empty, "artist"), by="plays")) == 0
    assert len(build_countries(empty)) == 0
    assert len(build_discovery(empty, local)) == 0
    assert len(build_taste_by_year(empty, local)) == 0
