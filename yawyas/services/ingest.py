"""Import exports into the store: read (sources) -> convert -> save (store), one transaction.

Dedupe, so counts agree with the person's own files:
- extended rows: one stream per distinct (ts, identity, ms_played); identity is the track,
  episode or chapter URI, else the names;
- account-data rows: per key (endTime minute, creator, title, msPlayed) the store holds the
  largest count found in any single file, less the extended streams on the same key;
- a file whose bytes were imported before is recognised by fingerprint and adds nothing.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import orjson

from yawyas.errors import BadInputError, YawyasError
from yawyas.services.scrobbles import ScrobbleImport
from yawyas.sources import exports
from yawyas.sources.files import ExportEntry, find_entries
from yawyas.store.db import bump_generation, transaction
from yawyas.store.dimensions import KIND_ID, SOURCE_ID, Dimensions
from yawyas.store.imports import (
    ImportedFile,
    load_imported,
    load_seen_path,
    save_imported,
    save_seen_path,
)
from yawyas.store.library import save_inferences, save_library, save_playlist
from yawyas.store.spotify import mark_reconciled, reconcile_api_streams
from yawyas.store.streams import (
    AccountKey,
    Totals,
    load_account_keys,
    load_totals,
    materialize_account_streams,
    pack_flags,
    save_account_counts,
    save_streams,
)

Progress = Callable[[int, int], None]  # (bytes done, bytes in all)

_SCROBBLE_KINDS = (exports.LASTFM, exports.LISTENBRAINZ)

# Above this many bytes, files are read and parsed in worker processes while this one saves.
PARALLEL_BYTES = 64 * 1024 * 1024
AHEAD_PER_WORKER = 2  # files read ahead per worker, waiting to be saved
# A file bigger than any real export file (they are at most ~13 MB) is read alone, never two at
# once: parsed JSON can take several times its size in memory.
PARALLEL_MAX_FILE = 24 * 1024 * 1024


def _lookup(
    uniques: list[Any], key_of: Callable[[Any], Any] | None, codes: np.ndarray
) -> list[Any]:
    """Per row: the key of its distinct value (`key_of` applied once per value); -1 -> None."""
    keys = [key_of(u) for u in uniques] if key_of else list(uniques)
    table = np.array([*keys, None], dtype=object)
    result: list[Any] = table[codes].tolist()
    return result


@dataclass
class FileReport:
    """What happened to one file of the import."""

    name: str
    kind: str
    rows: int = 0
    added: int = 0
    duplicates: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    status: str = "imported"  # imported, already imported, skipped, error
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.name,
            "kind": self.kind,
            "status": self.status,
            "rows": self.rows,
            "added": self.added,
            "duplicates": self.duplicates,
            "skipped": dict(self.skipped),
            **({"error": self.error} if self.error else {}),
        }


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    totals: Totals | None = None
    replaced_api_streams: int = 0  # API streams now covered by exported ones
    replaced_scrobbles: int = 0  # scrobbles of plays that Spotify streams now hold

    @property
    def added(self) -> int:
        """Streams added (playlists, library and inferences are counted per file only)."""
        return sum(f.added for f in self.files if f.kind in exports.STREAM_KINDS)

    @property
    def duplicates(self) -> int:
        """Stream rows that the store already held."""
        return sum(f.duplicates for f in self.files if f.kind in exports.STREAM_KINDS)

    @property
    def skipped(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for f in self.files:
            total.update(f.skipped)
            if f.status == "skipped":
                total[f.kind] += 1
        return total

    @property
    def errors(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "error"]


class _Importer:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @cached_property
    def dims(self) -> Dimensions:
        return Dimensions(self.conn)

    @cached_property
    def scrobbles(self) -> ScrobbleImport:
        return ScrobbleImport(self.conn, lambda: self.dims)

    @cached_property
    def account_keys(self) -> set[AccountKey]:
        return load_account_keys(self.conn)

    @property
    def account_minutes(self) -> tuple[int, int]:
        minutes = [k[0] for k in self.account_keys]
        return min(minutes), max(minutes)

    # -- extended history ------------------------------------------------------------

    def extended(self, cols: exports.ExtendedColumns, source_name: str, report: FileReport) -> None:
        """Save one extended-history file: names mapped to keys once each, rows in one batch."""
        dims = self.dims
        report.rows = cols.rows
        report.skipped.update(cols.skipped)
        items = np.empty(len(cols.identities), dtype=np.int64)
        titles = np.empty(len(cols.identities), dtype=np.int64)
        for k, (kind, uri, artist, name, album, album_uri) in enumerate(cols.identities):
            items[k], titles[k] = dims.item(kind, uri, artist, name, album, album_uri)
        item_ids = items[cols.identity_codes]
        title_ids = titles[cols.identity_codes]
        platform = _lookup(cols.platforms, dims.platform, cols.platform_codes)
        reason_ids = [dims.reason(r) for r in cols.reasons]
        reason_start = _lookup(reason_ids, None, cols.reason_start_codes)
        reason_end = _lookup(reason_ids, None, cols.reason_end_codes)
        country = _lookup(cols.countries, None, cols.country_codes)
        offline_at = cols.offline_at.astype(object)
        offline_at[cols.offline_at < 0] = None
        dims.flush()
        flags = pack_flags(*cols.flags.T)
        n = len(item_ids)
        rows = zip(
            cols.ended_at.tolist(),
            item_ids.tolist(),
            cols.ms_played.tolist(),
            repeat(SOURCE_ID[source_name], n),
            platform,
            country,
            reason_start,
            reason_end,
            flags.tolist(),
            offline_at.tolist(),
            strict=False,
        )
        added = save_streams(self.conn, rows)
        self.scrobbles.note_spotify(cols.ended_at, title_ids)
        # extended streams may now cover account-data plays of the same key
        if self.account_keys and n:
            minute = cols.ended_at // 60
            lo, hi = self.account_minutes
            near = np.flatnonzero((minute >= lo) & (minute <= hi))
            touched = (
                set(
                    zip(
                        minute[near].tolist(),
                        title_ids[near].tolist(),
                        cols.ms_played[near].tolist(),
                        strict=True,
                    )
                )
                & self.account_keys
            )
            added += materialize_account_streams(self.conn, dims, sorted(touched))
        report.added = added
        report.duplicates = n - added

    # -- account data ----------------------------------------------------------------

    def account(self, plays: exports.AccountPlays, source_name: str, report: FileReport) -> None:
        """Save one account-data file as per-key counts, then the streams they come to."""
        source = SOURCE_ID[source_name]
        report.skipped.update(plays.skipped)
        counts: Counter[AccountKey] = Counter()
        authors: dict[int, str] = {}
        for play in plays.plays:
            title_id = self.dims.title(play.creator, play.title)
            counts[(play.minute, title_id, play.ms_played)] += 1
            if play.author:
                authors[title_id] = play.author
        self.dims.flush()
        save_account_counts(self.conn, counts, source, authors)
        self.account_keys.update(counts)
        added = materialize_account_streams(self.conn, self.dims, sorted(counts))
        if counts:
            keys = np.array(list(counts), dtype=np.int64)
            self.scrobbles.note_spotify(keys[:, 0] * 60, keys[:, 1])
        report.rows = plays.rows
        report.added = added
        report.duplicates = report.rows - sum(report.skipped.values()) - added

    # -- scrobbles (Last.fm, ListenBrainz) --------------------------------------------

    def scrobble(self, cols: exports.ScrobbleColumns, report: FileReport) -> None:
        """Save one scrobble file: the plays the store does not hold yet (services/scrobbles)."""
        saved = self.scrobbles.save(cols)
        report.rows = cols.rows
        report.skipped.update(cols.skipped)
        report.added = saved.added
        report.duplicates = saved.duplicates

    # -- playlists, library, inferences ----------------------------------------------

    def playlists(self, found: exports.Playlists, report: FileReport) -> None:
        """Save each playlist (the newest version of it wins)."""
        dims = self.dims
        report.skipped.update(found.skipped)
        for pl in found.playlists:
            items: list[tuple[int | None, str | None, str | None]] = []
            for e in pl.entries:
                item_id = None
                if e.kind:
                    item_id, _ = dims.item(e.kind, e.uri, e.creator, e.title, e.album)
                items.append((item_id, e.local_uri, e.added))
            dims.flush()
            changed = save_playlist(
                self.conn,
                "export",
                pl.name,
                {
                    "description": pl.description,
                    "last_modified": pl.last_modified,
                    "followers": pl.followers,
                    "collaborators": orjson.dumps(pl.collaborators).decode()
                    if pl.collaborators
                    else None,
                },
                items,
            )
            report.rows += 1
            report.added += int(changed)
        report.rows += sum(found.skipped.values())
        dims.flush()
        report.duplicates = report.rows - report.added - sum(report.skipped.values())

    def library(self, library: exports.Library, report: FileReport) -> None:
        """Save every library entry; saved tracks become items."""
        rows: list[tuple[str, str, int | None, str]] = []
        for e in library.entries:
            item_id = None
            if e.track is not None:
                uri, artist, name, album = e.track
                item_id, _ = self.dims.item(KIND_ID["track"], uri, artist, name, album)
            rows.append((e.category, e.key, item_id, e.data))
        self.dims.flush()
        report.rows = len(rows)
        report.added = save_library(self.conn, rows)
        report.duplicates = report.rows - report.added

    def inferences(self, inferences: exports.Inferences, report: FileReport) -> None:
        """Save Spotify's inferences."""
        report.rows = len(inferences.names)
        report.added = save_inferences(self.conn, inferences.names)
        report.duplicates = report.rows - report.added


