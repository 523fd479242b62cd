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
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import repeat
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np
import orjson

from yawyas.errors import BadInputError, YawyasError
from yawyas.sources import exports
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

_EPOCH = date(1970, 1, 1)

# Above this many bytes, files are read and parsed in worker processes while this one saves.
PARALLEL_BYTES = 64 * 1024 * 1024


def parse_end_minute(end_time: Any) -> int | None:
    """Unix minutes of an account-data `endTime` ("2024-01-31 18:05", UTC)."""
    if not isinstance(end_time, str) or len(end_time) < 16:
        return None
    try:
        day = (date.fromisoformat(end_time[:10]) - _EPOCH).days
        return day * 1440 + int(end_time[11:13]) * 60 + int(end_time[14:16])
    except ValueError:
        return None


_name = exports._strip


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

    def account(self, rows: list[Any], source_name: str, report: FileReport) -> None:
        source = SOURCE_ID[source_name]
        if source_name == exports.ACCOUNT_PODCAST:
            creator_key, title_key = "podcastName", "episodeName"
        elif source_name == exports.ACCOUNT_AUDIOBOOK:
            creator_key, title_key = "audiobookName", "chapterName"
        else:
            creator_key, title_key = "artistName", "trackName"
        counts: Counter[AccountKey] = Counter()
        authors: dict[int, str] = {}
        for r in rows:
            if not isinstance(r, dict):
                report.skipped["row is not an object"] += 1
                continue
            minute = parse_end_minute(r.get("endTime"))
            if minute is None:
                report.skipped["unreadable endTime"] += 1
                continue
            ms = r.get("msPlayed")
            if not isinstance(ms, int) or isinstance(ms, bool) or ms < 0:
                report.skipped["unreadable msPlayed"] += 1
                continue
            title_id = self.dims.title(_name(r.get(creator_key)), _name(r.get(title_key)))
            counts[(minute, title_id, ms)] += 1
            author = _name(r.get("authorName"))
            if author:
                authors[title_id] = author
        self.dims.flush()
        save_account_counts(self.conn, counts, source, authors)
        self.account_keys.update(counts)
        added = materialize_account_streams(self.conn, self.dims, sorted(counts))
        report.rows = len(rows)
        report.added = added
        report.duplicates = report.rows - sum(report.skipped.values()) - added

    # -- playlists, library, inferences ----------------------------------------------

    def playlists(self, doc: dict[str, Any], report: FileReport) -> None:
        dims = self.dims
        for pl in doc["playlists"]:
            if not isinstance(pl, dict) or not _name(pl.get("name")):
                report.skipped["playlist without a name"] += 1
                continue
            items: list[tuple[int | None, str | None, str | None]] = []
            for entry in pl.get("items") or []:
                if not isinstance(entry, dict):
                    continue
                items.append(self._playlist_entry(entry))
            dims.flush()
            collaborators = pl.get("collaborators")
            changed = save_playlist(
                self.conn,
                "export",
                str(pl["name"]).strip(),
                {
                    "description": pl.get("description"),
                    "last_modified": pl.get("lastModifiedDate"),
                    "followers": pl.get("numberOfFollowers"),
                    "collaborators": orjson.dumps(collaborators).decode()
                    if collaborators
                    else None,
                },
                items,
            )
            report.rows += 1
            report.added += int(changed)
        dims.flush()
        report.duplicates = report.rows - report.added - sum(report.skipped.values())

    def _playlist_entry(self, entry: dict[str, Any]) -> tuple[int | None, str | None, str | None]:
        dims = self.dims
        added = entry.get("addedDate")
        t = entry.get("track")
        if isinstance(t, dict):
            uri = t.get("trackUri") or None
            item_id, _ = dims.item(
                KIND_ID["track"],
                uri,
                _name(t.get("artistName")),
                _name(t.get("trackName")),
                _name(t.get("albumName")),
            )
            return item_id, None, added
        e = entry.get("episode")
        if isinstance(e, dict):
            item_id, _ = dims.item(
                KIND_ID["episode"],
                e.get("episodeUri") or None,
                _name(e.get("showName")),
                _name(e.get("episodeName")),
            )
            return item_id, None, added
        b = entry.get("audiobook")
        if isinstance(b, dict):
            item_id, _ = dims.item(
                KIND_ID["audiobook"],
                b.get("audiobookUri") or None,
                _name(b.get("audiobookName")),
                _name(b.get("audiobookName")),
            )
            return item_id, None, added
        local = entry.get("localTrack")
        if isinstance(local, dict):
            return None, local.get("uri"), added
        return None, None, added

    def library(self, doc: dict[str, Any], report: FileReport) -> None:
        rows: list[tuple[str, str, int | None, str]] = []
        for category, entries in doc.items():
            if not isinstance(entries, list):
                continue
            for e in entries:
                item_id = None
                if isinstance(e, dict):
                    key = e.get("uri") or orjson.dumps(e, option=orjson.OPT_SORT_KEYS).decode()
                    if category == "tracks" and e.get("uri"):
                        item_id, _ = self.dims.item(
                            KIND_ID["track"],
                            e["uri"],
                            _name(e.get("artist")),
                            _name(e.get("track")),
                            _name(e.get("album")),
                        )
                else:
                    key = unquote(str(e)) if category == "other" else str(e)
                rows.append((category, str(key), item_id, orjson.dumps(e).decode()))
        self.dims.flush()
        report.rows = len(rows)
        report.added = save_library(self.conn, rows)
        report.duplicates = report.rows - report.added

    def inferences(self, doc: dict[str, Any], report: FileReport) -> None:
        names = [str(n) for n in doc["inferences"] if isinstance(n, str)]
        report.rows = len(names)
        report.added = save_inferences(self.conn, names)
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
    entries = list(exports.find_entries(paths))
    total = sum(e.size for e in entries)
    report = ImportReport()
    done = 0
    with transaction(conn):
        imp = _Importer(conn)
        todo: list[exports.ExportEntry] = []
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
            elif result.columns is not None:
                _import_one(conn, imp, result, report)
            else:
                later.append(result)
            if progress:
                progress(done, total)
        for result in later:
            _import_one(conn, imp, result, report)
        if any(f.added for f in report.files):
            # streams synced from the API earlier that this export now covers count once
            report.replaced_api_streams = reconcile_api_streams(conn)
            bump_generation(conn)
            mark_reconciled(conn)
        report.totals = load_totals(conn)
    return report


