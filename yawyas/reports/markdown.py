"""The report as Markdown: the sections of the HTML page, the charts as SVG files beside it.

`write_markdown(doc, Path("report.md"))` writes `report.md` and, in `report_files/`:
`monthly.svg`, `clock.svg`, `top_artists.svg`, `discovery.svg`, `devices.svg`, one
`taste_<year>.svg` per year, `week.svg` when there are moments and `calendar.svg` when the
document has daily listening (not in anonymised reports); all linked relatively. Markdown
viewers may not show images, so the tables of the numbers stay beside the charts. Cell text is
escaped so that names cannot break a table or inject HTML
(`|`, `<`, `>`, `&`, `*`, `_`, `[`, `]`, `` ` ``, `#`, `!`, backslash).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from yawyas.reports import svg, timecharts
from yawyas.reports.countries import country_name
from yawyas.reports.document import (
    DASH,
    TOP_LISTS,
    fmt_count,
    fmt_hours,
    fmt_share,
    taste_bars,
    top_table,
    yawyas_traits,
)
from yawyas.reports.wording import (
    MONTHLY_HEADER,
    fmt_day,
    fmt_month,
    fmt_span,
    monthly_rows,
    period_words,
    sources_words,
)

_SPECIAL: Final = re.compile(r"([\\`*_\[\]|#!])")


def md(value: Any) -> str:
    """Markdown-safe inline text of any value (None is a dash, newlines become spaces)."""
    if value is None:
        return DASH
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = [
        "| " + " | ".join(md(h) for h in headers) + " |",
        "|" + "|".join(" --- " for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
    if len(lines) == 2:
        lines.append("| " + " | ".join(["none", *([""] * (len(headers) - 1))]) + " |")
    return "\n".join(lines)


def _top(entries: Sequence[Mapping[str, Any]], paired: bool) -> str:
    headers, rows = top_table(entries, paired)
    return _table(headers, rows)


def charts(doc: Mapping[str, Any]) -> dict[str, str]:
    """The report's charts: file name -> SVG document."""
    p = doc["profile"]
    taste = {
        f"taste_{y['year']}.svg": svg.bars_svg(taste_bars(y), f"Top artists of {y['year']}")
        for y in p["taste_by_year"]
    }
    out = {
        **taste,
        "monthly.svg": timecharts.monthly_svg(p.get("monthly") or []),
        "clock.svg": svg.clock_svg(p["clock"]),
        "top_artists.svg": svg.bars_svg(
            [(e["name"], e["ms"] / 3_600_000) for e in p["top_artists"]],
            "Top artists",
            notes=[f"{e['plays']:,} plays" for e in p["top_artists"]],
        ),
        "discovery.svg": timecharts.discovery_svg(p["discovery"]),
        "devices.svg": svg.bars_svg(
            [(d["family"], d["ms"] / 3_600_000) for d in p["devices"]], "Listening time by device"
        ),
    }
    if doc["moments"]:
        out["week.svg"] = timecharts.week_svg(timecharts.moment_windows(doc), p["clock"])
    daily = p.get("daily")
    if daily:
        out["calendar.svg"] = timecharts.calendar_svg(
            daily["first_day"], daily["ms"], daily["plays"]
        )
    return out


def _moment(m: Mapping[str, Any]) -> list[str]:
    out = [f"### {md(m['name'])}", ""]
    out.append(
        _table(
            ["when", "share of plays", "share of time", "device", "skip rate"],
            [
                [
                    "; ".join(w["text"] for w in m["windows"]) or None,
                    fmt_share(m["share_plays"]),
                    fmt_share(m["share_ms"]),
                    m["device"],
                    fmt_share(m["skip_rate"]),
                ]
            ],
        )
    )
    for key, title in (("top_artists", "Artists"), ("top_playlists", "Playlists")):
        if m[key]:
            out += ["", f"**{title}:** " + ", ".join(md(e["name"]) for e in m[key])]
    if m["top_tracks"]:
        tracks = [
            f"{e['name']} — {e['artist']}" if e["artist"] else e["name"] for e in m["top_tracks"]
        ]
        out += ["", "**Tracks:** " + ", ".join(md(t) for t in tracks)]
    if m["traits"]:
        out += ["", "**Traits:**", ""]
        for t in m["traits"]:
            out.append(f"- **{md(t['name'])}** ({fmt_share(t['confidence'])} confidence)")
            out += [f"  - {md(e)}" for e in t["evidence"]]
    return [*out, ""]


