"""`yawyas moods`, `yawyas playlist ...`, `yawyas refresh` and `yawyas evaluate`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from yawyas.cli import output
from yawyas.cli.app import State, app, state

if TYPE_CHECKING:
    from yawyas.playlists.generate import Context, Playlist
    from yawyas.sources.spotify import RetryPolicy

playlist_app = typer.Typer(
    help="Playlists for your moods and moments, previewed here and published to your account."
    "\n\nExample: yawyas playlist now",
    no_args_is_help=True,
)
app.add_typer(playlist_app, name="playlist")

TzOption = Annotated[
    str | None, typer.Option("--tz", help="Timezone for local time (IANA name), or 'auto'.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
AtOption = Annotated[
    str | None,
    typer.Option("--at", metavar="'YYYY-MM-DD HH:MM'", help="Local time to use instead of now."),
]
MaxWait = Annotated[
    float | None,
    typer.Option(
        "--max-wait", min=0, metavar="SECONDS", help="Wait out a Spotify rate limit up to this."
    ),
]


def _zone(st: State, tz: str | None) -> str:
    zone, _travel = st.timezone(tz)
    return zone


def _context(st: State, tz: str | None, *, with_moods: bool = True) -> tuple[str, Context]:
    from yawyas.playlists.service import build_context

    zone = _zone(st, tz)
    with output.status("Reading your listening..."):
        context = build_context(st.connect(), zone, with_moods=with_moods, config=st.config)
        return zone, context


def _tracks_json(playlist: Playlist) -> list[dict[str, Any]]:
    return [
        {"uri": t.uri, "track_name": t.track_name, "artist_name": t.artist_name, "why": t.why}
        for t in playlist.tracks
    ]


def _render(title: str, playlist: Playlist) -> None:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("Track")
    table.add_column("Artist")
    table.add_column("Why", overflow="fold")
    for i, t in enumerate(playlist.tracks, 1):
        table.add_row(str(i), t.track_name, t.artist_name, t.why)
    output.console.print(table)
    if not playlist.tracks:
        output.console.print("No tracks fit: the history holds nothing for this source yet.")


@app.command()
def moods(
    ctx: typer.Context,
    tz: TzOption = None,
    examples: Annotated[int, typer.Option(min=0, max=50, help="Example tracks per mood.")] = 3,
    as_json: AsJson = False,
) -> None:
    """The moods found in your own words (playlist and moment names, titles, genres), spread
    over what you play together, with sizes and example tracks.

    Example: yawyas moods --json
    """
    from yawyas.playlists.service import mood_summary

    st = state(ctx)
    _, context = _context(st, tz)
    doc = mood_summary(context.moods, context.listening, examples)
    if as_json:
        output.print_json({"moods": doc})
        return
    if not doc:
        output.console.print("No moods found: name a playlist 'Running' or 'Chill' and sync.")
        return
    table = Table(title="Your moods", title_justify="left")
    table.add_column("Mood")
    table.add_column("Tracks", justify="right")
    table.add_column("Named by")
    table.add_column("Examples (evidence)", overflow="fold")
    for m in doc:
        table.add_row(
            m["mood"],
            str(m["tracks"]),
            ", ".join(m["named_by"]) or "titles and genres",
            "\n".join(
                f"{e['track_name']} - {e['artist_name']} ({e['evidence']})" for e in m["examples"]
            ),
        )
    output.console.print(table)


@playlist_app.command("init")
def init(
    ctx: typer.Context,
    tz: TzOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter playlists.toml from your moments and moods.

    Example: yawyas playlist init
    """
    from yawyas.errors import BadInputError
    from yawyas.playlists.recipes import recipes_path, starter_recipes

    st = state(ctx)
    path = recipes_path(st.paths.config_dir)
    if path.exists() and not force:
        raise BadInputError(f"{path} exists; edit it, or use --force to start again.")
    _, context = _context(st, tz)
    text = starter_recipes(
        list(dict.fromkeys((m.id, m.name) for m in context.moments)),
        [m.name for m in context.moods],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    output.console.print(
        f"Wrote {path}: edit it, then `yawyas playlist preview KEY`.", highlight=False
    )


def _recipes(st: State) -> tuple[Any, list[Any]]:
    from yawyas.playlists.recipes import read_recipes, recipes_path

    path = recipes_path(st.paths.config_dir)
    return path, read_recipes(path)


@playlist_app.command("preview")
def preview(
    ctx: typer.Context,
    recipe: Annotated[str, typer.Argument(help="The recipe's key or playlist name.")],
    tz: TzOption = None,
    at: AtOption = None,
    as_json: AsJson = False,
) -> None:
    """Show a recipe's playlist with the reason for every track, without publishing it.

    Example: yawyas playlist preview weekend-run
    """
    from yawyas.playlists.recipes import find_recipe
    from yawyas.playlists.service import build_recipe, local_now, parse_local

    st = state(ctx)
    path, recipes = _recipes(st)
    chosen = find_recipe(recipes, recipe, path)
    zone, context = _context(st, tz, with_moods=chosen.mood is not None)
    when = parse_local(at) if at else local_now(zone)
    playlist = build_recipe(context, chosen, at=when)
    if as_json:
        output.print_json(
            {
                "recipe": chosen.key,
                "name": chosen.name,
                "source": playlist.source,
                "tracks": _tracks_json(playlist),
            }
        )
        return
    _render(f"{chosen.name} ({chosen.source}, {len(playlist.tracks)} tracks)", playlist)


@playlist_app.command("now")
def now(
    ctx: typer.Context,
    at: AtOption = None,
    size: Annotated[int, typer.Option("--size", min=1, max=500, help="How many tracks.")] = 50,
    tz: TzOption = None,
    as_json: AsJson = False,
) -> None:
    """The playlist for this moment: what you play at this time on days like today.

    Example: yawyas playlist now --at "2026-11-06 22:00" --size 20
    """
    from yawyas.playlists.service import build_now, local_now, parse_local

    st = state(ctx)
    zone, context = _context(st, tz, with_moods=False)
    when = parse_local(at) if at else local_now(zone)
    moment, playlist = build_now(context, when, size)
    if as_json:
        output.print_json({"moment": moment, "tracks": _tracks_json(playlist)})
        return
    _render(f"Now: {moment} ({when:%a %Y-%m-%d %H:%M})", playlist)


def _policy(st: State, max_wait: float | None) -> RetryPolicy:
    from yawyas import sync as core
    from yawyas.sources import spotify as sp

    return sp.RetryPolicy(max_wait_s=core.max_wait_s(max_wait, st.config))


def _client(st: State) -> Any:
    from yawyas import sync as core
    from yawyas.sources import spotify as sp

    return sp.make_client(core.spotify_config(st.paths, st.config))


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
    from yawyas.errors import BadInputError
    from yawyas.playlists.recipes import find_recipe
    from yawyas.playlists.service import local_now, publish_recipes

    st = state(ctx)
    path, recipes = _recipes(st)
    if every == (recipe is not None):
        raise BadInputError("Name one recipe, or use --all.")
    chosen = recipes if every else [find_recipe(recipes, recipe or "", path)]
    if not chosen:
        raise BadInputError(f"No recipes in {path}: run `yawyas playlist init` first.")
    client = _client(st)
    zone, context = _context(st, tz, with_moods=any(r.mood for r in chosen))
    outcomes = publish_recipes(
        client,
        st.connect(),
        context,
        chosen,
        at=local_now(zone),
        dry_run=dry_run,
        policy=_policy(st, max_wait),
    )
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
                output.console.print(
                    f"{r.name}: {what}: +{len(r.added)} -{len(r.removed)}"
                    + (" (new order)" if r.reordered else ""),
                    highlight=False,
                )
                for uri in r.added[:20]:
                    output.console.print(f"  + {uri}", highlight=False)
                for uri in r.removed[:20]:
                    output.console.print(f"  - {uri}", highlight=False)
            else:
                verb = "created" if r.created else "updated" if r.written else "unchanged"
                output.console.print(f"{r.name}: {verb}, {r.tracks} tracks.", highlight=False)
    _exit_on_failures(outcomes)


@app.command()
def refresh(
    ctx: typer.Context,
    tz: TzOption = None,
    max_wait: MaxWait = None,
) -> None:
    """Publish every recipe, for cron: silent unless something fails.

    Exit codes: 0 all published; 1 a recipe or Spotify failed (each named on stderr);
    2 bad recipes file or settings; 3 another refresh is still running (nothing done).

    Example: yawyas refresh
    """
    from yawyas.playlists.publish import refresh_lock
    from yawyas.playlists.service import local_now, publish_recipes

    st = state(ctx)
    with refresh_lock(st.paths.data_dir):
        _, recipes = _recipes(st)
        if not recipes:
            return
        client = _client(st)
        zone, context = _context(st, tz, with_moods=any(r.mood for r in recipes))
        outcomes = publish_recipes(
            client,
            st.connect(),
            context,
            recipes,
            at=local_now(zone),
            policy=_policy(st, max_wait),
        )
    _exit_on_failures(outcomes)


@app.command()
def evaluate(
    ctx: typer.Context,
    tz: TzOption = None,
    cutoff: Annotated[
        str | None, typer.Option(help="Learn before this local day, YYYY-MM-DD.")
    ] = None,
    holdout_days: Annotated[
        int,
        typer.Option("--holdout-days", min=1, help="Without --cutoff: hold out the last N days."),
    ] = 28,
    size: Annotated[int, typer.Option(min=1, max=500, help="Playlist size.")] = 50,
    as_json: AsJson = False,
) -> None:
    """How well `playlist now` predicts what you play: hit rate on held-out plays against the
    overall top and the most recently played tracks.

    Example: yawyas evaluate --json
    """
    from yawyas.playlists.service import evaluate_history

    st = state(ctx)
    zone = _zone(st, tz)
    with output.status("Learning from the plays before the cutoff..."):
        result = evaluate_history(
            st.connect(),
            zone,
            config=st.config,
            cutoff=cutoff,
            holdout_days=holdout_days,
            size=size,
        )
    doc = result.as_dict()
    if as_json:
        output.print_json(doc)
        return
    output.console.print(
        f"Learned from the {result.train_plays:,} plays before the cutoff "
        f"({result.moments} moments); judged on the {result.heldout_plays:,} plays after it.",
        highlight=False,
    )
    table = Table(title=f"Hit rate of {size}-track playlists", title_justify="left")
    table.add_column("Playlist")
    table.add_column("Hit rate", justify="right")
    table.add_row("now (its moment, or everyday listening)", f"{result.now:.1%}")
    table.add_row(f"overall top {size}", f"{result.top:.1%}")
    table.add_row(f"{size} most recently played", f"{result.recent:.1%}")
    output.console.print(table)
    output.console.print(f"now / top: {result.lift_over_top:.2f}x", highlight=False)


def _exit_on_failures(outcomes: Sequence[Any]) -> None:
    """Name every recipe that failed on stderr, then exit 1 if any did."""
    from yawyas.errors import YawyasError

    failed = [o for o in outcomes if o.error]
    for o in failed:
        output.error(f"{o.recipe}: {o.error}")
    if failed:
        raise typer.Exit(YawyasError.exit_code)