def _read_all(
    entries: list[exports.ExportEntry], total: int, workers: int | None
) -> Iterator[tuple[exports.ExportEntry, exports.ReadResult | YawyasError]]:
    """Read every entry in order: in worker processes for big imports, else here."""
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if total >= PARALLEL_BYTES else 0
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
        futures = [pool.submit(exports.read_entry, e) for e in entries]
        try:
            for entry, future in zip(entries, futures, strict=True):
                try:
                    yield entry, future.result()
                except YawyasError as exc:
                    yield entry, exc
        finally:
            for future in futures:
                future.cancel()


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the main process, which rolls the import back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _known(conn: sqlite3.Connection, entry: exports.ExportEntry, report: ImportReport) -> bool:
    """Files that need no reading: not JSON, or unchanged since they were imported."""
    if not entry.is_json:
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


def _remember(conn: sqlite3.Connection, entry: exports.ExportEntry, fp: str) -> None:
    mtime = entry.container.stat().st_mtime_ns
    save_seen_path(conn, entry.cache_key, entry.size, mtime, [fp])


def _already(entry: exports.ExportEntry, seen: ImportedFile) -> FileReport:
    return FileReport(
        entry.name, seen.kind, rows=seen.rows, duplicates=seen.rows, status="already imported"
    )


def _import_one(
    conn: sqlite3.Connection, imp: _Importer, result: exports.ReadResult, report: ImportReport
) -> None:
    entry, kind, doc = result.entry, result.kind, result.doc
    file_report = FileReport(entry.name, kind)
    if result.columns is not None:
        imp.extended(result.columns, kind, file_report)
    elif kind in exports.STREAM_KINDS:
        imp.account(doc, kind, file_report)
    elif kind == exports.PLAYLISTS:
        imp.playlists(doc, file_report)
    elif kind == exports.LIBRARY:
        imp.library(doc, file_report)
    elif kind == exports.INFERENCES:
        imp.inferences(doc, file_report)
    report.files.append(file_report)
    save_imported(
        conn,
        ImportedFile(result.fingerprint, entry.name, kind, file_report.rows, file_report.added),
    )
    _remember(conn, entry, result.fingerprint)
