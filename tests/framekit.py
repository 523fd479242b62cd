"""Small stream frames shaped like `store.load_streams()`, built from partial rows."""

from __future__ import annotations

from typing import Any

import pandas as pd

from yawyas.analysis.moments.types import Moment, Window

DEFAULTS: dict[str, Any] = {
    "played_at": 0,
    "ms_played": 60_000,
    "kind": "track",
    "track_name": "Song",
    "artist_name": "Artist",
    "album_name": "Album",
    "uri": None,
    "platform": "android",
    "conn_country": "ES",
    "reason_start": "trackdone",
    "reason_end": "trackdone",
    "shuffle": False,
    "skipped": None,
    "offline": False,
    "incognito_mode": False,
    "source": "extended",
}


def streams(*rows: dict[str, Any], **defaults: Any) -> pd.DataFrame:
    """A frame shaped like store.load_streams(), from partial rows (and changed defaults)."""
    base = {**DEFAULTS, **defaults}
    frame = pd.DataFrame([{**base, **row} for row in rows], columns=list(base))
    types = {"played_at": "int64", "ms_played": "int64"}
    types |= {c: "boolean" for c in ("shuffle", "skipped", "offline", "incognito_mode")}
    types |= {c: "str" for c in base if c not in types}
    return frame.astype(types)


def utc(text: str) -> int:
    """Unix seconds of a UTC wall-clock text."""
    return int(pd.Timestamp(text, tz="UTC").timestamp())


def moment(id: str, name: str, *windows: tuple[tuple[int, ...], int, int], **stats: Any) -> Moment:
    """A moment with only what the playlist steps read: an id, a name and weekly windows
    (days, start minute, end minute); statistics as keywords when a test needs them."""
    return Moment(
        id=id,
        generated_name=name,
        windows=tuple(Window(days, start, end) for days, start, end in windows),
        **stats,
    )
