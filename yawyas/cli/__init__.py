"""The command line: typer + rich only here. Parse, call the core, render."""

from __future__ import annotations

from yawyas.cli.app import app, main

__all__ = ["app", "main"]
