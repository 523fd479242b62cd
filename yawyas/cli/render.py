"""Rich renderings of the profile document: readable at 80 columns, plain in a pipe."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from yawyas.cli.output import clean, literal

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SHADES = " ·░▒▓█"
SPARK = "▁▂▃▄▅▆▇█"


def hours(ms: int | float) -> str:
    h = ms / 3_600_000
    return f"{h:,.0f} h" if h >= 100 else f"{h:,.1f} h"


def minutes(ms: int | float) -> str:
    m = ms / 60_000
    return f"{m / 60:.1f} h" if m >= 90 else f"{m:.0f} min"


def pct(share: float | None) -> str:
    if share is None:
        return "-"
    return "<1%" if 0 < share < 0.005 else f"{100 * share:.0f}%"


def rate(share: float | None, known: int | None, total: int | None, of: str = "") -> str:
    """A rate that says its base when only some of the streams record what it counts:
    "72%", or "72% of the 39 streams that record it" (`of` names the base instead)."""
    if share is None or not known:
        return "unknown"
    if total is None or known >= total:
        return pct(share)
    return f"{pct(share)} of the {known:,} {of or 'streams that record it'}"


def clock(grid: list[list[int]]) -> RenderableType:
    """The 7 x 24 listening clock as shaded blocks (two per hour), one row per weekday.

    Shades follow the square root of the count, so quiet hours still show against the peak.
    """
    peak = max((v for row in grid for v in row), default=0)
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="bold")
    table.add_column()
    table.add_column(justify="right", style="dim")
    table.add_row("", Text("00    03    06    09    12    15    18    21", style="dim"), "plays")
    for day, row in zip(DAYS, grid, strict=True):
        cells = Text()
        for value in row:
            level = 0
            if peak and value:
                level = 1 + int((len(SHADES) - 2) * (value / peak) ** 0.5 + 0.5)
            cells.append(SHADES[min(level, len(SHADES) - 1)] * 2, style="green")
        table.add_row(day, cells, f"{sum(row):,}")
    return table


def top_table(
    title: str, rows: list[dict[str, Any]], *, with_artist: bool = False, limit: int = 10
) -> Table:
    table = Table(title=title, title_justify="left", expand=False, pad_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("name", overflow="fold", max_width=36)
    if with_artist:
        table.add_column("by", overflow="fold", max_width=24, style="dim")
    table.add_column("time", justify="right")
    table.add_column("plays", justify="right")
    for i, row in enumerate(rows[:limit], 1):
        cells = [Text(str(i)), literal(row.get("name") or "(unknown)")]
        if with_artist:
            cells.append(literal(row.get("artist") or ""))
        table.add_row(*cells, hours(row["ms"]), f"{row['plays']:,}")
    return table


def spark(values: list[int]) -> str:
    peak = max(values, default=0)
    if peak == 0:
        return ""
    return "".join(SPARK[min(len(SPARK) - 1, int((len(SPARK) - 1) * v / peak))] for v in values)


_SOURCE_NAMES = {
    "api": "Spotify sync",
    "lastfm": "Last.fm",
    "listenbrainz": "ListenBrainz",
}


def _sources_line(sources: list[dict[str, Any]]) -> str:
    """'From Spotify 2013-04-16 to 2024-09-26 (41,276), Last.fm 2008-03-01 to 2020-11-20
    (54,321)': the sources of the period, named plainly, with their dates and streams."""
    merged: dict[str, list[Any]] = {}
    for s in sources:
        name = _SOURCE_NAMES.get(s["source"], "Spotify")
        have = merged.setdefault(name, [s["first_day"], s["last_day"], 0])
        have[0], have[1] = min(have[0], s["first_day"]), max(have[1], s["last_day"])
        have[2] += s["streams"]
    if len(merged) < 2 and set(merged) <= {"Spotify"}:
        return ""  # Spotify alone: nothing to tell apart
    return "From " + ", ".join(
        f"{name} {first} to {last} ({n:,})" for name, (first, last, n) in merged.items()
    )


