"""Device families of streams: each distinct `platform` string classified once by the rule table
of `analysis.platforms`, then listening per family."""

from __future__ import annotations

import numpy as np
import pandas as pd

from yawyas.analysis.common import group_sums, label_codes, ms_played, play_mask
from yawyas.analysis.platforms import DEVICE_FAMILIES, classify_platform

__all__ = ["DEVICE_FAMILIES", "build_device_families", "build_devices", "classify_platform"]


def build_device_families(platforms: pd.Series) -> pd.Series:
    """Device family of each stream (a categorical with `DEVICE_FAMILIES` as categories).

    Classifies each distinct platform string once, then maps the rows' codes: no per-row Python.
    """
    codes, labels = label_codes(platforms)
    table = np.array(
        [DEVICE_FAMILIES.index(classify_platform(str(p))) for p in labels]
        + [DEVICE_FAMILIES.index("other")],  # last slot: null platform
        dtype=np.int64,
    )
    return pd.Series(
        pd.Categorical.from_codes(table[codes], categories=pd.Index(DEVICE_FAMILIES)),
        index=platforms.index,
        name="device_family",
    )


def build_devices(streams: pd.DataFrame, families: pd.Series | None = None) -> pd.DataFrame:
    """Listening per device family: columns family, streams, plays, ms, share (of ms).

    Only families that were used appear; ordered by ms descending, then family name. Pass
    `families` from `build_device_families` to reuse it.
    """
    if families is None:
        families = build_device_families(streams["platform"])
    codes = families.cat.codes.to_numpy(dtype=np.int64)
    count, plays, ms = group_sums(
        codes, len(DEVICE_FAMILIES), ms_played(streams), play_mask(streams)
    )
    total = int(ms.sum())
    frame = pd.DataFrame(
        {
            "family": list(DEVICE_FAMILIES),
            "streams": count,
            "plays": plays,
            "ms": ms,
            "share": ms / total if total else np.zeros(len(ms)),
        }
    )
    frame = frame[frame["streams"] > 0]
    return frame.sort_values(["ms", "family"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
