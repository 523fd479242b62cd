"""`yawyas export ...`: writing the history out for other tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from yawyas.cli import output
from yawyas.cli.app import app, state
from yawyas.cli.options import TzOption

export_app = typer.Typer(help="Write your data out for other tools.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("plays")
def export_plays(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="File to write: .csv, .parquet or .jsonl.")
    ],
    since: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD (UTC).")] = None,
    until: Annotated[
        str | None, typer.Option(help="Last day, YYYY-MM-DD (UTC), inclusive.")
    ] = None,
    tz: TzOption = None,
) -> None:
    """Write the clean history, one row per stream, as CSV, Parquet or JSON lines.

    Example: yawyas export plays --out plays.csv --since 2024-01-01
    """
    from yawyas.services import export as plays_report

    st = state(ctx)
    zone, travel = st.timezone(tz)
    conn = st.connect()
    n = plays_report.write_plays(conn, out, since=since, until=until, tz=zone, travel_aware=travel)
    output.show(f"Wrote {n:,} streams to ", str(out), ".", stderr=True)
