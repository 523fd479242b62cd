"""`yawyas profile` and `yawyas demo`: who you are from what you stream."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from yawyas.cli import output, render
from yawyas.cli.app import app, state

TzOption = Annotated[
    str | None,
    typer.Option("--tz", help="Timezone for local time (IANA name), or 'auto' (travel-aware)."),
]


@app.command()
def profile(
    ctx: typer.Context,
    tz: TzOption = None,
    since: Annotated[str | None, typer.Option(help="First local day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Last local day, YYYY-MM-DD.")] = None,
    year: Annotated[int | None, typer.Option(help="One calendar year (local time).")] = None,
    top: Annotated[int, typer.Option(min=1, max=100, help="Length of top lists.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the profile document.")] = False,
) -> None:
    """Who you are from what you stream: when, how, on which device and what you listen to.

    Example: yawyas profile --year 2024 --tz Europe/Madrid
    """
    import hashlib

    import orjson

    from yawyas import __version__
    from yawyas.store.cache import load_derived, load_history, save_derived

    st = state(ctx)
    zone, travel = st.timezone(tz)
    conn = st.connect()
    # The same question about an unchanged history is answered from the saved document.
    question = orjson.dumps([__version__, zone, travel, since, until, year, top])
    name = "profile." + hashlib.sha256(question).hexdigest()[:16]
    saved = load_derived(conn, name)
    if saved is not None:
        doc = orjson.loads(saved)
    else:
        from yawyas.reports.summary import build_profile

        streams = load_history(conn)
        doc = build_profile(
            streams, tz=zone, travel_aware=travel, since=since, until=until, year=year, top_n=top
        )
        save_derived(conn, name, orjson.dumps(doc))
    if as_json:
        output.print_json(doc)
    else:
        render.profile(doc, output.console, limit=top)


@app.command()
def demo(
    ctx: typer.Context,
    persona: Annotated[
        str, typer.Option(help="Which demo listener: default, night_owl, tokyo, sydney.")
    ] = "default",
    seed: Annotated[int, typer.Option(help="Random seed of the simulation.")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="Print the profile document.")] = False,
) -> None:
    """Build a realistic synthetic listener in a separate demo store and show their profile.

    The listener's life (weekend runs, children's songs at 17:00, tango Fridays, focus
    mornings...) is simulated, written as real Spotify export files and imported through the
    normal import path. Every other command works on the demo store with
    `--db <demo dir>/yawyas.db`, as the command prints at the end.

    Example: yawyas demo --persona tokyo
    """
    from yawyas import ingest
    from yawyas.demo import generate_history, write_export
    from yawyas.moments_service import load_moments
    from yawyas.reports.summary import build_profile
    from yawyas.store.cache import load_history
    from yawyas.store.db import connect, save_meta

    st = state(ctx)
    started = time.perf_counter()
    folder = st.paths.demo_dir / f"{persona}-{seed}"
    export = folder / "export"
    db = folder / "yawyas.db"
    with output.status(f"Simulating the {persona} listener..."):
        history = generate_history(persona, seed=seed)
        if not (export / ".complete").exists():
            write_export(history, export)
            (export / ".complete").write_text("ok")
        conn = connect(db)
        ingest.import_paths(conn, [export])
        save_meta(conn, "timezone", history.persona.timezone)
        streams = load_history(conn)
        who = history.persona
        doc = build_profile(streams, tz=who.timezone)
        if not as_json:
            view = load_moments(conn, st.config, tz=who.timezone)
    if as_json:
        output.print_json(doc)
        return
    output.console.print(f"[bold]Demo listener:[/] {who.description}", highlight=False)
    render.profile(doc, output.console)
    render.moments_summary(view.moments, output.console)
    elapsed = time.perf_counter() - started
    output.console.print(
        f"\nBuilt in {elapsed:.1f} s. Try any command on this demo store, for example:\n"
        f"  yawyas --db {_quote(db)} moments\n"
        f"  yawyas --db {_quote(db)} playlist now\n"
        f"  yawyas --db {_quote(db)} profile --year 2025\n"
        f"  yawyas --db {_quote(db)} export plays --out demo.csv\n"
        f"or set YAWYAS_DB={_quote(db)}. The export files it imported are in {_quote(export)}.",
        highlight=False,
    )


def _quote(path: Path) -> str:
    text = str(path)
    return f'"{text}"' if " " in text else text
