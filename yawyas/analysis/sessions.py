"""Listening sessions: runs of streams with no silence longer than 30 minutes.

Streams are ordered by start. A new session begins when a stream starts more than 30 minutes after
the latest end seen so far in the current session (the running maximum, so a long podcast
overlapping shorter streams on another device keeps the session open). Exactly 30 minutes of
silence does not split a session; 30 minutes and one millisecond does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from yawyas.analysis.common import end_ms, ms_played, play_mask, start_ms, time_order

SESSION_GAP_MS: Final = 30 * 60 * 1000


@dataclass(frozen=True)
class SessionStats:
    """A summary of the sessions of a listening history (durations in ms; 0 when none)."""

    count: int
    median_ms: int
    mean_ms: int
    longest_ms: int
    longest_start: pd.Timestamp | None  # local wall-clock start of the longest session
    longest_streams: int
    median_streams: float
    mean_streams: float


def build_sessions(
    streams: pd.DataFrame, local: pd.DataFrame | None = None, *, gap_ms: int = SESSION_GAP_MS
) -> pd.DataFrame:
    """One row per session, in time order.

    Columns: `start_ms`, `end_ms` (UTC unix ms), `duration_ms` (end - start), `streams`, `plays`,
    `ms_played` (sum of the streams' ms_played, which can be less than the duration), and with
    `local` (from `build_local_times` on the same streams) `local_start`, the wall-clock start.
    """
    starts = start_ms(streams)
    order = time_order(streams, starts)
    s = starts[order]
    e = np.maximum(end_ms(streams)[order], s)
    if len(s) == 0:
        frame = pd.DataFrame(
            {
                name: np.zeros(0, dtype=np.int64)
                for name in ("start_ms", "end_ms", "duration_ms", "streams", "plays", "ms_played")
            }
        )
        if local is not None:
            frame["local_start"] = np.zeros(0, dtype="datetime64[ms]")
        return frame
    running_end = np.maximum.accumulate(e)
    new = np.empty(len(s), dtype=bool)
    new[0] = True
    new[1:] = s[1:] - running_end[:-1] > gap_ms
    first = np.flatnonzero(new)
    session_end = np.maximum.reduceat(e, first)
    counts = np.diff(np.append(first, len(s)))
    plays = np.add.reduceat(play_mask(streams)[order].astype(np.int64), first)
    played = np.add.reduceat(ms_played(streams)[order], first)
    frame = pd.DataFrame(
        {
            "start_ms": s[first],
            "end_ms": session_end,
            "duration_ms": session_end - s[first],
            "streams": counts.astype(np.int64),
            "plays": plays,
            "ms_played": played,
        }
    )
    if local is not None:
        frame["local_start"] = local["local_start"].to_numpy()[order[first]]
    return frame


def build_session_stats(sessions: pd.DataFrame) -> SessionStats:
    """Count, median, mean and longest duration, and streams per session, of `build_sessions`.

    The longest session's `longest_start` is its local start when `sessions` has `local_start`;
    ties go to the earliest session.
    """
    if len(sessions) == 0:
        return SessionStats(0, 0, 0, 0, None, 0, 0.0, 0.0)
    duration = sessions["duration_ms"].to_numpy(dtype=np.int64)
    per = sessions["streams"].to_numpy(dtype=np.int64)
    longest = int(np.argmax(duration))
    start = None
    if "local_start" in sessions:
        start = pd.Timestamp(sessions["local_start"].iloc[longest])
    return SessionStats(
        count=len(sessions),
        median_ms=round(float(np.median(duration))),
        mean_ms=round(float(duration.mean())),
        longest_ms=int(duration[longest]),
        longest_start=start,
        longest_streams=int(per[longest]),
        median_streams=float(np.median(per)),
        mean_streams=float(per.mean()),
    )