def profile(doc: dict[str, Any], console: Console, *, limit: int = 10) -> None:
    """Print the whole profile: totals, clock, tops, habits, discovery, taste over time."""
    if not doc["streams"]:
        console.print("No streams in this period. Import an export first: yawyas import PATH")
        return
    first, last = (doc["first_played_at"] or "")[:10], (doc["last_played_at"] or "")[:10]
    period = doc["period"]
    scope = f"{period['since'] or first} to {period['until'] or last}"
    summary = Text.assemble(
        (f"{doc['streams']:,}", "bold"),
        " streams, ",
        (f"{doc['plays']:,}", "bold"),
        " plays, ",
        (hours(doc["listening_ms"]), "bold"),
        " of listening, ",
        f"{scope} (local time: {doc['timezone']}",
        ", travel-aware)" if doc.get("travel_aware") else ")",
    )
    origin = _sources_line(doc.get("sources") or [])
    if origin:
        summary.append(f"\n{origin}")
    left_out = left_out_line(doc.get("left_out") or [])
    if left_out is not None:
        summary.append("\n")
        summary.append_text(left_out)
    console.print(Panel(summary, title="You are what you stream", title_align="left", expand=False))
    console.print(
        Panel(
            clock(doc["clock"]),
            title="When you listen (plays by local start hour)",
            title_align="left",
            expand=False,
        )
    )

    console.print(top_table("Top artists by time", doc["top_artists"], limit=limit))
    console.print(top_table("Top tracks by time", doc["top_tracks"], with_artist=True, limit=limit))
    console.print(top_table("Top albums by time", doc["top_albums"], with_artist=True, limit=limit))
    if doc["top_shows"]:
        console.print(top_table("Top shows by time", doc["top_shows"], limit=limit))
    by_plays = ", ".join(clean(a["name"] or "(unknown)") for a in doc["top_artists_by_plays"][:5])
    console.print(Text.assemble(("Most played artists: ", "bold"), by_plays))

    console.print(_habits(doc))
    console.print(_discovery(doc))
    _track_table(
        console,
        "Obsessions (most plays within 7 days)",
        "week of",
        [(o["name"], o["artist"], o["plays"], o["window_start"]) for o in doc["obsessions"]],
        limit=limit,
    )
    _track_table(
        console,
        "Forgotten favourites (much played, silent for 6 months)",
        "last played",
        [
            (f["name"], f["artist"], f["plays"], f["last_played"])
            for f in doc["forgotten_favorites"]
        ],
        limit=limit,
    )
    if doc["taste_by_year"]:
        t = Table(
            title="Taste over the years (top artists by time)", title_justify="left", pad_edge=False
        )
        t.add_column("year", style="bold")
        t.add_column("artists", overflow="fold")
        for y in doc["taste_by_year"]:
            names = ", ".join(clean(a["name"] or "(unknown)") for a in y["top_artists"][:3])
            t.add_row(str(y["year"]), Text(names))
        console.print(t)


def left_out_line(left_out: list[dict[str, Any]]) -> Text | None:
    """'Left out of your taste: Kids' songs on the speaker (20% of plays), sleep sounds (9%)',
    or None when nothing was."""
    if not left_out:
        return None
    parts = []
    for i, entry in enumerate(left_out):
        label = entry["label"] if i == 0 else entry["label"][:1].lower() + entry["label"][1:]
        share = f"{pct(entry['share_plays'])} of plays" if i == 0 else pct(entry["share_plays"])
        parts.append(f"{label} ({share})")
    text = Text("Left out of your taste: ", style="bold")
    text.append(clean(", ".join(parts)))
    text.append(" (--everyone counts them)", style="dim")
    return text


def _track_table(
    console: Console,
    title: str,
    when: str,
    rows: list[tuple[str | None, str | None, int, str | None]],
    *,
    limit: int = 5,
) -> None:
    """A short table of tracks with their plays and a date (nothing when there are none)."""
    if not rows:
        return
    t = Table(title=title, title_justify="left", pad_edge=False)
    t.add_column("track", overflow="fold", max_width=30)
    t.add_column("by", overflow="fold", max_width=20, style="dim")
    t.add_column("plays", justify="right")
    t.add_column(when)
    for name, artist, plays, day in rows[:limit]:
        t.add_row(literal(name or ""), literal(artist or ""), str(plays), (day or "")[:10])
    console.print(t)


