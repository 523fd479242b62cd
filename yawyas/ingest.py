"""Import exports into the store: read (sources) -> convert -> save (store), one transaction.

Dedupe, so counts agree with the person's own files:
- extended rows: one stream per distinct (ts, identity, ms_played); identity is the track,
  episode or chapter URI, else the names;
- account-data rows: per key (endTime minute, creator, title, msPlayed) the store holds the
  largest count found in any single file, less the extended streams on the same key;
- a file whose bytes were imported before is recognised by fingerprint and adds nothing.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import orjson

from yawyas import store
from yawyas.errors import BadInputError, YawyasError
from yawyas.sources import exports

Progress = Callable[[int, int], None]  # (bytes done, bytes in all)

_EPOCH = date(1970, 1, 1)
_day_cache: dict[str, int] = {}


def _day_seconds(day: str) -> int:
    s = _day_cache.get(day)
    if s is None:
        s = _day_cache[day] = (date.fromisoformat(day) - _EPOCH).days * 86_400
    return s


def parse_ts(ts: Any) -> int | None:
    """Unix seconds of an extended-history `ts` ("2019-03-13T20:15:03Z"), None if unreadable."""
    if not isinstance(ts, str):
        return None
    try:
        if len(ts) == 20 and ts[10] == "T" and ts[19] == "Z":
            return (
                _day_seconds(ts[:10])
                + int(ts[11:13]) * 3600
                + int(ts[14:16]) * 60
                + int(ts[17:19])
            )
        parsed = datetime.fromisoformat(ts)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def parse_end_minute(end_time: Any) -> int | None:
    """Unix minutes of an account-data `endTime` ("2024-01-31 18:05", UTC)."""
    if not isinstance(end_time, str) or len(end_time) < 16:
        return None
    try:
        return (_day_seconds(end_time[:10]) + int(end_time[11:13]) * 3600
                + int(end_time[14:16]) * 60) // 60
    except ValueError:
        return None


def _name(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _flag(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return 1 if value else 0


def _offline_seconds(value: Any) -> int | None:
    """offline_timestamp comes in seconds in some files and milliseconds in others; 0 = unknown."""
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        return None
    return int(value // 1000) if value > 100_000_000_000 else int(value)


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
    totals: store.Totals | None = None

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
        self.dims = store.Dimensions(conn)
        self.account_keys = store.load_account_keys(conn)

    # -- extended history ------------------------------------------------------------

    def extended(self, rows: list[Any], source_name: str, report: FileReport) -> None:
        dims = self.dims
        by_uri = dims.items_by_uri
        platforms, reasons = dims.platforms, dims.reasons
        source = store.SOURCE_ID[source_name]
        track, episode, audiobook, unknown = (store.KIND_ID[k] for k in
                                              ("track", "episode", "audiobook", "unknown"))
        out: list[tuple[Any, ...]] = []
        skipped = report.skipped
        for r in rows:
            if not isinstance(r, dict):
                skipped["row is not an object"] += 1
                continue
            ended_at = parse_ts(r.get("ts"))
            if ended_at is None:
                skipped["unreadable ts"] += 1
                continue
            ms = r.get("ms_played")
            if not isinstance(ms, int) or isinstance(ms, bool) or ms < 0:
                if isinstance(ms, float) and ms >= 0 and ms.is_integer():
                    ms = int(ms)
                else:
                    skipped["unreadable ms_played"] += 1
                    continue
            uri = r.get("spotify_track_uri")
            if uri:
                found = by_uri.get(uri)
                if found is None:
                    artist = _name(r.get("master_metadata_album_artist_name"))
                    found = dims.item(track, uri, artist,
                                      _name(r.get("master_metadata_track_name")),
                                      _name(r.get("master_metadata_album_album_name")))
            else:
                found = self._other_item(r, episode, audiobook, track, unknown)
            item_id, title_id = found
            p = r.get("platform")
            platform_id = platforms.get(p) if p is not None else None
            if platform_id is None and p is not None:
                platform_id = dims.platform(p)
            rs, re_ = r.get("reason_start"), r.get("reason_end")
            rs_id = reasons.get(rs) if rs is not None else None
            if rs_id is None and rs is not None:
                rs_id = dims.reason(rs)
            re_id = reasons.get(re_) if re_ is not None else None
            if re_id is None and re_ is not None:
                re_id = dims.reason(re_)
            out.append((
                ended_at, item_id, ms, 0, title_id, source, platform_id, r.get("conn_country"),
                rs_id, re_id, _flag(r.get("shuffle")), _flag(r.get("skipped")),
                _flag(r.get("offline")), _offline_seconds(r.get("offline_timestamp")),
                _flag(r.get("incognito_mode")), None,
            ))
        dims.flush()
        added = store.save_streams(self.conn, out)
        # extended streams may now cover account-data plays of the same key
        if self.account_keys:
            touched = {(t[0] // 60, t[4], t[2]) for t in out} & self.account_keys
            added += store.materialize_account_streams(self.conn, dims, sorted(touched))
        report.rows = len(rows)
        report.added = added
        report.duplicates = len(out) - added

    def _other_item(
        self, r: dict[str, Any], episode: int, audiobook: int, track: int, unknown: int
    ) -> tuple[int, int]:
        dims = self.dims
        ep_uri = r.get("spotify_episode_uri")
        ep_name = _name(r.get("episode_name"))
        show = _name(r.get("episode_show_name"))
        if ep_uri or ep_name or show:
            return dims.item(episode, ep_uri or None, show, ep_name)
        ch_uri = r.get("audiobook_chapter_uri")
        book = _name(r.get("audiobook_title"))
        chapter = _name(r.get("audiobook_chapter_title"))
        if ch_uri or book or chapter:
            return dims.item(audiobook, ch_uri or None, book, chapter,
                             album=book, album_uri=r.get("audiobook_uri"))
        name = _name(r.get("master_metadata_track_name"))
        artist = _name(r.get("master_metadata_album_artist_name"))
        if name or artist:
            return dims.item(track, None, artist, name,
                             _name(r.get("master_metadata_album_album_name")))
        return dims.item(unknown, None, None, None)

    # -- account data ----------------------------------------------------------------

    def account(self, rows: list[Any], source_name: str, report: FileReport) -> None:
        source = store.SOURCE_ID[source_name]
        if source_name == exports.ACCOUNT_PODCAST:
            creator_key, title_key = "podcastName", "episodeName"
        elif source_name == exports.ACCOUNT_AUDIOBOOK:
            creator_key, title_key = "audiobookName", "chapterName"
        else:
            creator_key, title_key = "artistName", "trackName"
        counts: Counter[store.AccountKey] = Counter()
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
        store.save_account_counts(self.conn, counts, source, authors)
        self.account_keys.update(counts)
        added = store.materialize_account_streams(self.conn, self.dims, sorted(counts))
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
            collaborators = pl.get("collaborators")
            changed = store.save_playlist(
                self.conn, "export", str(pl["name"]).strip(),
                {
                    "description": pl.get("description"),
                    "last_modified": pl.get("lastModifiedDate"),
                    "followers": pl.get("numberOfFollowers"),
                    "collaborators": orjson.dumps(collaborators).decode()
                    if collaborators else None,
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
            item_id, _ = dims.item(store.KIND_ID["track"], uri, _name(t.get("artistName")),
                                   _name(t.get("trackName")), _name(t.get("albumName")))
            return item_id, None, added
        e = entry.get("episode")
        if isinstance(e, dict):
            item_id, _ = dims.item(store.KIND_ID["episode"], e.get("episodeUri") or None,
                                   _name(e.get("showName")), _name(e.get("episodeName")))
            return item_id, None, added
        b = entry.get("audiobook")
        if isinstance(b, dict):
            item_id, _ = dims.item(store.KIND_ID["audiobook"], b.get("audiobookUri") or None,
                                   _name(b.get("audiobookName")), _name(b.get("audiobookName")))
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
                        item_id, _ = self.dims.item(store.KIND_ID["track"], e["uri"],
                                                    _name(e.get("artist")), _name(e.get("track")),
                                                    _name(e.get("album")))
                else:
                    key = unquote(str(e)) if category == "other" else str(e)
                rows.append((category, str(key), item_id, orjson.dumps(e).decode()))
        self.dims.flush()
        report.rows = len(rows)
        report.added = store.save_library(self.conn, rows)
        report.duplicates = report.rows - report.added

    def inferences(self, doc: dict[str, Any], report: FileReport) -> None:
        names = [str(n) for n in doc["inferences"] if isinstance(n, str)]
        report.rows = len(names)
        report.added = store.save_inferences(self.conn, names)
        report.duplicates = report.rows - report.added


def import_paths(
    conn: sqlite3.Connection,
    paths: list[Path],
    *,
    keep_going: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every export file under `paths` in one transaction and report what happened.

    Bad input raises BadInputError and leaves the store exactly as it was, unless `keep_going`,
    which imports the good files and lists the bad ones in the report.
    """
    entries = list(exports.find_entries(paths))
    total = sum(e.size for e in entries)
    done = 0
    report = ImportReport()
    with store.transaction(conn):
        imp = _Importer(conn)
        # extended history first, so account data of the same period is matched against it
        pending: list[tuple[exports.ExportEntry, str, Any, str]] = []
        for entry in entries:
            try:
                item = _prepare(conn, entry, report)
            except YawyasError as exc:
                if not keep_going:
                    raise
                report.files.append(FileReport(entry.name, "bad input", status="error",
                                                error=exc.message))
                item = None
            if item is not None:
                pending.append(item)
                if item[1] in (exports.EXTENDED_AUDIO, exports.EXTENDED_VIDEO):
                    _import_one(conn, imp, *item, report)
                    pending.pop()
            done += entry.size
            if progress:
                progress(done, total)
        for item in pending:
            _import_one(conn, imp, *item, report)
        changed = any(f.added for f in report.files)
        if changed:
            store.bump_generation(conn)
        report.totals = store.load_totals(conn)
    return report


