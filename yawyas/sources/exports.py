"""Read Spotify's privacy exports: zips, folders at any depth and single JSON files.

Each JSON file's kind is detected from its content (people rename files); the file name only
settles what content cannot (audio vs video, the old mixed `StreamingHistoryN.json` vs music).
Zip members are read in memory, never extracted to paths taken from the archive. No SQL here.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import orjson

from yawyas.errors import BadInputError, NotFoundError

# Kinds of files, as reported to the person.
EXTENDED_AUDIO = "extended_audio"
EXTENDED_VIDEO = "extended_video"
ACCOUNT_MUSIC = "account_music"
ACCOUNT_PODCAST = "account_podcast"
ACCOUNT_AUDIOBOOK = "account_audiobook"
ACCOUNT_MIXED = "account_mixed"
PLAYLISTS = "playlists"
LIBRARY = "library"
INFERENCES = "inferences"
EMPTY = "empty"
NOT_LISTENING = "not listening data"

STREAM_KINDS = (
    EXTENDED_AUDIO,
    EXTENDED_VIDEO,
    ACCOUNT_MUSIC,
    ACCOUNT_PODCAST,
    ACCOUNT_AUDIOBOOK,
    ACCOUNT_MIXED,
)

# Names under which Spotify ships listening data: such a file must parse and have a known shape.
_LISTENING_NAME = re.compile(
    r"(streaming_?history|endsong|endvideo|playlist\d|yourlibrary|inferences)", re.IGNORECASE
)
_EXTENDED_KEYS = frozenset({"ts", "ms_played"})
_LIBRARY_KEYS = frozenset(
    {"tracks", "albums", "artists", "shows", "episodes", "bannedTracks", "bannedArtists", "other"}
)


@dataclass(frozen=True)
class ExportEntry:
    """One file of an export: a loose JSON file, or a member of a zip."""

    name: str  # what the person sees: the path, or "archive.zip:member/path.json"
    container: Path  # the file on disk (the zip for members)
    member: str | None  # the zip member name, or None for a loose file
    size: int
    direct: bool = False  # named by the person itself, not found inside a folder or zip

    @property
    def cache_key(self) -> str:
        base = str(self.container.resolve())
        return f"{base}::{self.member}" if self.member else base

    @property
    def is_json(self) -> bool:
        return PurePosixPath(self.member or self.container.name).suffix.lower() == ".json"

    @property
    def basename(self) -> str:
        return PurePosixPath(self.member or self.container.name).name

    def read(self) -> bytes:
        """The file's bytes (zip members are decompressed in memory)."""
        try:
            if self.member is None:
                return self.container.read_bytes()
            with zipfile.ZipFile(self.container) as zf:
                return zf.read(self.member)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise BadInputError(
                f"{self.name} cannot be read from the zip ({exc}): the archive looks damaged;"
                " download it again."
            ) from exc
        except OSError as exc:
            raise BadInputError(f"{self.name} cannot be read: {exc.strerror or exc}.") from exc


def find_entries(paths: list[Path]) -> Iterator[ExportEntry]:
    """Every file under the given paths: folders walked in name order, zips opened.

    A missing path, a corrupt zip, or a single file that is neither JSON nor a zip is bad input.
    """
    for path in paths:
        if not path.exists():
            raise NotFoundError(f"{path} does not exist.")
        if path.is_dir():
            for sub in sorted(p for p in path.rglob("*") if p.is_file()):
                if _is_zip(sub):
                    yield from _zip_entries(sub)
                else:
                    yield ExportEntry(str(sub), sub, None, sub.stat().st_size)
        elif _is_zip(path) or path.suffix.lower() == ".zip":
            yield from _zip_entries(path)
        elif path.suffix.lower() == ".json":
            yield ExportEntry(str(path), path, None, path.stat().st_size, direct=True)
        else:
            raise BadInputError(
                f"{path} is neither a Spotify export zip, a folder, nor a JSON file."
            )


