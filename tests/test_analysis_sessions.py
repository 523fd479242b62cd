"""Sessions: the 30-minute rule, overlapping streams, the summary numbers."""

from __future__ import annotations

import pandas as pd

from yawyas.analysis.clock import build_local_times
from yawyas.analysis.sessions import build_session_stats, build_sessions

T0 = 1_700_000_000  # 2023-11-14 22:13:20 UTC


def streams(*rows: tuple[int, int]) -> pd.DataFrame:
    """(played_at seconds, ms_played) rows, in the store's column types."""
    return pd.DataFrame(
        {
            "played_at": pd.array([r[0] for r in rows], dtype="int64"),
            "ms_played": pd.array([r[1] for r in rows], dtype="int64"),
        }
    )


def test_a_gap_of_exactly_30_minutes_keeps_the_session() -> None:
    # First stream ends at T0; the next starts at T0 + 30:00 and lasts a minute.
    frame = streams((T0, 60_000), (T0 + 1800 + 60, 60_000))
    sessions = build_sessions(frame)
    assert len(sessions) == 1
    assert sessions["duration_ms"].iloc[0] == (60 + 1800 + 60) * 1000


def test_a_gap_of_30_minutes_and_a_second_splits() -> None:
    frame = streams((T0, 60_000), (T0 + 1801 + 60, 60_000))
    sessions = build_sessions(frame)
    assert list(sessions["streams"]) == [1, 1]
    assert list(sessions["duration_ms"]) == [60_000, 60_000]


def test_order_of_rows_does_not_matter_and_overlaps_extend() -> None:
    # A 2-hour podcast overlaps a short track; 40 minutes after the track the podcast still
    # plays, so a stream starting then belongs to the same session.
    podcast = (T0 + 7200, 7_200_000)
    track = (T0 + 600, 180_000)
    later = (T0 + 600 + 2400 + 60, 60_000)
    frame = streams(later, podcast, track)
    sessions = build_sessions(frame)
    assert len(sessions) == 1
    assert sessions["start_ms"].iloc[0] == T0 * 1000
    assert sessions["end_ms"].iloc[0] == (T0 + 7200) * 1000
    assert sessions["plays"].iloc[0] == 3
    assert sessions["ms_played"].iloc[0] == 7_200_000 + 180_000 + 60_000


def test_stats() -> None:
    frame = streams(
        (T0, 60_000),  # session 1: 1 minute
        (T0 + 10_000, 60_000),  # session 2: 3 streams, 10 minutes
        (T0 + 10_000 + 240, 240_000),
        (T0 + 10_000 + 540, 300_000),
        (T0 + 20_000, 120_000),  # session 3: 2 minutes
    )
    local = build_local_times(frame.assign(kind="track"), "Europe/Madrid")
    stats = build_session_stats(build_sessions(frame, local))
    assert stats.count == 3
    assert stats.median_ms == 120_000
    assert stats.longest_ms == 600_000
    assert stats.longest_streams == 3
    assert stats.median_streams == 1.0
    assert stats.mean_streams == 5 / 3
    # session 2 starts 2023-11-15 01:00:00 UTC, 02:00 in Madrid
    assert stats.longest_start == pd.Timestamp("2023-11-15 01:59:00")


def test_empty() -> None:
    sessions = build_sessions(streams(), build_local_times(streams(), "UTC"))
    assert len(sessions) == 0
    stats = build_session_stats(sessions)
    assert (stats.count, stats.median_ms, stats.longest_ms, stats.longest_start) == (0, 0, 0, None)
