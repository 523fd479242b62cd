"""Per-stream columns for the plays export: the local start time and the moment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from yawyas.analysis.common import IntArray, ObjArray


def build_local_iso(local: pd.DataFrame) -> pd.Series:
    """Each stream's local start as ISO 8601 with its UTC offset ('2024-05-04T07:12:33+02:00').

    `local` is `build_local_times(streams, tz, ...)`: the offset is the wall clock minus the UTC
    start, so it follows daylight saving and, travel-aware, the zone each stream was placed in.
    """
    if len(local) == 0:
        return pd.Series([], index=local.index, dtype=object, name="local_time")
    wall = local["local_start"].to_numpy().astype("datetime64[ms]")
    utc = local["start_ms"].to_numpy(dtype=np.int64)
    offset_min = np.round((wall.astype(np.int64) - utc) / 60_000).astype(np.int64)
    seconds = pd.Series(wall.astype("datetime64[s]"), index=local.index)
    text = seconds.dt.strftime("%Y-%m-%dT%H:%M:%S").to_numpy(dtype=object)
    uniques, inverse = np.unique(offset_min, return_inverse=True)
    suffixes = np.array([_offset_text(int(m)) for m in uniques], dtype=object)
    out: ObjArray = text + suffixes[inverse]
    return pd.Series(out, index=local.index, dtype=object, name="local_time")


def _offset_text(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def align_labels(
    played_at: IntArray, stored_played_at: IntArray, stored_labels: IntArray
) -> IntArray:
    """Stored per-stream labels for the rows of a frame loaded from the same store.

    A frame from `load_streams(since, until)` is a contiguous run of the stored order: found by
    its first end second and checked; otherwise each row is matched by its end second.
    """
    n = len(played_at)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    start = int(np.searchsorted(stored_played_at, played_at[0], side="left"))
    if start + n <= len(stored_played_at) and np.array_equal(
        stored_played_at[start : start + n], played_at
    ):
        out: IntArray = stored_labels[start : start + n].astype(np.int64)
        return out
    pos = np.minimum(np.searchsorted(stored_played_at, played_at), len(stored_played_at) - 1)
    hit = stored_played_at[pos] == played_at
    matched: IntArray = np.where(hit, stored_labels[pos], -1).astype(np.int64)
    return matched
