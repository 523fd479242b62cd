"""The typer app, its global options and the one error boundary."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from yawyas import __version__
from yawyas.cli import output
from yawyas.errors import YawyasError
from yawyas.settings import Config, Paths, load_config, resolve_paths


class _Boundary(TyperGroup):
    """The one error boundary: a YawyasError becomes a red sentence and its exit code."""

    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except YawyasError as exc:
            obj = ctx.obj
            if isinstance(obj, State) and obj.debug:
                raise
            output.error(exc.message)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            output.error("Interrupted; nothing was half-written.")
            raise typer.Exit(130) from None


app = typer.Typer(
    cls=_Boundary,
    name="yawyas",
    help=(
        "You are what you stream: your Spotify listening history, kept and profiled on your own"
        " machine.\n\nExample: yawyas demo"
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    """What every command gets: where things live, the config, and a lazily opened store."""

    paths: Paths
    debug: bool
    _config: Config | None = None
    _conn: sqlite3.Connection | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.paths.config_file)
        return self._config

    def timezone(self, option: str | None) -> tuple[str, bool]:
        """The zone for local time (see `resolve_timezone`) and whether it is travel-aware."""
        from yawyas.settings import resolve_timezone

        store_zone = None
        if self.paths.db.exists():
            from yawyas.store.db import load_meta

            store_zone = load_meta(self.connect(), "timezone")
        return resolve_timezone(option, self.config, store_zone)

    def connect(self, *, write: bool = False) -> sqlite3.Connection:
        """The store: for a command that only reads, an existing one (none at the path is bad
        input; a read-only one opens read-only); with `write`, created when missing and
        refused with one sentence when it cannot be written."""
        from yawyas.store.db import connect, connect_reader, is_read_only

        if self._conn is None or (write and is_read_only(self._conn)):
            self._conn = connect(self.paths.db) if write else connect_reader(self.paths.db)
        return self._conn


def _version(value: bool) -> None:
    if value:
        typer.echo(f"yawyas {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="The store file (default: YAWYAS_DB, else yawyas.db in the home).",
            envvar="YAWYAS_DB",
            show_envvar=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    ctx.obj = State(paths=resolve_paths(db=db), debug=debug)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def main() -> None:
    """The `yawyas` entry point (`yawyas.cli` registers the commands on import)."""
    app()
