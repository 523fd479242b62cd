"""What the store's readable views need beyond SQL: each platform's device family and the UTC
offsets of the zone their `local_time` is in (migration 0005 made the tables and the views)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from yawyas.store.db import load_meta, save_meta

VIEW_ZONE_KEY = "views_timezone"


def save_platform_devices(conn: sqlite3.Connection, classify: Callable[[str], str]) -> int:
    """Give every platform without a device family its family (`classify(name)`); how many."""
    todo = conn.execute("SELECT id, name FROM platforms WHERE device IS NULL").fetchall()
    if todo:
        conn.executemany(
            "UPDATE platforms SET device = ? WHERE id = ?", [(classify(n), i) for i, n in todo]
        )
    return len(todo)


def load_view_zone(conn: sqlite3.Connection) -> str | None:
    """The zone the views' `local_time` is in, or None when none was recorded yet."""
    return load_meta(conn, VIEW_ZONE_KEY)


def save_view_zone(conn: sqlite3.Connection, zone: str, offsets: Sequence[tuple[int, int]]) -> None:
    """Make the views show local time in `zone`: its (from UTC second, offset minutes) rows."""
    conn.execute("DELETE FROM zone_offsets")
    conn.executemany("INSERT INTO zone_offsets (starts_at, utc_offset_min) VALUES (?, ?)", offsets)
    save_meta(conn, VIEW_ZONE_KEY, zone)


def load_lookup(conn: sqlite3.Connection, table: str) -> list[tuple[int, str]]:
    """The (id, name) rows of a lookup table (`kinds` or `stream_sources`), by id."""
    if table not in ("kinds", "stream_sources"):
        raise ValueError(f"{table} is not a lookup table")
    return [(int(i), str(n)) for i, n in conn.execute(f"SELECT id, name FROM {table} ORDER BY id")]
