"""`yawyas import`: getting history in."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from yawyas.cli import output
from yawyas.cli.app import app, state
from yawyas.cli.options import AsJson
from yawyas.cli.unattended import unattended_run

if TYPE_CHECKING:
    from yawyas.services.ingest import ImportReport


@app.command("import")
def import_(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="Export zips, folders, JSON files or scrobble histories (CSV, JSONL)."),
    ],
    keep_going: Annotated[
        bool,
        typer.Option("--keep-going", help="Import the good files even when some are bad."),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Import Spotify privacy exports (zips, folders or JSON files) and Last.fm or ListenBrainz
    histories into the local store.

    Every kind of export is detected by content; re-importing adds nothing. Exit code 3:
    another sync, enrich, import or refresh is running on the store (nothing done).

    Example: yawyas import ~/Downloads/my_spotify_data.zip
    """
    from yawyas.services import ingest
    from yawyas.services.views import refresh_views

    st = state(ctx)
    with unattended_run(st, "import") as run:
        conn = st.connect(write=True)
        with output.byte_progress("Importing", enabled=not as_json) as progress:
            report = ingest.import_paths(conn, paths, keep_going=keep_going, progress=progress)
        refresh_views(conn, st.view_zone())
        run.counts = {
            "added": report.added,
            "duplicates": report.duplicates,
            "files": len(report.files),
            "bad_files": len(report.errors),
        }
        if as_json:
            output.print_json(_report_doc(report))
        else:
            _render_report(report)
        if report.errors:
            for f in report.errors:
                output.error(f.error or f.name)
            raise typer.Exit(2)


def _report_doc(report: ImportReport) -> dict[str, object]:
    totals = report.totals
    assert totals is not None
    return {
        "added": report.added,
        "duplicates": report.duplicates,
        "replaced_scrobbles": report.replaced_scrobbles,
        "skipped": dict(report.skipped),
        "files": [f.as_dict() for f in report.files],
        "errors": [{"path": f.name, "error": f.error} for f in report.errors],
        "store": {
            "streams": totals.streams,
            "plays": totals.plays,
            "listening_ms": totals.listening_ms,
            "first_played_at": output.utc_iso(totals.first_played_at),
            "last_played_at": output.utc_iso(totals.last_played_at),
        },
    }


def _render_report(report: ImportReport) -> None:
    table = Table(title="Import", title_justify="left", expand=False)
    table.add_column("file", overflow="fold")
    table.add_column("kind")
    table.add_column("rows", justify="right")
    table.add_column("added", justify="right")
    table.add_column("dupes", justify="right")
    table.add_column("skipped", overflow="fold")
    for f in report.files:
        skipped = ", ".join(f"{k}: {v}" for k, v in f.skipped.items())
        if f.status != "imported":
            skipped = f.status + (f"; {skipped}" if skipped else "")
        table.add_row(
            output.literal(PurePosixPath(f.name.replace("\\", "/").split(":")[-1]).name),
            output.literal(f.kind),
            f"{f.rows:,}",
            f"{f.added:,}",
            f"{f.duplicates:,}",
            output.literal(skipped),
        )
    output.console.print(table)
    totals = report.totals
    assert totals is not None
    first, last = output.utc_iso(totals.first_played_at), output.utc_iso(totals.last_played_at)
    output.show(
        "Added ",
        (f"{report.added:,}", "bold"),
        f" streams ({report.duplicates:,} already known). The store holds ",
        (f"{totals.streams:,}", "bold"),
        " streams, ",
        (f"{totals.plays:,}", "bold"),
        f" plays, {output.hours(totals.listening_ms)} of listening",
        f", {first[:10]} to {last[:10]}." if first and last else ".",
    )
    if report.replaced_scrobbles:
        output.console.print(
            f"{report.replaced_scrobbles:,} scrobbles were plays that Spotify streams now hold:"
            " the Spotify streams are kept.",
            highlight=False,
        )
