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
        str | None, typer.Option(help="Hold out from this local day, YYYY-MM-DD.")
    ] = None,
    holdout_days: Annotated[
        int,
        typer.Option("--holdout-days", min=1, help="Hold out N days (the last N by default)."),
    ] = 28,
    windows: Annotated[
        int,
        typer.Option(
            "--windows", min=1, max=52, help="Judge the held-out days in N windows (cutoffs)."
        ),
    ] = 4,
    size: Annotated[int, typer.Option(min=1, max=500, help="Playlist size.")] = 50,
    rolling: Annotated[
        bool,
        typer.Option(
            "--rolling/--from-cutoff",
            help="Judge every quarter hour with all the plays before it, as `playlist now` is"
            " used (the default); or each window whole from its cutoff, a week ahead.",
        ),
    ] = True,
    every: Annotated[
        int,
        typer.Option(
            "--every",
            metavar="MINUTES",
            help="Judging every quarter hour: `now` made again only every MINUTES (a multiple"
            " of 15; 30 as `yawyas schedule` refreshes it).",
        ),
    ] = 15,
    as_json: AsJson = False,
) -> None:
    """How well `playlist now` predicts what you play: hit rate on held-out plays against
    strong baselines (overall top, most recent, same time of the week, ACT-R recency and
    frequency, plays halving every week), each window learned from the plays before it.

    Example: yawyas evaluate --json
    """
    from yawyas.services.playlists import evaluate_history

    st = state(ctx)
    zone, _travel = st.timezone(tz)
    with output.status("Learning from the plays before each cutoff..."):
        result = evaluate_history(
            st.connect(),
            zone,
            config=st.config,
            cutoff=cutoff,
            holdout_days=holdout_days,
            size=size,
            windows=windows,
            rolling=rolling,
            every_minutes=every,
        )
    doc = result.as_dict()
    if as_json:
        output.print_json(doc)
        return
    output.console.print(
        f"Judged on the {result.heldout_plays:,} plays of {len(result.windows)} windows, each "
        f"learned from the plays before it ({result.train_plays:,} before the first, "
        f"{result.moments} moments)"
        + (
            "; each window whole from its cutoff."
            if not rolling
            else "; every quarter hour with all the plays before it."
            if every == 15
            else f"; every quarter hour with the plays before `now` was last made (every {every}"
            " minutes)."
        ),
        highlight=False,
    )
    spread = doc["spread"]
    table = Table(title=f"Hit rate of {size}-track playlists", title_justify="left")
    table.add_column("Playlist")
    table.add_column("Hit rate", justify="right")
    table.add_column("Per window", justify="right")
    names = {
        "top": f"overall top {size}",
        "recent": f"{size} most recently played",
        "time_of_week": f"top {size} of the same weekday within an hour",
        "recency_frequency": "recency and frequency (ACT-R activation)",
        "lately": f"top {size} lately (plays halving every 7 days)",
    }
    rows = [("now (the blend of your signals)", "now")]
    rows += [(names.get(b, b), b) for b in doc["baselines"]]
    for label, key in rows:
        low, high = spread[f"hit_rate_{key}"]["min"], spread[f"hit_rate_{key}"]["max"]
        table.add_row(label, f"{result.rate(key):.1%}", f"{low:.1%}-{high:.1%}")
    output.console.print(table)
    lift = spread["lift_over_best"]
    output.console.print(
        f"now / best baseline ({names.get(result.best_baseline, result.best_baseline)}): "
        f"{result.lift_over_best:.2f}x "
        f"(per window {lift['min']:.2f}-{lift['max']:.2f}x)",
        highlight=False,
    )
