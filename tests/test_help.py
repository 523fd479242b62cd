"""Every command's help reads well at 80 and 120 columns: an example, no type placeholder after a
flag, and no word broken in two (the terminal wraps paragraphs; the source's line breaks do not
survive)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

import yawyas.cli.commands  # noqa: F401  (registers the commands)
from yawyas.cli import app

runner = CliRunner()
_FRAME = re.compile(r"[│╭╮╰╯─┃━]")


def _commands() -> list[tuple[list[str], Any]]:
    group = typer.main.get_group(app)

    def walk(cmd: Any, path: list[str]) -> list[tuple[list[str], Any]]:
        subs = getattr(cmd, "commands", {})
        found = [(path, cmd)]
        for name, sub in subs.items():
            found += walk(sub, [*path, name])
        return found

    return walk(group, [])


COMMANDS = _commands()


def _words(cmd: Any) -> set[str]:
    """The words of a command's own help texts (its docstring and its options' help)."""
    texts = [cmd.help or ""] + [getattr(p, "help", None) or "" for p in cmd.params]
    return {w for text in texts for w in text.split() if len(w) > 1}


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize(
    ("path", "cmd"), COMMANDS, ids=[" ".join(p) or "yawyas" for p, _ in COMMANDS]
)
def test_help_has_an_example_no_bool_and_whole_words(path: list[str], cmd: Any, width: int) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "<bool>" not in out
    if not getattr(cmd, "commands", None) or not path:
        assert "Example: yawyas" in out
    assert max(len(line) for line in out.splitlines()) <= width
    shown = set(_FRAME.sub(" ", out).split())
    broken = sorted(w for w in _words(cmd) if w not in shown)
    assert not broken, f"{' '.join(path)} --help at {width} columns breaks {broken}"


def test_the_check_for_broken_words_can_fail() -> None:
    """At 40 columns the options' help column is too narrow for long words: they fold."""
    path, cmd = next((p, c) for p, c in COMMANDS if p == ["export", "plays"])
    out = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "40"}).output
    shown = set(_FRAME.sub(" ", out).split())
    assert any(w not in shown for w in _words(cmd))


def test_docstrings_are_rewrapped_by_the_terminal() -> None:
    """`sync`'s docstring is three lines in the source; at 120 columns it is one paragraph."""
    out = runner.invoke(app, ["sync", "--help"], env={"COLUMNS": "120"}).output
    assert "run it every 30 minutes (yawyas schedule prints a timer). It is quiet" in out
