"""The `platform` strings Spotify writes, per device family, and how they change over the years."""

from __future__ import annotations

# One clean string per (device family, operating system): what quirks=False writes.
CLEAN_PLATFORMS: dict[tuple[str, str], str] = {
    ("phone", "android"): "Android OS 14 API 34 (Google, Pixel 8)",
    ("phone", "ios"): "iOS 17.5.1 (iPhone15,3)",
    ("desktop", "windows"): "Windows 10 (10.0.19045; x64; AppX)",
    ("desktop", "mac"): "OS X 14.5.0 [arm 2]",
    ("speaker", "any"): "Partner sonos_one Sonos;One;;",
    ("tv", "any"): "Partner android_tv Sony;BRAVIA 4K UR3;;",
    ("car", "android"): "Partner android_auto Google;Android Auto;;",
    ("car", "ios"): "Partner apple_carplay Apple;CarPlay;;",
    ("web", "any"): "WebPlayer (websocket RFC6455)",
    ("tablet", "any"): "iOS 16.7.2 (iPad7,5)",
}

# With quirks: the strings over five eras of the history (oldest first); within an era,
# alternatives take turns day by day (the Sonos and the Chromecast in the same living room).
ERA_PLATFORMS: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {
    ("phone", "android"): (
        ("android",),
        ("Android OS 7.0 API 24 (samsung, SM-G930F)",),
        ("Android OS 10 API 29 (samsung, SM-G973F)",),
        ("Android OS 12 API 31 (samsung, SM-G781U)",),
        ("Android OS 14 API 34 (Google, Pixel 8)",),
    ),
    ("phone", "ios"): (
        ("iOS 9.3.5 (iPhone7,2)",),
        ("iOS 12.4.1 (iPhone10,4)",),
        ("iOS 14.8 (iPhone12,1)",),
        ("iOS 16.6 (iPhone14,5)",),
        ("iOS 17.5.1 (iPhone15,3)",),
    ),
    ("desktop", "windows"): (
        ("windows",),
        ("Windows 7 (6.1.7601; x86; SP1; S)",),
        ("Windows 10 (10.0.18362; x64)",),
        ("Windows 10 (10.0.19045; x64; AppX)",),
        ("Windows 10 (10.0.19045; x64; AppX)", "Windows 11 (10.0.22631; x64; AppX)"),
    ),
    ("desktop", "mac"): (
        ("osx",),
        ("OS X 10.13.6 [x86 8]",),
        ("OS X 11.6.0 [x86 8]",),
        ("OS X 13.4.1 [arm 2]",),
        ("OS X 14.5.0 [arm 2]",),
    ),
    ("speaker", "any"): (
        ("cast",),
        ("Partner sonos_play1 Sonos;Play:1;;", "cast"),
        ("Partner sonos_one Sonos;One;;", "Partner google cast_audio Google;Chromecast Audio;;"),
        ("Partner sonos_one Sonos;One;;", "Partner google cast_audio Google;Nest Mini;;"),
        ("Partner sonos_one Sonos;One;;",),
    ),
    ("tv", "any"): (
        ("Partner android_tv Sony;BRAVIA 2015;;",),
        ("Partner android_tv Sony;BRAVIA 2015;;",),
        ("Partner android_tv Sony;BRAVIA 4K UR3;;",),
        ("Partner android_tv Sony;BRAVIA 4K UR3;;",),
        ("Partner android_tv Sony;BRAVIA 4K UR3;;", "Partner tvOS Apple;Apple TV 4K;;"),
    ),
    ("car", "android"): (
        ("Partner android_auto Google;Android Auto;;",),
        ("Partner android_auto Google;Android Auto;;",),
        ("Partner android_auto Google;Android Auto;;",),
        ("Partner android_auto Google;Android Auto;;",),
        ("Partner android_auto Google;Android Auto;;",),
    ),
    ("car", "ios"): (
        ("Partner apple_carplay Apple;CarPlay;;",),
        ("Partner apple_carplay Apple;CarPlay;;",),
        ("Partner apple_carplay Apple;CarPlay;;",),
        ("Partner apple_carplay Apple;CarPlay;;",),
        ("Partner apple_carplay Apple;CarPlay;;",),
    ),
    ("web", "any"): (
        ("WebPlayer (websocket RFC6455)",),
        ("WebPlayer (websocket RFC6455)",),
        ("web_player windows 10;chrome 96.0.4664.110;desktop",),
        ("web_player osx 10.15.7;chrome 120.0.0.0;desktop",),
        ("WebPlayer (websocket RFC6455)", "web_player linux ;firefox 128.0;desktop"),
    ),
    ("tablet", "any"): (
        ("iOS 10.3.3 (iPad4,1)",),
        ("iOS 12.5.7 (iPad5,3)",),
        ("iOS 14.8 (iPad7,5)",),
        ("iOS 16.7.2 (iPad7,5)",),
        ("iOS 16.7.2 (iPad7,5)",),
    ),
}

ERAS = 5


def platform_key(family: str, phone_os: str, desktop_os: str) -> tuple[str, str]:
    """The (family, os) key of a device for a persona's phone and desktop systems."""
    if family in ("phone", "car"):
        return (family, phone_os)
    if family == "desktop":
        return (family, desktop_os)
    if (family, "any") not in CLEAN_PLATFORMS:
        raise ValueError(f"unknown device family {family!r}")
    return (family, "any")


def _all_strings() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for (family, os_name), clean in CLEAN_PLATFORMS.items():
        strings = found.setdefault(family, [])
        for text in (clean, *(s for era in ERA_PLATFORMS[(family, os_name)] for s in era)):
            if text not in strings:
                strings.append(text)
    return {family: tuple(strings) for family, strings in found.items()}


# Every platform string the demo can write, per device family; no string is in two families
# ("cast" is a speaker here; the bare "android", "windows", "osx" of the oldest rows are a phone
# and desktops).
PLATFORM_STRINGS: dict[str, tuple[str, ...]] = _all_strings()
