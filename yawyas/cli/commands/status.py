"""`yawyas status`: where things are and how the last runs went, offline."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from yawyas.cli import output
from yawyas.cli.app import app, state
from yawyas.cli.options import AsJson, TzOption
from yawyas.errors import YawyasError
from yawyas.settings import Config
from yawyas.settings import log_file as log_file_of


@app.command()
def status(ctx: typer.Context, tz: TzOption = None, as_json: AsJson = False) -> None:
    """Show where the config, store, login and caches are, what the store holds, how the last
    import, sync, enrich and refresh ended, and the timezone in use and where it came from.

    Offline: nothing is asked of Spotify, and no store is made where there is none. Warns about
    keys in config.toml that yawyas does not read and about a login that expires soon.

    Example: yawyas status --json
    """
    from yawyas.services.status import build_status

    st = state(ctx)
    problems: list[str] = []
    try:
        config = st.config
    except YawyasError as exc:  # status is where a broken config file is found: say it, go on
        config = Config(st.paths.config_file)
        problems.append(exc.message)
    conn = st.connect() if st.paths.db.exists() else None
    try:
        log_file = log_file_of(st.log_file_option, config)
    except YawyasError as exc:
        log_file = None
        problems.append(exc.message)
    doc = build_status(st.paths, config, conn, tz_option=tz, log_file=log_file)
    doc["warnings"] = problems + doc["warnings"]
    if as_json:
        output.print_json(doc)
        return
    output.console.print(_table(doc))
    for warning in doc["warnings"]:
        output.warn(warning)


def _mb(n: int) -> str:
    return f"{n / 2**20:,.1f} MB"


def _day(iso: str | None) -> str:
    return "?" if iso is None else iso[:10]


def _table(doc: dict[str, Any]) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")

    def row(name: str, text: str) -> None:
        table.add_row(name, Text(text))

    config = doc["config"]
    row("config", config["path"] + ("" if config["exists"] else " (none: defaults apply)"))
    store = doc["store"]
    if not store["exists"]:
        row("store", f"{store['path']} (none yet: yawyas import or yawyas sync makes it)")
    else:
        row(
            "store",
            f"{store['path']}, {_mb(store['bytes'])}: {store['streams']:,} streams, "
            f"{store['plays']:,} plays, {output.hours(store['listening_ms'])}"
            + (
                f", {_day(store['first_played_at'])} to {_day(store['last_played_at'])}"
                if store["first_played_at"]
                else ""
            )
            + f"; {store['imported_files']:,} files imported",
        )
        zone = store["views_timezone"]
        row("views", f"local_time in {zone}" if zone else "local_time empty until the next import")
    caches = doc["caches"]
    row("caches", f"{caches['path']}, {_mb(caches['bytes'])} in {caches['files']} files")
    token = doc["token"]
    if not token["logged_in"]:
        row("login", f"not logged in ({token['path']}); yawyas login")
    elif token["logged_in_at"] is None:
        row("login", f"logged in ({token['path']}); login date unknown (log in again to track it)")
    else:
        left = token["days_left"]
        row(
            "login",
            f"logged in on {_day(token['logged_in_at'])} ({token['path']}); expires about "
            f"{_day(token['expires_at'])}"
            + (f", in {left} days" if left is not None and left >= 0 else ": expired"),
        )
    row("log file", doc["log_file"] or "none (--log-file or log_file in the config)")
    zone_doc = doc["timezone"]
    if zone_doc["name"] is None:
        row("timezone", zone_doc["error"])
    else:
        row(
            "timezone",
            f"{zone_doc['name']}, from {zone_doc['source_text']}"
            + (" (travel-aware)" if zone_doc["travel_aware"] else ""),
        )
    for name, run in doc["runs"].items():
        if run is None:
            row(f"last {name}", "never (or before yawyas recorded runs)")
            continue
        counts = ", ".join(f"{k} {v:,}" for k, v in run["counts"].items())
        text = f"{run['started_at']} {run['outcome']} (exit {run['exit_code']}, {run['seconds']} s)"
        text += f": {counts}" if counts else ""
        text += f"; {run['message']}" if run["message"] else ""
        row(f"last {name}", text)
    return table