def _prepare(
    conn: sqlite3.Connection, entry: exports.ExportEntry, report: ImportReport
) -> tuple[exports.ExportEntry, str, Any, str] | None:
    """Read and classify one file; None when there is nothing to import from it."""
    if not entry.is_json:
        if entry.direct:
            raise BadInputError(f"{entry.name} is not a JSON file.")
        report.files.append(FileReport(entry.name, exports.NOT_LISTENING, status="skipped"))
        return None
    stat = entry.container.stat()
    known = store.load_seen_path(conn, entry.cache_key, entry.size, stat.st_mtime_ns)
    if known:
        seen = store.load_imported(conn, known[0])
        if seen is not None:
            report.files.append(_already(entry, seen))
            return None
    data = entry.read()
    fp = exports.fingerprint(data)
    seen = store.load_imported(conn, fp)
    if seen is not None:
        store.save_seen_path(conn, entry.cache_key, entry.size, stat.st_mtime_ns, [fp])
        report.files.append(_already(entry, seen))
        return None
    doc = exports.parse_json(entry, data)
    del data
    kind = exports.detect_kind(entry, doc)
    if kind == exports.NOT_LISTENING:
        report.files.append(FileReport(entry.name, kind, status="skipped"))
        return None
    return entry, kind, doc, fp


def _already(entry: exports.ExportEntry, seen: store.ImportedFile) -> FileReport:
    return FileReport(entry.name, seen.kind, rows=seen.rows, duplicates=seen.rows,
                      status="already imported")


def _import_one(
    conn: sqlite3.Connection,
    imp: _Importer,
    entry: exports.ExportEntry,
    kind: str,
    doc: Any,
    fp: str,
    report: ImportReport,
) -> None:
    file_report = FileReport(entry.name, kind)
    if kind in (exports.EXTENDED_AUDIO, exports.EXTENDED_VIDEO):
        imp.extended(doc, kind, file_report)
    elif kind in exports.STREAM_KINDS:
        imp.account(doc, kind, file_report)
    elif kind == exports.PLAYLISTS:
        imp.playlists(doc, file_report)
    elif kind == exports.LIBRARY:
        imp.library(doc, file_report)
    elif kind == exports.INFERENCES:
        imp.inferences(doc, file_report)
    report.files.append(file_report)
    store.save_imported(conn, store.ImportedFile(fp, entry.name, kind, file_report.rows,
                                                 file_report.added))
    store.save_seen_path(conn, entry.cache_key, entry.size, entry.container.stat().st_mtime_ns,
                         [fp])
