"""Local time: when each stream started on the listener's own clock, and the weekly clock of plays.

A stream's start is its end (`played_at`, UTC seconds) minus `ms_played`. It is converted to the
listener's zone with the tz database (DST-correct, vectorised per zone). With `travel_aware`, a
stream whose connection country differs from the home zone's country is placed in that country's
zone when the country keeps a single clock; otherwise it stays in the home zone.
"""

from __future__ import annotations

import functools
from datetime import datetime
from importlib import resources
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from yawyas.analysis.common import IntArray, label_codes, play_mask, start_ms

MS_PER_HOUR = 3_600_000
MS_PER_DAY = 86_400_000
EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)

# Instants at which a country's zones must agree to count as one clock: January and July of
# recent years (before 2016 few people streamed abroad; the tables describe the present best).
_PROBES = tuple(
    datetime(year, month, 15, 12, tzinfo=ZoneInfo("UTC"))
    for year in range(2016, 2027)
    for month in (1, 7)
)


def _read_tzdata(name: str) -> list[str]:
    """Lines of one file of the tzdata package (empty when it is missing)."""
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return []
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@functools.cache
def _zone_table() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """zone.tab as (zone -> country, country -> zones in the table's order)."""
    zone_country: dict[str, str] = {}
    country_zones: dict[str, list[str]] = {}
    for line in _read_tzdata("zone.tab"):
        fields = line.split("\t")
        if len(fields) < 3:
            continue
        country, zone = fields[0].strip().upper(), fields[2].strip()
        zone_country.setdefault(zone, country)
        country_zones.setdefault(country, []).append(zone)
    return zone_country, {c: tuple(z) for c, z in country_zones.items()}


@functools.cache
def _links() -> dict[str, str]:
    """Alias -> canonical zone, from the link lines of tzdata.zi ("L Asia/Tokyo Japan")."""
    links: dict[str, str] = {}
    for line in _read_tzdata("tzdata.zi"):
        if line.startswith("L "):
            parts = line.split()
            if len(parts) == 3:
                links[parts[2]] = parts[1]
    return links


def home_country(zone: str) -> str | None:
    """The ISO-2 country of a tz zone name ("Europe/Madrid" -> "ES"), or None (e.g. "UTC")."""
    zone_country, _ = _zone_table()
    seen = set()
    while zone not in zone_country and zone in _links() and zone not in seen:
        seen.add(zone)
        zone = _links()[zone]
    return zone_country.get(zone)


def _same_clock(zones: tuple[str, ...]) -> bool:
    """Whether all these zones show the same UTC offset at every probe instant."""
    try:
        infos = [ZoneInfo(z) for z in zones]
    except (ValueError, OSError):
        return False
    return all(len({info.utcoffset(p) for info in infos}) == 1 for p in _PROBES)


@functools.cache
def country_zones(country: str) -> tuple[str, ...]:
    """The tz zones of an ISO-2 country ("US" -> America/New_York, ...), most populous first."""
    return _zone_table()[1].get(country.upper(), ())


def country_zone(country: str) -> str | None:
    """The one zone of a country that keeps a single clock ("JP" -> "Asia/Tokyo"), else None.

    A country with several zone.tab entries that agree on the UTC offset at recent instants (Germany
    with Busingen, Argentina's provinces) counts as one clock and gets its first, principal zone.
    Countries with several clocks (US, ES with the Canaries) and unknown codes ("ZZ") get None.
    """
    _, country_zones = _zone_table()
    zones = country_zones.get(country.strip().upper(), ())
    if not zones:
        return None
    if len(zones) == 1 or _same_clock(zones):
        return zones[0]
    return None


def _wall_clock_ms(utc_ms: IntArray, tz: str) -> IntArray:
    """Wall-clock milliseconds (local time read as if it were UTC) of UTC instants in zone `tz`."""
    utc = pd.DatetimeIndex(utc_ms.astype("datetime64[ms]")).tz_localize("UTC")
    local = utc.tz_convert(tz).tz_localize(None)
    out: IntArray = local.as_unit("ms").asi8.astype(np.int64, copy=False)
    return out


def build_local_times(
    streams: pd.DataFrame, tz: str, *, travel_aware: bool = False
) -> pd.DataFrame:
    """Each stream's local start, one row per stream (same index and order as `streams`).

    Columns:
    - `start_ms`: UTC start, unix milliseconds (played_at * 1000 - ms_played);
    - `local_start`: wall-clock start (naive datetime64[ms]) in the zone the stream is placed in;
    - `local_date`: that wall-clock date at midnight (datetime64[s]);
    - `weekday` (Monday = 0) and `hour` (0-23) of `local_start`;
    - `zone`: the zone used (categorical); `play`: the stream is a play (>= 30 s).

    `tz` must be a tz database name (the settings module resolves "auto"). With `travel_aware`,
    streams whose `conn_country` differs from the home zone's country go to that country's zone
    when it has a single clock (`country_zone`); unknown ("ZZ", null) and multi-zone countries
    stay in `tz`. Raises `zoneinfo.ZoneInfoNotFoundError` for an unknown zone name.
    """
    ZoneInfo(tz)  # fail early and clearly on a bad name, even for an empty frame
    utc_ms = start_ms(streams)
    n = len(utc_ms)
    zones = [tz]
    zone_code = np.zeros(n, dtype=np.int64)
    if travel_aware and "conn_country" in streams and n:
        home = home_country(tz)
        codes, countries = label_codes(streams["conn_country"])
        per_country = np.zeros(len(countries) + 1, dtype=np.int64)  # last slot: null country
        for i, country in enumerate(countries):
            code = str(country).strip().upper()
            zone = country_zone(code) if code != home else None
            if zone is not None and zone != tz:
                if zone not in zones:
                    zones.append(zone)
                per_country[i] = zones.index(zone)
        zone_code = per_country[codes]
    wall = np.empty(n, dtype=np.int64)
    if len(zones) == 1:
        wall[:] = _wall_clock_ms(utc_ms, tz)
    else:
        for i, zone in enumerate(zones):
            rows = np.flatnonzero(zone_code == i)
            if len(rows):
                wall[rows] = _wall_clock_ms(utc_ms[rows], zone)
    days = np.floor_divide(wall, MS_PER_DAY)
    return pd.DataFrame(
        {
            "start_ms": utc_ms,
            "local_start": wall.astype("datetime64[ms]"),
            "local_date": (days * 86_400).astype("datetime64[s]"),
            "weekday": ((days + EPOCH_WEEKDAY) % 7).astype(np.int8),
            "hour": (np.floor_divide(wall, MS_PER_HOUR) % 24).astype(np.int8),
            "zone": pd.Categorical.from_codes(zone_code, categories=pd.Index(zones)),
            "play": play_mask(streams),
        },
        index=streams.index,
        copy=False,
    )


def build_clock(local: pd.DataFrame) -> list[list[int]]:
    """Plays by local start weekday and hour: 7 lists (Monday first) of 24 counts."""
    plays = local["play"].to_numpy(dtype=bool)
    weekday = local["weekday"].to_numpy(dtype=np.int64)[plays]
    hour = local["hour"].to_numpy(dtype=np.int64)[plays]
    counts = np.bincount(weekday * 24 + hour, minlength=7 * 24).reshape(7, 24)
    return [[int(v) for v in row] for row in counts]
