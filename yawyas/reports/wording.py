"""Dates, times and durations in words for the reports: "March 2024", "Tue 5 March 2024, 07:40",
"2 h 05 min", "3\u20139 March 2024". Values from an anonymised report (cut to the month) read as
their month.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from yawyas.reports.document import DASH, fmt_count, fmt_hours

_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def fmt_month(value: str | None) -> str:
    """'2024-03' (or any date or time starting so) as 'March 2024'; a dash for None."""
    if not value or len(value) < 7 or not value[:4].isdigit() or not value[5:7].isdigit():
        return value or DASH
    month = int(value[5:7])
    return f"{_MONTHS[month - 1]} {value[:4]}" if 1 <= month <= 12 else value


def fmt_month_short(value: str) -> str:
    """'2024-03' as 'Mar' (January as its year, '2024', to mark where a year starts)."""
    if len(value) < 7 or not value[5:7].isdigit() or not 1 <= int(value[5:7]) <= 12:
        return value
    return value[:4] if value[5:7] == "01" else _MONTHS[int(value[5:7]) - 1][:3]


def fmt_day(value: str | None) -> str:
    """'2024-03-05' (or a time on that day) as 'Tue 5 March 2024'; a month as 'March 2024'."""
    if not value:
        return DASH
    try:
        day = datetime.strptime(value[:10], "%Y-%m-%d")
    except ValueError:
        return fmt_month(value)
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def fmt_local(value: str | None) -> str:
    """A local time '2024-03-05T07:40:00' as 'Tue 5 March 2024, 07:40'; a month as 'March 2024'."""
    if not value:
        return DASH
    try:
        moment = datetime.fromisoformat(value.rstrip("Z"))
    except ValueError:
        return fmt_month(value)
    if len(value) <= 10:
        return fmt_day(value)
    return f"{fmt_day(value)}, {moment:%H:%M}"


def fmt_duration(ms: int | float | None) -> str:
    """A duration in words: '2 h 05 min', '45 min', '0 min'; a dash for None."""
    if ms is None:
        return DASH
    minutes = round(ms / 60_000)
    hours, rest = divmod(minutes, 60)
    return f"{hours:,} h {rest:02d} min" if hours else f"{rest} min"


def fmt_span(first: str | None, last: str | None) -> str:
    """Two dates (or months) as one span: '3-9 March 2024', 'March 2024', '30 March-2 April 2024',
    'December 2023-January 2024' (with an en dash)."""
    if not first or not last:
        return fmt_day(first or last)
    a, b = fmt_day(first).split(" ", 1)[-1], fmt_day(last).split(" ", 1)[-1]
    if len(first) < 10 or len(last) < 10:
        a, b = fmt_month(first), fmt_month(last)
        return a if a == b else f"{a}{DASH}{b}"
    if a == b:
        return a
    a_day, a_month, a_year = a.split(" ")
    _, b_month, b_year = b.split(" ")
    if a_year != b_year:
        return f"{a}{DASH}{b}"
    if a_month != b_month:
        return f"{a_day} {a_month}{DASH}{b}"
    return f"{a_day}{DASH}{b}"


SOURCE_LABELS = {
    "extended_audio": "Spotify extended history",
    "extended_video": "Spotify extended history",
    "account_music": "Spotify account data",
    "account_podcast": "Spotify account data",
    "account_audiobook": "Spotify account data",
    "account_mixed": "Spotify account data",
    "api": "Spotify sync",
    "lastfm": "Last.fm scrobbles",
    "listenbrainz": "ListenBrainz listens",
}


def sources_words(doc: Mapping[str, Any]) -> str:
    """Where the period's history comes from, in words: 'From Last.fm scrobbles (March
    2008-November 2020, 54,321 streams) and Spotify extended history (...)'; '' when the
    profile does not say (or holds no stream)."""
    merged: dict[str, list[Any]] = {}
    for s in doc["profile"].get("sources") or []:
        label = SOURCE_LABELS.get(s["source"], s["source"])
        have = merged.setdefault(label, [s["first_day"], s["last_day"], 0])
        have[0], have[1] = min(have[0], s["first_day"]), max(have[1], s["last_day"])
        have[2] += s["streams"]
    parts = [
        f"{label} ({fmt_span(first, last)}, {fmt_count(n)} streams)"
        for label, (first, last, n) in merged.items()
    ]
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"From {listed}."


def period_words(doc: Mapping[str, Any]) -> str:
    """The period the report covers, in words: '1 March 2025 to 28 February 2026'."""
    p = doc["profile"]
    since, until = p["period"]["since"], p["period"]["until"]
    first, last = p["first_played_at"], p["last_played_at"]
    start = since or (first[:10] if first else None)
    end = until or (last[:10] if last else None)
    if start is None and end is None:
        return "no listening in this period"
    words = [
        fmt_day(v).split(" ", 1)[-1] if v and len(v) >= 10 else fmt_month(v) for v in (start, end)
    ]
    return f"{words[0]} to {words[1]}"


MONTHLY_HEADER: Final = ("month", "music", "podcasts", "audiobooks", "other", "plays")


def monthly_rows(monthly: list[Mapping[str, Any]]) -> list[list[str]]:
    """The profile's `monthly` entries as table rows under MONTHLY_HEADER."""
    return [
        [
            fmt_month(m["month"]),
            fmt_hours(m["music_ms"]),
            fmt_hours(m["podcast_ms"]),
            fmt_hours(m["audiobook_ms"]),
            fmt_hours(m["other_ms"]),
            fmt_count(m["plays"]),
        ]
        for m in monthly
    ]
