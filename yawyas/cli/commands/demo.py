"""`yawyas demo`: a realistic synthetic listener in a store of its own."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from yawyas.cli import output, render
from yawyas.cli.app import app, state
from yawyas.cli.options import AsJson


@app.command()
def demo(
    ctx: typer.Context,
    persona: Annotated[
        str,
        typer.Option(
            help="Which demo listener: default, night_owl, tokyo, sydney, household, messy, "
            "no_routine."
        ),
    ] = "default",
    seed: Annotated[int, typer.Option(help="Random seed of the simulation.")] = 7,
    as_json: AsJson = False,
) -> None:
    """Build a realistic synthetic listener in a separate demo store and show their profile.

    The listener's life (weekend runs, children's songs at 17:00, tango Fridays, focus
    mornings...) is simulated, written as real Spotify export files and imported through the
    normal import path. Every other command works on the demo store with
    `--db <demo dir>/yawyas.db`, as the command prints at the end.

    Example: yawyas demo --persona tokyo
    """
    from yawyas.services.demo import build_demo_store
    from yawyas.services.moments import load_moments
    from yawyas.services.profile import load_profile

    st = state(ctx)
    started = time.perf_counter()
    with output.status(f"Simulating the {persona} listener..."):
        built, conn = build_demo_store(st.paths.demo_dir, persona, seed)
        db, export, who = built.db, built.export, built.persona
        if not as_json:  # first: learning the moments also finds the streams' audiences
            view = load_moments(conn, st.config, tz=who.timezone)
        doc = load_profile(conn, st.config, tz=who.timezone)
    if as_json:
        output.print_json(doc)
        return
    output.show(("Demo listener:", "bold"), " ", who.description)
    render.profile(doc, output.console)
    render.moments_summary(view.moments, output.console)
    elapsed = time.perf_counter() - started
    lines = [
        "",
        f"Built in {elapsed:.1f} s. Try any command on this demo store, for example:",
        f"  yawyas --db {_quote(db)} moments",
        f"  yawyas --db {_quote(db)} playlist now",
        f"  yawyas --db {_quote(db)} profile --year 2025",
        f"  yawyas --db {_quote(db)} export plays --out demo.csv",
        f"or set YAWYAS_DB={_quote(db)}. The export files it imported are in {_quote(export)}.",
    ]
    for text in lines:
        output.show(text, stderr=True)


def _quote(path: Path) -> str:
    text = str(path)
    return f'"{text}"' if " " in text else text