def _habits(doc: dict[str, Any]) -> RenderableType:
    s, intent = doc["sessions"], doc["intent"]
    lines = [
        Text.assemble(
            ("Sessions ", "bold"),
            f"{s['count']:,}; median {minutes(s['median_ms'])}"
            f" ({s['median_streams'] or 0:.0f} streams), longest "
            f"{minutes(s['longest_ms'])} on {(s['longest_start'] or '')[:10]}",
        ),
        Text.assemble(("Intent ", "bold"), _intent_line(intent)),
    ]
    devices = Table(title="Devices", title_justify="left", pad_edge=False)
    for col in ("device", "time", "share", "skips"):
        devices.add_column(col, justify="left" if col == "device" else "right")
    by_device = {d["family"]: d for d in intent.get("by_device", [])}
    partial = False
    for d in doc["devices"]:
        if d["streams"]:
            music = by_device.get(d["family"], {})
            known, total = music.get("skip_known"), music.get("streams")
            skips = rate(music.get("skip_rate"), known, total)
            if known and known < (total or 0):
                partial = True
                skips = f"{pct(music.get('skip_rate'))} of {known:,}"
            devices.add_row(literal(d["family"]), hours(d["ms"]), pct(d["share"]), skips)
    if partial:
        devices.caption = "skips: of the N music streams that record it"
        devices.caption_justify = "left"
    kinds = ", ".join(f"{k['kind']} {pct(k['share'])}" for k in doc["kinds"] if k["streams"])
    countries = ", ".join(f"{clean(c['country'])} {pct(c['share'])}" for c in doc["countries"][:6])
    d = doc["diversity"]
    lines += [
        Text.assemble(("What ", "bold"), kinds),
        Text.assemble(("Where ", "bold"), countries),
        Text.assemble(
            ("Diversity ", "bold"),
            f"{d['artists']:,} artists; entropy {d['entropy_bits'] or 0:.1f} bits "
            f"(like {d['effective_artists'] or 0:.0f} equally loved artists); "
            f"top 10 take {pct(d['top10_share'])} of your time",
        ),
    ]
    return Group(devices, *lines)


def _intent_line(intent: dict[str, Any]) -> str:
    """Who chose the music, skips and the next button, each rate with its base when only some
    streams record it (older exports often lack `skipped`)."""
    music = intent["streams"]
    chosen = rate(intent["deliberate_share"], intent["known_starts"], music, "with a start reason")
    passive = rate(intent["passive_share"], intent["known_starts"], music, "with a start reason")
    skipped = rate(intent["skip_rate"], intent["skip_known"], music)
    nexted = rate(intent["fwdbtn_rate"], intent["end_known"], music, "with an end reason")
    return (
        f"of {music:,} music streams: {chosen} started by you (click, play), {passive} played"
        f" on; skipped {skipped}; next pressed {nexted}"
    )


def _discovery(doc: dict[str, Any]) -> RenderableType:
    """New artists per month as a sparkline (the first month, when everything is new, aside)."""
    months = doc["discovery"][1:]
    if not months:
        return Text("")
    recent = months[-36:]
    counts = [m["new_artists"] for m in recent]
    return Text.assemble(
        ("Discovery ", "bold"),
        f"new artists a month, {recent[0]['month']} to {recent[-1]['month']}: ",
        (spark(counts), "cyan"),
        f" (median {sorted(counts)[len(counts) // 2]}, most {max(counts)})",
    )


def moments_summary(moments: Sequence[Any], console: Console) -> None:
    """The person's moments in a few lines each: when, what, and what it says about them."""
    shown = [m for m in moments if not getattr(m, "hidden", False)]
    if not shown:
        return
    table = Table(
        title="Your moments (yawyas moments shows the evidence)",
        title_justify="left",
        pad_edge=False,
    )
    table.add_column("moment", overflow="fold", max_width=40)
    table.add_column("plays", justify="right")
    table.add_column("suggests", overflow="fold")
    for m in shown:
        traits = ", ".join(f"{t.name} {pct(t.confidence)}" for t in m.traits[:2])
        name = literal(m.name)
        audience = getattr(m, "audience", "you")
        if audience != "you":
            name.append(f" ({'for ' if audience == 'kids' else ''}{audience})", style="magenta")
        table.add_row(name, pct(m.play_share), literal(traits))
    console.print(table)
