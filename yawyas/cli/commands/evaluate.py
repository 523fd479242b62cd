"""`yawyas evaluate`: how well `playlist now` predicts what you play."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from yawyas.cli import output
from yawyas.cli.app import app, state
from yawyas.cli.options import AsJson, TzOption


@app.command()
def evaluate(
    ctx: typer.Context,
    tz: TzOption = None,
    cutoff: Annotated[
        str | None, typer.Option(help="Learn before this local day, YYYY-MM-DD.")
    ] = None,
    holdout_days: Annotated[
        int,
        typer.Option("--holdout-days", min=1, help="Without --cutoff: hold out the last N days."),
    ] = 28,
    size: Annotated[int, typer.Option(min=1, max=500, help="Playlist size.")] = 50,
    as_json: AsJson = False,
) -> None:
    """How well `playlist now` predicts what you play: hit rate on held-out plays against the
    overall top and the most recently played tracks.

    Example: yawyas evaluate --json
    """
    from yawyas.services.playlists import evaluate_history

    st = state(ctx)
    zone, _travel = st.timezone(tz)
    with output.status("Learning from the plays before the cutoff..."):
        result = evaluate_history(
            st.connect(),
            zone,
            config=st.config,
            cutoff=cutoff,
            holdout_days=holdout_days,
            size=size,
        )
    doc = result.as_dict()
    if as_json:
        output.print_json(doc)
        return
    output.console.print(
        f"Learned from the {result.train_plays:,} plays before the cutoff "
        f"({result.moments} moments); judged on the {result.heldout_plays:,} plays after it.",
        highlight=False,
    )
    table = Table(title=f"Hit rate of {size}-track playlists", title_justify="left")
    table.add_column("Playlist")
    table.add_column("Hit rate", justify="right")
    table.add_row("now (its moment, or everyday listening)", f"{result.now:.1%}")
    table.add_row(f"overall top {size}", f"{result.top:.1%}")
    table.add_row(f"{size} most recently played", f"{result.recent:.1%}")
    output.console.print(table)
    output.console.print(f"now / top: {result.lift_over_top:.2f}x", highlight=False)
