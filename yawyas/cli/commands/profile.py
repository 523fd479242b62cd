"""`yawyas profile`: who you are from what you stream."""

from __future__ import annotations

import typer

from yawyas.cli import output, render
from yawyas.cli.app import app, state
from yawyas.cli.options import (
    AsJson,
    EveryoneOption,
    SinceOption,
    TopOption,
    TzOption,
    UntilOption,
    YearOption,
)


@app.command()
def profile(
    ctx: typer.Context,
    tz: TzOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    year: YearOption = None,
    top: TopOption = 10,
    everyone: EveryoneOption = False,
    as_json: AsJson = False,
) -> None:
    """Who you are from what you stream: when, how, on which device and what you listen to.

    Your taste only: kids' songs, someone else's listening on the account and sleep sounds are
    left out and named (--everyone counts them too; label your own in config.toml).

    Example: yawyas profile --year 2024 --tz Europe/Madrid
    """
    from yawyas.services.profile import load_profile

    st = state(ctx)
    zone, travel = st.timezone(tz)
    doc = load_profile(
        st.connect(),
        st.config,
        tz=zone,
        travel_aware=travel,
        since=since,
        until=until,
        year=year,
        top=top,
        everyone=everyone,
    )
    if as_json:
        output.print_json(doc)
    else:
        render.profile(doc, output.console, limit=top)
