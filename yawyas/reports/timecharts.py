"""Charts over time as self-contained SVG: listening by month, the week of the moments, the
calendar of daily listening and the discovery curve.

Same conventions as `yawyas.reports.svg` (escaped text, a `<title>` and a `<desc>` in words,
classes for restyling, sizes in the viewBox).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from html import escape
from typing import Any, Final

from yawyas.reports.svg import (
    GRID,
    KIND_COLOURS,
    WEEKDAYS,
    cell,
    chart,
    clip,
    moment_colour,
    nice_ticks,
    scale_legend,
    text,
    tick_text,
)
from yawyas.reports.wording import fmt_day, fmt_duration, fmt_month, fmt_month_short

KIND_LABELS: Final = {
    "music": "music",
    "podcast": "podcasts",
    "audiobook": "audiobooks",
    "other": "other",
}
WARMUP_COLOUR: Final = "#c9c9c4"
FRESH_COLOUR: Final = "#c0392b"

Window = tuple[Sequence[int], int, int]  # (weekdays it starts on, start minute, end minute)


def _grid_line(x1: float, y1: float, x2: float, y2: float) -> str:
    return (
        f'<line class="g" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{GRID}"/>'
    )


def _month_labels(months: Sequence[str], left: float, step: float, y: float) -> list[str]:
    """Month labels under columns: the year at each January, then months at regular steps (every
    1, 2, 3, 4, 6 months) where they do not crowd a label already placed."""
    room = 40.0
    every = next((k for k in (1, 2, 3, 4, 6) if k * step >= room), 12)
    placed: list[float] = []
    body: list[str] = []

    def place(i: int, label: str, year: bool) -> None:
        x = left + i * step + step / 2
        if all(abs(x - other) >= room for other in placed):
            placed.append(x)
            body.append(text(x, y, label, anchor="middle", muted=not year, size=12))

    for i, month in enumerate(months):
        if month[5:7] == "01":
            place(i, month[:4], True)
    if months and months[0][5:7] != "01":  # the year of the months before the first January
        label = fmt_month(months[0])
        label = label[:3] + label[label.index(" ") :]
        start = max(left + step / 2 - 10, 2)
        span = (start + 7, start + 7 * len(label) - 7)  # about 7 px a character
        if all(abs(x - other) >= room for other in placed for x in span):
            placed += list(span)
            body.append(text(start, y, label, size=12))
    for i, month in enumerate(months):
        if month[5:7] != "01" and (int(month[5:7]) - 1) % every == 0:
            place(i, fmt_month_short(month), False)
    return body


def _legend(
    items: Sequence[tuple[str, str]], x: float, y: float, width: float
) -> tuple[list[str], float]:
    """Swatch + label pairs laid out left to right, wrapping at `width`; with the y below them.

    A colour 'line:#rrggbb' draws a line instead of a swatch."""
    body, cx, cy = [], x, y
    for label, colour in items:
        w = 26 + 7 * len(label)
        if cx > x and cx + w > x + width:
            cx, cy = x, cy + 18
        if colour.startswith("line:"):
            body.append(
                f'<line x1="{cx:.1f}" y1="{cy + 6}" x2="{cx + 14:.1f}" y2="{cy + 6}" '
                f'stroke="{colour[5:]}" stroke-width="2.5"/>'
            )
        else:
            body.append(
                f'<rect x="{cx:.1f}" y="{cy}" width="12" height="12" rx="2" fill="{colour}"/>'
            )
        body.append(text(cx + 18, cy + 10, label, size=12))
        cx += w
    return body, cy + 14


def monthly_svg(
    rows: Sequence[Mapping[str, Any]], title: str = "Listening per month", width: int = 420
) -> str:
    """Stacked monthly columns of listening hours: music, podcasts, audiobooks, other."""
    groups = [g for g in KIND_LABELS if any(r.get(f"{g}_ms", 0) for r in rows)] or ["music"]
    left, bottom, plot_h = 46, 26, 180
    plot_w = width - left - 8
    body, legend_end = _legend([(KIND_LABELS[g], KIND_COLOURS[g]) for g in groups], 4, 6, width)
    top = int(legend_end) + 22
    height = top + plot_h + bottom
    totals = [sum(r.get(f"{g}_ms", 0) for g in groups) / 3_600_000 for r in rows]
    ticks = nice_ticks(max(totals, default=0.0))
    ceiling = ticks[-1]
    for tick in ticks:
        y = top + plot_h - plot_h * tick / ceiling
        body.append(_grid_line(left, y, left + plot_w, y))
        body.append(text(left - 6, y + 4, tick_text(tick), anchor="end", muted=True, size=12))
    body.append(text(4, top - 12, "hours", muted=True, size=12))
    n = max(len(rows), 1)
    step = plot_w / n
    gap = min(2.0, step * 0.2)
    for i, r in enumerate(rows):
        x, base = left + i * step + gap / 2, top + plot_h
        parts = []
        for g in groups:
            hours = r.get(f"{g}_ms", 0) / 3_600_000
            if hours <= 0:
                continue
            h = plot_h * hours / ceiling
            base -= h
            body.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{max(step - gap, 0.8):.1f}" '
                f'height="{h:.1f}" fill="{KIND_COLOURS[g]}"/>'
            )
            parts.append(f"{hours:,.1f} h {KIND_LABELS[g]}")
        tip = f"{fmt_month(str(r['month']))}: " + (", ".join(parts) or "nothing")
        body.append(
            f'<rect x="{left + i * step:.1f}" y="{top}" width="{step:.1f}" height="{plot_h}" '
            f'fill="transparent"><title>{escape(tip)}</title></rect>'
        )
    body += _month_labels([str(r["month"]) for r in rows], left, step, height - 8)
    if not rows:
        body.append(text(left + 8, top + 40, "no listening in this period", muted=True))
    busiest = max(range(len(rows)), key=lambda i: totals[i], default=None)
    desc = (
        f"Listening hours per month from {fmt_month(str(rows[0]['month']))} to "
        f"{fmt_month(str(rows[-1]['month']))}, stacked by kind; the most was "
        f"{fmt_month(str(rows[busiest]['month']))} with {totals[busiest]:,.1f} h."
        if rows and busiest is not None
        else "No listening in this period."
    )
    return chart(width, height, title, desc, body)


def moment_windows(doc: Mapping[str, Any]) -> list[tuple[str, str, list[Window]]]:
    """A report's moments as the week view draws them: (name, colour, readable windows)."""
    return [
        (
            m["name"],
            moment_colour(i),
            [
                (w["day_numbers"], w["start_minute"], w["end_minute"])
                for w in m["windows"]
                if w.get("day_numbers")
                and w.get("start_minute") is not None
                and w.get("end_minute") is not None
            ],
        )
        for i, m in enumerate(doc["moments"])
    ]


