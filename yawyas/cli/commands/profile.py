"""`yawyas profile`: who you are from what you stream."""

from __future__ import annotations

import typer

from yawyas.cli import output, render
from yawyas.cli.app import app, state
from yawyas.cli.options import AsJson, SinceOption, TopOption, TzOption, UntilOption, YearOption


@app.command()
def profile(
    ctx: typer.Context,
    tz: TzOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    year: YearOption = None,
    top: TopOption = 10,
    as_json: AsJson = False,
) -> None:
    """Who you are from what you stream: when, how, on which device and what you listen to.

    Example: yawyas profile --year 2024 --tz Europe/Madrid
    """
    from yawyas.services.profile import load_profile

    st = state(ctx)
    zone, travel = st.timezone(tz)
    doc = load_profile(
        st.connect(), tz=zone, travel_aware=travel, since=since, until=until, year=year, top=top
    )
    if as_json:
        output.print_json(doc)
    else:
        render.profile(doc, output.console, limit=top)
