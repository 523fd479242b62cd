"""`yawyas sync`: recently played, top lists, saved tracks and playlists from the Web API."""

from __future__ import annotations

from typing import Annotated

import typer

from yawyas.cli import output
from yawyas.cli.app import app, state
from yawyas.cli.options import AsJson, MaxWait
from yawyas.cli.spotify import retry_policy, spinner, spotify_config
from yawyas.cli.unattended import unattended_run


@app.command()
def sync(
    ctx: typer.Context,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Also take today's top lists again and reread every saved track and playlist.",
        ),
    ] = False,
    max_wait: MaxWait = None,
    as_json: AsJson = False,
) -> None:
    """Fetch recently played tracks, top lists, saved tracks and playlists into the store.

    Spotify shows only your last ~50 plays: run it every 30 minutes (yawyas schedule prints a
    timer). It is quiet unless something fails (or stdout is a terminal); --json prints a
    summary. Exit code 3: another sync, enrich, import or refresh is running (nothing done).

    Example: yawyas sync --json
    """
    from yawyas.services import sync as core
    from yawyas.services.runs import counts_of
    from yawyas.services.views import refresh_views
    from yawyas.sources import spotify as sp

    st = state(ctx)
    with unattended_run(st, "sync") as run:
        client = sp.make_client(spotify_config(st))
        with spinner("Syncing with Spotify", enabled=not as_json) as say:
            report = core.sync(
                client, st.connect(write=True), policy=retry_policy(st, max_wait, say), on_step=say
            )
        refresh_views(st.connect(), st.view_zone())
        run.counts = counts_of(
            report.as_dict(), ("streams_added", "duplicates", "saved_added", "playlists_read")
        )
    if report.window_full:
        output.warn(
            f"{report.plays_fetched} plays since the last sync and Spotify shows only the last "
            "50: some may be missing; sync more often (every 30 minutes)."
        )
    if as_json:
        output.print_json(report.as_dict())
    elif output.console.is_terminal:
        output.show(
            f"Synced {report.user_id}: {report.streams_added} new streams "
            f"({report.duplicates} already known), {report.saved_added} newly saved tracks, "
            f"{report.playlists} playlists ({report.playlists_read} read"
            + (
                f", {report.playlists_not_available} not available to this app"
                if report.playlists_not_available
                else ""
            )
            + ")."
        )