def import_paths(
    conn: sqlite3.Connection,
    paths: list[Path],
    *,
    keep_going: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
) -> ImportReport:
    """Import every export file under `paths` in one transaction and report what happened.

    Bad input raises BadInputError and leaves the store exactly as it was, unless `keep_going`,
    which imports the good files and lists the bad ones in the report. Big imports read and
    parse files in `workers` processes (default: one per core) while this process saves.
    """
    entries = list(find_entries(paths))
    total = sum(e.size for e in entries)
    report = ImportReport()
    done = 0
    with transaction(conn):
        imp = _Importer(conn)
        todo: list[ExportEntry] = []
        for entry in entries:
            if _known(conn, entry, report):
                done += entry.size
            else:
                todo.append(entry)
        if progress:
            progress(done, total)
        later: list[exports.ReadResult] = []  # account data etc. after extended history
        for entry, result in _read_all(todo, total, workers):
            done += entry.size
            if isinstance(result, YawyasError):
                if not keep_going:
                    raise result
                report.files.append(
                    FileReport(entry.name, "bad input", status="error", error=result.message)
                )
            elif load_imported(conn, result.fingerprint) is not None:
                seen = load_imported(conn, result.fingerprint)
                assert seen is not None
                report.files.append(_already(entry, seen))
                _remember(conn, entry, result.fingerprint)
            elif result.kind == exports.NOT_LISTENING:
                report.files.append(FileReport(entry.name, result.kind, status="skipped"))
            elif isinstance(result.records, exports.ExtendedColumns):
                _import_one(conn, imp, result, report)
            else:
                later.append(result)
            if progress:
                progress(done, total)
        # scrobbles last: the Spotify streams of the same plays are then known
        later.sort(key=lambda r: isinstance(r.records, exports.ScrobbleColumns))
        for result in later:
            _import_one(conn, imp, result, report)
        report.replaced_scrobbles = imp.scrobbles.settle()
        check_found_listening(report)
        if any(f.added for f in report.files) or report.replaced_scrobbles:
            # streams synced from the API earlier that this export now covers count once
            # (a scrobble never covers one: the API's stream wins, services/scrobbles.py)
            if any(f.added for f in report.files if f.kind not in _SCROBBLE_KINDS):
                report.replaced_api_streams = reconcile_api_streams(conn)
            bump_generation(conn)
            mark_reconciled(conn)
        report.totals = load_totals(conn)
    return report


