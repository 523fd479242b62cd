"""Runs that may happen unattended (`sync`, `enrich`, `import`, `refresh`): one lock per store
shared by all of them, the record of how each last ended (kept in the store), and the optional
log file with one line per run."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import orjson

from yawyas.errors import BadInputError, BusyError
from yawyas.store.db import load_meta, save_meta

LOCKED_COMMANDS: Final = ("import", "sync", "enrich", "refresh")
_RUN_KEY: Final = "last_run."


def lock_path(db: Path) -> Path:
    """The lock file of a store: `<store>.lock` beside it."""
    return db.with_name(db.name + ".lock")


@contextmanager
def run_lock(db: Path, command: str) -> Iterator[None]:
    """Hold the store's lock for one run, or raise BusyError (exit 3) at once if another
    sync, enrich, import or refresh on the same store holds it. Portable (the filelock package);
    the operating system releases it if the process dies."""
    from filelock import FileLock, Timeout

    from yawyas.store.db import make_private_dir

    path = lock_path(db)
    try:
        make_private_dir(path.parent)
    except OSError as exc:
        raise BadInputError(f"Cannot create the folder of the store {db}: {exc}.") from exc
    lock = FileLock(str(path), timeout=0, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise BusyError(
            f"Another yawyas {' / '.join(LOCKED_COMMANDS)} is still running on {db} "
            f"(lock {path}); this {command} did nothing."
        ) from None
    except OSError as exc:
        raise BadInputError(f"Cannot create the lock file {path}: {exc}.") from exc
    try:
        yield
    finally:
        lock.release()


@dataclass
class RunRecord:
    """How one run went: `outcome` is ok, failed, interrupted or busy (another run held the
    lock); `counts` what it did (streams added, tracks looked up, ...)."""

    command: str
    started_at: float
    ended_at: float = 0.0
    outcome: str = "ok"
    exit_code: int = 0
    message: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def start_run(command: str) -> RunRecord:
    """A record of a run starting now."""
    return RunRecord(command=command, started_at=time.time())


def end_run(record: RunRecord, exc: BaseException | None = None) -> RunRecord:
    """Stamp the record's end and outcome from how the run ended (`exc`: what ended it; an
    exception with an `exit_code`, like typer's Exit or a YawyasError, gives its code)."""
    record.ended_at = time.time()
    if exc is None:
        return record
    if isinstance(exc, KeyboardInterrupt):
        record.outcome, record.exit_code = "interrupted", 130
        return record
    code = getattr(exc, "exit_code", 1)
    record.exit_code = code if isinstance(code, int) else 1
    if isinstance(exc, BusyError):
        record.outcome = "busy"
    else:
        record.outcome = "failed" if record.exit_code else "ok"
    message = getattr(exc, "message", None)
    if isinstance(message, str):
        record.message = message
    elif record.exit_code and not hasattr(exc, "exit_code"):
        record.message = f"{type(exc).__name__}: {exc}"
    return record


def save_run(conn: sqlite3.Connection, record: RunRecord) -> None:
    """Remember in the store how the last run of this command ended (for `yawyas status`)."""
    save_meta(conn, _RUN_KEY + record.command, orjson.dumps(record.as_dict()).decode())


def runs_path(db: Path) -> Path:
    """Where runs stopped by bad input are told (`<store>.runs.json`): bad input leaves the
    store itself exactly as it was."""
    return db.with_name(db.name + ".runs.json")


def save_refused_run(db: Path, record: RunRecord) -> None:
    """Remember a run that bad input stopped, beside the store (owner-only, best effort)."""
    path = runs_path(db)
    try:
        known = orjson.loads(path.read_bytes()) if path.exists() else {}
    except (OSError, orjson.JSONDecodeError):
        known = {}
    if not isinstance(known, dict):
        known = {}
    known[record.command] = record.as_dict()
    partial = path.with_name(path.name + ".partial")
    with contextlib.suppress(OSError):
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(orjson.dumps(known))
        partial.replace(path)


def _record(data: object) -> RunRecord | None:
    try:
        return RunRecord(**data) if isinstance(data, dict) else None
    except TypeError:
        return None


def load_runs(conn: sqlite3.Connection, db: Path | None = None) -> dict[str, RunRecord | None]:
    """The last run of each unattended command (None: never ran, or not recorded): from the
    store, or from beside it (`runs_path`) when bad input stopped a later one."""
    refused: dict[str, object] = {}
    if db is not None and runs_path(db).exists():
        with contextlib.suppress(OSError, orjson.JSONDecodeError):
            loaded = orjson.loads(runs_path(db).read_bytes())
            refused = loaded if isinstance(loaded, dict) else {}
    runs: dict[str, RunRecord | None] = {}
    for command in LOCKED_COMMANDS:
        text = load_meta(conn, _RUN_KEY + command)
        try:
            stored = _record(orjson.loads(text)) if text else None
        except orjson.JSONDecodeError:
            stored = None
        other = _record(refused.get(command))
        candidates = [r for r in (stored, other) if r is not None]
        runs[command] = max(candidates, key=lambda r: r.started_at) if candidates else None
    return runs


def format_run_line(record: RunRecord) -> str:
    """One log line: local start time with offset, command, outcome, exit code, seconds, counts,
    and the message of a failure ('2026-12-01T03:15:02+01:00 sync ok exit=0 1.4s added=3')."""
    at = datetime.fromtimestamp(record.started_at).astimezone().isoformat(timespec="seconds")
    took = max(record.ended_at - record.started_at, 0.0)
    parts = [at, record.command, record.outcome, f"exit={record.exit_code}", f"{took:.1f}s"]
    parts += [f"{k}={v}" for k, v in record.counts.items()]
    line = " ".join(parts)
    if record.message:
        line += ": " + " ".join(record.message.split())
    return line


def append_run_log(path: Path, record: RunRecord) -> None:
    """Append the run's line to the log file (its folder is made if missing). Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as log:
        log.write(format_run_line(record) + "\n")


def counts_of(report: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, int]:
    """The integer fields `keys` of a report's dict, for a run's record."""
    return {k: int(report[k]) for k in keys if isinstance(report.get(k), int | bool)}
