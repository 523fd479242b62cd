"""`yawyas refresh`: publish every recipe, for cron."""

from __future__ import annotations

import typer

from yawyas.cli.app import app, state
from yawyas.cli.options import MaxWait, TzOption
from yawyas.cli.playlists import exit_on_failures, publish_now
from yawyas.cli.unattended import unattended_run


@app.command()
def refresh(
    ctx: typer.Context,
    tz: TzOption = None,
    max_wait: MaxWait = None,
) -> None:
    """Publish every recipe, for cron: silent unless something fails.

    Exit codes: 0 all published; 1 a recipe or Spotify failed (each named on stderr);
    2 bad recipes file or settings; 3 another sync, enrich, import or refresh is running on
    the store (nothing done).

    Example: yawyas refresh
    """
    from yawyas.services.playlists import load_recipes

    st = state(ctx)
    with unattended_run(st, "refresh") as run:
        _, recipes = load_recipes(st.paths.config_dir)
        if not recipes:
            return
        outcomes = publish_now(st, tz, recipes, max_wait)
        failed = sum(1 for o in outcomes if o.error)
        run.counts = {"published": len(outcomes) - failed, "failed": failed}
        exit_on_failures(outcomes)
