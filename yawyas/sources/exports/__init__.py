"""Read Spotify's privacy exports: the only package that knows their formats.

Each JSON file's kind is detected from its content (people rename files); the file name only
settles what content cannot (audio vs video, the old mixed `StreamingHistoryN.json` vs music).
Every kind comes out as typed records: `ExtendedColumns` (extended history, `extended`),
`AccountPlays` (account data, `account`), `Playlists`, `LibraryEntry` and inference names
(`library`), for the import to save. `read_entry` also hands scrobble histories (Last.fm CSVs,
ListenBrainz listens, sniffed by content) to their readers, which give `ScrobbleColumns`.
No SQL here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from yawyas.errors import BadInputError
from yawyas.sources import lastfm, listenbrainz
from yawyas.sources.exports.account import (
    ACCOUNT_KEYS,
    AccountPlay,
    AccountPlays,
    parse_end_minute,
    read_account,
)
from yawyas.sources.exports.extended import ExtendedColumns, Identity, parse_ts, read_extended
from yawyas.sources.exports.kinds import (
    ACCOUNT_AUDIOBOOK,
    ACCOUNT_MIXED,
    ACCOUNT_MUSIC,
    ACCOUNT_PODCAST,
    EMPTY,
    EXTENDED_AUDIO,
    EXTENDED_VIDEO,
    INFERENCES,
    LASTFM,
    LIBRARY,
    LISTENBRAINZ,
    LISTENING_NAME,
    NOT_LISTENING,
    PLAYLISTS,
    STREAM_KINDS,
    clean_name,
)
from yawyas.sources.exports.library import (
    Inferences,
    Library,
    LibraryEntry,
    PlaylistEntry,
    PlaylistRecord,
    Playlists,
    read_inferences,
    read_library,
    read_playlists,
)
from yawyas.sources.files import ExportEntry, fingerprint
from yawyas.sources.scrobbles import ScrobbleColumns

__all__ = [
    "ACCOUNT_AUDIOBOOK",
    "ACCOUNT_MIXED",
    "ACCOUNT_MUSIC",
    "ACCOUNT_PODCAST",
    "EMPTY",
    "EXTENDED_AUDIO",
    "EXTENDED_VIDEO",
    "INFERENCES",
    "LASTFM",
    "LIBRARY",
    "LISTENBRAINZ",
    "NOT_LISTENING",
    "PLAYLISTS",
    "STREAM_KINDS",
    "AccountPlay",
    "AccountPlays",
    "ExtendedColumns",
    "Identity",
    "Inferences",
    "Library",
    "LibraryEntry",
    "PlaylistEntry",
    "PlaylistRecord",
    "Playlists",
    "ReadResult",
    "ScrobbleColumns",
    "clean_name",
    "detect_kind",
    "parse_end_minute",
    "parse_json",
    "parse_ts",
    "read_entry",
]

_EXTENDED_KEYS = frozenset({"ts", "ms_played"})
_LIBRARY_KEYS = frozenset(
    {"tracks", "albums", "artists", "shows", "episodes", "bannedTracks", "bannedArtists", "other"}
)


# Parsed JSON takes ~60 bytes of memory per value: a big file packed with tiny values
# (`[0,0,0,...]`) would take many times its size. Real exports have one value per 20 bytes or
# more (one per 500 bytes in extended history); above DENSE_BYTES, one per DENSE_RATIO is refused.
DENSE_BYTES = 16 * 1024 * 1024
DENSE_RATIO = 16


def parse_json(entry: ExportEntry, data: bytes) -> Any:
    """Parse a file's JSON, with a sentence that says where it broke and what to do."""
    if len(data) > DENSE_BYTES and (values := data.count(b",")) > len(data) // DENSE_RATIO:
        raise BadInputError(
            f"{entry.name} is not a Spotify export file: its {len(data) / 1024**2:,.0f} MB hold"
            f" {values:,} tiny values, far more than any export has."
        )
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
    looks_listening = bool(LISTENING_NAME.search(name))
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


# --------------------------------------------------------------------------- any file

Records = ExtendedColumns | AccountPlays | Playlists | Library | Inferences | ScrobbleColumns | None
_HEAD = 65_536  # bytes a sniffer sees


@dataclass(frozen=True)
class ReadResult:
    """What reading one file gives: its fingerprint and kind, and its typed records (None for
    files that are not listening data)."""

    entry: ExportEntry
    fingerprint: str
    kind: str
    records: Records = None


def read_entry(entry: ExportEntry) -> ReadResult:
    """Read, fingerprint, parse and classify one file (safe to run in a worker process)."""
    data = entry.read()
    fp = fingerprint(data)
    scrobbles = _read_scrobbles(entry, data)
    if scrobbles is not None:
        return ReadResult(entry, fp, scrobbles.source, scrobbles)
    if not entry.is_json:
        return ReadResult(entry, fp, NOT_LISTENING)
    doc = parse_json(entry, data)
    del data
    kind = detect_kind(entry, doc)
    records: Records = None
    if kind in (EXTENDED_AUDIO, EXTENDED_VIDEO):
        records = read_extended(doc, kind)
    elif kind in ACCOUNT_KEYS:
        records = read_account(doc, kind)
    elif kind == PLAYLISTS:
        records = read_playlists(doc)
    elif kind == LIBRARY:
        records = read_library(doc)
    elif kind == INFERENCES:
        records = read_inferences(doc)
    return ReadResult(entry, fp, kind, records)


def _read_scrobbles(entry: ExportEntry, data: bytes) -> ScrobbleColumns | None:
    """A scrobble history's plays (ListenBrainz listens, a Last.fm export), known by content;
    None for any other file. A file that is not JSON and looks like scrobbles without being
    a layout we read (or was named by the person) is read anyway: the reader says what is
    wrong with it, naming the file and the line."""
    head = data[:_HEAD]
    if listenbrainz.sniff(entry.name, head):
        return listenbrainz.read_listenbrainz(entry.name, data)
    if entry.is_json:
        return None
    if lastfm.sniff(entry.name, head):
        return lastfm.read_lastfm(entry.name, data)
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if stripped.startswith((b"{", b"[")):  # JSON lines
        if entry.direct or b'"listened_at"' in head:
            return listenbrainz.read_listenbrainz(entry.name, data)
        return None
    if entry.direct or lastfm.looks_like(head):
        return lastfm.read_lastfm(entry.name, data)
    return None
