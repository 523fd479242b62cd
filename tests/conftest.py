from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from yawyas.store.db import connect

pytest_plugins = ["tests.fake_spotify.fixtures"]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own yawyas home; nothing touches the real one."""
    home = tmp_path / "home"
    monkeypatch.setenv("YAWYAS_HOME", str(home))
    for var in (
        "YAWYAS_DB",
        "YAWYAS_TZ",
        "YAWYAS_TOKEN_CACHE",
        "YAWYAS_LOG_FILE",
        "SPOTIPY_CLIENT_ID",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TZ", "UTC")
    return home


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    c = connect(tmp_path / "store.db")
    yield c
    c.close()
