"""What a profile of the person's own taste leaves out, in words: "Kids' songs on the speaker
(20% of plays)", with the evidence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from yawyas.analysis.audience.columns import device_label
from yawyas.analysis.audience.types import AUDIENCES, YOU, Finding
from yawyas.analysis.common import label_codes, play_mask
from yawyas.analysis.devices import build_device_families

ONE_DEVICE: Final = 0.6  # a group named after a device holds this share of its plays there
NAMED: Final = 3
LEFT_OUT_FINDINGS: Final = 10
_NOUNS: Final = {
    "kids": "children's artists",
    "functional": "artists of functional audio",
    "someone else": "devices",
}


def _device_labels(streams: pd.DataFrame) -> np.ndarray:
    """Each stream's device in a word ("tablet", "speaker", ...)."""
    families = build_device_families(streams["platform"])
    codes, platforms = label_codes(streams["platform"])
    family_codes = families.cat.codes.to_numpy(dtype=np.int64)
    family_names = np.asarray(families.cat.categories, dtype=object)
    first = np.full(len(platforms) + 1, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    labels = [
        device_label(str(p), str(family_names[family_codes[first[i]]])) if first[i] >= 0 else ""
        for i, p in enumerate(platforms)
    ]
    table = np.array([*labels, "other"], dtype=object)
    out: np.ndarray = table[codes]
    return out


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(f'"{n}"' for n in names[:NAMED])
    more = len(names) - NAMED
    return shown + (f" and {more} more" if more > 0 else "")


def _label(audience: str, findings: Sequence[Finding], device: str | None) -> str:
    if audience == "someone else":
        places = [f.name for f in findings if f.scope == "device" and f.source == "learned"]
        if places:
            return f"Someone else on the {places[0]}"
        return f"Someone else on the {device}" if device else "Someone else"
    if audience == "kids":
        what = "Kids' songs"
    else:
        themes = [f.theme for f in findings if f.theme]
        what = (themes[0] if themes else "functional audio").capitalize()
    return f"{what} on the {device}" if device else what


def _evidence(audience: str, findings: Sequence[Finding]) -> list[str]:
    learned = [f for f in findings if f.source == "learned"]
    said = [f for f in findings if f.source == "config"]
    out = []
    if audience == "someone else":
        for f in learned[:NAMED]:
            out.append(f"{f.name}: " + "; ".join(e.text for e in f.evidence[:2]))
    elif learned:
        artists = [f.name for f in learned if f.scope == "artist"]
        if artists:
            out.append(f"{_NOUNS[audience]}: {_names(artists)}")
        top = learned[0]
        out += [f'"{top.name}": {e.text}' for e in top.evidence[:2]]
    out += [f'you said so in config.toml ({f.scope} "{f.name}")' for f in said]
    return out


def build_left_out(
    streams: pd.DataFrame, codes: np.ndarray, findings: Sequence[Finding]
) -> list[dict[str, Any]]:
    """One entry per audience other than `you` with plays among `streams` (`codes` their
    audiences): {audience, label, share_plays, plays, evidence, findings}, most played first.

    `share_plays` is of all the plays of `streams`; `findings` are the labels behind it (most
    played first), `evidence` the same in sentences."""
    plays = play_mask(streams)
    total = int(plays.sum())
    if total == 0 or not (codes != YOU).any():
        return []
    devices = _device_labels(streams)
    out = []
    for code in range(1, len(AUDIENCES)):
        audience = AUDIENCES[code]
        rows = (codes == code) & plays
        count = int(rows.sum())
        if count == 0:
            continue
        where, counts = np.unique(devices[rows], return_counts=True)
        top = int(counts.argmax())
        device = str(where[top]) if counts[top] >= ONE_DEVICE * count else None
        mine = sorted(
            (f for f in findings if f.audience == audience), key=lambda f: (-f.plays, f.name)
        )
        out.append(
            {
                "audience": audience,
                "label": _label(audience, mine, device),
                "share_plays": round(count / total, 4),
                "plays": count,
                "evidence": _evidence(audience, mine),
                "findings": [
                    {
                        "scope": f.scope,
                        "name": f.name,
                        "confidence": round(f.confidence, 3),
                        "plays": f.plays,
                        "source": f.source,
                    }
                    for f in mine[:LEFT_OUT_FINDINGS]
                ],
            }
        )
    return sorted(out, key=lambda e: (-e["plays"], e["audience"]))
