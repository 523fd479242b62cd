"""Finding the files of an export: zips, folders at any depth and single files.

Zip members are read in memory, never extracted to paths taken from the archive. What a file
holds is decided by the readers (`exports`), from its content.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from yawyas.errors import BadInputError, NotFoundError

# Suffixes of the files that can hold listening data: Spotify's JSON, scrobble histories.
LISTENING_SUFFIXES = (".json", ".jsonl", ".csv", ".tsv", ".txt")


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
    def may_hold_listening(self) -> bool:
        """JSON, or a text file a scrobble history may be in (CSV, TSV, TXT, JSON lines):
        worth reading; other files (PDFs, images) are not."""
        suffix = PurePosixPath(self.member or self.container.name).suffix.lower()
        return suffix in LISTENING_SUFFIXES

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

    A missing path, a corrupt zip, or a single file of no kind we read is bad input.
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
        elif path.suffix.lower() in LISTENING_SUFFIXES:
            yield ExportEntry(str(path), path, None, path.stat().st_size, direct=True)
        else:
            raise BadInputError(
                f"{path} is neither a Spotify export zip, a folder, a JSON file, nor a scrobble"
                " history (CSV, TSV, TXT or JSON lines)."
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
