"""Files the person asked for (`--out`): checked before any work, written whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from yawyas.errors import BadInputError


def check_target(path: Path, *, force: bool, option: str = "--out") -> None:
    """Raise a one-sentence BadInputError unless `path` can be written: its folder exists and is
    writable, it is not a folder, and it does not exist yet (or `force` allows replacing it)."""
    folder = path.parent
    if path.is_dir():
        raise BadInputError(f"{path} is a folder; give {option} a file name.")
    if not folder.exists():
        raise BadInputError(
            f"The folder {folder} does not exist; create it first or choose another {option}."
        )
    if not folder.is_dir():
        raise BadInputError(f"{folder} is not a folder; choose another {option}.")
    if path.exists() and not force:
        raise BadInputError(f"{path} already exists; add --force to overwrite it.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BadInputError(
            f"Cannot write in the folder {folder} (permission denied); choose another {option}."
        )


def write_error(path: Path, exc: OSError) -> BadInputError:
    """The one sentence for a file that could not be written."""
    return BadInputError(f"Cannot write {path}: {exc.strerror or exc}; choose another --out.")


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` to write into; it replaces `path` only when the block
    ends without error, so a failed or interrupted write leaves any old file as it was. The
    file is the owner's only (mode 0600): it holds the person's history."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as exc:
        raise write_error(path, exc) from exc
    os.close(fd)
    partial = Path(tmp)
    try:
        yield partial
        os.replace(partial, path)
    except OSError as exc:
        raise write_error(path, exc) from exc
    finally:
        partial.unlink(missing_ok=True)
