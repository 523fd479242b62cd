"""The profile: one JSON-ready document that says who a listening history describes.

`build_profile` runs every analysis over a period of the history and returns plain Python values
(dicts, lists, str, int, float, bool, None): ready for `json.dumps`, renderers and the schema in
`yawyas/schemas/profile.schema.json`. Times are either UTC instants ("2024-03-31T01:30:00Z", the
END of a stream, as Spotify logs it) or local wall-clock starts without an offset
("2024-03-31T03:00:00"), since with travel-aware placement streams may sit in different zones.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any, Final

import numpy as np
import pandas as pd

from yawyas.analysis.audience.summary import build_left_out
from yawyas.analysis.audience.types import YOU, Finding
from yawyas.analysis.clock import build_clock, build_local_times
from yawyas.analysis.common import PLAY_MIN_MS, categorize_names
from yawyas.analysis.devices import build_device_families, build_devices
from yawyas.analysis.favorites import (
    build_forgotten_favorites,
    build_obsessions,
    build_track_plays,
)
from yawyas.analysis.intent import build_intent
from yawyas.analysis.sessions import build_session_stats, build_sessions
from yawyas.analysis.taste import (
    Entity,
    build_countries,
    build_discovery,
    build_diversity,
    build_kinds,
    build_sources,
    build_taste_by_year,
    build_top,
    build_totals,
)
from yawyas.analysis.timeline import GROUPS, build_daily, build_monthly, calendar_span
from yawyas.errors import BadInputError

SCHEMA_VERSION: Final = 1
TASTE_PER_YEAR: Final = 5
_COLUMNS: Final = (
    "played_at",
    "ms_played",
    "kind",
    "track_name",
    "artist_name",
    "album_name",
    "platform",
    "conn_country",
    "reason_start",
    "reason_end",
    "shuffle",
    "skipped",
    "source",
)

_TEXT_COLUMNS: Final = tuple(
    c for c in _COLUMNS if c not in ("played_at", "ms_played", "shuffle", "skipped", "source")
)
_SHARED_COLUMNS: Final = ("kind", "track_name", "artist_name", "conn_country")

Profile = dict[str, Any]


def load_profile_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every `build_profile` document satisfies."""
    text = resources.files("yawyas").joinpath("schemas", "profile.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _parse_date(value: str | date | None, what: str) -> pd.Timestamp | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return pd.Timestamp(value)
    try:
        return pd.Timestamp(datetime.strptime(value.strip(), "%Y-%m-%d"))
    except ValueError:
        raise BadInputError(
            f"The {what} date {value!r} is not a date like 2024-01-31; use year-month-day."
        ) from None


def _period(
    since: str | date | None, until: str | date | None, year: int | None
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Inclusive local dates of the period; a `year` narrows `since`/`until` to that year."""
    start, end = _parse_date(since, "start"), _parse_date(until, "end")
    if year is not None:
        if not 1 <= int(year) <= 9999:
            raise BadInputError(f"The year {year} is not a calendar year like 2024.")
        first, last = pd.Timestamp(int(year), 1, 1), pd.Timestamp(int(year), 12, 31)
        start = first if start is None else max(start, first)
        end = last if end is None else min(end, last)
    if start is not None and end is not None and start > end:
        raise BadInputError(
            f"The period starts on {start:%Y-%m-%d}, after it ends on {end:%Y-%m-%d}: "
            "swap the dates or widen the period."
        )
    return start, end


def _utc(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _local(value: Any) -> str | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).strftime("%Y-%m-%dT%H:%M:%S")


def _day(value: Any) -> str | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _number(value: Any, digits: int = 6) -> float | None:
    number = float(value)
    return None if math.isnan(number) else round(number, digits)


def _text(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _entries(frame: pd.DataFrame, fields: dict[str, str]) -> list[dict[str, Any]]:
    """Rows of `frame` as dicts of plain values; `fields` maps output key -> how to convert."""
    convert: dict[str, Callable[[Any], Any]] = {
        "int": int,
        "float": _number,
        "text": _text,
        "local": _local,
        "list": list,
        "bool": bool,
        "day": _day,
    }
    columns = {key: frame[key].tolist() for key in fields}
    return [
        {key: convert[how](columns[key][i]) for key, how in fields.items()}
        for i in range(len(frame))
    ]


_COUNTS: Final = {"plays": "int", "ms": "int"}
_NAMED: Final = {"name": "text", **_COUNTS}
_PAIRED: Final = {"name": "text", "artist": "text", **_COUNTS}
_SHARES: Final = {"streams": "int", "plays": "int", "ms": "int", "share": "float"}
_SOURCE_COUNTS: Final = {"source": "text", "streams": "int", "plays": "int", "ms": "int"}
_INTENT: Final = {
    "streams": "int",
    "known_starts": "int",
    "deliberate_share": "float",
    "passive_share": "float",
    "other_share": "float",
    "skip_known": "int",
    "skip_rate": "float",
    "end_known": "int",
    "fwdbtn_rate": "float",
}


def _tops(streams: pd.DataFrame, artists: pd.DataFrame, top_n: int) -> Profile:
    """Every top list, by time and by plays; `artists` is the artist totals, computed once."""
    entities: tuple[tuple[Entity, str, dict[str, str]], ...] = (
        ("artist", "top_artists", _NAMED),
        ("track", "top_tracks", _PAIRED),
        ("album", "top_albums", _PAIRED),
        ("show", "top_shows", _NAMED),
    )
    out: Profile = {}
    for entity, key, fields in entities:
        totals = artists if entity == "artist" else build_totals(streams, entity)
        out[key] = _entries(build_top(totals, by="ms", n=top_n), fields)
        out[f"{key}_by_plays"] = _entries(build_top(totals, by="plays", n=top_n), fields)
    return out


def _intent(streams: pd.DataFrame, families: pd.Series) -> Profile:
    intent = build_intent(streams, families)
    overall = _entries(intent.overall, _INTENT)[0]
    by_device = _entries(
        intent.by_device.rename(columns={"group": "family"}), {"family": "text", **_INTENT}
    )
    by_shuffle = _entries(
        intent.by_shuffle.rename(columns={"group": "shuffle"}), {"shuffle": "text", **_INTENT}
    )
    return {**overall, "by_device": by_device, "by_shuffle": by_shuffle}


def _taste_by_year(streams: pd.DataFrame, local: pd.DataFrame) -> list[Profile]:
    table = build_taste_by_year(streams, local, n=TASTE_PER_YEAR)
    years: dict[int, list[Profile]] = {}
    for row in _entries(table, {"year": "int", **_NAMED}):
        years.setdefault(row.pop("year"), []).append(row)
    return [{"year": y, "top_artists": artists} for y, artists in sorted(years.items())]


def _daily(
    period: pd.DataFrame, local: pd.DataFrame, since: pd.Timestamp | None
) -> dict[str, Any] | None:
    """The calendar of the period's last year: {first_day, last_day, ms, plays} or None."""
    span = calendar_span(local, since=since)
    if span is None:
        return None
    days = build_daily(period, local, *span)
    return {
        "first_day": span[0].isoformat(),
        "last_day": span[1].isoformat(),
        "ms": [int(v) for v in days["ms"]],
        "plays": [int(v) for v in days["plays"]],
    }


def build_profile(
    streams: pd.DataFrame,
    *,
    tz: str,
    travel_aware: bool = False,
    since: str | date | None = None,
    until: str | date | None = None,
    year: int | None = None,
    top_n: int = 10,
    now: datetime | None = None,
    audiences: tuple[np.ndarray, Sequence[Finding]] | None = None,
) -> Profile:
    """Everything yawyas knows about a listening history, as one JSON-ready document.

    `streams` is the store's frame (one row per stream); `tz` a tz database name (the home zone),
    `travel_aware` places streams abroad in the local zone of their country (see
    `build_local_times`). `since`/`until` ("YYYY-MM-DD", inclusive) and `year` keep the streams
    whose LOCAL START date falls in the period; every section describes that period, except:
    - `discovery`: an artist is new in the month of its first play over the WHOLE history;
      only the months inside the period are reported;
    - `forgotten_favorites`: judged as of the period's end, over all the history up to it
      (favourites of any time before, silent for the 6 months before that end).
    `monthly` splits each month's listening by kind; `daily` is the listening of every day of
    the period's last year (from the same date a year before its last day with a stream, or
    from the period's first day if later), for a calendar; None when there is no stream.
    `top_n` caps every top list; `now` (default: the current time) only stamps `generated_at`.
    `audiences` (each stream's audience code, aligned with `streams`, and the findings behind
    them; see `analysis.audience`) makes it a profile of the person's own taste: every section
    counts only the streams whose audience is `you`, and `left_out` says what the others were
    and their share of the period's plays. Without it (`everyone`) every stream counts.
    An empty history (or period) gives a valid document of zeros and empty lists.
    Raises `BadInputError` for a malformed date or a period that ends before it starts.
    """
    first_day, last_day = _period(since, until, year)
    stamp = now or datetime.now(UTC)
    stamp = (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC)
    # Text columns are factorised once, up front; for a period, only those the whole history needs
    # (the others are factorised over the period by the one analysis that reads them).
    whole = first_day is None and last_day is None
    history = categorize_names(streams[list(_COLUMNS)], _TEXT_COLUMNS if whole else _SHARED_COLUMNS)
    local_all = build_local_times(history, tz, travel_aware=travel_aware)

    day = local_all["local_date"].to_numpy()
    keep = np.ones(len(history), dtype=bool)
    if first_day is not None:
        keep &= day >= first_day.to_datetime64()
    if last_day is not None:
        keep &= day <= last_day.to_datetime64()
    left_out: list[dict[str, Any]] = []
    if audiences is not None:
        codes = np.asarray(audiences[0])
        if len(codes) != len(history):
            raise ValueError("audiences must have one code per stream")
        left_out = build_left_out(history[keep], codes[keep], audiences[1])
        mine = codes == YOU
        if not mine.all():
            history, local_all, day, keep = history[mine], local_all[mine], day[mine], keep[mine]
    if keep.all():
        period, local = history, local_all
    else:
        period, local = history[keep], local_all[keep]
    # Forgotten favourites look at everything up to the period's end.
    if first_day is None:
        before_end, local_before_end = period, local
    elif last_day is None:
        before_end, local_before_end = history, local_all
    else:
        upto = day <= last_day.to_datetime64()
        before_end, local_before_end = history[upto], local_all[upto]
    track_plays = build_track_plays(period)
    track_plays_before_end = track_plays if before_end is period else None

    ms = period["ms_played"].to_numpy(dtype=np.int64)
    ends = period["played_at"].to_numpy(dtype=np.int64)
    families = build_device_families(period["platform"])
    session_stats = build_session_stats(build_sessions(period, local))
    artists = build_totals(period, "artist")
    diversity = build_diversity(period, totals=artists)

    # The analyses below read the same frames and spend their time in numpy, which lets go of
    # the GIL: two threads use both cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        tops = pool.submit(_tops, period, artists, top_n)
        obsessions = pool.submit(build_obsessions, period, local, n=top_n, plays=track_plays)
        forgotten = pool.submit(
            build_forgotten_favorites,
            before_end,
            local_before_end,
            n=top_n,
            plays=track_plays_before_end,
        )
        intent = pool.submit(_intent, period, families)
        taste = pool.submit(_taste_by_year, period, local)
        discovery = pool.submit(
            build_discovery, history, local_all, since=first_day, until=last_day
        )
        profile: Profile = {
            "schema_version": SCHEMA_VERSION,
            "generated_at": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "timezone": tz,
            "travel_aware": bool(travel_aware),
            "everyone": audiences is None,
            "left_out": left_out,
            "period": {
                "since": None if first_day is None else f"{first_day:%Y-%m-%d}",
                "until": None if last_day is None else f"{last_day:%Y-%m-%d}",
            },
            "streams": len(period),
            "plays": int((ms >= PLAY_MIN_MS).sum()),
            "listening_ms": int(ms.sum()),
            "first_played_at": _utc(int(ends.min())) if len(ends) else None,
            "last_played_at": _utc(int(ends.max())) if len(ends) else None,
            "clock": build_clock(local),
            "kinds": _entries(build_kinds(period), {"kind": "text", **_SHARES}),
            "sources": _entries(
                build_sources(period, local),
                {**_SOURCE_COUNTS, "first_day": "day", "last_day": "day"},
            ),
            "monthly": _entries(
                build_monthly(period, local),
                {"month": "text", **{f"{g}_ms": "int" for g in GROUPS}, "plays": "int"},
            ),
            "daily": _daily(period, local, first_day),
            **tops.result(),
            "sessions": {
                "count": session_stats.count,
                "median_ms": session_stats.median_ms,
                "mean_ms": session_stats.mean_ms,
                "longest_ms": session_stats.longest_ms,
                "longest_start": _local(session_stats.longest_start),
                "longest_streams": session_stats.longest_streams,
                "median_streams": _number(session_stats.median_streams),
                "mean_streams": _number(session_stats.mean_streams),
            },
            "intent": intent.result(),
            "devices": _entries(build_devices(period, families), {"family": "text", **_SHARES}),
            "countries": _entries(build_countries(period), {"country": "text", **_SHARES}),
            "discovery": _entries(
                discovery.result(),
                {
                    "month": "text",
                    "new_artists": "int",
                    "artists": "list",
                    "warmup": "bool",
                    "fresh_share": "float",
                },
            ),
            "diversity": {
                "entropy_bits": _number(diversity.entropy_bits),
                "effective_artists": _number(diversity.effective_artists),
                "top10_share": _number(diversity.top10_share),
                "artists": diversity.artists,
            },
            "obsessions": _entries(
                obsessions.result(),
                {
                    "name": "text",
                    "artist": "text",
                    "plays": "int",
                    "window_start": "local",
                    "window_end": "local",
                },
            ),
            "forgotten_favorites": _entries(
                forgotten.result(),
                {**_PAIRED, "first_played": "local", "last_played": "local"},
            ),
            "taste_by_year": taste.result(),
        }
    return profile
