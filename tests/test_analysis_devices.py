"""Device families from real-world platform strings."""

from __future__ import annotations

import pandas as pd
import pytest

from yawyas.analysis.devices import (
    DEVICE_FAMILIES,
    build_device_families,
    build_devices,
    classify_platform,
)

PLATFORMS = [
    ("iOS 9.3.5 (iPhone7,2)", "phone"),
    ("iOS 15.1 (iPhone13,2)", "phone"),
    ("iOS 12.1.4 (iPad6,11)", "phone"),
    ("ios", "phone"),
    ("Android OS 12 API 31 (samsung, SM-G781U)", "phone"),
    ("Android OS 9 API 28 (Xiaomi, Redmi Note 7)", "phone"),
    ("android", "phone"),
    ("Android-tablet OS 8.1.0 API 27 (Amazon, KFMUWI)", "phone"),
    ("watchOS 8.1 (Watch6,1)", "phone"),
    ("Windows Phone 10.0 (NOKIA, Lumia 930)", "phone"),
    ("windows", "desktop"),
    ("Windows 10 (10.0.19041; x64)", "desktop"),
    ("Windows 7 (6.1.7601; x64; SP1; S)", "desktop"),
    ("osx", "desktop"),
    ("OS X 10.13.6 [x86 8]", "desktop"),
    ("OS X 11.6.1 [arm 2]", "desktop"),
    ("Linux [x86-64 0]", "desktop"),
    ("WebPlayer (websocket RFC6455)", "web"),
    ("web_player windows 10;chrome 96.0.4664.110;desktop", "web"),
    ("web_player osx 10.15.7;safari 15.1;desktop", "web"),
    ("cast", "speaker"),
    ("Partner sonos_one Sonos;Sonos One;;", "speaker"),
    ("Partner sonos_arc Sonos;Arc;;", "speaker"),
    ("Partner amazon_salmon Amazon;Echo Dot;", "speaker"),
    ("Partner google_home Google;Google Home Mini;", "speaker"),
    ("Partner bose_soundtouch Bose;SoundTouch 10;", "speaker"),
    ("iOS 14.6 (AudioAccessory5,1)", "speaker"),
    ("Partner android_tv Sony;BRAVIA 4K GB;", "tv"),
    ("Partner samsung_tv Samsung;QE55Q80T;", "tv"),
    ("Partner webos_tv LG;OLED55C1;", "tv"),
    ("Partner roku_streaming Roku;Roku Ultra;", "tv"),
    ("Android OS 9 API 28 (Amazon, AFTMM)", "tv"),
    ("tvOS 15.2 (AppleTV11,1)", "tv"),
    ("Partner android_auto Google;Android Auto;", "car"),
    ("Partner tesla Tesla;Model 3;", "car"),
    ("Partner spotify_car_thing Spotify;Car Thing;", "car"),
    ("Partner ps4_spotify SONY;PlayStation 4;", "console"),
    ("Partner xbox_one Microsoft;Xbox One;", "console"),
    ("Partner nintendo_switch Nintendo;Switch;", "console"),
    ("not_applicable", "other"),
    ("", "other"),
    (None, "other"),
    ("Partner spotify_embedded Acme;Gizmo;", "other"),
]


@pytest.mark.parametrize(("platform", "family"), PLATFORMS)
def test_classify_platform(platform: str | None, family: str) -> None:
    assert classify_platform(platform) == family


def test_every_family_is_reachable() -> None:
    assert {family for _, family in PLATFORMS} == set(DEVICE_FAMILIES)


def test_build_device_families_maps_each_row() -> None:
    platforms = pd.Series(
        [p for p, _ in PLATFORMS] * 3, index=range(100, 100 + 3 * len(PLATFORMS)), dtype="str"
    )
    families = build_device_families(platforms)
    assert list(families.index) == list(platforms.index)
    assert list(families.astype(str)) == [f for _, f in PLATFORMS] * 3
    assert list(families.cat.categories) == list(DEVICE_FAMILIES)


def test_build_devices_totals_and_order() -> None:
    streams = pd.DataFrame(
        {
            "platform": ["android", "iOS 9.3.5 (iPhone7,2)", "windows", "cast", "osx"],
            "ms_played": [10_000, 40_000, 30_000, 0, 30_000],
        }
    ).astype({"platform": "str", "ms_played": "int64"})
    devices = build_devices(streams)
    assert devices.to_dict("records") == [
        {"family": "desktop", "streams": 2, "plays": 2, "ms": 60_000, "share": 60 / 110},
        {"family": "phone", "streams": 2, "plays": 1, "ms": 50_000, "share": 50 / 110},
        {"family": "speaker", "streams": 1, "plays": 0, "ms": 0, "share": 0.0},
    ]
