"""The typer app, its global options and the one error boundary."""

from __future__ import annotations

import inspect
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from yawyas import __version__
from yawyas.cli import output
from yawyas.errors import YawyasError
from yawyas.settings import Config, Paths, ZoneChoice, load_config, resolve_paths


def _rewrap(text: str | None) -> str | None:
    """Help text with the line breaks of the source joined inside each paragraph, so that the
    terminal wraps it at its own width (a paragraph starting with \\b keeps its lines), and
    square brackets shown as written (`[moments.ID]`), not read as rich markup."""
    if not text:
        return text
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return escape("\n\n".join(p if p.startswith("\b") else " ".join(p.split()) for p in paragraphs))


def tidy_help(command: Any, ctx: Any) -> None:
    """Make a command's help read well at any width: paragraphs rewrapped by the terminal, and
    no type placeholder (`<bool>`) after a flag, which takes no value. Recurses into groups."""
    if getattr(command, "_yawyas_tidy", False):
        return
    command.help = _rewrap(command.help)
    command.get_help_option(ctx)  # made on first use: make it now, so it is tidied too
    for param in command.get_params(ctx):
        if getattr(param, "param_type_name", "") != "option":
            continue
        if param.is_flag and param.metavar is None:
            param.metavar = ""
        param.help = _rewrap(param.help)
    for sub in getattr(command, "commands", {}).values():
        tidy_help(sub, ctx)
    command._yawyas_tidy = True


class _Boundary(TyperGroup):
    """The one error boundary: a YawyasError becomes a red sentence and its exit code."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            tidy_help(command, ctx)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        tidy_help(self, ctx)
        super().format_help(ctx, formatter)

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
    log_file_option: Path | None = None
    _config: Config | None = None
    _conn: sqlite3.Connection | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.paths.config_file)
        return self._config

    @property
    def log_file(self) -> Path | None:
        """Where unattended runs append their line: --log-file (YAWYAS_LOG_FILE), else the
        config's `log_file`, else nowhere."""
        from yawyas.settings import log_file

        return log_file(self.log_file_option, self.config)

    def view_zone(self) -> str | None:
        """The zone for the store's views (`timezone` without --tz; its home zone when
        travel-aware), or None when the settings name no usable zone."""
        try:
            return self.timezone(None)[0]
        except YawyasError:
            return None

    def timezone(self, option: str | None) -> tuple[str, bool]:
        """The zone for local time (see `resolve_timezone`) and whether it is travel-aware."""
        choice = self.zone_choice(option)
        return choice.name, choice.travel_aware

    def zone_choice(self, option: str | None) -> ZoneChoice:
        """The zone for local time, whether it is travel-aware and where it came from."""
        from yawyas.settings import choose_timezone

        store_zone = None
        if self.paths.db.exists():
            from yawyas.store.db import load_meta

            store_zone = load_meta(self.connect(), "timezone")
        return choose_timezone(option, self.config, store_zone)

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
            metavar="FILE",
            help="The store file (default: YAWYAS_DB, else yawyas.db in the home).",
            envvar="YAWYAS_DB",
            show_envvar=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    log_file: Annotated[
        Path | None,
        typer.Option(
            "--log-file",
            metavar="FILE",
            help="Append one line per sync, enrich, import or refresh run to this file (for "
            "unattended runs; default: YAWYAS_LOG_FILE, else log_file in the config, else none).",
            envvar="YAWYAS_LOG_FILE",
            show_envvar=False,
        ),
    ] = None,
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    ctx.obj = State(paths=resolve_paths(db=db), debug=debug, log_file_option=log_file)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def main() -> None:
    """The `yawyas` entry point (`yawyas.cli` registers the commands on import)."""
    app()
