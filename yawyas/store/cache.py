"""Files derived from the history, kept beside the store (`<store>-cache/`) until it changes:
the streams as Arrow, the playlist steps' plays, and derived documents such as profiles.

Every name carries the store's random id and the history's generation, so a stale file is never
read; writing is best effort (a read-only home still works, only slower).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from yawyas.store.db import load_generation, load_store_id, store_file
from yawyas.store.streams import from_codes, load_streams

if TYPE_CHECKING:
    import pandas as pd


def load_history(conn: sqlite3.Connection) -> pd.DataFrame:
    """`load_streams()` of the whole history, through a columnar cache beside the store file.

    The cache (Arrow IPC, `<store>-cache/streams-<store id>-<generation>.arrow`) is written on
    the first read after a change and read back in a fraction of the time of a full scan. Any
    change to the history bumps the generation, so a stale cache is never read.
    """
    import pandas as pd

    path = store_file(conn)
    if path is None:
        return load_streams(conn)
    folder = path.parent / f"{path.name}-cache"
    cache = folder / f"streams-{load_store_id(conn)}-{load_generation(conn)}.arrow"
    if cache.exists():
        try:
            cached = pd.read_feather(cache)
        except (OSError, ValueError):
            cache.unlink(missing_ok=True)
        else:
            for name in cached.columns:  # Arrow gives empty categories no string type
                column = cached[name]
                if isinstance(column.dtype, pd.CategoricalDtype) and not len(column.cat.categories):
                    cached[name] = from_codes(column.cat.codes.to_numpy(), [])
            return cached
    frame = load_streams(conn)
    try:
        folder.mkdir(exist_ok=True)
        for old in folder.glob("streams-*.arrow"):
            old.unlink(missing_ok=True)
        partial = cache.with_suffix(".partial")
        frame.to_feather(partial)
        partial.replace(cache)
    except OSError:
        pass  # a read-only home still works, only slower
    return frame


def load_derived(conn: sqlite3.Connection, name: str) -> bytes | None:
    """A document derived from the history (e.g. a profile), if saved for this generation."""
    path = _derived_path(conn, name)
    if path is None or not path.exists():
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def save_derived(conn: sqlite3.Connection, name: str, data: bytes) -> None:
    """Keep a derived document beside the store until the history changes (best effort)."""
    path = _derived_path(conn, name)
    if path is None:
        return
    try:
        path.parent.mkdir(exist_ok=True)
        current = path.name.rsplit("-", 1)[-1]
        for old in path.parent.glob("*.json"):
            if old.name.rsplit("-", 1)[-1] != current:
                old.unlink(missing_ok=True)  # derived from an older history
        partial = path.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:
        pass


def _derived_path(conn: sqlite3.Connection, name: str) -> Path | None:
    path = store_file(conn)
    if path is None:
        return None
    generation = f"{load_store_id(conn)}{load_generation(conn)}"
    return path.parent / f"{path.name}-cache" / f"{name}-{generation}.json"


def listening_cache_path(conn: sqlite3.Connection, tz: str) -> Path | None:
    """Where the playlist steps' plays of this store's current history in zone `tz` are cached
    (beside the store, like the streams cache; a change to the history changes the name), or
    None for an in-memory store or one not read yet."""
    path = store_file(conn)
    row = conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
    if path is None or row is None:
        return None
    zone = re.sub(r"[^A-Za-z0-9_+-]+", "_", tz)
    folder = path.parent / f"{path.name}-cache"
    return folder / f"listening-{row[0]}-{load_generation(conn)}-{zone}.npz"
