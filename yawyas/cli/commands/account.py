"""`yawyas login`, `logout`, `whoami`, `sync` and `enrich`: the person's Spotify account.

spotipy and the sync core are imported inside the commands, so that other commands start
without loading them.
"""

from __future__ import annotations

import os
import sys
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

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
from yawyas.cli.app import State, app, state

if TYPE_CHECKING:
    from yawyas.sources.spotify import RetryPolicy, SpotifyConfig

MaxWait = Annotated[
    float | None,
    typer.Option(
        "--max-wait",
        min=0,
        metavar="SECONDS",
        help="Wait out a Spotify rate limit up to this long; longer: stop and say when to go "
        "on (default: max_wait_s in the config's spotify section, else 60).",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]


def browser_available() -> bool:
    """Whether `webbrowser` can show a page to the person at this machine (not over SSH)."""
    graphical = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if sys.platform not in ("darwin", "win32") and not graphical:
        return False  # a text browser would take over the terminal: paste instead
    if (os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY")) and not graphical:
        return False
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def _config(st: State, *, require_client_id: bool = True) -> SpotifyConfig:
    from yawyas import sync as core

    return core.spotify_config(st.paths, st.config, require_client_id=require_client_id)


def _policy(st: State, max_wait: float | None, say: Callable[[str], None]) -> RetryPolicy:
    from yawyas import sync as core
    from yawyas.sources import spotify as sp

    def on_wait(seconds: float, reason: str) -> None:
        say(f"waiting {sp.human_s(seconds)} ({reason})")

    return sp.RetryPolicy(max_wait_s=core.max_wait_s(max_wait, st.config), on_wait=on_wait)


@app.command()
def login(
    ctx: typer.Context,
    no_browser: Annotated[
        bool,
        typer.Option(
            "--no-browser",
            help="Print the address to open and read back the one the browser ends on "
            "(over SSH, or without a browser here).",
        ),
    ] = False,
    timeout: Annotated[
        float, typer.Option(min=1, metavar="SECONDS", help="How long to wait for the browser.")
    ] = 300.0,
) -> None:
    """Log in to Spotify (Authorization Code with PKCE; no client secret).

    Opens your browser and waits for Spotify's answer on the redirect address
    (SPOTIPY_REDIRECT_URI, default http://127.0.0.1:8888/callback), or with --no-browser
    prints the address to open anywhere and asks you to paste the address the browser ends
    on. The login is saved, mode 0600, in the yawyas home (or YAWYAS_TOKEN_CACHE).

    Example: yawyas login --no-browser
    """
    from yawyas.sources import spotify as sp

    st = state(ctx)
    config = _config(st)
    url, pending = sp.authorize_url(config)
    answer: str | None = None
    if not no_browser and browser_available():
        with sp.RedirectListener(config.redirect_uri) as listener:
            if webbrowser.open(url, new=1):
                output.err_console.print(
                    "Your browser shows Spotify's login: press Agree there. Waiting for its "
                    "answer (Ctrl-C to stop; `yawyas login --no-browser` to paste instead)...",
                    highlight=False,
                )
                answer = listener.wait(timeout)
    if answer is None:
        output.console.print(
            "Open this address in a browser (on any machine), log in and press Agree:",
            highlight=False,
        )
        output.console.print(url, markup=False, highlight=False, soft_wrap=True)
        output.console.print(
            f"The browser then goes to {config.redirect_uri}?code=... and may show an error "
            "page: copy that whole address from the address bar.",
            markup=False,
            highlight=False,
        )
        answer = typer.prompt("Paste it here")
    sp.complete_login(config, pending, answer)
    me = sp.fetch_me(sp.make_client(config))
    name = f"{me.display_name} ({me.id})" if me.display_name else me.id
    output.console.print(f"Logged in to Spotify as {name}.", markup=False, highlight=False)


@app.command()
def logout(ctx: typer.Context) -> None:
    """Forget the Spotify login (delete the saved token file).

    Spotify still lists yawyas under your account's apps until you remove it there.

    Example: yawyas logout
    """
    from yawyas.sources import spotify as sp

    config = _config(state(ctx), require_client_id=False)
    if sp.logout(config):
        output.console.print("Logged out of Spotify.")
    else:
        output.console.print("Not logged in to Spotify; nothing to forget.")


@app.command()
def whoami(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Show who yawyas is logged in to Spotify as, and what the store holds from the API.

    Example: yawyas whoami --json
    """
    from yawyas.sources import spotify as sp
    from yawyas.store.spotify import load_status

    st = state(ctx)
    config = _config(st)
    me = sp.fetch_me(sp.make_client(config))
    status = load_status(st.connect()) if st.paths.db.exists() else None
    doc = {
        "id": me.id,
        "display_name": me.display_name,
        "uri": me.uri,
        "token_cache": str(config.token_cache),
        "store": status,
    }
    if as_json:
        output.print_json(doc)
        return
    output.console.print(
        f"Logged in to Spotify as {me.display_name or me.id} ({me.uri}).",
        markup=False,
        highlight=False,
    )
    if status is not None:
        last = status["last_sync_at"]
        output.console.print(
            f"Last sync: {output.utc_iso(int(last)) if last else 'never'}; "
            f"{status['api_streams']:,} streams from the API; "
            f"{status['tracks_enriched']:,} tracks enriched, {status['tracks_to_enrich']:,} "
            "to go.",
            highlight=False,
        )


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

    Spotify shows only your last ~50 plays: run it every 30 minutes from cron. It is quiet
    unless something fails (or stdout is a terminal); --json prints a summary.

    Example: yawyas sync --json
    """
    from yawyas import sync as core
    from yawyas.sources import spotify as sp

    st = state(ctx)
    config = _config(st)
    client = sp.make_client(config)
    with _spinner("Syncing with Spotify", enabled=not as_json) as say:
        report = core.sync(client, st.connect(), policy=_policy(st, max_wait, say), on_step=say)
    if report.window_full:
        output.warn(
            f"{report.plays_fetched} plays since the last sync and Spotify shows only the last "
            "50: some may be missing; sync more often (every 30 minutes)."
        )
    if as_json:
        output.print_json(report.as_dict())
    elif output.console.is_terminal:
        output.console.print(
            f"Synced {report.user_id}: {report.streams_added} new streams "
            f"({report.duplicates} already known), {report.saved_added} newly saved tracks, "
            f"{report.playlists} playlists ({report.playlists_read} read"
            + (
                f", {report.playlists_not_available} not available to this app"
                if report.playlists_not_available
                else ""
            )
            + ").",
            markup=False,
            highlight=False,
        )


@contextmanager
def _spinner(text: str, enabled: bool) -> Iterator[Callable[[str], None]]:
    """A spinner with the current step on stderr (nothing when stderr is not a terminal)."""
    if not enabled or not output.err_console.is_terminal:
        yield lambda _step: None
        return
    with output.err_console.status(text) as status:
        yield lambda step: status.update(f"{text}: {step}")


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
    counted as one recording.

    Example: yawyas enrich --max-wait 120
    """
    from yawyas import sync as core
    from yawyas.sources import spotify as sp

    st = state(ctx)
    config = _config(st)
    client = sp.make_client(config)
    with _enrich_bar(enabled=not as_json) as (tell, say):
        report = core.enrich(
            client, st.connect(), policy=_policy(st, max_wait, say), progress=tell, limit=limit
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
