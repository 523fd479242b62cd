"""`yawyas status`: where everything is and how the last runs went, offline (nothing is asked of
Spotify) and without creating a store that does not exist."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from yawyas.errors import YawyasError
from yawyas.settings import Config, Paths, ZoneChoice, choose_timezone, unknown_config_keys

ZONE_SOURCES = {
    "flag": "--tz",
    "env": "YAWYAS_TZ",
    "config": "the config file",
    "store": "the store (its listener's zone)",
    "system": "the system",
}


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _size(path: Path) -> tuple[int, int]:
    """(bytes, files) of a file or of everything under a folder; (0, 0) when absent."""
    if path.is_file():
        return path.stat().st_size, 1
    if not path.is_dir():
        return 0, 0
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def build_status(
    paths: Paths,
    config: Config,
    conn: sqlite3.Connection | None,
    *,
    tz_option: str | None = None,
    log_file: Path | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """The status document: config (and its unknown keys), store (size, totals, the views'
    zone), caches, token (login time and expiry), log file, timezone and its source, the last
    import/sync/enrich/refresh, and warnings. `conn` is the store's connection, or None when
    there is no store at `paths.db` (none is made)."""
    from yawyas.services.runs import LOCKED_COMMANDS, load_runs, lock_path
    from yawyas.sources.spotify_auth import LOGIN_LIFETIME_DAYS, read_login

    now = time.time() if now is None else now
    warnings: list[str] = []
    unknown = unknown_config_keys(config)
    for key in unknown:
        warnings.append(f"{config.path}: yawyas does not read the key {key!r} (a typo?).")

    db = paths.db
    store: dict[str, Any] = {"path": str(db), "exists": db.exists(), "bytes": 0}
    runs: dict[str, Any] = dict.fromkeys(LOCKED_COMMANDS)
    store_zone = None
    if conn is not None:
        from yawyas.store.db import load_meta
        from yawyas.store.imports import load_imported_count
        from yawyas.store.streams import load_totals
        from yawyas.store.views import load_view_zone

        store["bytes"] = sum(_size(db.with_name(db.name + s))[0] for s in ("", "-wal", "-shm"))
        totals = load_totals(conn)
        store.update(
            streams=totals.streams,
            plays=totals.plays,
            listening_ms=totals.listening_ms,
            first_played_at=_iso(totals.first_played_at),
            last_played_at=_iso(totals.last_played_at),
            imported_files=load_imported_count(conn),
            views_timezone=load_view_zone(conn),
        )
        store_zone = load_meta(conn, "timezone")
        runs = {
            name: None if record is None else _run_doc(record)
            for name, record in load_runs(conn, db).items()
        }
    store["lock"] = str(lock_path(db))

    cache_dir = db.with_name(db.name + "-cache")
    cache_bytes, cache_files = _size(cache_dir)
    caches = {"path": str(cache_dir), "bytes": cache_bytes, "files": cache_files}

    login = read_login(paths.token_cache)
    expires = login.expires_at
    token: dict[str, Any] = {
        "path": str(paths.token_cache),
        "exists": paths.token_cache.exists(),
        "logged_in": login.logged_in,
        "logged_in_at": _iso(login.logged_in_at),
        "expires_at": _iso(expires),
        "days_left": None if expires is None else int((expires - now) // 86_400),
    }
    if login.logged_in and expires is not None and expires <= now:
        warnings.append("The Spotify login has expired; run `yawyas login` again.")
    elif login.logged_in and expires is not None and expires - now < 14 * 86_400:
        warnings.append(
            f"The Spotify login expires on {_iso(expires)} (Spotify's logins last about "
            f"{LOGIN_LIFETIME_DAYS // 30} months); run `yawyas login` again before then."
        )

    try:
        choice = choose_timezone(tz_option, config, store_zone)
        zone: dict[str, Any] = _zone_doc(choice)
    except YawyasError as exc:
        zone = {"name": None, "source": None, "travel_aware": False, "error": exc.message}
        warnings.append(exc.message)

    return {
        "config": {
            "path": str(config.path),
            "exists": config.path.exists(),
            "unknown_keys": unknown,
        },
        "store": store,
        "caches": caches,
        "token": token,
        "log_file": None if log_file is None else str(log_file),
        "timezone": zone,
        "runs": runs,
        "warnings": warnings,
    }


def _zone_doc(choice: ZoneChoice) -> dict[str, Any]:
    return {
        "name": choice.name,
        "source": choice.source,
        "source_text": ZONE_SOURCES[choice.source],
        "travel_aware": choice.travel_aware,
    }


def _run_doc(record: Any) -> dict[str, Any]:
    return {
        "started_at": _iso(record.started_at),
        "ended_at": _iso(record.ended_at),
        "seconds": round(max(record.ended_at - record.started_at, 0.0), 1),
        "outcome": record.outcome,
        "exit_code": record.exit_code,
        "message": record.message,
        "counts": record.counts,
    }
