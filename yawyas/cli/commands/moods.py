"""`yawyas moods`: the moods found in your own words."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from yawyas.cli import output
from yawyas.cli.app import app, state
from yawyas.cli.options import AsJson, EveryoneOption, TzOption
from yawyas.cli.playlists import playlist_context


@app.command()
def moods(
    ctx: typer.Context,
    tz: TzOption = None,
    examples: Annotated[int, typer.Option(min=0, max=50, help="Example tracks per mood.")] = 3,
    everyone: EveryoneOption = False,
    as_json: AsJson = False,
) -> None:
    """The moods found in your own words (playlist and moment names, titles, genres), spread
    over what you play together, with sizes and example tracks. Your plays only, unless
    --everyone.

    Example: yawyas moods --json
    """
    from yawyas.services.playlists import mood_summary

    st = state(ctx)
    _, context = playlist_context(st, tz, everyone=everyone)
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
            output.literal(m["mood"]),
            str(m["tracks"]),
            output.literal(", ".join(m["named_by"]) or "titles and genres"),
            Text(
                "\n".join(
                    output.clean(f"{e['track_name']} - {e['artist_name']} ({e['evidence']})")
                    for e in m["examples"]
                )
            ),
        )
    output.console.print(table)
