"""Runs that may happen from cron or a timer (`import`, `sync`, `enrich`, `refresh`): the
store's lock, the record of how the run ended (for `yawyas status`) and the log file's line."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from yawyas.cli import output
from yawyas.cli.app import State
from yawyas.errors import BadInputError, YawyasError

if TYPE_CHECKING:
    from yawyas.services.runs import RunRecord


@contextmanager
def unattended_run(st: State, command: str) -> Iterator[RunRecord]:
    """Hold the store's lock for the block (another run holding it: BusyError, exit 3), then
    record how the run ended and append its line to the log file. The block fills the record's
    `counts`; whatever ends it (an exit code, an error, Ctrl-C) is recorded and passed on."""
    from yawyas.services.runs import end_run, run_lock, start_run

    record = start_run(command)
    locked = False
    try:
        if st.paths.db.exists():  # a store that cannot be written says so before any lock
            st.connect(write=True)
        with run_lock(st.paths.db, command):
            locked = True
            yield record
    except BaseException as exc:
        ended = end_run(record, exc)
        # bad input leaves the store exactly as it was: its run is told in the log file only
        _finish(st, ended, save=locked and ended.exit_code != BadInputError.exit_code)
        raise
    _finish(st, end_run(record), save=True)


def _finish(st: State, record: RunRecord, *, save: bool) -> None:
    from yawyas.services.runs import append_run_log, save_refused_run, save_run

    if save and st.paths.db.exists():
        # a store that cannot be written says so elsewhere; the run's outcome stands
        with contextlib.suppress(sqlite3.Error, YawyasError):
            save_run(st.connect(), record)
    elif record.exit_code == BadInputError.exit_code and st.paths.db.exists():
        save_refused_run(st.paths.db, record)
    try:
        path = st.log_file
    except YawyasError as exc:
        output.warn(exc.message)
        return
    if path is not None:
        try:
            append_run_log(path, record)
        except OSError as exc:
            output.warn(f"Cannot append to the log file {path}: {exc.strerror or exc}.")