def check_found_listening(report: ImportReport) -> None:
    """Bad input when the paths held no listening data at all (no streams, playlists, library
    or inferences, new or imported before): saying "Added 0 streams" would hide the mistake."""
    if report.errors or any(f.kind != exports.NOT_LISTENING for f in report.files):
        return
    names = sorted(
        (PurePosixPath(f.name.replace(":", "/")).name for f in report.files), key=str.casefold
    )
    if not names:
        found = "found no files"
    else:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5:,} more" if len(names) > 5 else "")
        found = f"found {len(names):,} file{'s' if len(names) != 1 else ''}, none of them"
        found += f" listening data: {shown}"
    raise BadInputError(
        f"Nothing to import: {found}; yawyas needs a Spotify privacy export (my_spotify_data.zip,"
        " or its Streaming_History_Audio_*.json, StreamingHistory*.json, Playlist*.json,"
        " YourLibrary.json or Inferences.json files), or a Last.fm or ListenBrainz history."
    )


def _read_all(
    entries: list[ExportEntry], total: int, workers: int | None
) -> Iterator[tuple[ExportEntry, exports.ReadResult | YawyasError]]:
    """Read every entry in order: in worker processes for big imports, else here."""
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if total >= PARALLEL_BYTES else 0
        if any(e.size > PARALLEL_MAX_FILE for e in entries):
            workers = 0  # one big file at a time keeps the import's memory bounded
    if workers <= 0 or len(entries) < 2:
        for entry in entries:
            try:
                yield entry, exports.read_entry(entry)
            except YawyasError as exc:
                yield entry, exc
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_ignore_interrupts
    ) as pool:
        # At most AHEAD files in flight: read results wait in this process until saved, so
        # submitting everything at once would hold all of a big import in memory.
        ahead = workers * AHEAD_PER_WORKER
        futures: list[Future[exports.ReadResult] | None] = [
            pool.submit(exports.read_entry, e) for e in entries[:ahead]
        ]
        try:
            for k, entry in enumerate(entries):
                if k + ahead < len(entries):
                    futures.append(pool.submit(exports.read_entry, entries[k + ahead]))
                future, futures[k] = futures[k], None
                assert future is not None
                try:
                    result: exports.ReadResult | YawyasError = future.result()
                except YawyasError as exc:
                    result = exc
                yield entry, result
        finally:
            for pending in futures:
                if pending is not None:
                    pending.cancel()


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the main process, which rolls the import back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _known(conn: sqlite3.Connection, entry: ExportEntry, report: ImportReport) -> bool:
    """Files that need no reading: of no listening kind, or unchanged since they were imported."""
    if not entry.may_hold_listening:
        if entry.direct:
            raise BadInputError(f"{entry.name} is not a JSON file.")
        report.files.append(FileReport(entry.name, exports.NOT_LISTENING, status="skipped"))
        return True
    mtime = entry.container.stat().st_mtime_ns
    known = load_seen_path(conn, entry.cache_key, entry.size, mtime)
    seen = load_imported(conn, known[0]) if known else None
    if seen is not None:
        report.files.append(_already(entry, seen))
        return True
    return False


