"""The profile of a store: computed from the history, or read back when the same question was
asked of an unchanged history (the document is kept beside the store until it changes)."""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Any

import orjson

from yawyas import __version__
from yawyas.store.cache import load_derived, load_history, save_derived


def load_profile(
    conn: sqlite3.Connection,
    *,
    tz: str,
    travel_aware: bool = False,
    since: str | None = None,
    until: str | None = None,
    year: int | None = None,
    top: int = 10,
) -> dict[str, Any]:
    """The profile document (see `reports.summary.build_profile`) of the store's history."""
    question = orjson.dumps([__version__, tz, travel_aware, since, until, year, top])
    name = "profile." + hashlib.sha256(question).hexdigest()[:16]
    saved = load_derived(conn, name)
    if saved is not None:
        doc: dict[str, Any] = orjson.loads(saved)
        return doc
    from yawyas.reports.summary import build_profile

    doc = build_profile(
        load_history(conn),
        tz=tz,
        travel_aware=travel_aware,
        since=since,
        until=until,
        year=year,
        top_n=top,
    )
    save_derived(conn, name, orjson.dumps(doc))
    return doc
