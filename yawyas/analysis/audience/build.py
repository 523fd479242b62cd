"""`build_audiences`: who each stream was played for, with the evidence and a confidence.

Artists first: children's artists and functional audio (`content`), their labels carried to
their streams; then devices (`devices`): the streams left on a device whose taste is someone
else's. Everything else is the person's own (`you`). Last, the person's own labels from the
config file win: a device, then an artist, then a playlist, then a moment (the later, the more
specific, wins). A moment's audience is the audience of most of its plays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from yawyas.analysis.audience.columns import Columns, build_columns, device_label, unit_key
from yawyas.analysis.audience.content import build_functional, build_kids
from yawyas.analysis.audience.devices import build_someone_else
from yawyas.analysis.audience.types import (
    AUDIENCES,
    FUNCTIONAL,
    KIDS,
    SOMEONE_ELSE,
    YOU,
    Finding,
    Overrides,
)
from yawyas.analysis.common import IntArray
from yawyas.analysis.devices import DEVICE_FAMILIES
from yawyas.analysis.moments.types import Evidence
from yawyas.analysis.text import fold

CodeArray = npt.NDArray[np.int8]
MAX_NAMED: Final = 3


@dataclass(frozen=True)
class Audiences:
    """Each stream's audience (`codes[i]` indexes AUDIENCES) and how sure (0-1), for the rows
    given to `build_audiences`, and what was labelled (artists, devices, the person's own
    labels) with the evidence."""

    codes: CodeArray
    confidence: npt.NDArray[np.float32]
    findings: tuple[Finding, ...]

    def mine(self) -> npt.NDArray[np.bool_]:
        """Per stream: the person's own listening."""
        out: npt.NDArray[np.bool_] = self.codes == YOU
        return out


def _names(names: Sequence[str]) -> str:
    shown = [f'"{n}"' for n in names[:MAX_NAMED]]
    more = len(names) - MAX_NAMED
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def build_audiences(
    streams: pd.DataFrame,
    local: pd.DataFrame,
    *,
    families: pd.Series | None = None,
    memberships: Sequence[tuple[str, int]] = (),
    genres: Mapping[int, Sequence[str]] | None = None,
    moment_labels: IntArray | None = None,
    moment_ids: Sequence[str] = (),
    overrides: Overrides | None = None,
) -> Audiences:
    """The audience of every stream of `streams` (shaped like `store.load_streams()`, with
    `item_id` for playlists and genres), `local` being `build_local_times` of the same rows.

    `memberships` are (playlist name, item id) pairs, `genres` item id -> its artists' genres;
    `moment_labels` (index into `moment_ids`, -1 for none, per stream) are needed only for the
    person's labels of moments in `overrides`.
    """
    cols = build_columns(streams, local, families)
    playlists: dict[int, list[str]] = {}
    for name, item in memberships:
        playlists.setdefault(int(item), []).append(str(name))
    genres = genres or {}
    kids = build_kids(cols, playlists, genres)
    functional = build_functional(cols, playlists, genres)
    per_artist = np.full(len(cols.artists) + 1, YOU, dtype=np.int8)  # last slot: no artist
    conf_artist = np.ones(len(cols.artists) + 1, dtype=np.float32)
    is_kids = (kids.confidence > 0) & (kids.confidence >= functional.confidence)
    is_functional = (functional.confidence > 0) & ~is_kids
    per_artist[:-1][is_kids] = KIDS
    per_artist[:-1][is_functional] = FUNCTIONAL
    conf_artist[:-1] = np.where(
        is_kids,
        kids.confidence,
        np.where(
            is_functional, functional.confidence, 1.0 - np.maximum(kids.near, functional.near)
        ),
    )
    codes = per_artist[cols.artist]
    confidence = conf_artist[cols.artist]
    findings: list[Finding] = []
    plays_of = np.bincount(cols.artist[cols.play & (cols.artist >= 0)], minlength=len(cols.artists))
    for code, scores, flag in ((KIDS, kids, is_kids), (FUNCTIONAL, functional, is_functional)):
        for a in np.flatnonzero(flag).tolist():
            findings.append(
                Finding(
                    audience=AUDIENCES[code],
                    scope="artist",
                    name=str(cols.artists[a]),
                    confidence=round(float(scores.confidence[a]), 3),
                    plays=int(plays_of[a]),
                    evidence=scores.evidence.get(a, ()),
                    theme=scores.themes.get(a, ""),
                )
            )
    for device in build_someone_else(cols, codes != YOU, playlists):
        codes[device.mask] = SOMEONE_ELSE
        confidence[device.mask] = device.confidence
        findings.append(
            Finding(
                audience="someone else",
                scope="device",
                name=device.label,
                confidence=device.confidence,
                plays=device.plays,
                evidence=device.evidence,
                theme=device.label,
            )
        )
    if overrides:
        findings += _apply_overrides(
            cols, codes, confidence, overrides, playlists, moment_labels, moment_ids
        )
    findings.sort(key=lambda f: (AUDIENCES.index(f.audience), -f.plays, f.name))
    return Audiences(codes, confidence.astype(np.float32), tuple(findings))


def _device_rows(cols: Columns, key: str) -> np.ndarray:
    """Streams on the devices a config key names: a family, "tablet", or a platform string
    (with or without its version numbers)."""
    wanted = fold(key)
    unit_rows = np.zeros(len(cols.units), dtype=bool)
    for u, platforms in enumerate(cols.unit_platforms):
        for p in platforms:
            if fold(p) == wanted or unit_key(p) == unit_key(key) or device_label(p, "") == wanted:
                unit_rows[u] = True
    by_unit = unit_rows[cols.unit]
    if wanted in DEVICE_FAMILIES:
        by_unit |= cols.family == DEVICE_FAMILIES.index(wanted)
    return by_unit


def _apply_overrides(
    cols: Columns,
    codes: CodeArray,
    confidence: npt.NDArray[np.float32],
    overrides: Overrides,
    playlists: Mapping[int, Sequence[str]],
    moment_labels: IntArray | None,
    moment_ids: Sequence[str],
) -> list[Finding]:
    """Apply the person's labels in place (device, artist, playlist, moment: the later wins)."""
    said: list[tuple[str, str, str, np.ndarray]] = []
    for key, audience in overrides.devices.items():
        said.append(("device", key, audience, _device_rows(cols, key)))
    folded_artists = np.array([fold(str(a)) for a in cols.artists] + [""], dtype=object)
    for key, audience in overrides.artists.items():
        said.append(("artist", key, audience, (folded_artists == key)[cols.artist]))
    for key, audience in overrides.playlists.items():
        items = [i for i, names in playlists.items() if any(fold(n) == key for n in names)]
        rows = np.isin(cols.item, np.array(items, dtype=np.int64)) & (cols.item >= 0)
        said.append(("playlist", key, audience, rows))
    if moment_labels is not None:
        for key, audience in overrides.moments.items():
            if key in moment_ids:
                rows = moment_labels == list(moment_ids).index(key)
                said.append(("moment", key, audience, rows))
    findings = []
    for scope, key, audience, rows in said:
        codes[rows] = AUDIENCES.index(audience)
        confidence[rows] = 1.0
        findings.append(
            Finding(
                audience=audience,
                scope=scope,
                name=key,
                confidence=1.0,
                plays=int(cols.play[rows].sum()),
                evidence=(
                    Evidence("config", f"you said so in config.toml ({scope} {key!r})", 1.0),
                ),
                source="config",
            )
        )
    return findings