def _segments(windows: Sequence[Window]) -> list[tuple[int, int, int]]:
    """(weekday, start minute, end minute) pieces of windows, split at midnight."""
    out = []
    for days, start, end in windows:
        for day in days:
            if end > start:
                out.append((day % 7, start, end))
            else:  # crosses midnight: the rest of the day, then the next morning
                out.append((day % 7, start, 1440))
                if end > 0:
                    out.append(((day + 1) % 7, 0, end))
    return out


def _clock(minute: int) -> str:
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"


def week_svg(
    moments: Sequence[tuple[str, str, Sequence[Window]]],
    clock: Sequence[Sequence[int]] | None = None,
    title: str = "Your week",
    legend: bool = True,
    width: int = 520,
) -> str:
    """The week as a calendar: days across, hours down, each moment's windows as blocks in its
    colour with its number (moments are (name, colour, windows)); behind them, in grey, how much
    is played at each hour (`clock`). With `legend`, the numbered names follow below."""
    left, top, hour_h = 44, 26, 15
    col_w = (width - left - 6) / 7
    plot_h = 24 * hour_h
    legend_h = 20 * len(moments) + 10 if legend and moments else 0
    height = top + plot_h + 8 + legend_h
    body = []
    peak = max((max(row) for row in clock or [] if row), default=0)
    for d in range(7):
        x = left + d * col_w
        body.append(text(x + col_w / 2, 17, WEEKDAYS[d], anchor="middle", bold=True, size=14))
        for h in range(24):
            value = int(clock[d][h]) if clock and peak else 0
            opacity = 0.04 + 0.30 * (value / peak) ** 0.7 if peak else 0.04
            body.append(
                f'<rect x="{x + 1:.1f}" y="{top + h * hour_h:.1f}" width="{col_w - 2:.1f}" '
                f'height="{hour_h - 1}" fill="#8a8f98" fill-opacity="{opacity:.2f}"/>'
            )
    for h in range(0, 25, 3):
        line_y = top + h * hour_h
        body.append(_grid_line(left - 4, line_y, width - 6, line_y))
        body.append(
            text(left - 6, line_y + 4, f"{h % 24:02d}:00", anchor="end", muted=True, size=13)
        )
    # Blocks: per day, overlapping pieces share the column side by side.
    by_day: dict[int, list[tuple[int, int, int]]] = {}
    for i, (_, _, windows) in enumerate(moments):
        for day, start, end in _segments(windows):
            by_day.setdefault(day, []).append((start, end, i))
    for day, pieces in by_day.items():
        pieces.sort()
        lane_ends: list[int] = []
        placed = []
        for start, end, i in pieces:
            lane = next((k for k, e in enumerate(lane_ends) if e <= start), len(lane_ends))
            if lane == len(lane_ends):
                lane_ends.append(end)
            else:
                lane_ends[lane] = end
            placed.append((start, end, i, lane))
        lanes = max(len(lane_ends), 1)
        lane_w = (col_w - 6) / lanes
        for start, end, i, lane in placed:
            name, colour, _ = moments[i]
            x = left + day * col_w + 3 + lane * lane_w
            block_y, block_h = top + start / 60 * hour_h, max((end - start) / 60 * hour_h, 3.0)
            tip = f"{i + 1}. {name}: {WEEKDAYS[day]} {_clock(start)}\u2013{_clock(end)}"
            body.append(
                f'<rect x="{x + 0.5:.1f}" y="{block_y:.1f}" width="{lane_w - 1:.1f}" '
                f'height="{block_h:.1f}" rx="3" fill="{colour}" fill-opacity="0.9" '
                f'stroke="#ffffff" stroke-width="0.8"><title>{escape(tip)}</title></rect>'
            )
            if block_h >= 13 and lane_w >= 12:
                body.append(
                    f'<text x="{x + lane_w / 2:.1f}" y="{block_y + min(block_h / 2 + 4, 14):.1f}" '
                    f'text-anchor="middle" font-size="11" font-weight="700" fill="#ffffff">'
                    f"{i + 1}</text>"
                )
    if legend:
        for i, (name, colour, _) in enumerate(moments):
            y = top + plot_h + 14 + 20 * i
            body.append(f'<rect x="{left}" y="{y}" width="14" height="14" rx="3" fill="{colour}"/>')
            body.append(text(left + 20, y + 11, f"{i + 1}. {clip(name, 70)}", size=12))
    if not moments:
        body.append(text(left + 8, top + 40, "no moments", muted=True))
    desc = (
        "The week, Monday to Sunday, hour by hour; "
        + "; ".join(
            f"{i + 1}. {name}: "
            + ", ".join(
                f"{WEEKDAYS[day]} {_clock(start)}\u2013{_clock(end)}"
                for day, start, end in _segments(windows)
            )
            for i, (name, _, windows) in enumerate(moments)
        )
        + ". Grey shows how much is played at each hour."
    )
    return chart(width, height, title, desc, body)


