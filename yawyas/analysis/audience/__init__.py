"""Whose listening is it: the audience of every stream, with the evidence and a confidence.

    audiences = build_audiences(streams, build_local_times(streams, tz), memberships=pairs)
    audiences.codes          # per stream: index into AUDIENCES ("you", "kids", ...)
    audiences.findings       # the artists, devices (and the person's own labels) behind them
    build_left_out(streams, audiences.codes, audiences.findings)   # what "your taste" leaves out

`content` finds children's music and functional audio artist by artist (words and how they are
played), `devices` the devices (or devices at a part of the day) whose taste is someone else's,
`build` ties them and the person's own labels together, `summary` says what was left out.
`types` (standard library only) holds the audiences, findings, the person's labels and their
documents; this package's `__init__` loads pandas only when `build_*` is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from yawyas.analysis.audience.types import (
    AUDIENCES,
    Finding,
    Overrides,
    finding_doc,
    finding_from,
    parse_overrides,
)

if TYPE_CHECKING:
    from yawyas.analysis.audience.build import Audiences, build_audiences
    from yawyas.analysis.audience.moments import build_moment_audiences
    from yawyas.analysis.audience.summary import build_left_out

__all__ = [
    "AUDIENCES",
    "Audiences",
    "Finding",
    "Overrides",
    "build_audiences",
    "build_left_out",
    "build_moment_audiences",
    "finding_doc",
    "finding_from",
    "parse_overrides",
]

_LAZY = {
    "Audiences": "yawyas.analysis.audience.build",
    "build_audiences": "yawyas.analysis.audience.build",
    "build_moment_audiences": "yawyas.analysis.audience.moments",
    "build_left_out": "yawyas.analysis.audience.summary",
}


def __getattr__(name: str) -> Any:
    """The pandas side is imported on first use only."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
