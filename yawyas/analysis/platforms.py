"""Device families from Spotify's free-form `platform` strings: the rule table, standard library
only (so the store's views can name them without loading pandas).

Over the years the export has used 80+ spellings: "iOS 9.3.5 (iPhone7,2)", "Android OS 12 API 31
(samsung, SM-G781U)", "windows", "Partner sonos_one Sonos;...", "WebPlayer (websocket RFC6455)".
An ordered rule table maps each distinct string to one family; the first matching rule wins, so
specific devices (cars, consoles, TVs, speakers) are recognised before the operating systems they
run (a car's "android_auto" or a TV's "Android OS ... (Amazon, AFTMM)" are not phones).
"""

from __future__ import annotations

import re
from typing import Final

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
