"""Read Spotify's privacy exports: zips, folders at any depth and single JSON files.

Each JSON file's kind is detected from its content (people rename files); the file name only
settles what content cannot (audio vs video, the old mixed `StreamingHistoryN.json` vs music).
Zip members are read in memory, never extracted to paths taken from the archive. No SQL here.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

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

STREAM_KINDS = (EXTENDED_AUDIO, EXTENDED_VIDEO, ACCOUNT_MUSIC, ACCOUNT_PODCAST,
                ACCOUNT_AUDIOBOOK, ACCOUNT_MIXED)

# Names under which Spotify ships listening data: such a file must parse and have a known shape.
_LISTENING_NAME = re.compile(
    r"(streaming_?history|endsong|endvideo|playlist\d|yourlibrary|inferences)", re.IGNORECASE
)
_EXTENDED_KEYS = frozenset({"ts", "ms_played"})
_LIBRARY_KEYS = frozenset({"tracks", "albums", "artists", "shows", "episodes", "bannedTracks",
                           "bannedArtists", "other"})


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
        except (zipfile.BadZipFile, zlib_error(), EOFError) as exc:
            raise BadInputError(
                f"{self.name} cannot be read from the zip ({exc}): the archive looks damaged;"
                " download it again."
            ) from exc
        except OSError as exc:
            raise BadInputError(f"{self.name} cannot be read: {exc.strerror or exc}.") from exc


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


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
            if _EXTENDED_KEYS <= keys:
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
