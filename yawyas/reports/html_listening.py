"""The HTML report's sections about listening: over time, day by day, the clock, top lists,
kinds, obsessions and forgotten favourites, taste over the years, discovery, devices,
countries and habits. Each takes the profile (or the document) and returns one section.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from yawyas.reports import svg, timecharts
from yawyas.reports.countries import country_name
from yawyas.reports.document import (
    fmt_count,
    fmt_hours,
    fmt_share,
    taste_bars,
)
from yawyas.reports.htmlkit import (
    details,
    esc,
    figure,
    one,
    pair,
    section,
    table,
    top_list,
)
from yawyas.reports.wording import (
    MONTHLY_HEADER,
    fmt_day,
    fmt_duration,
    fmt_local,
    fmt_month,
    fmt_span,
    monthly_rows,
)

_KIND_NAMES: Final = {
    "track": "music",
    "episode": "podcasts",
    "audiobook": "audiobooks",
    "video": "videos",
    "unknown": "unknown",
}


_KIND_COLOURS: Final = {
    "track": svg.KIND_COLOURS["music"],
    "episode": svg.KIND_COLOURS["podcast"],
    "audiobook": svg.KIND_COLOURS["audiobook"],
    "video": "#4a90a4",
    "unknown": svg.KIND_COLOURS["other"],
}


def over_time(p: Mapping[str, Any]) -> str:
    monthly = p.get("monthly") or []
    if not monthly:
        return ""
    numbers = table(list(MONTHLY_HEADER), monthly_rows(monthly), {1, 2, 3, 4, 5})
    return section(
        "over-time",
        "Listening over time",
        "Hours of listening each month, music and podcasts apart.",
        figure(timecharts.monthly_svg(monthly)),
        details("The numbers, month by month", numbers),
    )


def calendar(doc: Mapping[str, Any]) -> str:
    p = doc["profile"]
    daily = p.get("daily")
    if daily is None:
        if doc["privacy"]["anonymized"]:
            return section(
                "days",
                "Day by day",
                "",
                '<p class="muted">The calendar of days is left out of '
                "anonymised reports (it would show dates).</p>",
            )
        return ""
    lede = (
        f"Every day from {fmt_day(daily['first_day'])} to {fmt_day(daily['last_day'])}, "
        "one square each, the greener the more you listened (Monday on top)."
    )
    chart = timecharts.calendar_svg(daily["first_day"], daily["ms"], daily["plays"])
    return section("days", "Day by day", lede, figure(chart))


def clock(p: Mapping[str, Any]) -> str:
    return section(
        "clock",
        "Listening clock",
        "Plays by weekday and local hour of their start.",
        figure(svg.clock_svg(p["clock"])),
    )


def artists(p: Mapping[str, Any]) -> str:
    items = [(e["name"], e["ms"] / 3_600_000) for e in p["top_artists"]]
    notes = [f"{e['plays']:,} plays" for e in p["top_artists"]]
    chart = svg.bars_svg(items, "Top artists", notes=notes)
    return section(
        "artists", "Top artists", "Music by listening time, over the whole period.", figure(chart)
    )


def tops(p: Mapping[str, Any]) -> str:
    return pair(
        section("tracks", "Top tracks", "", top_list(p["top_tracks"], True, "track")),
        section("albums", "Top albums", "", top_list(p["top_albums"], True, "album")),
    )


def kinds(p: Mapping[str, Any]) -> str:
    kinds = [k for k in p["kinds"] if k["ms"] > 0]
    parts = [(_KIND_NAMES[k["kind"]], k["share"], _KIND_COLOURS[k["kind"]]) for k in kinds]
    chart = svg.share_bar_svg(parts, "Music and podcasts")
    facts = table(
        ["", "listening time", "plays"],
        [[_KIND_NAMES[k["kind"]], fmt_hours(k["ms"]), fmt_count(k["plays"])] for k in kinds],
        {1, 2},
    )
    shows = "<h3>Top shows</h3>" + top_list(p["top_shows"], False, "show") if p["top_shows"] else ""
    return section(
        "kinds",
        "Music and podcasts",
        "What kind of listening fills your time.",
        figure(chart),
        facts,
        shows,
    )


def obsessions(p: Mapping[str, Any]) -> str:
    items = [
        f"<li><b>{esc(o['name'])}</b>{' — ' + esc(o['artist']) if o['artist'] else ''} "
        f'<span class="muted">· {o["plays"]:,} plays within a week, '
        f"{esc(fmt_span(o['window_start'], o['window_end']))}</span></li>"
        for o in p["obsessions"]
    ]
    body = (
        f'<ol class="rank">{"".join(items)}</ol>'
        if items
        else ('<p class="muted">No track was played 3 times or more within a week.</p>')
    )
    return section(
        "obsessions", "Obsessions", "The tracks you played most within any 7 days.", body
    )


def forgotten(p: Mapping[str, Any]) -> str:
    items = [
        f"<li><b>{esc(f['name'])}</b>{' — ' + esc(f['artist']) if f['artist'] else ''} "
        f'<span class="muted">· {f["plays"]:,} plays from {esc(fmt_month(f["first_played"]))}; '
        f"last played {esc(fmt_month(f['last_played']))}</span></li>"
        for f in p["forgotten_favorites"]
    ]
    body = (
        f'<ol class="rank">{"".join(items)}</ol>'
        if items
        else ('<p class="muted">None: every track you played a lot, you still play.</p>')
    )
    return section(
        "forgotten",
        "Forgotten favourites",
        "Tracks you once played a lot and have not played for 6 months.",
        body,
    )


def taste(p: Mapping[str, Any]) -> str:
    years = p["taste_by_year"]
    if not years:
        return section("taste", "Taste over the years", "", '<p class="muted">none</p>')
    charts = "".join(
        f"<div><h3>{esc(y['year'])}</h3>"
        + figure(svg.bars_svg(taste_bars(y), f"Top artists of {y['year']}", width=360))
        + "</div>"
        for y in years
    )
    return section(
        "taste",
        "Taste over the years",
        "Your five most played artists of each year, in hours.",
        f'<div class="years">{charts}</div>',
    )


def discovery(p: Mapping[str, Any]) -> str:
    months = p["discovery"]
    if not months:
        return section("discovery", "Discovery curve", "", '<p class="muted">No music.</p>')
    lede = (
        "Columns: artists you heard for the first time each month. In the first three months of "
        "your history every artist is new, so they are greyed out and do not set the scale. "
        "Line: the share of each month's music time on artists you had found in the 90 days "
        "before."
    )
    rows = [
        [
            fmt_month(m["month"]) + (" (warm-up)" if m.get("warmup") else ""),
            m["new_artists"],
            fmt_share(m.get("fresh_share")),
            ", ".join(m["artists"]),
        ]
        for m in months
    ]
    numbers = table(["month", "new artists", "time on new", "for example"], rows, {1, 2})
    return section(
        "discovery",
        "Discovery curve",
        lede,
        figure(timecharts.discovery_svg(months)),
        details("The numbers, month by month", numbers),
    )


def devices(p: Mapping[str, Any]) -> str:
    chart = svg.bars_svg(
        [(d["family"], d["ms"] / 3_600_000) for d in p["devices"]],
        "Listening time by device",
        notes=[f"{fmt_share(d['share'])}" for d in p["devices"]],
    )
    return section("devices", "Devices", "", figure(chart))


def countries(p: Mapping[str, Any]) -> str:
    if not p["countries"]:
        return ""
    rows = [
        [country_name(c["country"]), fmt_hours(c["ms"]), fmt_share(c["share"])]
        for c in p["countries"]
    ]
    return section(
        "countries",
        "Countries",
        "Where you were connected, as Spotify logged it.",
        table(["country", "listening time", "share"], rows, {1, 2}),
    )


def _base(intent: Mapping[str, Any], known: str = "known_starts") -> str:
    """ " of the N streams that record it" when a rate's base is only part of the music."""
    n = intent.get(known) or 0
    if n == 0 or n >= (intent.get("streams") or 0):
        return ""
    return f" (of the {n:,} music streams that record it)"


