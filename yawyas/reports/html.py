"""The report as ONE self-contained HTML file: inline CSS and SVG, no scripts, no requests.

It opens offline in any browser: no external stylesheets, fonts, images or scripts, and no
URL in any src, href or url(). Every piece of user data (names, evidence, inferences) is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any, Final

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

_CSS: Final = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#fafaf7;
color:#222;line-height:1.45}
main{max-width:980px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}h2{margin-top:36px;border-bottom:2px solid #1f7a4d;padding-bottom:4px}
.muted{color:#666}.note{background:#fff6d6;border:1px solid #e8d48a;padding:8px 12px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:140px}
.card b{display:block;font-size:1.4em}
table{border-collapse:collapse;margin:8px 0;background:#fff}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px}
.moment{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;margin:12px 0}
.conf{color:#1f7a4d;font-weight:600}
svg{max-width:100%;height:auto}
"""


def _e(value: Any) -> str:
    """Escaped text of any value (None is a dash)."""
    return DASH if value is None else escape(str(value), quote=True)


def _one(value: float | None) -> str:
    return DASH if value is None else f"{value:,.1f}"


def _inline(chart: str) -> str:
    """An SVG chart for inline use: HTML needs no namespace URL (the page holds no URL at all)."""
    return chart.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], numeric: set[int]) -> str:
    """A table; cells are escaped here, numbers in `numeric` columns right-aligned."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = [
        "<tr>"
        + "".join(
            f'<td class="n">{_e(c)}</td>' if i in numeric else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    ]
    if not body:
        body = [f'<tr><td colspan="{len(headers)}" class="muted">none</td></tr>']
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _top(entries: Sequence[Mapping[str, Any]], paired: bool) -> str:
    headers, rows = top_table(entries, paired)
    return _table(headers, rows, {0, len(headers) - 2, len(headers) - 1})


def _summary(doc: Mapping[str, Any]) -> str:
    p = doc["profile"]
    cards = [
        ("listening time", fmt_hours(p["listening_ms"])),
        ("plays", fmt_count(p["plays"])),
        ("streams", fmt_count(p["streams"])),
        ("sessions", fmt_count(p["sessions"]["count"])),
        ("artists", fmt_count(p["diversity"]["artists"])),
        ("effective artists", _one(p["diversity"]["effective_artists"])),
    ]
    body = "".join(f'<div class="card"><b>{_e(v)}</b>{_e(k)}</div>' for k, v in cards)
    return f'<div class="cards">{body}</div>'


def _privacy(doc: Mapping[str, Any]) -> str:
    privacy = doc["privacy"]
    if not privacy["anonymized"]:
        return ""
    names = (
        "Names are real."
        if privacy["names"] == "real"
        else "Artists, tracks, albums, shows and playlists are pseudonyms (Artist 1 is the most "
        "listened artist)."
    )
    return (
        '<p class="note">Anonymised report: ' + _e(names) + " No countries or timezone; no date "
        "finer than the month.</p>"
    )


def _moment(m: Mapping[str, Any]) -> str:
    windows = "; ".join(w["text"] for w in m["windows"]) or DASH
    facts = _table(
        ["when", "share of plays", "share of time", "device", "skip rate"],
        [
            [
                windows,
                fmt_share(m["share_plays"]),
                fmt_share(m["share_ms"]),
                m["device"],
                fmt_share(m["skip_rate"]),
            ]
        ],
        set(),
    )
    lists = []
    for key, title, paired in (
        ("top_artists", "Artists", False),
        ("top_tracks", "Tracks", True),
        ("top_playlists", "Playlists", False),
    ):
        items = [
            (f"{e['name']} — {e['artist']}" if paired and e.get("artist") else e["name"])
            for e in m[key]
        ]
        if items:
            lists.append(
                f"<div><b>{title}</b><ol>"
                + "".join(f"<li>{_e(i)}</li>" for i in items)
                + "</ol></div>"
            )
    traits = []
    for t in m["traits"]:
        evidence = "".join(f"<li>{_e(e)}</li>" for e in t["evidence"])
        traits.append(
            f'<li><b>{_e(t["name"])}</b> <span class="conf">{fmt_share(t["confidence"])}'
            f"</span> confidence<ul>{evidence}</ul></li>"
        )
    trait_html = f"<h4>Traits</h4><ul>{''.join(traits)}</ul>" if traits else ""
    return (
        f'<section class="moment" id="{_e(m["id"])}"><h3>{_e(m["name"])}</h3>{facts}'
        f'<div class="grid">{"".join(lists)}</div>{trait_html}</section>'
    )


def _moments(doc: Mapping[str, Any]) -> str:
    if not doc["moments_available"]:
        return '<p class="muted">Moments were not computed for this report.</p>'
    if not doc["moments"]:
        return '<p class="muted">No recurring moments were found in this period.</p>'
    return "".join(_moment(m) for m in doc["moments"])


def _inferences(doc: Mapping[str, Any]) -> str:
    ours = yawyas_traits(doc)
    ours_html = (
        "<ul>"
        + "".join(
            f"<li><b>{_e(t['name'])}</b> ({fmt_share(t['confidence'])}) — from "
            f"{_e(', '.join(t['moments']))}</li>"
            for t in ours
        )
        + "</ul>"
        if ours
        else '<p class="muted">No traits (no moments).</p>'
    )
    spotify = doc["spotify_inferences"]
    theirs_html = (
        "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in spotify) + "</ul>"
        if spotify
        else '<p class="muted">Inferences.json was not imported (it comes with Spotify\'s '
        "Account data export).</p>"
    )
    return (
        '<div class="grid"><div><h3>What yawyas infers</h3>'
        f"{ours_html}</div><div><h3>What Spotify infers</h3>{theirs_html}</div></div>"
    )


def _habits(p: Mapping[str, Any]) -> str:
    intent, s = p["intent"], p["sessions"]
    rows = [
        ["median session", fmt_hours(s["median_ms"])],
        ["longest session", f"{fmt_hours(s['longest_ms'])} ({s['longest_start'] or DASH})"],
        ["deliberate starts", fmt_share(intent["deliberate_share"])],
        ["passive starts", fmt_share(intent["passive_share"])],
        ["skip rate", fmt_share(intent["skip_rate"])],
    ]
    return _table(["", ""], rows, set())


def render_html(doc: Mapping[str, Any]) -> str:
    """The whole report as one HTML page (a string), self-contained and escaped."""
    p = doc["profile"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>yawyas report</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>You are what you stream</h1>",
        f'<p class="muted">{_e(period_text(doc))} · timezone {_e(p["timezone"])} · '
        f"generated {_e(doc['generated_at'])} by yawyas</p>",
        _privacy(doc),
        _summary(doc),
        "<h2>Listening clock</h2>",
        '<p class="muted">Plays by weekday and local hour of the start.</p>',
        _inline(svg.clock_svg(p["clock"])),
        "<h2>Moments</h2>",
        _moments(doc),
        "<h2>What yawyas and Spotify infer about you</h2>",
        _inferences(doc),
    ]
    for key, title, paired in TOP_LISTS:
        if p[key] or key != "top_shows":
            parts += [f"<h2>{_e(title)}</h2>", _top(p[key], paired)]
    parts += ["<h2>Taste over the years</h2>"]
    parts += [
        f"<h3>{_e(y['year'])}</h3>"
        + _inline(svg.bars_svg(taste_bars(y), f"Top artists of {y['year']}"))
        + _top(y["top_artists"], False)
        for y in p["taste_by_year"]
    ] or ['<p class="muted">none</p>']
    discovery = p["discovery"]
    parts += [
        "<h2>Discovery curve</h2>",
        '<p class="muted">Artists heard for the first time, per month.</p>',
        _inline(svg.curve_svg([(m["month"], m["new_artists"]) for m in discovery])),
        _table(
            ["month", "new artists", "for example"],
            [[m["month"], m["new_artists"], ", ".join(m["artists"])] for m in discovery],
            {1},
        ),
        "<h2>Devices</h2>",
        _inline(
            svg.bars_svg(
                [(d["family"], d["ms"] / 3_600_000) for d in p["devices"]],
                "Listening time by device",
            )
        ),
        _table(
            ["device", "listening time", "plays", "share"],
            [
                [d["family"], fmt_hours(d["ms"]), fmt_count(d["plays"]), fmt_share(d["share"])]
                for d in p["devices"]
            ],
            {1, 2, 3},
        ),
        "<h2>Habits</h2>",
        _habits(p),
    ]
    if p["countries"]:
        parts += [
            "<h2>Countries</h2>",
            _table(
                ["country", "listening time", "share"],
                [[c["country"], fmt_hours(c["ms"]), fmt_share(c["share"])] for c in p["countries"]],
                {1, 2},
            ),
        ]
    parts.append("</main></body></html>\n")
    return "\n".join(parts)
