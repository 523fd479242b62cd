"""Local time and the weekly clock: DST, midnight, travel-aware zones, the play threshold."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pytest

from tests.framekit import streams, utc
from yawyas.analysis.clock import (
    build_clock,
    build_local_times,
    country_zone,
    home_country,
)


def ending(start_utc: str, ms: int = 60_000, **extra: Any) -> dict[str, Any]:
    """A row that STARTS at `start_utc` and lasts `ms` (the export stores the end)."""
    return {"played_at": utc(start_utc) + ms // 1000, "ms_played": ms, **extra}


def test_spring_forward_skips_the_missing_hour() -> None:
    # Europe/Madrid, 2024-03-31: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
    frame = streams(ending("2024-03-31 00:59:00"), ending("2024-03-31 01:00:00"))
    local = build_local_times(frame, "Europe/Madrid")
    assert list(local["local_start"].astype(str)) == [
        "2024-03-31 01:59:00",
        "2024-03-31 03:00:00",
    ]
    clock = build_clock(local)
    sunday = clock[6]
    assert (sunday[1], sunday[2], sunday[3]) == (1, 0, 1)


def test_fall_back_counts_the_repeated_hour_twice() -> None:
    # Europe/Madrid, 2024-10-27: 03:00 CEST falls back to 02:00 CET at 01:00 UTC.
    frame = streams(ending("2024-10-27 00:30:00"), ending("2024-10-27 01:30:00"))
    local = build_local_times(frame, "Europe/Madrid")
    assert list(local["hour"]) == [2, 2]
    assert build_clock(local)[6][2] == 2
    assert sum(map(sum, build_clock(local))) == 2


def test_start_before_midnight_counts_on_the_day_it_started() -> None:
    # Ends 2024-01-16 00:00:30 in Madrid (a Tuesday) after 60 s: started Monday 23:59:30.
    frame = streams({"played_at": utc("2024-01-15 23:00:30"), "ms_played": 60_000})
    local = build_local_times(frame, "Europe/Madrid")
    row = local.iloc[0]
    assert (row["weekday"], row["hour"]) == (0, 23)
    assert row["local_date"] == pd.Timestamp("2024-01-15")
    assert row["local_start"] == pd.Timestamp("2024-01-15 23:59:30")
    assert row["start_ms"] == utc("2024-01-15 22:59:30") * 1000
    assert build_clock(local)[0][23] == 1


def test_start_keeps_milliseconds() -> None:
    frame = streams({"played_at": utc("2024-01-15 12:00:00"), "ms_played": 1_500})
    local = build_local_times(frame, "UTC")
    assert local["local_start"].iloc[0] == pd.Timestamp("2024-01-15 11:59:58.500")


def test_clock_counts_plays_only() -> None:
    frame = streams(
        ending("2024-01-15 10:00:00", ms=29_999),
        ending("2024-01-15 10:10:00", ms=30_000),
        ending("2024-01-15 10:20:00", ms=0),
    )
    clock = build_clock(build_local_times(frame, "UTC"))
    assert len(clock) == 7
    assert all(len(day) == 24 for day in clock)
    assert clock[0][10] == 1
    assert sum(map(sum, clock)) == 1


def test_weekdays_start_on_monday() -> None:
    days = [f"2024-01-{d:02d} 12:00:00" for d in range(15, 22)]  # Monday .. Sunday
    local = build_local_times(streams(*(ending(d) for d in days)), "UTC")
    assert list(local["weekday"]) == [0, 1, 2, 3, 4, 5, 6]
    assert [sum(day) for day in build_clock(local)] == [1] * 7


def test_travel_aware_places_single_zone_countries_abroad() -> None:
    start = "2024-07-01 10:00:00"
    frame = streams(
        ending(start, conn_country="ES"),
        ending(start, conn_country="JP"),
        ending(start, conn_country="US"),
        ending(start, conn_country="ZZ"),
        ending(start, conn_country=None),
        ending(start, conn_country="de"),
    )
    local = build_local_times(frame, "Europe/Madrid", travel_aware=True)
    assert list(local["zone"].astype(str)) == [
        "Europe/Madrid",
        "Asia/Tokyo",
        "Europe/Madrid",  # several zones: stay home
        "Europe/Madrid",
        "Europe/Madrid",
        "Europe/Berlin",  # Berlin and Busingen keep one clock
    ]
    assert list(local["hour"]) == [12, 19, 12, 12, 12, 12]
    stay = build_local_times(frame, "Europe/Madrid")
    assert list(stay["hour"]) == [12] * 6


def test_travel_aware_abroad_is_dst_correct_there() -> None:
    # Great Britain is one zone: UTC+0 in January, UTC+1 (BST) in July.
    frame = streams(
        ending("2024-01-10 09:00:00", conn_country="GB"),
        ending("2024-07-10 09:00:00", conn_country="GB"),
        ending("2024-01-10 09:00:00", conn_country="NZ"),  # Auckland and Chatham: stay home
    )
    local = build_local_times(frame, "Europe/Madrid", travel_aware=True)
    assert list(local["hour"]) == [9, 10, 10]


def test_home_country_streams_keep_the_home_zone_name() -> None:
    frame = streams(ending("2024-07-01 10:00:00", conn_country="JP"))
    local = build_local_times(frame, "Japan", travel_aware=True)  # "Japan" links to Asia/Tokyo
    assert list(local["zone"].astype(str)) == ["Japan"]
    assert list(local["hour"]) == [19]


def test_zone_tables() -> None:
    assert home_country("Europe/Madrid") == "ES"
    assert home_country("Japan") == "JP"  # a link, resolved through tzdata.zi
    assert home_country("UTC") is None
    assert country_zone("JP") == "Asia/Tokyo"
    assert country_zone("US") is None
    assert country_zone("ES") is None  # the Canaries keep another clock
    assert country_zone("ZZ") is None
    assert country_zone("DE") == "Europe/Berlin"


def test_empty_and_bad_zone() -> None:
    empty = streams().iloc[0:0]
    local = build_local_times(empty, "Europe/Madrid", travel_aware=True)
    assert len(local) == 0
    assert build_clock(local) == [[0] * 24 for _ in range(7)]
    with pytest.raises(ZoneInfoNotFoundError):
        build_local_times(empty, "Mars/Olympus_Mons")


def test_rows_keep_their_order_and_index() -> None:
    frame = streams(ending("2024-05-02 08:00:00"), ending("2024-05-01 08:00:00"))
    frame.index = pd.Index([10, 3])
    local = build_local_times(frame, "UTC")
    assert list(local.index) == [10, 3]
    assert list(local["local_date"].dt.day) == [2, 1]
    assert local["hour"].dtype == np.int8