def _over_time(p: Mapping[str, Any], assets: str) -> list[str]:
    monthly = p.get("monthly") or []
    out = ["## Listening over time", ""]
    if not monthly:
        return [*out, "No listening in this period.", ""]
    return [
        *out,
        f"![Hours of listening per month, by kind]({assets}/monthly.svg)",
        "",
        _table(list(MONTHLY_HEADER), monthly_rows(monthly)),
        "",
    ]


def _calendar(doc: Mapping[str, Any], assets: str) -> list[str]:
    daily = doc["profile"].get("daily")
    if not daily:
        if doc["privacy"]["anonymized"]:
            return [
                "## Day by day",
                "",
                "The calendar of days is left out of anonymised reports (it would show dates).",
                "",
            ]
        return []
    first, last = fmt_day(daily["first_day"]), fmt_day(daily["last_day"])
    days_on = sum(1 for v in daily["ms"] if v > 0)
    return [
        "## Day by day",
        "",
        f"![Listening per day from {first} to {last}]({assets}/calendar.svg)",
        "",
        f"From {md(first)} to {md(last)} you listened on {days_on:,} of {len(daily['ms']):,} days.",
        "",
    ]


def _week(doc: Mapping[str, Any], assets: str) -> list[str]:
    if not doc["moments"]:
        return []
    out = [
        "## Your week",
        "",
        f"![The moments in the week, hour by hour]({assets}/week.svg)",
        "",
    ]
    out += [
        f"{i + 1}. **{md(m['name'])}**: "
        f"{md('; '.join(w['text'] for w in m['windows']) or None)}, "
        f"{fmt_share(m['share_plays'])} of plays"
        for i, m in enumerate(doc["moments"])
    ]
    return [*out, ""]


def _audiences(p: Mapping[str, Any]) -> list[str]:
    """What the report left out of the person's taste (nothing with --everyone)."""
    left_out = p.get("left_out") or []
    if p.get("everyone", True) or not left_out:
        return []
    return [
        "## Whose listening",
        "",
        "This report counts your own taste. Left out of it:",
        "",
        _table(
            ["left out", "of plays", "plays", "why"],
            [
                [
                    e["label"],
                    fmt_share(e["share_plays"]),
                    fmt_count(e["plays"]),
                    "; ".join(e["evidence"]),
                ]
                for e in left_out
            ],
        ),
        "",
    ]


def _kinds(p: Mapping[str, Any]) -> list[str]:
    names = {"track": "music", "episode": "podcasts", "audiobook": "audiobooks"}
    return [
        "## Music and podcasts",
        "",
        _table(
            ["kind", "listening time", "plays", "share"],
            [
                [
                    names.get(k["kind"], k["kind"]),
                    fmt_hours(k["ms"]),
                    fmt_count(k["plays"]),
                    fmt_share(k["share"]),
                ]
                for k in p["kinds"]
                if k["streams"]
            ],
        ),
        "",
    ]


def _favourites(p: Mapping[str, Any]) -> list[str]:
    out = ["## Obsessions", "", "The tracks you played most within any 7 days.", ""]
    out += [
        f"{i + 1}. **{md(o['name'])}**"
        + (f" — {md(o['artist'])}" if o["artist"] else "")
        + f": {o['plays']:,} plays, {md(fmt_span(o['window_start'], o['window_end']))}"
        for i, o in enumerate(p["obsessions"])
    ] or ["None: no track was played 3 times or more within a week."]
    out += [
        "",
        "## Forgotten favourites",
        "",
        "Tracks you once played a lot and have not played for 6 months.",
        "",
    ]
    out += [
        f"{i + 1}. **{md(f['name'])}**"
        + (f" — {md(f['artist'])}" if f["artist"] else "")
        + f": {f['plays']:,} plays from {md(fmt_month(f['first_played']))}, last played "
        f"{md(fmt_month(f['last_played']))}"
        for i, f in enumerate(p["forgotten_favorites"])
    ] or ["None: every track you played a lot, you still play."]
    return [*out, ""]


def _discovery(p: Mapping[str, Any], assets: str) -> list[str]:
    return [
        "## Discovery curve",
        "",
        "Columns: artists you heard for the first time each month; the first three months of "
        "your history (when every artist is new) are greyed out and do not set the scale. Line: "
        "the share of each month's music time on artists you had found in the 90 days before.",
        "",
        f"![Artists heard for the first time, per month]({assets}/discovery.svg)",
        "",
        _table(
            ["month", "new artists", "time on new", "for example"],
            [
                [
                    fmt_month(m["month"]) + (" (warm-up)" if m.get("warmup") else ""),
                    m["new_artists"],
                    fmt_share(m.get("fresh_share")),
                    ", ".join(m["artists"]),
                ]
                for m in p["discovery"]
            ],
        ),
        "",
    ]