def calendar_svg(
    first_day: str,
    ms: Sequence[int],
    plays: Sequence[int] | None = None,
    title: str = "Listening per day",
) -> str:
    """A GitHub-style calendar: a column per week (Monday on top), a cell per day shaded by its
    listening time; a year is drawn as two bands of half a year each."""
    start = date.fromisoformat(first_day)
    monday = start - timedelta(days=start.weekday())
    offset = (start - monday).days
    weeks = max(1, math.ceil((offset + len(ms)) / 7))
    per_band = math.ceil(weeks / 2) if weeks > 30 else weeks
    bands = math.ceil(weeks / per_band)
    pitch, size, left, band_top = 14, 12, 34, 18
    band_h = band_top + 7 * pitch + 14
    width = left + per_band * pitch + 8
    height = bands * band_h + 28
    nonzero = sorted(v for v in ms if v > 0)
    # The 95th percentile sets the deepest green, so one marathon day does not pale the rest.
    top = nonzero[min(len(nonzero) - 1, int(len(nonzero) * 0.95))] if nonzero else 0
    body: list[str] = []
    for band in range(bands):
        y0 = band * band_h + band_top
        for d, label in ((0, "Mon"), (2, "Wed"), (4, "Fri"), (6, "Sun")):
            body.append(text(2, y0 + d * pitch + 11, label, muted=True, size=11))
    labelled: set[tuple[int, int]] = set()
    for i, value in enumerate(ms):
        day = start + timedelta(days=i)
        slot = offset + i
        week, weekday = divmod(slot, 7)
        band, column = divmod(week, per_band)
        x = left + column * pitch
        y = band * band_h + band_top + weekday * pitch
        count = f", {plays[i]:,} plays" if plays is not None and i < len(plays) else ""
        tip = f"{fmt_day(day.isoformat())}: {fmt_duration(value)}{count}"
        body.append(cell(x, y, size, size, value, top, tip))
        if ((day.day <= 7 and weekday == 0) or i == 0) and (band, day.month) not in labelled:
            labelled.add((band, day.month))
            month = day.isoformat()[:7]
            body.append(
                text(x, band * band_h + 12, fmt_month_short(month), muted=day.month != 1, size=12)
            )
    body += scale_legend(left, bands * band_h + 4, top, f"{fmt_duration(top)} a day")
    days_on = len(nonzero)
    best = max(range(len(ms)), key=lambda i: ms[i], default=0)
    last = start + timedelta(days=max(len(ms) - 1, 0))
    desc = (
        f"Listening per day from {fmt_day(first_day)} to {fmt_day(last.isoformat())}: music or "
        f"podcasts on {days_on:,} of {len(ms):,} days; the most on "
        f"{fmt_day((start + timedelta(days=best)).isoformat())} ({fmt_duration(ms[best])})."
        if days_on
        else "No listening in this period."
    )
    return chart(width, height, title, desc, body)


