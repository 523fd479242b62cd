"""`yawyas enrich`: track and artist details, one lookup at a time, cached and resumable."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from yawyas.cli import output
from yawyas.cli.app import app, state
from yawyas.cli.options import AsJson, MaxWait
from yawyas.cli.spotify import retry_policy, spotify_config
from yawyas.cli.unattended import unattended_run


@app.command()
def enrich(
    ctx: typer.Context,
    max_wait: MaxWait = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Look up at most this many tracks now.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Look up track and artist details one item at a time, caching each answer.

    Duration, album, release date, ISRC and explicit per track; genres per artist where
    Spotify still gives them. Resumable: Ctrl-C, a long rate limit or a failing Spotify keep
    what was fetched, and the next run goes on from there. Tracks sharing an ISRC are
    counted as one recording. Exit code 3: another sync, enrich, import or refresh is running.

    Example: yawyas enrich --max-wait 120
    """
    from yawyas.services import sync as core
    from yawyas.services.runs import counts_of
    from yawyas.sources import spotify as sp

    st = state(ctx)
    with unattended_run(st, "enrich") as run:
        client = sp.make_client(spotify_config(st))
        with _enrich_bar(enabled=not as_json) as (tell, say):
            report = core.enrich(
                client,
                st.connect(write=True),
                policy=retry_policy(st, max_wait, say),
                progress=tell,
                limit=limit,
            )
        run.counts = counts_of(
            report.as_dict(), ("tracks_fetched", "artists_fetched", "tracks_left", "artists_left")
        )
    if as_json:
        output.print_json(report.as_dict())
        return
    output.console.print(
        f"Enriched {report.tracks_fetched} tracks ({report.tracks_missing} unknown to Spotify) "
        f"and {report.artists_fetched} artists; {report.tracks_left} tracks and "
        f"{report.artists_left} artists left.",
        highlight=False,
    )


@contextmanager
def _enrich_bar(
    enabled: bool,
) -> Iterator[tuple[Callable[[str, int, int], None], Callable[[str], None]]]:
    """A progress bar with an ETA on stderr (nothing when stderr is not a terminal)."""
    if not enabled or not output.err_console.is_terminal:
        yield (lambda _what, _done, _total: None), (lambda _text: None)
        return
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=output.err_console,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}
        current: list[str] = []

        def tell(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task("", total=total)
                current[:] = [what]
            bar.update(tasks[what], completed=done, total=total, description=f"Looking up {what}")

        def say(text: str) -> None:
            if current:
                bar.update(tasks[current[0]], description=f"Looking up {current[0]}: {text}")

        yield tell, say
