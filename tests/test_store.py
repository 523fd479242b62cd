"""The store: migrations, the history cache, pragmas."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests import exportkit as kit
from yawyas.errors import StoreError
from yawyas.services import ingest
from yawyas.store.cache import load_derived, load_history, save_derived
from yawyas.store.db import BUSY_TIMEOUT_MS, connect
from yawyas.store.migrations import MIGRATIONS
from yawyas.store.streams import load_streams


def test_a_new_store_uses_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
    names = [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY name")]
    assert names == [name for name, _ in MIGRATIONS]


def test_a_store_from_a_newer_yawyas_is_refused(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.db")
    conn.execute("INSERT INTO migrations (name, applied_at) VALUES ('9999_future', 0)")
    conn.close()
    with pytest.raises(StoreError, match="newer yawyas"):
        connect(tmp_path / "s.db")


def test_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "x.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="is not a yawyas store"):
        connect(tmp_path / "x.db")


def test_history_cache_matches_the_store_and_follows_changes(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    conn = connect(db)
    kit.write(tmp_path / "a" / "endsong_0.json", [kit.ext_row("2020-01-01T10:00:00Z")])
    ingest.import_paths(conn, [tmp_path / "a"])
    first = load_history(conn)
    assert first.equals(load_streams(conn))
    assert len(list((tmp_path / "s.db-cache").glob("*.arrow"))) == 1
    assert load_history(conn).equals(first)  # read back from the cache

    kit.write(tmp_path / "b" / "endsong_1.json", [kit.ext_row("2021-01-01T10:00:00Z")])
    ingest.import_paths(conn, [tmp_path / "b"])
    assert len(load_history(conn)) == 2
    assert len(list((tmp_path / "s.db-cache").glob("*.arrow"))) == 1  # the stale one is gone

    # a deleted and re-made store never reads the old store's cache
    conn.close()
    for f in tmp_path.glob("s.db*"):
        if f.is_file():
            f.unlink()
    conn = connect(db)
    assert len(load_history(conn)) == 0


def test_in_memory_store_has_no_cache() -> None:
    conn = connect(":memory:")
    assert len(load_history(conn)) == 0
    assert isinstance(conn, sqlite3.Connection)


def test_derived_documents_live_until_the_history_changes(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.db")
    save_derived(conn, "profile.abc", b'{"streams": 0}')
    assert load_derived(conn, "profile.abc") == b'{"streams": 0}'
    assert load_derived(conn, "profile.other") is None
    kit.write(tmp_path / "a" / "endsong_0.json", [kit.ext_row("2020-01-01T10:00:00Z")])
    ingest.import_paths(conn, [tmp_path / "a"])
    assert load_derived(conn, "profile.abc") is None  # a new generation
    save_derived(conn, "profile.abc", b"{}")
    assert len(list((tmp_path / "s.db-cache").glob("*.json"))) == 1  # the stale one is gone
