"""`yawyas playlist init|preview|now|publish`: playlists for your moods and moments."""

from __future__ import annotations

from typing import Annotated

import typer

from yawyas.cli import output
from yawyas.cli.app import app, state
from yawyas.cli.options import AsJson, AtOption, EveryoneOption, MaxWait, TzOption
from yawyas.cli.playlists import (
    exit_on_failures,
    playlist_context,
    publish_now,
    render_playlist,
    tracks_json,
)

playlist_app = typer.Typer(
    help="Playlists for your moods and moments, previewed here and published to your account."
    "\n\nExample: yawyas playlist now",
    no_args_is_help=True,
)

app.add_typer(playlist_app, name="playlist")


@playlist_app.command("init")
def init(
    ctx: typer.Context,
    tz: TzOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter playlists.toml from your moments and moods.

    Example: yawyas playlist init
    """
    from yawyas.services.playlists import write_starter_recipes

    st = state(ctx)
    _, context = playlist_context(st, tz)
    path = write_starter_recipes(context, st.paths.config_dir, force=force)
    output.show("Wrote ", str(path), ": edit it, then `yawyas playlist preview KEY`.", stderr=True)


@playlist_app.command("preview")
def preview(
    ctx: typer.Context,
    recipe: Annotated[str, typer.Argument(help="The recipe's key or playlist name.")],
    tz: TzOption = None,
    at: AtOption = None,
    everyone: EveryoneOption = False,
    as_json: AsJson = False,
) -> None:
    """Show a recipe's playlist with the reason for every track, without publishing it.

    Example: yawyas playlist preview weekend-run
    """
    from yawyas.services.playlists import build_recipe, choose_recipes, local_now, parse_local

    st = state(ctx)
    (chosen,) = choose_recipes(st.paths.config_dir, recipe)
    zone, context = playlist_context(st, tz, with_moods=chosen.mood is not None, everyone=everyone)
    when = parse_local(at) if at else local_now(zone)
    playlist = build_recipe(context, chosen, at=when, tz=zone)
    if as_json:
        output.print_json(
            {
                "recipe": chosen.key,
                "name": chosen.name,
                "source": playlist.source,
                "tracks": tracks_json(playlist),
            }
        )
        return
    render_playlist(f"{chosen.name} ({chosen.source}, {len(playlist.tracks)} tracks)", playlist)


@playlist_app.command("now")
def now(
    ctx: typer.Context,
    at: AtOption = None,
    size: Annotated[int, typer.Option("--size", min=1, max=500, help="How many tracks.")] = 50,
    tz: TzOption = None,
    everyone: EveryoneOption = False,
    as_json: AsJson = False,
) -> None:
    """The playlist for this moment: what you play at this time on days like today.

    Outside your moments it plays your everyday taste, without the kids' songs, someone
    else's listening or sleep sounds on the account (--everyone counts them too).

    Example: yawyas playlist now --at "2026-11-06 22:00" --size 20
    """
    from yawyas.services.playlists import build_now, local_now, parse_local

    st = state(ctx)
    zone, context = playlist_context(st, tz, with_moods=False, everyone=everyone)
    when = parse_local(at) if at else local_now(zone)
    moment, playlist = build_now(context, when, size, tz=zone)
    if as_json:
        output.print_json({"moment": moment, "tracks": tracks_json(playlist)})
        return
    render_playlist(f"Now: {moment} ({when:%a %Y-%m-%d %H:%M})", playlist)


@playlist_app.command("publish")
def publish(
    ctx: typer.Context,
    recipe: Annotated[str | None, typer.Argument(help="The recipe's key or name.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Publish every recipe.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change on Spotify; write nothing.")
    ] = False,
    tz: TzOption = None,
    max_wait: MaxWait = None,
    as_json: AsJson = False,
) -> None:
    """Publish recipes to your Spotify account: created once (private unless the recipe says
    public = true), then replaced in place on every publish.

    Example: yawyas playlist publish weekend-run --dry-run
    """
    from yawyas.services.playlists import choose_recipes

    st = state(ctx)
    chosen = choose_recipes(st.paths.config_dir, recipe, every=every)
    outcomes = publish_now(st, tz, chosen, max_wait, dry_run=dry_run)
    if as_json:
        output.print_json(
            [
                {"recipe": o.recipe, "error": o.error, **(o.result.as_dict() if o.result else {})}
                for o in outcomes
            ]
        )
    else:
        for o in outcomes:
            if o.result is None:
                continue
            r = o.result
            if dry_run:
                what = "would create it" if r.created else "would update it"
                output.show(
                    r.name,
                    f": {what}: +{len(r.added)} -{len(r.removed)}",
                    " (new order)" if r.reordered else "",
                )
                for uri in r.added[:20]:
                    output.show("  + ", uri)
                for uri in r.removed[:20]:
                    output.show("  - ", uri)
            else:
                verb = "created" if r.created else "updated" if r.written else "unchanged"
                output.show(r.name, f": {verb}, {r.tracks} tracks.")
            if r.unmatched:
                output.show(
                    f"  {len(r.unmatched)} tracks could not be matched on Spotify"
                    " and were left out."
                )
    exit_on_failures(outcomes)
