"""The clean history as a file: CSV, Parquet or JSON lines, one row per stream."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd

from yawyas.errors import BadInputError
from yawyas.store.streams import STREAM_FRAME_COLUMNS, load_streams

PLAY_COLUMNS = tuple(c for c in STREAM_FRAME_COLUMNS if c != "item_id")
EXPORT_COLUMNS = (*PLAY_COLUMNS, "local_time", "moment")
SUFFIXES = (".csv", ".parquet", ".jsonl")


def parse_day(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option value, or a sentence saying what was expected."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInputError(f"{option} {value!r} is not a date: use YYYY-MM-DD.") from None


def _utc_seconds(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def build_plays_frame(
    conn: sqlite3.Connection,
    *,
    since: str | None = None,
    until: str | None = None,
    tz: str = "UTC",
    travel_aware: bool = False,
) -> pd.DataFrame:
    """The export's rows: played_at as UTC 'YYYY-MM-DDTHH:MM:SSZ' of the end, in time order,
    with `local_time` (local start, ISO 8601 with offset, in `tz`) and `moment` (its id)."""
    from yawyas.services.moments import plays_moment_columns

    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    frame = load_streams(
        conn,
        since=_utc_seconds(first) if first else None,
        until=_utc_seconds(last + timedelta(days=1)) if last else None,
    )
    extra = plays_moment_columns(conn, frame, tz=tz, travel_aware=travel_aware)
    frame["local_time"] = extra["local_time"]
    frame["moment"] = extra["moment"]
    frame["played_at"] = pd.to_datetime(frame["played_at"], unit="s", utc=True).dt.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    frame["offline_at"] = pd.to_datetime(frame["offline_at"], unit="s", utc=True).dt.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    return frame[list(EXPORT_COLUMNS)]


def write_plays(
    conn: sqlite3.Connection,
    out: Path,
    *,
    since: str | None = None,
    until: str | None = None,
    tz: str = "UTC",
    travel_aware: bool = False,
) -> int:
    """Write the history to `out` (format by suffix); return the number of rows."""
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise BadInputError(f"{out} has an unknown suffix: use one of {', '.join(SUFFIXES)}.")
    frame = build_plays_frame(conn, since=since, until=until, tz=tz, travel_aware=travel_aware)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        frame.to_csv(out, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(out, index=False)
    else:
        frame.to_json(out, orient="records", lines=True, force_ascii=False)
    return len(frame)
