"""Device families from Spotify's free-form `platform` strings.

Over the years the export has used 80+ spellings: "iOS 9.3.5 (iPhone7,2)", "Android OS 12 API 31
(samsung, SM-G781U)", "windows", "Partner sonos_one Sonos;...", "WebPlayer (websocket RFC6455)".
An ordered rule table maps each distinct string to one family; the first matching rule wins, so
specific devices (cars, consoles, TVs, speakers) are recognised before the operating systems they
run (a car's "android_auto" or a TV's "Android OS ... (Amazon, AFTMM)" are not phones).
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import pandas as pd

from yawyas.analysis.common import group_sums, label_codes, ms_played, play_mask

DEVICE_FAMILIES: Final = ("phone", "desktop", "web", "speaker", "car", "tv", "console", "other")
"""Families in display order. "speaker" covers smart speakers, hi-fi and casting ("cast");
"phone" covers phones, tablets and watches (any mobile OS)."""

_RULES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (family, re.compile(pattern, re.IGNORECASE))
    for family, pattern in (
        # Unknowns first, so "not_applicable" never reaches the looser rules below.
        ("other", r"^\s*(not[_ ]applicable|unknown|n/?a|none|null)?\s*$"),
        (
            "car",
            r"android[_ ]?auto|carplay|automotive|infotainment|\bcar\b|car[_ ]?thing|\btesla\b|"
            r"polestar|volvo|\bbmw\b|mercedes|\bford\b|\baudi\b|volkswagen|\bvw\b|porsche|renault|"
            r"hyundai|\bkia\b|toyota|\bgm[_ ]|chevrolet|jaguar|land ?rover",
        ),
        ("console", r"playstation|\bps[345]|xbox|nintendo|\bwii\b"),
        (
            "tv",
            r"android[_ ]?tv|google[_ ]?tv|\btv\b|[_ ]tv\b|\btv[_ ]|smart[_ ]?tv|tizen|webos|"
            r"\broku|fire[_ ]?tv|\bfireos|apple[_ ]?tv|tvos|bravia|vizio|hisense|\bshield\b|"
            r"\(amazon, aft|\baft[a-z]",
        ),
        (
            "speaker",
            r"sonos|\bcast\b|cast[_ ;]|chromecast|google[_ ]?home|\bnest\b|\becho\b|alexa|"
            r"amazon_salmon|homepod|audioaccessory|audioos|\bbose\b|denon|\bheos\b|yamaha|"
            r"musiccast|olufsen|\bb&o\b|\bjbl\b|harman|marantz|bluesound|onkyo|libratone|"
            r"devialet|\bnaim\b|\blinn\b|teufel|raumfeld|audio ?pro|speaker|soundbar|"
            r"spotify[_ ]?connect|squeezebox",
        ),
        ("web", r"web[_ ]?player|websocket|\bweb\b|browser|\bchrome\b|firefox|safari|\bedge\b"),
        (
            "phone",
            r"\bios\b|iphone|ipad|ipod|android|watchos|wear ?os|windows ?phone|windows ?mobile|"
            r"blackberry|symbian|\bs60\b|kaios|sailfish|harmonyos",
        ),
        (
            "desktop",
            r"windows|\bwin(32|64)?\b|\bos ?x\b|macos|\bmac\b|linux|ubuntu|desktop|chromeos",
        ),
    )
)


def classify_platform(platform: str | None) -> str:
    """The device family of one platform string (the first matching rule; "other" if none)."""
    text = "" if platform is None else str(platform)
    for family, pattern in _RULES:
        if pattern.search(text):
            return family
    return "other"


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