def habits(p: Mapping[str, Any]) -> str:
    intent, s, d = p["intent"], p["sessions"], p["diversity"]
    cards = [
        (fmt_duration(s["median_ms"]), "median session"),
        (fmt_duration(s["longest_ms"]), f"longest session ({fmt_local(s['longest_start'])})"),
        (fmt_share(intent["deliberate_share"]), "plays you started yourself" + _base(intent)),
        (fmt_share(intent["skip_rate"]), "skipped" + _base(intent, "skip_known")),
        (one(d["effective_artists"]), "artists' worth of variety"),
        (fmt_share(d["top10_share"]), "of music time on your top 10"),
    ]
    body = "".join(
        f'<div class="card"><b>{esc(v)}</b><span>{esc(k)}</span></div>' for v, k in cards
    )
    return section("habits", "Habits", "", f'<div class="cards">{body}</div>')


_AUDIENCE_COLOURS: Final = {
    "kids": "#e69f00",
    "someone else": "#cc79a7",
    "functional": "#56b4e9",
}


def audiences(p: Mapping[str, Any]) -> str:
    """Whose listening the report counts: the person's own taste, and what it left out (kids'
    songs, someone else on the account, sleep sounds) with the evidence."""
    if p.get("everyone", True):
        return section(
            "audiences",
            "Whose listening",
            "Every stream of the account counts in this report, whoever it was played for.",
        )
    left_out = p.get("left_out") or []
    if not left_out:
        return section(
            "audiences",
            "Whose listening",
            "All of it is yours: no children's music, no one else on the account and no sleep "
            "sounds were found to leave out.",
        )
    mine = max(0.0, 1.0 - sum(e["share_plays"] for e in left_out))
    parts = [("your taste", mine, svg.ACCENT)] + [
        (e["label"], e["share_plays"], _AUDIENCE_COLOURS.get(e["audience"], "#9aa0a6"))
        for e in left_out
    ]
    chart = svg.share_bar_svg(parts, "Whose listening")
    rows = [
        [e["label"], fmt_share(e["share_plays"]), fmt_count(e["plays"]), "; ".join(e["evidence"])]
        for e in left_out
    ]
    return section(
        "audiences",
        "Whose listening",
        "This report counts your own taste. Left out of it, with the evidence (label your own in "
        "config.toml; --everyone counts everything):",
        figure(chart),
        table(["left out", "of plays", "plays", "why"], rows, {1, 2}),
    )
