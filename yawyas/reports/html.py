"""The report as ONE self-contained HTML file: inline CSS and SVG, no scripts, no requests.

It opens offline in any browser: no external stylesheets, fonts, images or scripts, and no
URL in any src, href or url(). Every piece of user data (names, evidence, inferences) is escaped.
The layout is one column of sections that reads at phone width (charts scale with their
viewBox, wide tables scroll sideways inside their section) and follows the system's dark mode.
Charts say what they show in words (`<title>`, `<desc>`); where a chart's numbers are worth
reading one by one they sit in a folded `<details>` table below it, not repeated in full.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from yawyas.reports import html_listening as listening
from yawyas.reports import svg, timecharts
from yawyas.reports.document import (
    DASH,
    fmt_count,
    fmt_hours,
    fmt_share,
    yawyas_traits,
)
from yawyas.reports.htmlkit import CSS, esc, figure, pair, section
from yawyas.reports.wording import (
    fmt_day,
    period_words,
    sources_words,
)


def _header(doc: Mapping[str, Any]) -> str:
    p = doc["profile"]
    zone = p["timezone"]
    where = "" if zone == "withheld" else f" · local time in {zone}"
    music = next((k["share"] for k in p["kinds"] if k["kind"] == "track"), None)
    top = p["top_artists"][0]["name"] if p["top_artists"] else None
    cards = [
        (fmt_hours(p["listening_ms"]), "listening time"),
        (fmt_count(p["plays"]), "plays"),
        (fmt_count(p["diversity"]["artists"]), "artists"),
        (fmt_share(music), "of it music"),
        (fmt_count(p["sessions"]["count"]), "sessions"),
    ]
    body = "".join(
        f'<div class="card"><b>{esc(v)}</b><span>{esc(k)}</span></div>' for v, k in cards
    )
    if top is not None:
        body += (
            f'<div class="card"><b class="name">{esc(top)}</b><span>most played artist</span></div>'
        )
    return (
        "<header><h1>You are what <span>you stream</span></h1>"
        f'<p class="muted">{esc(period_words(doc))}{esc(where)} · made by yawyas on '
        f"{esc(fmt_day(doc['generated_at']))}</p>"
        f"{_origin(doc)}"
        f'{_privacy(doc)}<div class="cards">{body}</div></header>'
    )


def _origin(doc: Mapping[str, Any]) -> str:
    """Which sources the period comes from (Spotify, Last.fm, ListenBrainz), as a line."""
    words = sources_words(doc)
    return f'<p class="muted">{esc(words)}</p>' if words else ""


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
        '<p class="note">Anonymised report: ' + esc(names) + " No countries or timezone; no date "
        "finer than the month.</p>"
    )


def _swatch(index: int) -> str:
    return f'<span class="sw" style="background:{svg.moment_colour(index)}">{index + 1}</span>'


def _week(doc: Mapping[str, Any]) -> str:
    lede = (
        "The recurring moments of your listening life, learned from your history: each block is "
        "a moment's time window in its colour; grey shows how much you play at each hour."
    )
    if not doc["moments_available"]:
        return section(
            "week",
            "Your week",
            "",
            '<p class="muted">Moments were not computed for this report.</p>',
        )
    if not doc["moments"]:
        return section(
            "week",
            "Your week",
            "",
            '<p class="muted">No recurring moments were found in this period.</p>',
        )
    p = doc["profile"]
    chart = timecharts.week_svg(timecharts.moment_windows(doc), p["clock"], legend=False)
    legend = "".join(
        f'<li>{_swatch(i)}<span><b>{esc(m["name"])}</b><br><span class="muted">'
        f"{esc('; '.join(w['text'] for w in m['windows']) or DASH)} · "
        f"{esc(fmt_share(m['share_plays']))} of plays</span></span></li>"
        for i, m in enumerate(doc["moments"])
    )
    return section(
        "week",
        "Your week",
        lede,
        f'<div class="split">{figure(chart)}<ul class="legend">{legend}</ul></div>',
    )


def _moment(m: Mapping[str, Any], index: int) -> str:
    windows = "; ".join(w["text"] for w in m["windows"]) or DASH
    chips = [
        windows,
        f"{fmt_share(m['share_plays'])} of plays",
        f"{fmt_share(m['share_ms'])} of time",
    ]
    if m["device"]:
        chips.append(f"on the {m['device']}")
    if m["skip_rate"] is not None:
        chips.append(f"skips {fmt_share(m['skip_rate'])}")
    if m.get("audience", "you") != "you":
        chips.append(f"for: {m['audience']}")
    lists = []
    for key, title, paired, shown in (
        ("top_artists", "Artists", False, 5),
        ("top_tracks", "Tracks", True, 3),
        ("top_playlists", "Playlists", False, 3),
    ):
        items = [
            (f"{e['name']} — {e['artist']}" if paired and e.get("artist") else e["name"])
            for e in m[key]
        ]
        if items:
            lists.append(
                f'<div><b>{title}</b><ol class="rank">'
                + "".join(f"<li>{esc(i)}</li>" for i in items[:shown])
                + "</ol></div>"
            )
    traits = []
    for t in m["traits"]:
        evidence = "".join(f"<li>{esc(e)}</li>" for e in t["evidence"])
        traits.append(
            f'<li><b>{esc(t["name"])}</b> <span class="conf">{fmt_share(t["confidence"])}'
            f"</span> sure<ul>{evidence}</ul></li>"
        )
    trait_html = (
        f'<p><b>What it suggests</b></p><ul class="traits">{"".join(traits)}</ul>' if traits else ""
    )
    colour = svg.moment_colour(index)
    chip_html = "".join(f'<span class="chip">{esc(c)}</span>' for c in chips)
    return (
        f'<div class="moment" id="{esc(m["id"])}" style="border-color:{colour}">'
        f"<h3>{_swatch(index)}{esc(m['name'])}</h3>"
        f'<div class="chips">{chip_html}</div>'
        f'<div class="row">{"".join(lists)}</div>{trait_html}</div>'
    )


def _moments(doc: Mapping[str, Any]) -> str:
    if not doc["moments_available"] or not doc["moments"]:
        return ""
    return section(
        "moments",
        "Moments",
        "How each moment sounds: what plays, on which device, and what it suggests about you, "
        "with the evidence.",
        '<div class="moments">',
        *(_moment(m, i) for i, m in enumerate(doc["moments"])),
        "</div>",
    )


def _inferences(doc: Mapping[str, Any]) -> str:
    ours = yawyas_traits(doc)
    ours_html = (
        "<ul>"
        + "".join(
            f"<li><b>{esc(t['name'])}</b> ({fmt_share(t['confidence'])}) — from "
            f"{esc(', '.join(t['moments']))}</li>"
            for t in ours
        )
        + "</ul>"
        if ours
        else '<p class="muted">No traits (no moments).</p>'
    )
    spotify = doc["spotify_inferences"]
    theirs_html = (
        "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in spotify) + "</ul>"
        if spotify
        else '<p class="muted">Inferences.json was not imported (it comes with Spotify\'s '
        "Account data export).</p>"
    )
    return section(
        "infer",
        "What yawyas and Spotify infer about you",
        "",
        '<div class="pair"><div><h3>What yawyas infers</h3>'
        f"{ours_html}</div><div><h3>What Spotify infers</h3>{theirs_html}</div></div>",
    )


def render_html(doc: Mapping[str, Any]) -> str:
    """The whole report as one HTML page (a string), self-contained and escaped."""
    p = doc["profile"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        "<title>You are what you stream · yawyas</title>",
        f"<style>{CSS}</style></head><body><main>",
        _header(doc),
        listening.audiences(p),
        _week(doc),
        pair(listening.over_time(p), listening.calendar(doc)),
        pair(listening.artists(p), listening.kinds(p)),
        listening.tops(p),
        pair(listening.obsessions(p), listening.forgotten(p)),
        _moments(doc),
        pair(listening.clock(p), listening.discovery(p)),
        listening.taste(p),
        pair(listening.devices(p), listening.habits(p)),
        listening.countries(p),
        _inferences(doc),
        "<footer>Made with yawyas from a Spotify listening history, on its owner's machine. "
        "Nothing in this page comes from or goes to the internet.</footer>",
        "</main></body></html>\n",
    ]
    return "\n".join(part for part in parts if part)
