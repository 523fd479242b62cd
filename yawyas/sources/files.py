"""Finding the files of an export: zips, folders at any depth and single files.

Zip members are read in memory, never extracted to paths taken from the archive. What a file
holds is decided by the readers (`exports`), from its content.

Limits, so that no input can take the machine's memory (real export files are at most ~13 MB):
a file or zip member is read only up to MAX_FILE_BYTES (64 MB), checked against the size the
zip declares and again while inflating, so a zip bomb stops at the limit; a zip may hold at most
MAX_MEMBERS files; a zip inside a zip (Spotify's download re-zipped) is opened, one level deep.
What Finder or Windows add to folders and zips (`__MACOSX/`, `._*`, `.DS_Store`, `Thumbs.db`)
is never read: it counts as "not listening data".

Entries are named relative to the path the person gave (`my_spotify_data.zip:Spotify Account
Data/StreamingHistory0.json`, `export/Playlist1.json`): the folders above it, which hold the
person's login name, appear in no report.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Final

from yawyas.errors import BadInputError, NotFoundError

MAX_FILE_BYTES: Final = 64 * 1024 * 1024  # a file or zip member, inflated
MAX_MEMBERS: Final = 10_000  # files in one zip
_JUNK_FOLDERS: Final = frozenset({"__macosx"})
_JUNK_FILES: Final = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


def is_junk(name: str) -> bool:
    """Whether a path is what an operating system adds to folders and zips, never export
    data: `__MACOSX/...`, AppleDouble `._*` files, `.DS_Store`, `Thumbs.db`, `desktop.ini`."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if any(p.lower() in _JUNK_FOLDERS for p in parts[:-1]):
        return True
    base = parts[-1] if parts else ""
    return base.startswith("._") or base.lower() in _JUNK_FILES


def _too_big(name: str, size: int | None = None) -> BadInputError:
    what = f"declares {size / 1024**2:,.0f} MB" if size else "inflates past the limit"
    return BadInputError(
        f"{name} {what}, more than the {MAX_FILE_BYTES // 1024**2} MB yawyas reads from one"
        " file (Spotify's export files are far smaller): it is not an export file, or the"
        " archive is damaged or made to explode."
    )


def read_capped(stream: IO[bytes], name: str, declared: int) -> bytes:
    """All of `stream`, or bad input when it is (or declares to be) over MAX_FILE_BYTES; never
    holds more than the limit in memory."""
    if declared > MAX_FILE_BYTES:
        raise _too_big(name, declared)
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(name)
    return data