def render_markdown(doc: Mapping[str, Any], assets: str = "report_files") -> str:
    """The report as Markdown text; charts are linked as `<assets>/<name>.svg`."""
    p = doc["profile"]
    zone = "" if p["timezone"] == "withheld" else f" · local time in {md(p['timezone'])}"
    out = [
        "# You are what you stream",
        "",
        f"{md(period_words(doc))}{zone} · made by yawyas on {md(fmt_day(doc['generated_at']))}",
        "",
    ]
    if origin := sources_words(doc):
        out += [md(origin), ""]
    privacy = doc["privacy"]
    if privacy["anonymized"]:
        names = "names are real" if privacy["names"] == "real" else "names are pseudonyms"
        out += [
            f"> Anonymised report: {names}; no countries or timezone; no date finer "
            "than the month.",
            "",
        ]
    out += [
        _table(
            ["listening time", "plays", "streams", "sessions", "artists"],
            [
                [
                    fmt_hours(p["listening_ms"]),
                    fmt_count(p["plays"]),
                    fmt_count(p["streams"]),
                    fmt_count(p["sessions"]["count"]),
                    fmt_count(p["diversity"]["artists"]),
                ]
            ],
        ),
        "",
        *_audiences(p),
        *_week(doc, assets),
        *_over_time(p, assets),
        *_calendar(doc, assets),
        "## Listening clock",
        "",
        f"![Plays by weekday and local hour]({assets}/clock.svg)",
        "",
        _table(
            ["day", *[f"{h:02d}" for h in range(24)]],
            [[svg.WEEKDAYS[d], *row] for d, row in enumerate(p["clock"])],
        ),
        "",
        "## Moments",
        "",
    ]
    if not doc["moments_available"]:
        out += ["Moments were not computed for this report.", ""]
    elif not doc["moments"]:
        out += ["No recurring moments were found in this period.", ""]
    for m in doc["moments"]:
        out += _moment(m)
    out += ["## What yawyas and Spotify infer about you", "", "**What yawyas infers:**", ""]
    ours = yawyas_traits(doc)
    out += [
        f"- {md(t['name'])} ({fmt_share(t['confidence'])}), from {md(', '.join(t['moments']))}"
        for t in ours
    ] or ["- no traits (no moments)"]
    out += ["", "**What Spotify infers:**", ""]
    spotify = doc["spotify_inferences"]
    out += [f"- {md(i)}" for i in spotify or []] or [
        "- Inferences.json was not imported (it comes with Spotify's Account data export)"
    ]
    out.append("")
    for key, title, paired in TOP_LISTS:
        out += [f"## {title}", ""]
        if key == "top_artists":
            out += [f"![Top artists by listening time]({assets}/top_artists.svg)", ""]
        out += [_top(p[key], paired), ""]
    out += _kinds(p)
    out += _favourites(p)
    out += ["## Taste over the years", ""]
    for y in p["taste_by_year"]:
        chart = f"![Top artists of {y['year']}]({assets}/taste_{y['year']}.svg)"
        out += [f"### {y['year']}", "", chart, "", _top(y["top_artists"], False), ""]
    out += _discovery(p, assets)
    out += [
        "## Devices",
        "",
        f"![Listening time by device]({assets}/devices.svg)",
        "",
        _table(
            ["device", "listening time", "plays", "share"],
            [
                [d["family"], fmt_hours(d["ms"]), fmt_count(d["plays"]), fmt_share(d["share"])]
                for d in p["devices"]
            ],
        ),
        "",
    ]
    if p["countries"]:
        out += [
            "## Countries",
            "",
            _table(
                ["country", "listening time", "share"],
                [
                    [country_name(c["country"]), fmt_hours(c["ms"]), fmt_share(c["share"])]
                    for c in p["countries"]
                ],
            ),
            "",
        ]
    return "\n".join(out)


def write_markdown(doc: Mapping[str, Any], path: Path) -> list[Path]:
    """Write `path` and its charts in `<stem>_files/`; returns every file written."""
    assets = path.with_name(f"{path.stem}_files")
    assets.mkdir(exist_ok=True)
    written = [path]
    for name, chart in charts(doc).items():
        target = assets / name
        target.write_text(chart, encoding="utf-8")
        written.append(target)
    path.write_text(render_markdown(doc, quote(assets.name)), encoding="utf-8")
    return written
