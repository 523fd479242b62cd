"""The learned moments in the store: the last run, its moments and each stream's moment.

One run is kept (`moment_runs` has a single row): the history's generation and the settings it
was computed for (`key`: zone, travel-awareness, model version), so it is reused until either
changes. `moments` holds each moment's JSON document in display order. Per-stream labels are
two compressed blobs in `store.load_streams()` order: each stream's moment (int16 index into
the moments, -1 for none) and its end second (delta-coded), which lets a later run keep the ids
of moments that persist after new data.
"""

from __future__ import annotations

import sqlite3
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from yawyas.store.db import transaction

if TYPE_CHECKING:  # numpy loads only where arrays are read or written
    import numpy as np


@dataclass(frozen=True)
class MomentRun:
    """One stored run: what it was computed for, its moments' JSON documents (in order, with
    their ids) and, when loaded with arrays, each stream's label and end second."""

    generation: int
    key: str
    computed_at: int
    ids: tuple[str, ...]
    documents: tuple[str, ...]
    streams: int
    labels: np.ndarray | None = None  # int64 per stream: index into ids, -1 for none
    ended_at: np.ndarray | None = None  # int64 per stream: UTC end second


def _pack_labels(labels: np.ndarray) -> bytes:
    import numpy as np

    return zlib.compress(np.asarray(labels, dtype="<i2").tobytes(), 1)


def _pack_ends(ended_at: np.ndarray) -> bytes:
    import numpy as np

    ends = np.asarray(ended_at, dtype=np.int64)
    deltas = np.diff(ends, prepend=np.int64(0)) if len(ends) else ends
    return zlib.compress(deltas.astype("<i8").tobytes(), 1)


def save_moment_run(
    conn: sqlite3.Connection,
    *,
    generation: int,
    key: str,
    ids: Sequence[str],
    documents: Sequence[str],
    labels: np.ndarray,
    ended_at: np.ndarray,
) -> None:
    """Replace the stored run with this one, in one transaction."""
    import numpy as np

    if len(ids) != len(documents) or len(labels) != len(ended_at):
        raise ValueError("ids/documents and labels/ended_at must have the same lengths")
    if len(ids) > np.iinfo(np.int16).max:
        raise ValueError("too many moments to store")
    with transaction(conn):
        conn.execute("DELETE FROM moments")
        conn.executemany(
            "INSERT INTO moments (id, position, document) VALUES (?, ?, ?)",
            [(i, p, d) for p, (i, d) in enumerate(zip(ids, documents, strict=True))],
        )
        conn.execute(
            "INSERT OR REPLACE INTO moment_runs"
            " (id, generation, key, computed_at, streams, labels, ended_at)"
            " VALUES (1, ?, ?, ?, ?, ?, ?)",
            (
                generation,
                key,
                int(time.time()),
                len(labels),
                _pack_labels(labels),
                _pack_ends(ended_at),
            ),
        )


def load_moment_run(conn: sqlite3.Connection, *, arrays: bool = False) -> MomentRun | None:
    """The stored run, or None; with `arrays`, also the per-stream labels and end seconds."""
    columns = "generation, key, computed_at, streams" + (", labels, ended_at" if arrays else "")
    row = conn.execute(f"SELECT {columns} FROM moment_runs WHERE id = 1").fetchone()
    if row is None:
        return None
    moments = conn.execute("SELECT id, document FROM moments ORDER BY position").fetchall()
    labels = ended_at = None
    if arrays:
        import numpy as np

        labels = np.frombuffer(zlib.decompress(row[4]), dtype="<i2").astype(np.int64)
        ended_at = np.cumsum(np.frombuffer(zlib.decompress(row[5]), dtype="<i8"))
    return MomentRun(
        generation=int(row[0]),
        key=str(row[1]),
        computed_at=int(row[2]),
        ids=tuple(str(m[0]) for m in moments),
        documents=tuple(str(m[1]) for m in moments),
        streams=int(row[3]),
        labels=labels,
        ended_at=ended_at,
    )


def load_stream_labels(conn: sqlite3.Connection) -> tuple[np.ndarray, np.ndarray]:
    """(end second, moment index) of each stream of the stored run, in `load_streams()` order;
    two empty arrays when there is no run."""
    import numpy as np

    run = load_moment_run(conn, arrays=True)
    if run is None or run.labels is None or run.ended_at is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return run.ended_at, run.labels