def _remember(conn: sqlite3.Connection, entry: ExportEntry, fp: str) -> None:
    mtime = entry.container.stat().st_mtime_ns
    save_seen_path(conn, entry.cache_key, entry.size, mtime, [fp])


def _already(entry: ExportEntry, seen: ImportedFile) -> FileReport:
    return FileReport(
        entry.name, seen.kind, rows=seen.rows, duplicates=seen.rows, status="already imported"
    )


def _import_one(
    conn: sqlite3.Connection, imp: _Importer, result: exports.ReadResult, report: ImportReport
) -> None:
    entry, kind, records = result.entry, result.kind, result.records
    file_report = FileReport(entry.name, kind)
    if isinstance(records, exports.ExtendedColumns):
        imp.extended(records, kind, file_report)
    elif isinstance(records, exports.AccountPlays):
        imp.account(records, kind, file_report)
    elif isinstance(records, exports.Playlists):
        imp.playlists(records, file_report)
    elif isinstance(records, exports.Library):
        imp.library(records, file_report)
    elif isinstance(records, exports.Inferences):
        imp.inferences(records, file_report)
    elif isinstance(records, exports.ScrobbleColumns):
        imp.scrobble(records, file_report)
    report.files.append(file_report)
    save_imported(
        conn,
        ImportedFile(result.fingerprint, entry.name, kind, file_report.rows, file_report.added),
    )
    _remember(conn, entry, result.fingerprint)
