"""The profile of a store: computed from the history, or read back when the same question was
asked of an unchanged history (the document is kept beside the store until it changes)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from yawyas import __version__
from yawyas.store.cache import load_derived, load_history, save_derived

if TYPE_CHECKING:
    from yawyas.settings import Config


def load_profile(
    conn: sqlite3.Connection,
    config: Config | None = None,
    *,
    tz: str,
    travel_aware: bool = False,
    since: str | None = None,
    until: str | None = None,
    year: int | None = None,
    top: int = 10,
    everyone: bool = False,
) -> dict[str, Any]:
    """The profile document (see `reports.summary.build_profile`) of the store's history: of
    the person's own taste (their labels from `config` applied), or of every stream with
    `everyone`."""
    from yawyas.services.audience import NO_OVERRIDES, audience_overrides, load_audiences
    from yawyas.settings import Config as Settings

    config = config or Settings(path=Path("config.toml"))
    said = NO_OVERRIDES if everyone else audience_overrides(config)
    question = orjson.dumps(
        [__version__, tz, travel_aware, since, until, year, top, everyone, said.digest_text()]
    )
    name = "profile." + hashlib.sha256(question).hexdigest()[:16]
    saved = load_derived(conn, name)
    if saved is not None:
        doc: dict[str, Any] = orjson.loads(saved)
        return doc
    from yawyas.reports.summary import build_profile

    history = load_history(conn)
    audiences = None
    if not everyone:
        codes, _, findings = load_audiences(
            conn, config, tz=tz, travel_aware=travel_aware, history=history
        )
        audiences = (codes, findings)
    doc = build_profile(
        history,
        tz=tz,
        travel_aware=travel_aware,
        since=since,
        until=until,
        year=year,
        top_n=top,
        audiences=audiences,
    )
    save_derived(conn, name, orjson.dumps(doc))
    return doc
