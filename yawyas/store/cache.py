"""Files derived from the history, kept beside the store (`<store>-cache/`) until it changes:
the streams as Arrow, the playlist steps' plays, and derived documents such as profiles.

Every name carries the history token (`store.db.load_history_token`: random, new with every
change to the history), so a stale file is never read, not even after a backup of the store is
put back and changed again; writing is best effort (a read-only home still works, only
slower). The folder is the person's only (0700) and so are its files (0600).
"""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from yawyas.store.db import load_history_token, make_private_dir, store_file
from yawyas.store.streams import from_codes, load_streams

if TYPE_CHECKING:
    import pandas as pd


def load_history(conn: sqlite3.Connection) -> pd.DataFrame:
    """`load_streams()` of the whole history, through a columnar cache beside the store file.

    The cache (Arrow IPC, `<store>-cache/streams-<history token>.arrow`) is written on the first
    read after a change and read back in a fraction of the time of a full scan. Any change to
    the history writes a new token, so a stale cache is never read.
    """
    import pandas as pd

    path = store_file(conn)
    if path is None:
        return load_streams(conn)
    folder = path.parent / f"{path.name}-cache"
    cache = folder / f"streams-{load_history_token(conn)}.arrow"
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
        _private_folder(folder)
        for old in folder.glob("streams-*.arrow"):
            old.unlink(missing_ok=True)
        partial = cache.with_suffix(".partial")
        with _private_file(partial) as fh:
            frame.to_feather(fh)
        partial.replace(cache)
    except OSError:
        pass  # a read-only home still works, only slower
    return frame


def _private_folder(folder: Path) -> None:
    """The cache folder, the owner's only (0700) whatever made it."""
    make_private_dir(folder)
    if folder.stat().st_mode & 0o077:
        os.chmod(folder, 0o700)


def _private_file(path: Path) -> BinaryIO:
    """`path` opened for writing, readable by the owner only (0600)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")


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
        _private_folder(path.parent)
        current = path.name.rsplit("-", 1)[-1]
        for old in path.parent.glob("*.json"):
            if old.name.rsplit("-", 1)[-1] != current:
                old.unlink(missing_ok=True)  # derived from an older history
        partial = path.with_suffix(".partial")
        with _private_file(partial) as fh:
            fh.write(data)
        partial.replace(path)
    except OSError:
        pass


def _derived_path(conn: sqlite3.Connection, name: str) -> Path | None:
    path = store_file(conn)
    if path is None:
        return None
    return path.parent / f"{path.name}-cache" / f"{name}-{load_history_token(conn)}.json"


def listening_cache_path(conn: sqlite3.Connection, tz: str) -> Path | None:
    """Where the playlist steps' plays of this store's current history in zone `tz` are cached
    (beside the store, like the streams cache; a change to the history changes the name), or
    None for an in-memory store. The folder exists (owner-only) when this returns."""
    path = store_file(conn)
    if path is None:
        return None
    zone = re.sub(r"[^A-Za-z0-9_+-]+", "_", tz)
    folder = path.parent / f"{path.name}-cache"
    with suppress(OSError):  # read-only: writing the cache fails later, quietly
        _private_folder(folder)
    return folder / f"listening-{load_history_token(conn)}-{zone}.npz"
