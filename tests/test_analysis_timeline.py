"""Listening over time (by month and kind, by day for the calendar) and the discovery curve's
warm-up, fresh share and reach to the end of the data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from tests import framekit
from tests.framekit import utc
from yawyas.analysis.clock import build_local_times
from yawyas.analysis.taste import build_discovery
from yawyas.analysis.timeline import build_daily, build_monthly, calendar_span


def streams(*rows: dict[str, Any]) -> pd.DataFrame:
    return framekit.streams(*rows, played_at=1_700_000_000)


def _month(row: dict[str, Any]) -> str:
    return str(pd.Timestamp(row["played_at"] - 60, unit="s"))[:7]


def records(frame: pd.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    return list(frame[list(columns)].itertuples(index=False, name=None))


def test_monthly_listening_is_split_by_kind_in_local_months() -> None:
    frame = streams(
        {"played_at": utc("2024-01-10 12:00:00"), "ms_played": 100_000},
        {"played_at": utc("2024-01-11 12:00:00"), "ms_played": 20_000},  # not a play: time counts
        {"played_at": utc("2024-01-12 12:00:00"), "kind": "episode", "ms_played": 600_000},
        {"played_at": utc("2024-01-13 12:00:00"), "kind": "audiobook", "ms_played": 900_000},
        {"played_at": utc("2024-01-14 12:00:00"), "kind": "video", "ms_played": 50_000},
        # Ends 00:30 on 1 April in Madrid but started at 23:45 on 31 March: a March stream.
        {"played_at": utc("2024-03-31 22:30:00"), "ms_played": 2_700_000},
    )
    monthly = build_monthly(frame, build_local_times(frame, "Europe/Madrid"))
    assert records(monthly, "month", "music_ms", "podcast_ms", "audiobook_ms", "other_ms") == [
        ("2024-01", 120_000, 600_000, 900_000, 50_000),
        ("2024-02", 0, 0, 0, 0),  # a month without listening between two with
        ("2024-03", 2_700_000, 0, 0, 0),
    ]
    assert list(monthly["plays"]) == [4, 0, 1]
    empty = frame.iloc[0:0]
    assert len(build_monthly(empty, build_local_times(empty, "UTC"))) == 0


def test_the_calendar_covers_the_last_year_of_the_period() -> None:
    days = pd.date_range("2023-06-01", "2024-08-20", freq="5D")
    frame = streams(*({"played_at": int(d.timestamp()) + 43_200} for d in days))
    local = build_local_times(frame, "UTC")
    assert calendar_span(local) == (date(2023, 8, 20), date(2024, 8, 19))  # a year, to the day
    # A year's report (since = 1 January) shows the year up to its last day with a stream.
    in_2024 = local[local["local_date"] >= pd.Timestamp("2024-01-01")]
    assert calendar_span(in_2024, since=pd.Timestamp("2024-01-01")) == (
        date(2024, 1, 2),  # the first day with a stream
        date(2024, 8, 19),
    )
    short = local.iloc[:3]
    assert calendar_span(short) == (date(2023, 6, 1), date(2023, 6, 11))
    assert calendar_span(local.iloc[0:0]) is None
    # A whole leap year, 1 January to 31 December, is 366 days.
    edges = streams(
        {"played_at": utc("2024-01-01 12:00:00")}, {"played_at": utc("2024-12-31 12:00:00")}
    )
    first, last = calendar_span(build_local_times(edges, "UTC")) or (None, None)
    assert (first, last) == (date(2024, 1, 1), date(2024, 12, 31))


def test_daily_listening_has_every_day_of_the_span() -> None:
    frame = streams(
        {"played_at": utc("2024-03-01 10:00:00"), "ms_played": 120_000},
        {"played_at": utc("2024-03-01 18:00:00"), "ms_played": 10_000},
        {"played_at": utc("2024-03-04 10:00:00"), "ms_played": 60_000},
        {"played_at": utc("2024-03-09 10:00:00"), "ms_played": 60_000},  # after the span
    )
    daily = build_daily(frame, build_local_times(frame, "UTC"), date(2024, 2, 29), date(2024, 3, 5))
    assert list(daily["day"]) == [date(2024, 2, 29), *(date(2024, 3, d) for d in range(1, 6))]
    assert list(daily["ms"]) == [0, 130_000, 0, 0, 60_000, 0]
    assert list(daily["plays"]) == [0, 1, 0, 0, 1, 0]


def test_discovery_warms_up_then_counts_and_runs_to_the_last_month() -> None:
    day = 86_400
    start = utc("2024-01-05 12:00:00")
    rows = [{"artist_name": f"First {i}", "played_at": start + i * 60} for i in range(20)]
    rows += [
        # an old favourite all along: never fresh after its first 90 days
        *({"artist_name": "First 0", "played_at": start + k * 7 * day} for k in range(1, 40)),
        {"artist_name": "Found in May", "played_at": utc("2024-05-10 12:00:00")},
        {"artist_name": "Found in May", "played_at": utc("2024-07-10 12:00:00")},
        {"artist_name": "Found in May", "played_at": utc("2024-09-10 12:00:00")},  # 123 days on
        # podcasts until November: the curve reaches the end of the data, with no music
        {"kind": "episode", "artist_name": "Show", "played_at": utc("2024-11-20 12:00:00")},
    ]
    frame = streams(*rows)
    discovery = build_discovery(frame, build_local_times(frame, "UTC"))
    months = list(discovery["month"])
    assert months[0] == "2024-01"
    assert months[-1] == "2024-11"  # the last month with data, though nothing new was found
    by_month = {m: r for m, r in zip(months, discovery.to_dict("records"), strict=True)}
    assert [by_month[m]["warmup"] for m in months[:4]] == [True, True, True, False]
    assert by_month["2024-01"]["new_artists"] == 20
    assert by_month["2024-05"]["new_artists"] == 1
    # May: weekly plays of First 0 (old) and one of Found in May (new), all of a minute.
    in_may = sum(1 for r in rows if r.get("kind") is None and "2024-05" <= _month(r) < "2024-06")
    assert by_month["2024-05"]["fresh_share"] == pytest.approx(1 / in_may)
    assert in_may > 2
    assert by_month["2024-07"]["fresh_share"] > 0  # 61 days after its first play
    assert by_month["2024-09"]["fresh_share"] == 0  # 123 days: no longer fresh
    assert pd.isna(by_month["2024-11"]["fresh_share"])  # no music that month
    assert by_month["2024-11"]["new_artists"] == 0
    # A period reports its own months, still judged over the whole history.
    summer = build_discovery(
        frame,
        build_local_times(frame, "UTC"),
        since=pd.Timestamp("2024-06-01"),
        until=pd.Timestamp("2024-08-31"),
    )
    assert records(summer, "month", "new_artists", "warmup") == [
        ("2024-06", 0, False),
        ("2024-07", 0, False),
        ("2024-08", 0, False),
    ]
