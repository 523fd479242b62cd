"""`yawyas export ...`: writing the history out for other tools."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from yawyas.cli import output
from yawyas.cli.app import app, state
from yawyas.cli.options import ForceOption, TzOption

export_app = typer.Typer(help="Write your data out for other tools.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("plays")
def export_plays(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="File to write: .csv, .parquet or .jsonl; - writes CSV or JSON lines to stdout.",
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="csv|jsonl|parquet",
            help="The format, when the suffix does not say it (with --out -: csv, the default, "
            "or jsonl).",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help="First local day (of the stream's start)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help="Last local day, inclusive."),
    ] = None,
    tz: TzOption = None,
    force: ForceOption = False,
) -> None:
    """Write the clean history, one row per stream, as CSV, Parquet or JSON lines.

    Times are typed: in Parquet, played_at and offline_at are UTC timestamps and local_time is
    the local wall-clock start beside utc_offset_min; in CSV and JSON lines they are ISO 8601
    text (local_time with its offset). Booleans are booleans in Parquet, true/false/null in JSON
    lines and 1/0/empty in CSV. --since and --until are local days in the zone of --tz, as in
    profile. Each row says its moment and its audience (you, kids, someone else, functional).

    Example: yawyas export plays --out plays.csv --since 2024-01-01
    """
    from yawyas.services import export as plays_export

    st = state(ctx)
    zone, travel = st.timezone(tz)
    if str(out) == "-":
        plays_export.export_format(None, fmt)  # a bad --format fails before any work
        try:
            n = plays_export.stream_plays(
                st.connect(),
                sys.stdout,
                fmt=fmt,
                since=since,
                until=until,
                tz=zone,
                travel_aware=travel,
                config=st.config,
            )
        except BrokenPipeError:
            output.quiet_broken_pipe()
            return
        output.err_console.print(f"Wrote {n:,} streams to stdout.", highlight=False)
        return
    n = plays_export.write_plays(
        st.connect(),
        out,
        fmt=fmt,
        force=force,
        since=since,
        until=until,
        tz=zone,
        travel_aware=travel,
        config=st.config,
    )
    output.show(f"Wrote {n:,} streams to ", str(out), ".", stderr=True)