def discovery_svg(
    months: Sequence[Mapping[str, Any]], title: str = "Discovery", width: int = 420
) -> str:
    """New artists per month as columns (the warm-up months in grey, not setting the scale) and
    the share of each month's music time on artists found in the 90 days before, as a line."""
    left, right, bottom, plot_h = 40, 44, 26, 180
    plot_w = width - left - right
    settled = [int(m["new_artists"]) for m in months if not m.get("warmup")]
    counts = [int(m["new_artists"]) for m in months]
    ticks = nice_ticks(max(settled or counts or [0]))
    ceiling = ticks[-1]
    legend = [
        ("new artists (left)", "#3b8a63"),
        ("music time on artists found in the 90 days before (right)", f"line:{FRESH_COLOUR}"),
    ]
    if any(m.get("warmup") for m in months):
        legend.append(("first 3 months: everything is new", WARMUP_COLOUR))
    body, legend_end = _legend(legend, 4, 4, width - 8)
    top = int(legend_end) + 20
    height = top + plot_h + bottom
    for tick in ticks:
        y = top + plot_h - plot_h * tick / ceiling
        body.append(_grid_line(left, y, left + plot_w, y))
        body.append(text(left - 6, y + 4, tick_text(tick), anchor="end", muted=True, size=12))
    shares = [
        float(m["fresh_share"])
        for m in months
        if m.get("fresh_share") is not None and not m.get("warmup")
    ]
    fresh_top = next((c for c in (0.1, 0.2, 0.25, 0.5, 1.0) if c >= max(shares, default=0)), 1.0)
    for tick in ticks:
        share = fresh_top * tick / ceiling
        y = top + plot_h - plot_h * tick / ceiling
        shown = f"{round(share * 100, 1):g}%"
        body.append(text(left + plot_w + 6, y + 4, shown, muted=True, size=12))
    n = max(len(months), 1)
    step = plot_w / n
    gap = min(2.0, step * 0.2)
    points = []
    for i, m in enumerate(months):
        count, warm = int(m["new_artists"]), bool(m.get("warmup"))
        h = plot_h * min(count / ceiling, 1.0)
        x = left + i * step + gap / 2
        colour = WARMUP_COLOUR if warm else "#3b8a63"
        fresh = m.get("fresh_share")
        tip = f"{fmt_month(str(m['month']))}: {count:,} new artists"
        if fresh is not None:
            tip += f"; {float(fresh) * 100:.0f}% of music time on artists found in 90 days"
        if m.get("artists"):
            tip += " (" + ", ".join(str(a) for a in m["artists"]) + ")"
        body.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{max(step - gap, 0.8):.1f}" '
            f'height="{h:.1f}" fill="{colour}"><title>{escape(tip)}</title></rect>'
        )
        if count > ceiling and step >= 16:  # a warm-up month above the scale, with its number
            body.append(
                text(x + step / 2, top - 3, f"{count:,}", anchor="middle", muted=True, size=11)
            )
        if fresh is not None and not warm:
            y = top + plot_h * (1 - min(float(fresh) / fresh_top, 1.0))
            points.append(f"{left + i * step + step / 2:.1f},{y:.1f}")
    if len(points) > 1:
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{FRESH_COLOUR}" '
            'stroke-width="2" stroke-linejoin="round"/>'
        )
    body += _month_labels([str(m["month"]) for m in months], left, step, height - 8)
    if not months:
        body.append(text(left + 8, top + 40, "no music in this period", muted=True))
    settled_months = [m for m in months if not m.get("warmup")]
    desc = (
        f"New artists per month from {fmt_month(str(months[0]['month']))} to "
        f"{fmt_month(str(months[-1]['month']))}: after the first months, "
        f"{sum(int(m['new_artists']) for m in settled_months):,} new artists in "
        f"{len(settled_months)} months."
        if months
        else "No music in this period."
    )
    return chart(width, height, title, desc, body)
