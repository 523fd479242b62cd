"""The demo store: a simulated listener written as real export files and imported through the
normal import path, in a folder of its own."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from yawyas.demo import Persona


@dataclass(frozen=True)
class DemoStore:
    """Where the demo store and its export files are, and who the listener is."""

    db: Path
    export: Path
    persona: Persona


def build_demo_store(
    demo_dir: Path, persona: str, seed: int
) -> tuple[DemoStore, sqlite3.Connection]:
    """Simulate `persona` with `seed`, write its export files once, import them into the demo
    store under `demo_dir` (idempotent: a second run adds nothing) and record its timezone."""
    from yawyas.demo import generate_history, write_export
    from yawyas.services import ingest
    from yawyas.services.views import refresh_views
    from yawyas.store.db import connect, save_meta

    folder = demo_dir / f"{persona}-{seed}"
    export = folder / "export"
    db = folder / "yawyas.db"
    history = generate_history(persona, seed=seed)
    if not (export / ".complete").exists():
        write_export(history, export)
        (export / ".complete").write_text("ok")
    conn = connect(db)
    ingest.import_paths(conn, [export])
    save_meta(conn, "timezone", history.persona.timezone)
    refresh_views(conn, history.persona.timezone)
    return DemoStore(db, export, history.persona), conn
