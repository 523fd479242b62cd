"""`yawyas moments`: the recurring moments of your listening life."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from yawyas.analysis.moments.types import Moment, Ranked, to_document
from yawyas.cli import output
from yawyas.cli.app import app, state
from yawyas.cli.options import AsJson, TzOption

DEVICE_NAMES = {"desktop": "computer", "web": "browser", "tv": "TV"}
LABELS = {"podcasts": ("shows", "episodes"), "audiobooks": ("books", "chapters")}
FOR = {"kids": "for kids", "someone else": "someone else's", "functional": "functional"}


@app.command()
def moments(
    ctx: typer.Context,
    tz: TzOption = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also show the moments hidden in the config file.")
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Learn them again even if nothing changed.")
    ] = False,
    top: Annotated[int, typer.Option(min=1, max=20, help="Length of the top lists.")] = 3,
    as_json: AsJson = False,
) -> None:
    """The recurring moments of your listening life: when, how and what, and what they say.

    Moments are learned from your history (a weekend run, kids' songs after school, tango
    on Fridays...) and kept in the store until the history changes. Each says who it is for
    (you, kids, someone else, functional). Rename, hide or relabel one in the config file with
    a table per moment id: [moments.m3fa2c1d0] name = "Sunday long run", hidden = true,
    audience = "kids".

    Example: yawyas moments --tz Europe/Madrid
    """
    from yawyas.services.moments import load_moments

    st = state(ctx)
    zone, travel = st.timezone(tz)
    conn = st.connect()
    if as_json:
        view = load_moments(conn, st.config, tz=zone, travel_aware=travel, refresh=refresh)
    else:
        with output.status("Learning your moments..."):
            view = load_moments(conn, st.config, tz=zone, travel_aware=travel, refresh=refresh)
    shown = [m for m in view.moments if show_all or not m.hidden]
    if as_json:
        output.print_json(
            {
                "timezone": zone,
                "travel_aware": travel,
                "generation": view.generation,
                "computed_at": output.utc_iso(view.computed_at),
                "cached": view.cached,
                "streams": view.streams,
                "streams_in_moments": view.streams_in_moments,
                "hidden": sum(m.hidden for m in view.moments),
                "moments": [to_document(m) for m in shown],
            }
        )
        return
    console = output.console
    if view.streams == 0:
        console.print("No listening history yet: import your Spotify export first.")
        console.print("  yawyas import ~/Downloads/my_spotify_data.zip", highlight=False)
        return
    console.print(_summary(view.streams, view.streams_in_moments, len(shown), zone))
    if not shown:
        console.print("No recurring moments stand out in this history yet.")
        return
    console.print(_overview(shown))
    for i, m in enumerate(shown, 1):
        console.print(_details(i, m, top))
    hidden = sum(m.hidden for m in view.moments) if not show_all else 0
    hint = f'Rename or hide a moment in {st.config.path}: [moments.<id>] name = "..."'
    if hidden:
        hint += f" ({hidden} hidden; --all shows them)"
    console.print(output.literal(hint, style="dim"))


def _pct(share: float | None) -> str:
    if share is None:
        return "-"
    return "<1%" if 0 < share < 0.005 else f"{100 * share:.0f}%"


def _summary(streams: int, covered: int, count: int, zone: str) -> Text:
    text = Text()
    text.append(f"{count} moment{'s' if count != 1 else ''}", style="bold")
    text.append(f" in {streams:,} streams; {_pct(covered / streams)} of your listening fits one")
    text.append(f" (local time: {zone})", style="dim")
    return text


def _overview(shown: list[Moment]) -> Table:
    table = Table(title="Moments", title_justify="left", expand=False, pad_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("moment", overflow="fold", max_width=38)
    table.add_column("when", overflow="fold", max_width=22)
    table.add_column("plays", justify="right")
    table.add_column("time", justify="right")
    for i, m in enumerate(shown, 1):
        name = output.literal(m.name)
        if m.audience != "you":
            name.append(f" ({FOR.get(m.audience, m.audience)})", style="magenta")
        if not m.current:
            name.append(f" (until {m.active_to[:7]})", style="dim")
        if m.hidden:
            name.append(" (hidden)", style="dim")
        table.add_row(
            str(i),
            name,
            Text("\n".join(output.clean(w.describe()) for w in m.windows)),
            _pct(m.play_share),
            _pct(m.time_share),
        )
    return table


def _names(items: tuple[Ranked, ...], top: int, *, share: bool = False) -> Text:
    """Names from the data, shown literally (never read as markup)."""
    parts = []
    for r in items[:top]:
        text = r.name if r.artist is None else f"{r.name} ({r.artist})"
        parts.append(f"{text} {_pct(r.share)}" if share else text)
    return output.literal(", ".join(parts))


def _how(m: Moment) -> str:
    device = DEVICE_NAMES.get(m.device, m.device)
    parts = [f"{device} {_pct(m.device_share)}"]
    if m.content != "music":
        parts.append(m.content)
    if m.shuffle_share is not None and m.content in ("music", "mixed"):
        parts.append(f"shuffle {_pct(m.shuffle_share)}")
    if m.deliberate_share is not None:
        parts.append(f"chosen {_pct(m.deliberate_share)}")
    if m.skip_rate is not None:
        parts.append(f"skips {_pct(m.skip_rate)}")
    return " · ".join(parts)


def _since(m: Moment) -> str:
    first = m.active_from or datetime.fromtimestamp(m.first_played_at, UTC).strftime("%Y-%m-%d")
    last = m.active_to or datetime.fromtimestamp(m.last_played_at, UTC).strftime("%Y-%m-%d")
    era = f"{first} to {last}" + ("" if m.current else " (a past moment)")
    return f"{era}: {m.weeks:,} weeks, {m.days:,} days, {m.sessions:,} sessions"


def _odds(m: Moment) -> str:
    """What the null model said: the days it happened on against chance."""
    return (
        f"{m.occasions:,} days in its pattern against {m.expected:,.1f} by chance"
        f" (z {m.z:.1f}); busiest day {m.top_day_share:.0%} of it"
    )


def _details(i: int, m: Moment, top: int) -> RenderableType:
    title = Text(f"{i}. ", style="dim")
    title.append_text(output.literal(m.name, style="bold"))
    title.append(f"  {m.id}", style="dim")
    if m.hidden:
        title.append(" (hidden)", style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("when", output.literal("; ".join(w.describe() for w in m.windows)))
    grid.add_row("how", output.literal(_how(m)))
    grid.add_row("era", _since(m))
    grid.add_row("recurs", _odds(m))
    if m.audience != "you" or m.audience_confidence < 1:
        why = "; ".join(e.text for e in m.audience_evidence[:2])
        grid.add_row(
            "audience",
            output.line((m.audience, "magenta"), f" {_pct(m.audience_confidence)}: {why}"),
        )
    who, what = LABELS.get(m.content, ("artists", "tracks"))
    for label, items, share in (
        (who, m.top_artists, False),
        (what, m.top_tracks, False),
        ("playlists", m.top_playlists, True),
    ):
        if items:
            grid.add_row(label, _names(items, top, share=share))
    for trait in m.traits:
        why = "; ".join(e.text for e in trait.evidence[:3])
        grid.add_row(
            "suggests",
            output.line((trait.name, "green"), f" {_pct(trait.confidence)}: {why}"),
        )
    return Group(Text(""), title, grid)
