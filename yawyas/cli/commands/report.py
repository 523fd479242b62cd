"""`yawyas report`: the profile and the moments as a document to keep or share."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from yawyas.cli import output
from yawyas.cli.app import app, state
from yawyas.cli.options import (
    EveryoneOption,
    ForceOption,
    SinceOption,
    TopOption,
    TzOption,
    UntilOption,
    YearOption,
)


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
    since: SinceOption = None,
    until: UntilOption = None,
    year: YearOption = None,
    top: TopOption = 10,
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
    everyone: EveryoneOption = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print what was written as JSON.")
    ] = False,
    force: ForceOption = False,
) -> None:
    """Write your profile, moments and Spotify's inferences as one HTML, Markdown or JSON file.

    Moments are learned from the whole history; a report of a period shows those active in it.
    The profile is of your own taste and says what it left out (--everyone counts it all).
    The HTML page is self-contained (charts inline, no scripts, works offline). Markdown writes
    its charts as SVG files in <name>_files/ beside it. JSON follows
    yawyas/schemas/report.schema.json.

    Example: yawyas report --out 2024.html --year 2024 --anonymize
    """
    from yawyas.services.report import write_store_report

    st = state(ctx)
    zone, travel = st.timezone(tz)
    with output.status("Building the report..."):
        written = write_store_report(
            st.connect(),
            st.config,
            out,
            tz=zone,
            travel_aware=travel,
            since=since,
            until=until,
            year=year,
            top=top,
            anonymize=anonymize,
            keep_names=keep_names,
            with_moments=with_moments,
            everyone=everyone,
            force=force,
        )
    if as_json:
        output.print_json(
            {"files": [str(p) for p in written.files], "privacy": written.document["privacy"]}
        )
        return
    for path in written.files:
        output.show("Wrote ", str(path), stderr=True)
