"""What the playlist commands share: the context the steps need, recipes, and how a playlist
is shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from yawyas.cli import output
from yawyas.cli.app import State

if TYPE_CHECKING:
    from yawyas.playlists.generate import Context, Playlist
    from yawyas.playlists.recipes import Recipe
    from yawyas.services.playlists import Outcome


def playlist_context(
    st: State, tz: str | None, *, with_moods: bool = True, everyone: bool = False
) -> tuple[str, Context]:
    from yawyas.services.playlists import build_context

    zone, _travel = st.timezone(tz)
    with output.status("Reading your listening..."):
        context = build_context(
            st.connect(), zone, with_moods=with_moods, config=st.config, everyone=everyone
        )
        return zone, context


def publish_now(
    st: State,
    tz: str | None,
    recipes: Sequence[Recipe],
    max_wait: float | None,
    *,
    dry_run: bool = False,
) -> list[Outcome]:
    """Publish `recipes` as they are at this minute in the person's zone (`publish`, `refresh`);
    a read-only store fails at once, with one sentence, before Spotify is asked anything."""
    from yawyas.cli.spotify import client, retry_policy
    from yawyas.services.playlists import local_now, publish_recipes

    spotify = client(st)
    st.connect(write=True)
    zone, context = playlist_context(st, tz, with_moods=any(r.mood for r in recipes))
    return publish_recipes(
        spotify,
        st.connect(write=True),
        context,
        recipes,
        at=local_now(zone),
        tz=zone,
        dry_run=dry_run,
        policy=retry_policy(st, max_wait),
    )


def tracks_json(playlist: Playlist) -> list[dict[str, Any]]:
    return [
        {
            "uri": t.uri or None,
            "track_name": t.track_name,
            "artist_name": t.artist_name,
            "why": t.why,
        }
        for t in playlist.tracks
    ]


def render_playlist(title: str, playlist: Playlist) -> None:
    """The tracks of a playlist with the why of each; `title` and names shown literally."""
    table = Table(title=output.literal(title), title_justify="left", show_lines=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("Track")
    table.add_column("Artist")
    table.add_column("Why", overflow="fold")
    for i, t in enumerate(playlist.tracks, 1):
        table.add_row(
            str(i),
            output.literal(t.track_name),
            output.literal(t.artist_name),
            output.literal(t.why),
        )
    output.console.print(table)
    if not playlist.tracks:
        output.console.print("No tracks fit: the history holds nothing for this source yet.")


def exit_on_failures(outcomes: Sequence[Any]) -> None:
    """Name every recipe that failed on stderr, then exit 1 if any did."""
    from yawyas.errors import YawyasError

    failed = [o for o in outcomes if o.error]
    for o in failed:
        output.error(f"{o.recipe}: {o.error}")
    if failed:
        raise typer.Exit(YawyasError.exit_code)
