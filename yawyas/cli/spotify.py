"""What the Spotify commands share: the app's settings, the retry policy, a client, and the
spinner that shows the current step. spotipy loads only when one of them runs."""

from __future__ import annotations

import os
import sys
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from yawyas.cli import output
from yawyas.cli.app import State

if TYPE_CHECKING:
    from yawyas.sources.spotify import RetryPolicy, SpotifyConfig


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


def spotify_config(st: State, *, require_client_id: bool = True) -> SpotifyConfig:
    """The Spotify app's settings (client id, redirect, token file) for this home."""
    from yawyas.services import sync as core

    return core.spotify_config(st.paths, st.config, require_client_id=require_client_id)


def retry_policy(
    st: State, max_wait: float | None, say: Callable[[str], None] | None = None
) -> RetryPolicy:
    """How long to wait out rate limits (`--max-wait`, else the config), telling `say`."""
    from yawyas.services import sync as core
    from yawyas.sources import spotify as sp

    def on_wait(seconds: float, reason: str) -> None:
        if say is not None:
            say(f"waiting {sp.human_s(seconds)} ({reason})")

    return sp.RetryPolicy(max_wait_s=core.max_wait_s(max_wait, st.config), on_wait=on_wait)


def client(st: State) -> Any:
    """A Spotify client logged in with the saved token."""
    from yawyas.sources import spotify as sp

    return sp.make_client(spotify_config(st))


@contextmanager
def spinner(text: str, enabled: bool) -> Iterator[Callable[[str], None]]:
    """A spinner with the current step on stderr (nothing when stderr is not a terminal)."""
    if not enabled or not output.err_console.is_terminal:
        yield lambda _step: None
        return
    with output.err_console.status(text) as status:
        yield lambda step: status.update(f"{text}: {step}")
