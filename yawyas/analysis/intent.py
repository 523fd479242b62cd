"""Skips and intent: did the person choose what played, and how often did they cut it short?

`reason_start` says why a stream began. Deliberate starts are the person picking this item (a row
click, the play button, a link, the side panel, a pop-up, going back to it); passive starts are the
app moving on by itself (the previous track ended, the app loaded, an error) or the person skipping
*away* from something else (`fwdbtn` as a start: the next item was not chosen). Null, "" and
"unknown" are unknown and left out of the shares; any other value counts as "other".

Skips: `skipped` (true/false, null in most older rows) gives the skip rate where known; ending with
the forward button (`reason_end == "fwdbtn"`) gives a rate over rows whose end reason is known.
Only music (`kind == "track"`) is considered: skipping a podcast is a different act.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from yawyas.analysis.common import IntArray, label_codes
from yawyas.analysis.devices import DEVICE_FAMILIES, build_device_families

DELIBERATE_STARTS: Final = frozenset(
    {"clickrow", "playbtn", "uriopen", "clickside", "popup", "backbtn"}
)
PASSIVE_STARTS: Final = frozenset(
    {
        "trackdone",
        "appload",
        "fwdbtn",
        "endplay",
        "trackerror",
        "remote",
        "switched-to-audio",
        "switched-to-video",
        "autoplay",
    }
)
UNKNOWN_REASONS: Final = frozenset({"", "unknown"})
INTENTS: Final = ("deliberate", "passive", "other", "unknown")
SHUFFLE_STATES: Final = ("on", "off", "unknown")
# A stream's state: its start intent (4) x skipped true/false/unknown (3) x end fwdbtn/other/unknown
_STATES: Final = len(INTENTS) * 3 * 3


@dataclass(frozen=True)
class Intent:
    """Intent overall and by context. Each table has one row per group with the columns of
    `overall`: streams, known_starts, deliberate_share, passive_share, other_share, skip_known,
    skip_rate, end_known, fwdbtn_rate (rates and shares are NaN when nothing is known)."""

    overall: pd.DataFrame  # one row, group "all"
    by_device: pd.DataFrame  # group = device family, ordered by streams descending
    by_shuffle: pd.DataFrame  # group = "on" / "off" / "unknown", in that order, used ones only


def classify_start(reason: str | None) -> str:
    """The intent of one `reason_start`: deliberate, passive, other or unknown."""
    if reason is None:
        return "unknown"
    value = str(reason).strip().lower()
    if value in UNKNOWN_REASONS:
        return "unknown"
    if value in DELIBERATE_STARTS:
        return "deliberate"
    if value in PASSIVE_STARTS:
        return "passive"
    return "other"


def build_start_intents(reason_start: pd.Series) -> pd.Series:
    """The intent of each stream's start, as a categorical over `INTENTS`."""
    codes, labels = label_codes(reason_start)
    table = np.array(
        [INTENTS.index(classify_start(str(r))) for r in labels] + [INTENTS.index("unknown")],
        dtype=np.int64,
    )
    return pd.Series(
        pd.Categorical.from_codes(table[codes], categories=pd.Index(INTENTS)),
        index=reason_start.index,
        name="intent",
    )


def _states(values: pd.Series) -> IntArray:
    """0 for true, 1 for false, 2 for null, of a nullable boolean column."""
    known = values.notna().to_numpy(dtype=bool)
    value = values.fillna(False).to_numpy(dtype=bool)
    out: IntArray = np.where(known, np.where(value, 0, 1), 2)
    return out


def _rate(numerator: IntArray, denominator: IntArray) -> npt.NDArray[np.float64]:
    with np.errstate(divide="ignore", invalid="ignore"):
        out: npt.NDArray[np.float64] = np.where(
            denominator > 0, numerator / np.maximum(denominator, 1), np.nan
        )
    return out


def _table(groups: IntArray, labels: list[str], state: IntArray) -> pd.DataFrame:
    """Shares of start intents and skip rates per group, from one count of (group, state).

    `state` packs start * 9 + skip * 3 + end (see `_state`).
    """
    n = len(labels)
    cube = np.bincount(groups * _STATES + state, minlength=n * _STATES).reshape(
        n, len(INTENTS), 3, 3
    )
    starts = cube.sum(axis=(2, 3))
    skips = cube.sum(axis=(1, 3))
    ends = cube.sum(axis=(1, 2))
    known_starts = starts[:, :3].sum(axis=1)
    skip_known = skips[:, :2].sum(axis=1)
    end_known = ends[:, :2].sum(axis=1)
    return pd.DataFrame(
        {
            "group": labels,
            "streams": starts.sum(axis=1),
            "known_starts": known_starts,
            "deliberate_share": _rate(starts[:, 0], known_starts),
            "passive_share": _rate(starts[:, 1], known_starts),
            "other_share": _rate(starts[:, 2], known_starts),
            "skip_known": skip_known,
            "skip_rate": _rate(skips[:, 0], skip_known),
            "end_known": end_known,
            "fwdbtn_rate": _rate(ends[:, 0], end_known),
        }
    )


def build_intent(streams: pd.DataFrame, families: pd.Series | None = None) -> Intent:
    """Deliberate/passive starts, skip and forward-button rates, overall, by device and shuffle.

    Music only (`kind == "track"`). Pass `families` from `build_device_families` to reuse it.
    """
    kind_codes, kinds = label_codes(streams["kind"])
    music_code = np.flatnonzero(kinds == "track")
    music = (
        np.flatnonzero(kind_codes == music_code[0]) if len(music_code) else np.zeros(0, np.int64)
    )

    start = build_start_intents(streams["reason_start"]).cat.codes.to_numpy(dtype=np.int64)[music]
    end_codes, ends = label_codes(streams["reason_end"])
    cleaned = [str(e).strip().lower() for e in ends]
    end_table = np.array(
        [0 if e == "fwdbtn" else 2 if e in UNKNOWN_REASONS else 1 for e in cleaned] + [2],
        dtype=np.int64,
    )
    end = end_table[end_codes[music]]
    skip = _states(streams["skipped"])[music]
    state = start * 9 + skip * 3 + end
    overall = _table(np.zeros(len(music), dtype=np.int64), ["all"], state)

    if families is None:
        families = build_device_families(streams["platform"])
    device = families.cat.codes.to_numpy(dtype=np.int64)[music]
    by_device = _table(device, list(DEVICE_FAMILIES), state)
    by_device = by_device[by_device["streams"] > 0].sort_values(
        ["streams", "group"], ascending=[False, True], kind="stable"
    )

    shuffle = _states(streams["shuffle"])[music]
    by_shuffle = _table(shuffle, list(SHUFFLE_STATES), state)
    by_shuffle = by_shuffle[by_shuffle["streams"] > 0]
    return Intent(
        overall=overall,
        by_device=by_device.reset_index(drop=True),
        by_shuffle=by_shuffle.reset_index(drop=True),
    )
