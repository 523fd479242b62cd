"""`yawyas login`, `logout` and `whoami`: the person's Spotify account."""

from __future__ import annotations

import webbrowser
from typing import Annotated

import typer

from yawyas.cli import output
from yawyas.cli.app import app, state
from yawyas.cli.options import AsJson
from yawyas.cli.spotify import browser_available, spotify_config


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
    config = spotify_config(st)
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
    output.show(f"Logged in to Spotify as {name}.")


@app.command()
def logout(ctx: typer.Context) -> None:
    """Forget the Spotify login (delete the saved token file).

    Spotify still lists yawyas under your account's apps until you remove it there.

    Example: yawyas logout
    """
    from yawyas.sources import spotify as sp

    config = spotify_config(state(ctx), require_client_id=False)
    if sp.logout(config):
        output.console.print("Logged out of Spotify.")
    else:
        output.console.print("Not logged in to Spotify; nothing to forget.")


@app.command()
def whoami(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Show who yawyas is logged in to Spotify as, and what the store holds from the API.

    Example: yawyas whoami --json
    """
    from yawyas.services.sync import account_status
    from yawyas.sources import spotify as sp

    st = state(ctx)
    config = spotify_config(st)
    me = sp.fetch_me(sp.make_client(config))
    status = account_status(st.connect()) if st.paths.db.exists() else None
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
    output.show(f"Logged in to Spotify as {me.display_name or me.id} ({me.uri}).")
    if status is not None:
        last = status["last_sync_at"]
        output.console.print(
            f"Last sync: {output.utc_iso(int(last)) if last else 'never'}; "
            f"{status['api_streams']:,} streams from the API; "
            f"{status['tracks_enriched']:,} tracks enriched, {status['tracks_to_enrich']:,} "
            "to go.",
            highlight=False,
        )
