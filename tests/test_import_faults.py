"""Faults during an import lose nothing: Ctrl-C and a killed process leave the store as it was."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests import exportkit as kit
from tests.test_import import dump
from yawyas.services import ingest
from yawyas.store.db import connect
from yawyas.store.streams import load_totals


def make_files(folder: Path, files: int, rows: int) -> int:
    for k in range(files):
        kit.write(
            folder / f"Streaming_History_Audio_{k}.json",
            [
                kit.ext_row(
                    f"2020-{1 + k % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{k % 60:02d}:00Z",
                    ms=1000 * i,
                    uri=f"spotify:track:{k}-{i % 50}",
                )
                for i in range(rows)
            ],
        )
    return files * rows


def test_ctrl_c_rolls_back_and_the_next_run_imports_everything(
    tmp_path: Path, conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    kit.write(tmp_path / "old" / "endsong_0.json", [kit.ext_row("2016-01-01T10:00:00Z")])
    ingest.import_paths(conn, [tmp_path / "old"])
    before = dump(conn)
    total = make_files(tmp_path / "new", 3, 20)
    original = ingest._Importer.extended
    calls = 0

    def interrupted(self: Any, *args: Any) -> None:
        nonlocal calls
        calls += 1
        original(self, *args)
        if calls == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(ingest._Importer, "extended", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ingest.import_paths(conn, [tmp_path / "new"])
    assert dump(conn) == before
    monkeypatch.undo()
    report = ingest.import_paths(conn, [tmp_path / "new"])
    assert report.added == total


def test_a_killed_import_leaves_a_consistent_store(tmp_path: Path) -> None:
    total = make_files(tmp_path / "big", 40, 400)
    db = tmp_path / "killed.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "yawyas", "--db", str(db), "import", str(tmp_path / "big")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    conn = connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert load_totals(conn).streams in (0, total)  # all or nothing
    ingest.import_paths(conn, [tmp_path / "big"])
    assert load_totals(conn).streams == total
