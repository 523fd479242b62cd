"""Import bookkeeping: which files (by fingerprint) were imported, and which paths were seen
with which size and mtime, so an unchanged file is skipped without being read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass


def load_seen_path(conn: sqlite3.Connection, path: str, size: int, mtime_ns: int) -> list[str]:
    """Fingerprints last read from `path` if it still has this size and mtime, else []."""
    row = conn.execute(
        "SELECT fingerprints FROM seen_paths WHERE path = ? AND size = ? AND mtime_ns = ?",
        (path, size, mtime_ns),
    ).fetchone()
    return row[0].split(",") if row and row[0] else []


def save_seen_path(
    conn: sqlite3.Connection, path: str, size: int, mtime_ns: int, fingerprints: Sequence[str]
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO seen_paths (path, size, mtime_ns, fingerprints)"
        " VALUES (?, ?, ?, ?)",
        (path, size, mtime_ns, ",".join(fingerprints)),
    )


@dataclass(frozen=True)
class ImportedFile:
    fingerprint: str
    name: str
    kind: str
    rows: int
    added: int


def load_imported(conn: sqlite3.Connection, fingerprint: str) -> ImportedFile | None:
    row = conn.execute(
        "SELECT fingerprint, name, kind, rows, added FROM imported_files WHERE fingerprint = ?",
        (fingerprint,),
    ).fetchone()
    return ImportedFile(*row) if row else None


def save_imported(conn: sqlite3.Connection, f: ImportedFile) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO imported_files (fingerprint, name, kind, rows, added, imported_at)"
        " VALUES (?, ?, ?, ?, ?, strftime('%s','now'))",
        (f.fingerprint, f.name, f.kind, f.rows, f.added),
    )


def load_imported_count(conn: sqlite3.Connection) -> int:
    """How many distinct files (by fingerprint) were ever imported into the store."""
    return int(conn.execute("SELECT count(*) FROM imported_files").fetchone()[0])
