"""Rich rendering helpers: tables, progress, JSON on stdout, errors on stderr."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

console = Console()
err_console = Console(stderr=True)


def error(message: str) -> None:
    """One red sentence on stderr."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def warn(message: str) -> None:
    err_console.print(f"[yellow]warning:[/] {escape(message)}", highlight=False, soft_wrap=True)


def print_json(doc: Any) -> None:
    """Only JSON on stdout, for scripts."""
    sys.stdout.write(
        orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n"
    )
    sys.stdout.flush()


def quiet_broken_pipe() -> None:
    """stdout's reader went away (`| head`): point stdout at nowhere, so that Python's flush at
    exit does not complain, and stop quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def utc_iso(seconds: int | None) -> str | None:
    """UTC seconds as 'YYYY-MM-DDTHH:MM:SSZ'."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def hours(ms: int) -> str:
    return f"{ms / 3_600_000:,.1f} h"


@contextmanager
def byte_progress(description: str, enabled: bool = True) -> Iterator[Any]:
    """A progress bar over bytes on stderr; a no-op when stderr is not a terminal."""
    if not enabled or not err_console.is_terminal:
        yield lambda done, total: None
        return
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@contextmanager
def status(message: str) -> Iterator[None]:
    """A spinner on stderr while something takes a moment; nothing when not a terminal."""
    if not err_console.is_terminal:
        yield
        return
    with err_console.status(message):
        yield
