"""The command line: typer + rich only here. Parse, call one service, render."""

from __future__ import annotations

from yawyas.cli import commands  # noqa: F401  (importing registers every command on `app`)
from yawyas.cli.app import app, main

__all__ = ["app", "main"]
