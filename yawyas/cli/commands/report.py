"""`yawyas report`: the profile and the moments as a document to keep or share."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from yawyas.cli import output
from yawyas.cli.app import State, app, state
from yawyas.cli.commands.profile import TzOption
from yawyas.errors import BadInputError


def _moments(st: State, *, tz: str, travel_aware: bool) -> list[dict[str, Any]]:
    """The store's moments as documents (learned once per history; hidden ones flagged)."""
    from yawyas.analysis.moments.types import to_document
    from yawyas.moments_service import load_moments

    view = load_moments(st.connect(), st.config, tz=tz, travel_aware=travel_aware)
    return [to_document(m) for m in view.moments]


@app.command()
def report(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="The report file: .html, .md or .json (the suffix picks it)."
        ),
    ],
    tz: TzOption = None,
    since: Annotated[str | None, typer.Option(help="First local day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Last local day, YYYY-MM-DD.")] = None,
    year: Annotated[int | None, typer.Option(help="One calendar year (local time).")] = None,
    top: Annotated[int, typer.Option(min=1, max=100, help="Length of top lists.")] = 10,
    anonymize: Annotated[
        bool,
        typer.Option(
            "--anonymize",
            help="Pseudonyms instead of names; no countries, timezone or dates finer than months.",
        ),
    ] = False,
    keep_names: Annotated[
        bool,
        typer.Option("--keep-names", help="With --anonymize: keep the real names."),
    ] = False,
    with_moments: Annotated[
        bool,
        typer.Option(
            "--moments/--no-moments",
            help="Include the moments (learned once per history; the first run takes longer).",
        ),
    ] = True,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print what was written as JSON.")
    ] = False,
) -> None:
    """Write your profile, moments and Spotify's inferences as one HTML, Markdown or JSON file.

    Moments are learned from the whole history; a report of a period shows those active in it.
    The HTML page is self-contained (charts inline, no scripts, works offline). Markdown writes
    its charts as SVG files in <name>_files/ beside it. JSON follows
    yawyas/schemas/report.schema.json.

    Example: yawyas report --out 2024.html --year 2024 --anonymize
    """
    from yawyas.reports.document import (
        build_known_names,
        build_report,
        report_format,
        select_moments,
        write_report,
    )
    from yawyas.reports.summary import build_profile
    from yawyas.store.cache import load_history
    from yawyas.store.library import load_inferences
    from yawyas.store.spotify import load_playlist_memberships

    report_format(out)
    if keep_names and not anonymize:
        raise BadInputError("--keep-names only applies together with --anonymize; add it.")
    st = state(ctx)
    zone, travel = st.timezone(tz)
    conn = st.connect()
    with output.status("Building the report..."):
        streams = load_history(conn)
        profile = build_profile(
            streams, tz=zone, travel_aware=travel, since=since, until=until, year=year, top_n=top
        )
        moments = (
            select_moments(_moments(st, tz=zone, travel_aware=travel), profile["period"])
            if with_moments
            else None
        )
        known = (
            build_known_names(streams, (name for name, _ in load_playlist_memberships(conn)))
            if anonymize
            else None
        )
        doc = build_report(
            profile,
            moments=moments,
            inferences=load_inferences(conn),
            anonymize=anonymize,
            keep_names=keep_names,
            known_names=known,
        )
        written = write_report(doc, out)
    if as_json:
        output.print_json({"files": [str(p) for p in written], "privacy": doc["privacy"]})
        return
    for path in written:
        output.console.print(f"Wrote {escape(str(path))}", highlight=False)
