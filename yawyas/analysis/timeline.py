"""Listening over time: by month and kind, and by day for a calendar.

Pure numpy/pandas: the store's streams and their local times (`build_local_times`) in, small
frames out. A stream counts in the local month or day of its START; listening time counts every
stream, plays the streams of at least 30 seconds.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

import numpy as np
import pandas as pd

from yawyas.analysis.common import IntArray, label_codes, ms_played, play_mask

GROUPS: Final = ("music", "podcast", "audiobook", "other")
"""The kinds of listening the monthly split keeps apart: music tracks, podcast episodes,
audiobooks, and everything else (videos, unknown)."""

_GROUP_OF_KIND: Final = {"track": 0, "episode": 1, "audiobook": 2}
_EPOCH: Final = date(1970, 1, 1)


def _kind_groups(streams: pd.DataFrame) -> IntArray:
    """Each stream's index in `GROUPS`."""
    codes, labels = label_codes(streams["kind"])
    table = np.array(
        [_GROUP_OF_KIND.get(str(k), 3) for k in labels] + [3],  # last slot: a null kind
        dtype=np.int64,
    )
    groups: IntArray = table[codes]
    return groups


def _month_numbers(local: pd.DataFrame) -> IntArray:
    """Months since 1970-01 of each row's local start."""
    months: IntArray = local["local_start"].to_numpy().astype("datetime64[M]").astype(np.int64)
    return months


def build_monthly(streams: pd.DataFrame, local: pd.DataFrame) -> pd.DataFrame:
    """Listening per local month, split by kind.

    One row per month from the first to the last month holding a stream (months without any
    in between appear with zeros). Columns: `month` ("YYYY-MM"), `music_ms`, `podcast_ms`,
    `audiobook_ms`, `other_ms` (videos and unknown kinds), `plays` (every kind). `local` is
    `build_local_times(streams, ...)` of the same rows.
    """
    columns = ["month", *(f"{g}_ms" for g in GROUPS), "plays"]
    if len(streams) == 0:
        return pd.DataFrame({c: [] for c in columns})
    months = _month_numbers(local)
    first = int(months.min())
    span = int(months.max()) - first + 1
    offset = months - first
    groups = _kind_groups(streams)
    ms = ms_played(streams)
    cells = np.bincount(offset * len(GROUPS) + groups, weights=ms, minlength=span * len(GROUPS))
    by_group = cells.reshape(span, len(GROUPS)).astype(np.int64)
    plays = np.bincount(offset, weights=play_mask(streams), minlength=span).astype(np.int64)
    labels = np.arange(first, first + span).astype("datetime64[M]").astype(str)
    frame = pd.DataFrame({"month": labels.astype(object)})
    for i, group in enumerate(GROUPS):
        frame[f"{group}_ms"] = by_group[:, i]
    frame["plays"] = plays
    return frame


def _day_numbers(local: pd.DataFrame) -> IntArray:
    """Days since 1970-01-01 of each row's local start."""
    days: IntArray = local["local_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    return days


def calendar_span(
    local: pd.DataFrame, *, since: pd.Timestamp | None = None
) -> tuple[date, date] | None:
    """(first, last) local day of a calendar of the streams whose local times are `local`.

    The calendar ends on the last day with a stream and covers the year before it (from the day
    after the same date a year earlier), but begins no earlier than the first day with a stream
    nor than `since` (the period's first day): a calendar year's report shows that year. None
    when there is no stream.
    """
    if len(local) == 0:
        return None
    days = _day_numbers(local)
    last = _EPOCH + timedelta(days=int(days.max()))
    a_year_before = (pd.Timestamp(last) - pd.DateOffset(years=1)).date()
    first = max(_EPOCH + timedelta(days=int(days.min())), a_year_before + timedelta(days=1))
    if since is not None:
        first = max(first, since.date())
    return first, last


def build_daily(
    streams: pd.DataFrame, local: pd.DataFrame, first: date, last: date
) -> pd.DataFrame:
    """Listening per local day from `first` to `last` (inclusive), every day present.

    Columns: `day` (a `datetime.date`), `ms` (listening time), `plays`. Streams outside the span
    are left out. See `calendar_span` for the usual span.
    """
    span = max((last - first).days + 1, 0)
    offset = _day_numbers(local) - (first - _EPOCH).days
    inside = np.flatnonzero((offset >= 0) & (offset < span))
    ms = np.bincount(offset[inside], weights=ms_played(streams)[inside], minlength=span)
    plays = np.bincount(offset[inside], weights=play_mask(streams)[inside], minlength=span)
    return pd.DataFrame(
        {
            "day": [first + timedelta(days=i) for i in range(span)],
            "ms": ms.astype(np.int64),
            "plays": plays.astype(np.int64),
        }
    )
