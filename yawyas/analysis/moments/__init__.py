"""Moments: the recurring contexts of a life in music, learned from the listening history.

A moment is a coherent combination of when (days, a local window that may cross midnight), how
(device, shuffle, deliberate or passive) and what (artists, playlists, kind of content): "Weekend
early mornings · Morning Run", "Weekday evenings · Kids songs on the speaker".

    result = fit_moments(streams, build_local_times(streams, tz), memberships)
    result.moments            # Moment objects, most played first
    result.stream_ids()       # each stream's moment id ("" for listening that fits none)
    moment_at(result.moments, datetime(2026, 5, 2, 7, 0))

Pure functions, frames in, results out: `fit` ties together `features` (segments and their
features), `model` (density clustering and the rules), `describe`, `naming`, `traits` and
`identity`. This package and its `types` module (dataclasses, documents, `moment_at`) import
nothing heavy: `fit_moments` loads pandas and scikit-learn on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from yawyas.analysis.moments.types import (
    Evidence,
    Moment,
    Ranked,
    Trait,
    Window,
    apply_overrides,
    from_document,
    moment_at,
    to_document,
)

if TYPE_CHECKING:
    from yawyas.analysis.moments.fit import MomentsResult, PreviousMoments, fit_moments
    from yawyas.analysis.moments.model import ModelParams

__all__ = [
    "Evidence",
    "ModelParams",
    "Moment",
    "MomentsResult",
    "PreviousMoments",
    "Ranked",
    "Trait",
    "Window",
    "apply_overrides",
    "fit_moments",
    "from_document",
    "moment_at",
    "to_document",
]

_LAZY = {
    "MomentsResult": "yawyas.analysis.moments.fit",
    "PreviousMoments": "yawyas.analysis.moments.fit",
    "fit_moments": "yawyas.analysis.moments.fit",
    "ModelParams": "yawyas.analysis.moments.model",
}


def __getattr__(name: str) -> Any:
    """The fitting machinery (pandas, scikit-learn) is imported on first use only."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