# Suffixes of the files that can hold listening data: Spotify's JSON, scrobble histories.
LISTENING_SUFFIXES = (".json", ".jsonl", ".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class ExportEntry:
    """One file of an export: a loose JSON file, or a member of a zip."""

    name: str  # what the person sees: "export/Playlist1.json", "archive.zip:member/path.json"
    container: Path  # the file on disk (the zip for members)
    member: str | None  # the zip member name, or None for a loose file
    size: int
    direct: bool = False  # named by the person itself, not found inside a folder or zip
    inner: str | None = None  # for a zip inside a zip (`member`): the file inside it

    @property
    def cache_key(self) -> str:
        """The entry's identity for skipping unchanged files: a hash of its absolute path (the
        path itself, which holds the login name, is not kept)."""
        key = str(self.container.resolve())
        if self.member:
            key += f"::{self.member}"
        if self.inner:
            key += f"::{self.inner}"
        return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()

    @property
    def is_json(self) -> bool:
        """A JSON file to read (what an operating system adds is never read)."""
        return self.basename.lower().endswith(".json") and not self.is_junk

    @property
    def is_junk(self) -> bool:
        """`__MACOSX/`, `._*`, `.DS_Store` and the like (see `is_junk`)."""
        return is_junk(self.inner or self.member or self.container.name)

    @property
    def may_hold_listening(self) -> bool:
        """JSON, or a text file a scrobble history may be in (CSV, TSV, TXT, JSON lines):
        worth reading; other files (PDFs, images) are not."""
        suffix = PurePosixPath(self.basename).suffix.lower()
        return suffix in LISTENING_SUFFIXES and not self.is_junk

    @property
    def basename(self) -> str:
        return PurePosixPath(self.inner or self.member or self.container.name).name

    def read(self) -> bytes:
        """The file's bytes (zip members are inflated in memory, up to MAX_FILE_BYTES)."""
        try:
            if self.member is None:
                with self.container.open("rb") as fh:
                    return read_capped(fh, self.name, self.container.stat().st_size)
            with zipfile.ZipFile(self.container) as zf:
                outer = self.name[: -len(self.inner) - 1] if self.inner else self.name
                data = _read_member(zf, self.member, outer)
            if self.inner is None:
                return data
            with zipfile.ZipFile(io.BytesIO(data)) as inner:
                del data
                return _read_member(inner, self.inner, self.name)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise BadInputError(
                f"{self.name} cannot be read from the zip ({exc}): the archive looks damaged;"
                " download it again."
            ) from exc
        except OSError as exc:
            raise BadInputError(f"{self.name} cannot be read: {exc.strerror or exc}.") from exc


def _read_member(zf: zipfile.ZipFile, member: str, name: str) -> bytes:
    """One member, inflated up to the limit (`name`: what to call it when it is too big)."""
    info = zf.getinfo(member)
    with zf.open(info) as fh:
        return read_capped(fh, name, info.file_size)


def _label(path: Path) -> str:
    """How a path the person gave is named in reports: its last part only."""
    return path.name or path.resolve().name or str(path)


def find_entries(paths: list[Path]) -> Iterator[ExportEntry]:
    """Every file under the given paths: folders walked in name order, zips opened (and zips
    inside them, one level deep).

    A missing path, a corrupt zip, or a single file of no kind we read is bad input.
    """
    for path in paths:
        if not path.exists():
            raise NotFoundError(f"{path} does not exist.")
        if path.is_dir():
            top = _label(path)
            for sub in sorted(p for p in path.rglob("*") if p.is_file()):
                label = str(PurePosixPath(top, *sub.relative_to(path).parts))
                if not is_junk(label) and _is_zip(sub):
                    yield from _zip_entries(sub, label)
                else:
                    yield ExportEntry(label, sub, None, sub.stat().st_size)
        elif _is_zip(path) or path.suffix.lower() == ".zip":
            yield from _zip_entries(path, _label(path))
        elif path.suffix.lower() in LISTENING_SUFFIXES:
            yield ExportEntry(_label(path), path, None, path.stat().st_size, direct=True)
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


def _zip_entries(path: Path, label: str) -> Iterator[ExportEntry]:
    """The files of a zip; a zip member that is itself a zip is opened too (one level)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = _files(zf, label)
            nested = {
                i.filename: _nested_infos(zf, i, f"{label}:{i.filename}")
                for i in infos
                if _looks_zipped(zf, i)
            }
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadInputError(
            f"{label} is not a readable zip ({exc}): download the export again."
        ) from exc
    for info in infos:
        name = f"{label}:{info.filename}"
        if info.filename not in nested:
            yield ExportEntry(name, path, info.filename, info.file_size)
            continue
        for inner in nested[info.filename]:
            yield ExportEntry(
                f"{name}:{inner.filename}",
                path,
                info.filename,
                inner.file_size,
                inner=inner.filename,
            )


def _files(zf: zipfile.ZipFile, label: str) -> list[zipfile.ZipInfo]:
    """A zip's files in name order; more than MAX_MEMBERS is bad input."""
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if len(infos) > MAX_MEMBERS:
        raise BadInputError(
            f"{label} holds {len(infos):,} files, more than the {MAX_MEMBERS:,} yawyas opens in"
            " one zip: it is not a Spotify export."
        )
    return sorted(infos, key=lambda i: i.filename)


def _looks_zipped(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a member is a zip itself (by its first bytes; OS junk never is)."""
    if is_junk(info.filename) or info.file_size < 22:
        return False
    try:
        with zf.open(info) as fh:
            return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        return False  # reading it later names the damage


def _nested_infos(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> list[zipfile.ZipInfo]:
    """The files of a zip inside a zip (read in memory, up to the limit)."""
    data = _read_member(zf, info.filename, name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            return _files(inner, name)
    except zipfile.BadZipFile as exc:
        raise BadInputError(
            f"{name} is not a readable zip ({exc}): download the export again."
        ) from exc


def fingerprint(data: bytes) -> str:
    """A file's identity: the SHA-256 of its bytes (a renamed copy is the same file)."""
    return hashlib.sha256(data).hexdigest()
