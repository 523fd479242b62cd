"""A moment's audience: the audience of most of its streams. numpy only (no pandas), so that
moments read back from the store can be given the person's own labels quickly."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

from yawyas.analysis.audience.types import AUDIENCES, Finding
from yawyas.analysis.moments.types import Evidence

WHAT: Final = {
    "you": "your own listening",
    "kids": "children's music",
    "someone else": "someone else's listening",
    "functional": "functional audio (sleep, rain, noise, meditation)",
}
NAMED: Final = 3


def build_moment_audiences(
    codes: np.ndarray,
    labels: np.ndarray,
    n_moments: int,
    findings: Sequence[Finding] = (),
    top_artists: Sequence[Sequence[str]] = (),
) -> list[tuple[str, float, tuple[Evidence, ...]]]:
    """Per moment (index 0..n_moments-1 of `labels`, one per stream like `codes`): the audience
    of most of its streams, the share of its streams that have it, and why (with the labelled
    artists among `top_artists[i]`, its most played)."""
    held = labels >= 0
    table = np.zeros((n_moments, len(AUDIENCES)), dtype=np.int64)
    np.add.at(table, (labels[held], codes[held].astype(np.int64)), 1)
    by_artist = {f.name: f.audience for f in findings if f.scope == "artist"}
    out: list[tuple[str, float, tuple[Evidence, ...]]] = []
    for m in range(n_moments):
        total = int(table[m].sum())
        if total == 0:
            out.append(("you", 1.0, ()))
            continue
        code = int(table[m].argmax())
        share = float(table[m, code] / total)
        audience = AUDIENCES[code]
        evidence = [Evidence("streams", f"{share:.0%} of its streams are {WHAT[audience]}", share)]
        artists = top_artists[m] if m < len(top_artists) else ()
        named = [a for a in artists if by_artist.get(a) == audience][:NAMED]
        if named and audience != "you":
            quoted = ", ".join(f'"{a}"' for a in named)
            evidence.append(Evidence("artists", f"its most played: {quoted}", share))
        out.append((audience, round(share, 3), tuple(evidence)))
    return out
