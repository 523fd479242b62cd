"""The report as Markdown: the same tables as the HTML page, the charts as SVG files beside it.

`write_markdown(doc, Path("report.md"))` writes `report.md` and `report_files/clock.svg`,
`report_files/discovery.svg`, `report_files/devices.svg` and one `taste_<year>.svg` per year,
linked relatively. Cell text is escaped so that names cannot break a table or inject HTML
(`|`, `<`, `>`, `&`, `*`, `_`, `[`, `]`, `` ` ``, `#`, `!`, backslash).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from yawyas.reports import svg
from yawyas.reports.document import (
    DASH,
    TOP_LISTS,
    fmt_count,
    fmt_hours,
    fmt_share,
    period_text,
    taste_bars,
    top_table,
    yawyas_traits,
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
    return {
        **taste,
        "clock.svg": svg.clock_svg(p["clock"]),
        "discovery.svg": svg.curve_svg([(m["month"], m["new_artists"]) for m in p["discovery"]]),
        "devices.svg": svg.bars_svg(
            [(d["family"], d["ms"] / 3_600_000) for d in p["devices"]], "Listening time by device"
        ),
    }


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


def render_markdown(doc: Mapping[str, Any], assets: str = "report_files") -> str:
    """The report as Markdown text; charts are linked as `<assets>/<name>.svg`."""
    p = doc["profile"]
    out = [
        "# You are what you stream",
        "",
        f"{md(period_text(doc))} · timezone {md(p['timezone'])} · generated "
        f"{md(doc['generated_at'])} by yawyas",
        "",
    ]
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
        out += [f"## {title}", "", _top(p[key], paired), ""]
    out += ["## Taste over the years", ""]
    for y in p["taste_by_year"]:
        chart = f"![Top artists of {y['year']}]({assets}/taste_{y['year']}.svg)"
        out += [f"### {y['year']}", "", chart, "", _top(y["top_artists"], False), ""]
    out += [
        "## Discovery curve",
        "",
        f"![Artists heard for the first time, per month]({assets}/discovery.svg)",
        "",
        _table(
            ["month", "new artists", "for example"],
            [[m["month"], m["new_artists"], ", ".join(m["artists"])] for m in p["discovery"]],
        ),
        "",
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
                [[c["country"], fmt_hours(c["ms"]), fmt_share(c["share"])] for c in p["countries"]],
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
