"""Rich rendering helpers: tables, progress, JSON on stdout, errors on stderr."""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

console = Console()
err_console = Console(stderr=True)

# What must never reach a terminal from data: escape sequences (CSI, OSC, and two-byte ones),
# then any other C0 or C1 control character and DEL. Tabs and line breaks become spaces.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?|\x9b[0-?]*[ -/]*[@-~]?"
)
_BLANKS = re.compile(r"[\t\n\r\v\f]")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(value: object) -> str:
    """`value` as text that is safe on a terminal: escape sequences and control characters
    (NUL, C0, C1, DEL) removed, tabs and line breaks as spaces. Only for what is shown: the
    store, JSON and export files keep the data as it is."""
    text = value if isinstance(value, str) else str(value)
    if not text.isprintable():
        text = _CONTROLS.sub("", _BLANKS.sub(" ", _ESCAPES.sub("", text)))
    return text


def literal(value: object, style: str = "") -> Text:
    """Anything taken from data (a name, a path, a reason) as rich `Text`: shown exactly as it
    is (square brackets are never read as markup), minus control characters (`clean`)."""
    return Text("" if value is None else clean(value), style=style)


def line(*parts: str | Text | tuple[str, str]) -> Text:
    """One line of fixed words and data: plain strings and (text, style) pairs are cleaned and
    never read as markup; `Text` parts are kept as they are."""
    out = Text()
    for part in parts:
        if isinstance(part, Text):
            out.append_text(part)
        elif isinstance(part, tuple):
            out.append(clean(part[0]), style=part[1])
        else:
            out.append(clean(part))
    return out


def show(*parts: str | Text | tuple[str, str], stderr: bool = False) -> None:
    """Print `line(*parts)` on stdout (or stderr), without highlighting."""
    (err_console if stderr else console).print(line(*parts), highlight=False, soft_wrap=True)


def error(message: str) -> None:
    """One red sentence on stderr."""
    show(("error:", "bold red"), " ", message, stderr=True)


def warn(message: str) -> None:
    """A yellow warning on stderr."""
    show(("warning:", "yellow"), " ", message, stderr=True)


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