def _is_zip(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False


def _zip_entries(path: Path) -> Iterator[ExportEntry]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadInputError(
            f"{path} is not a readable zip ({exc}): download the export again."
        ) from exc
    for info in sorted(infos, key=lambda i: i.filename):
        yield ExportEntry(f"{path}:{info.filename}", path, info.filename, info.file_size)


def fingerprint(data: bytes) -> str:
    """A file's identity: the SHA-256 of its bytes (a renamed copy is the same file)."""
    return hashlib.sha256(data).hexdigest()


def parse_json(entry: ExportEntry, data: bytes) -> Any:
    """Parse a file's JSON, with a sentence that says where it broke and what to do."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        line, col = getattr(exc, "lineno", 0), getattr(exc, "colno", 0)
        pos = getattr(exc, "pos", 0)
        stripped = data.rstrip()
        if not stripped:
            why = "the file is empty"
        elif pos >= len(stripped) - 1 or "unexpected end" in str(exc).lower():
            why = "the file looks cut off; download it again"
        else:
            why = "the file is damaged or is not a Spotify export file"
        raise BadInputError(
            f"{entry.name} is not valid JSON (line {line}, column {col}): {why}."
        ) from exc


def detect_kind(entry: ExportEntry, doc: Any) -> str:
    """The kind of an export file, from its content; NOT_LISTENING for the other export files.

    A file that looks like listening data (by shape or by Spotify's file name) but whose shape
    is not one we know is bad input, never silently skipped.
    """
    name = entry.basename.lower()
    looks_listening = bool(_LISTENING_NAME.search(name))
    if isinstance(doc, list):
        if not doc:
            return EMPTY
        first = next((r for r in doc if isinstance(r, dict)), None)
        if first is not None:
            keys = first.keys()
            if keys >= _EXTENDED_KEYS:
                return EXTENDED_VIDEO if "video" in name else EXTENDED_AUDIO
            if "endTime" in keys and "msPlayed" in keys:
                if "audiobookName" in keys or "chapterName" in keys:
                    return ACCOUNT_AUDIOBOOK
                if "podcastName" in keys or "episodeName" in keys:
                    return ACCOUNT_PODCAST
                if "artistName" in keys or "trackName" in keys:
                    return ACCOUNT_MUSIC if "music" in name else ACCOUNT_MIXED
            if "ts" in keys or "endTime" in keys or looks_listening:
                raise BadInputError(
                    f"{entry.name} looks like streaming history but has an unknown shape"
                    f" (first row's keys: {', '.join(sorted(keys)[:8])})."
                )
        elif looks_listening or entry.direct:
            raise BadInputError(f"{entry.name} has an unknown shape: its rows are not objects.")
        if entry.direct:
            raise BadInputError(
                f"{entry.name} has an unknown shape: it is not a Spotify listening-data file."
            )
        return NOT_LISTENING
    if isinstance(doc, dict):
        if isinstance(doc.get("playlists"), list):
            return PLAYLISTS
        if isinstance(doc.get("inferences"), list):
            return INFERENCES
        if _LIBRARY_KEYS & doc.keys() and isinstance(doc.get("tracks", []), list):
            return LIBRARY
    if looks_listening or entry.direct:
        raise BadInputError(
            f"{entry.name} has an unknown shape: it is not a Spotify listening-data file."
        )
    return NOT_LISTENING


# --------------------------------------------------------------------------- extended rows

# Identity of an extended row: (kind, uri, artist/show/book, track/episode/chapter, album,
# album uri). Kinds as in the store: 0 unknown, 1 track, 2 episode, 3 audiobook.
Identity = tuple[int, str | None, str | None, str | None, str | None, str | None]
_UNKNOWN_IDENTITY: Identity = (0, None, None, None, None, None)

_FIELDS = (
    "ts",
    "ms_played",
    "spotify_track_uri",
    "platform",
    "conn_country",
    "reason_start",
    "reason_end",
    "shuffle",
    "skipped",
    "offline",
    "offline_timestamp",
    "incognito_mode",
)
_FLAG = {True: 1, False: 0}
_EPOCH = np.datetime64(0, "s")


@dataclass(frozen=True)
class ExtendedColumns:
    """One extended-history file as columns: numbers as arrays, names coded once each.

    Only valid rows are kept (`skipped` counts the others by reason). `*_codes` index into the
    matching list of distinct values; -1 means null.
    """

    rows: int
    skipped: dict[str, int]
    ended_at: np.ndarray  # UTC seconds
    ms_played: np.ndarray
    identity_codes: np.ndarray
    identities: list[Identity]
    platform_codes: np.ndarray
    platforms: list[str]
    country_codes: np.ndarray
    countries: list[str]
    reason_start_codes: np.ndarray
    reason_end_codes: np.ndarray
    reasons: list[str]
    flags: np.ndarray  # shuffle, skipped, offline, incognito_mode: -1/0/1 each, shape (n, 4)
    offline_at: np.ndarray  # UTC seconds, -1 unknown


def _strip(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _identity(r: dict[str, Any]) -> Identity:
    """The identity of a row: its track, episode or chapter URI, else its names."""
    uri = r.get("spotify_track_uri")
    if uri:
        return (
            1,
            uri,
            _strip(r.get("master_metadata_album_artist_name")),
            _strip(r.get("master_metadata_track_name")),
            _strip(r.get("master_metadata_album_album_name")),
            None,
        )
    ep_uri = r.get("spotify_episode_uri") or None
    ep_name, show = _strip(r.get("episode_name")), _strip(r.get("episode_show_name"))
    if ep_uri or ep_name or show:
        return (2, ep_uri, show, ep_name, None, None)
    ch_uri = r.get("audiobook_chapter_uri") or None
    book, chapter = _strip(r.get("audiobook_title")), _strip(r.get("audiobook_chapter_title"))
    if ch_uri or book or chapter:
        return (3, ch_uri, book, chapter, book, r.get("audiobook_uri") or None)
    name = _strip(r.get("master_metadata_track_name"))
    artist = _strip(r.get("master_metadata_album_artist_name"))
    if name or artist:
        return (1, None, artist, name, _strip(r.get("master_metadata_album_album_name")), None)
    return _UNKNOWN_IDENTITY


def _codes(values: Sequence[Any], uniques: list[str]) -> np.ndarray:
    """Code each value by its position among the distinct values (appended to `uniques`)."""
    index: dict[Any, int] = {u: i for i, u in enumerate(uniques)}
    index[None] = -1
    for v in dict.fromkeys(values):
        if v not in index:
            index[v] = len(uniques)
            uniques.append(v if isinstance(v, str) else str(v))
    return np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))


def parse_ts(ts: Any) -> int | None:
    """UTC seconds of an extended-history `ts` ("2019-03-13T20:15:03Z"); None if unreadable."""
    if not isinstance(ts, str):
        return None
    try:
        parsed = datetime.fromisoformat(ts)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def _ts_column(values: list[Any]) -> np.ndarray:
    """UTC seconds per `ts`, -1 where unreadable: numpy parses the common shape in C."""
    try:
        if all(isinstance(v, str) and len(v) == 20 and v[19] == "Z" for v in values):
            return (np.array([v[:19] for v in values], dtype="datetime64[s]") - _EPOCH).astype(
                np.int64
            )
    except ValueError:
        pass
    return np.array([-1 if (s := parse_ts(v)) is None else s for v in values], dtype=np.int64)


def _ms_column(values: list[Any]) -> np.ndarray:
    """ms_played per row; -1 where it is not a non-negative whole number."""
    arr = np.array(values)
    if arr.dtype.kind == "i":
        return np.where(arr >= 0, arr, -1).astype(np.int64)
    out = np.full(len(values), -1, dtype=np.int64)
    for i, v in enumerate(values):
        if isinstance(v, bool):
            continue
        if isinstance(v, int) and v >= 0:
            out[i] = v
        elif isinstance(v, float) and v >= 0 and v.is_integer():
            out[i] = int(v)
    return out


def _offline_column(values: list[Any]) -> np.ndarray:
    """offline_timestamp as UTC seconds (seconds in some files, ms in others); 0/null -> -1."""
    out = np.array(
        [
            v if isinstance(v, int | float) and not isinstance(v, bool) and v > 0 else -1
            for v in values
        ],
        dtype=np.float64,
    )
    out = np.where(out > 100_000_000_000, out // 1000, out)
    return out.astype(np.int64)


def read_extended(rows: list[Any]) -> ExtendedColumns:
    """Turn one extended-history file's rows into columns (see ExtendedColumns)."""
    skipped: dict[str, int] = {}
    total = len(rows)
    rows = [r for r in rows if isinstance(r, dict)]
    if len(rows) < total:
        skipped["row is not an object"] = total - len(rows)
    getter = itemgetter(*_FIELDS)
    try:
        table = [getter(r) for r in rows]
    except KeyError:  # older files lack some fields
        table = [tuple(r.get(k) for k in _FIELDS) for r in rows]
    cols: list[tuple[Any, ...]] = list(zip(*table, strict=True)) if table else [()] * len(_FIELDS)
    del table
    ended = _ts_column(list(cols[0]))
    ms = _ms_column(list(cols[1]))
    bad_ts = ended < 0
    bad_ms = (ms < 0) & ~bad_ts
    if bad_ts.any():
        skipped["unreadable ts"] = int(bad_ts.sum())
    if bad_ms.any():
        skipped["unreadable ms_played"] = int(bad_ms.sum())
    keep = np.flatnonzero(~(bad_ts | bad_ms))
    if len(keep) < len(rows):
        kept = keep.tolist()
        rows = [rows[i] for i in kept]
        cols = [tuple(c[i] for i in kept) for c in cols]
        ended, ms = ended[keep], ms[keep]

    # identities: rows with a track URI are coded by URI (names from its first row);
    # the others, by their names, row by row
    uris = cols[2]
    first_row = {u: i for i, u in zip(range(len(uris) - 1, -1, -1), reversed(uris), strict=True)}
    identities: list[Identity] = []
    index: dict[Any, int] = {}
    for uri, i in first_row.items():
        if uri and isinstance(uri, str):
            index[uri] = len(identities)
            identities.append(_identity(rows[i]))
    by_names: dict[Identity, int] = {}
    codes = [index.get(u, -1) if u else -1 for u in uris]
    for i in [i for i, c in enumerate(codes) if c < 0]:
        ident = _identity(rows[i])
        key: Any = ident[1] if ident[1] is not None else ident
        code = index.get(key) if ident[1] is not None else by_names.get(ident)
        if code is None:
            code = len(identities)
            identities.append(ident)
            if ident[1] is not None:
                index[key] = code
            else:
                by_names[ident] = code
        codes[i] = code
    identity_codes = np.array(codes, dtype=np.int64)

    platforms: list[str] = []
    countries: list[str] = []
    reasons: list[str] = []
    flags = (
        np.array([[_FLAG.get(v, -1) for v in cols[k]] for k in (7, 8, 9, 11)], dtype=np.int64)
        .reshape(4, len(rows))
        .T
    )
    return ExtendedColumns(
        rows=total,
        skipped=skipped,
        ended_at=ended,
        ms_played=ms,
        identity_codes=identity_codes,
        identities=identities,
        platform_codes=_codes(cols[3], platforms),
        platforms=platforms,
        country_codes=_codes(cols[4], countries),
        countries=countries,
        reason_start_codes=_codes(cols[5], reasons),
        reason_end_codes=_codes(cols[6], reasons),
        reasons=reasons,
        flags=flags,
        offline_at=_offline_column(list(cols[10])),
    )


@dataclass(frozen=True)
class ReadResult:
    """What reading one file gives: its fingerprint and kind, and its content in a form to save."""

    entry: ExportEntry
    fingerprint: str
    kind: str
    columns: ExtendedColumns | None = None  # extended history
    doc: Any = None  # every other kind: the parsed JSON


def read_entry(entry: ExportEntry) -> ReadResult:
    """Read, fingerprint, parse and classify one file (safe to run in a worker process)."""
    data = entry.read()
    fp = fingerprint(data)
    doc = parse_json(entry, data)
    del data
    kind = detect_kind(entry, doc)
    if kind in (EXTENDED_AUDIO, EXTENDED_VIDEO):
        return ReadResult(entry, fp, kind, columns=read_extended(doc))
    if kind == NOT_LISTENING:
        return ReadResult(entry, fp, kind)
    return ReadResult(entry, fp, kind, doc=doc)
