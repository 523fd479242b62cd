"""The profile document: exact numbers on a small history, periods, emptiness, the schema."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import jsonschema
import pandas as pd
import pytest

from tests.framekit import DEFAULTS, streams, utc
from yawyas.errors import BadInputError
from yawyas.reports.summary import build_profile, load_profile_schema

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


def validate(document: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(load_profile_schema()).validate(document)


def assert_plain(value: Any, where: str = "$") -> None:
    """Only JSON's own Python types, all the way down (no numpy scalars, no NaN)."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str, where
            assert_plain(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            assert_plain(item, f"{where}[{i}]")
    else:
        assert value is None or type(value) in (str, int, float, bool), (where, type(value))
        assert value == value, where  # NaN


def history() -> pd.DataFrame:
    return streams(
        # Monday 2024-03-04, Madrid (UTC+1): a morning session on the phone
        {"played_at": utc("2024-03-04 08:01:00"), "artist_name": "Mika", "track_name": "Grace"},
        {
            "played_at": utc("2024-03-04 08:05:00"),
            "artist_name": "Mika",
            "track_name": "Relax",
            "ms_played": 240_000,
            "reason_start": "clickrow",
        },
        {
            "played_at": utc("2024-03-04 08:05:20"),
            "artist_name": "Adele",
            "track_name": "Hello",
            "ms_played": 20_000,
            "reason_end": "fwdbtn",
            "skipped": True,
        },
        # evening on the laptop, abroad in Japan
        {
            "played_at": utc("2024-03-04 20:10:00"),
            "artist_name": "Adele",
            "track_name": "Hello",
            "ms_played": 300_000,
            "platform": "osx",
            "conn_country": "JP",
            "shuffle": True,
        },
        # a podcast on a speaker
        {
            "played_at": utc("2024-03-05 07:00:00"),
            "kind": "episode",
            "track_name": "Ep. 1",
            "artist_name": "The Daily ",
            "album_name": None,
            "ms_played": 1_200_000,
            "platform": "cast",
        },
    )


def test_profile_of_a_small_history() -> None:
    document = build_profile(history(), tz="Europe/Madrid", now=NOW)
    validate(document)
    assert_plain(document)
    assert document["generated_at"] == "2025-01-01T12:00:00Z"
    assert document["timezone"] == "Europe/Madrid"
    assert document["period"] == {"since": None, "until": None}
    assert (document["streams"], document["plays"]) == (5, 4)
    assert document["listening_ms"] == 60_000 + 240_000 + 20_000 + 300_000 + 1_200_000
    assert document["first_played_at"] == "2024-03-04T08:01:00Z"
    assert document["last_played_at"] == "2024-03-05T07:00:00Z"
    clock = document["clock"]
    assert clock[0][9] == 2  # Monday 09:00 in Madrid; the 20 s skip is not a play
    assert clock[0][21] == 1
    assert clock[1][7] == 1  # the podcast started Tuesday 07:40 Madrid
    assert sum(map(sum, clock)) == 4
    assert document["top_artists"] == [
        {"name": "Adele", "plays": 1, "ms": 320_000},
        {"name": "Mika", "plays": 2, "ms": 300_000},
    ]
    assert [a["name"] for a in document["top_artists_by_plays"]] == ["Mika", "Adele"]
    assert document["top_tracks"][0] == {
        "name": "Hello",
        "artist": "Adele",
        "plays": 1,
        "ms": 320_000,
    }
    assert document["top_shows"] == [{"name": "The Daily", "plays": 1, "ms": 1_200_000}]
    assert document["top_albums"] == [
        {"name": "Album", "artist": "Adele", "plays": 1, "ms": 320_000},
        {"name": "Album", "artist": "Mika", "plays": 2, "ms": 300_000},
    ]
    assert {k["kind"]: k["plays"] for k in document["kinds"]} == {
        "track": 3,
        "episode": 1,
        "audiobook": 0,
        "video": 0,
        "unknown": 0,
    }
    assert [d["family"] for d in document["devices"]] == ["speaker", "phone", "desktop"]
    assert document["countries"][0]["country"] == "ES"
    sessions = document["sessions"]
    assert sessions["count"] == 3
    assert sessions["longest_ms"] == 1_200_000
    assert sessions["longest_start"] == "2024-03-05T07:40:00"
    intent = document["intent"]
    assert intent["streams"] == 4  # music only
    assert intent["deliberate_share"] == 0.25
    assert intent["skip_rate"] == 1.0
    assert intent["fwdbtn_rate"] == 0.25
    assert [g["shuffle"] for g in intent["by_shuffle"]] == ["on", "off"]
    assert document["discovery"] == [
        {
            "month": "2024-03",
            "new_artists": 2,
            "artists": ["Mika", "Adele"],  # most played first
            "warmup": True,  # the history's first month: everyone is new
            # Adele's 20-second skip came before her first play: not yet a discovery then
            "fresh_share": round(600_000 / 620_000, 6),
        }
    ]
    assert document["monthly"] == [
        {
            "month": "2024-03",
            "music_ms": 620_000,
            "podcast_ms": 1_200_000,
            "audiobook_ms": 0,
            "other_ms": 0,
            "plays": 4,
        }
    ]
    # the podcast started at 07:40 on Tuesday in Madrid
    assert document["daily"] == {
        "first_day": "2024-03-04",
        "last_day": "2024-03-05",
        "ms": [620_000, 1_200_000],
        "plays": [3, 1],
    }
    assert document["diversity"]["artists"] == 2
    assert document["taste_by_year"] == [
        {"year": 2024, "top_artists": document["top_artists"]},
    ]
    assert document["obsessions"] == []  # nobody played a track 3 times in a week
    assert document["forgotten_favorites"] == []
    json.dumps(document, allow_nan=False)


def test_travel_aware_moves_the_evening_to_tokyo() -> None:
    document = build_profile(history(), tz="Europe/Madrid", travel_aware=True, now=NOW)
    validate(document)
    assert document["travel_aware"] is True
    # 20:05 UTC on Monday is 05:05 on Tuesday in Tokyo
    assert document["clock"][0][21] == 0
    assert document["clock"][1][5] == 1


@pytest.mark.parametrize(
    "frame",
    [
        streams(),
        pd.DataFrame({column: pd.Series([], dtype=object) for column in DEFAULTS}).astype(
            {"played_at": "int64", "ms_played": "int64"}
        ),
    ],
    ids=["typed", "object-columns"],
)
def test_empty_history_is_a_valid_document(frame: pd.DataFrame) -> None:
    document = build_profile(frame, tz="Europe/Madrid", now=NOW)
    validate(document)
    assert_plain(document)
    assert (document["streams"], document["plays"], document["listening_ms"]) == (0, 0, 0)
    assert document["first_played_at"] is None
    assert document["last_played_at"] is None
    assert document["clock"] == [[0] * 24 for _ in range(7)]
    assert document["daily"] is None
    assert document["sessions"]["count"] == 0
    assert document["intent"]["skip_rate"] is None
    for key in (
        "top_artists",
        "top_tracks_by_plays",
        "devices",
        "countries",
        "monthly",
        "discovery",
        "obsessions",
        "forgotten_favorites",
        "taste_by_year",
    ):
        assert document[key] == [], key


def test_period_is_by_local_start_date() -> None:
    frame = streams(
        # ends 2024-01-01 00:00:30 in Madrid, but started on New Year's Eve
        {"played_at": utc("2023-12-31 23:00:30"), "artist_name": "Eve"},
        # starts 2024-01-01 00:00:30 in Madrid
        {"played_at": utc("2023-12-31 23:01:30"), "artist_name": "Day"},
        {"played_at": utc("2024-12-31 22:59:00"), "artist_name": "Last"},  # 23:58 local
        {"played_at": utc("2024-12-31 23:01:00"), "artist_name": "Next year"},  # 00:00 local
    )
    year = build_profile(frame, tz="Europe/Madrid", year=2024, now=NOW)
    validate(year)
    assert year["period"] == {"since": "2024-01-01", "until": "2024-12-31"}
    assert [a["name"] for a in year["top_artists"]] == ["Day", "Last"]
    days = build_profile(frame, tz="Europe/Madrid", since="2023-12-31", until="2023-12-31")
    assert [a["name"] for a in days["top_artists"]] == ["Eve"]
    both = build_profile(frame, tz="Europe/Madrid", year=2024, since="2024-06-01")
    assert both["period"] == {"since": "2024-06-01", "until": "2024-12-31"}
    assert [a["name"] for a in both["top_artists"]] == ["Last"]
    in_utc = build_profile(frame, tz="UTC", year=2024)
    assert [a["name"] for a in in_utc["top_artists"]] == ["Last", "Next year"]


def test_discovery_and_forgotten_look_at_the_whole_history() -> None:
    old = [
        {
            "played_at": utc("2022-05-01 10:00:00") + i * 3600,
            "artist_name": "Old",
            "track_name": "Anthem",
        }
        for i in range(8)
    ]
    frame = streams(
        *old,
        {"played_at": utc("2024-02-01 10:00:00"), "artist_name": "Old", "track_name": "B-side"},
        {"played_at": utc("2024-02-02 10:00:00"), "artist_name": "Fresh"},
        {"played_at": utc("2024-04-02 10:00:00"), "artist_name": "Later"},
    )
    document = build_profile(frame, tz="UTC", year=2024, now=NOW)
    validate(document)
    # Old was new in 2022: its B-side is not fresh; Fresh and Later are, in their months.
    assert document["discovery"] == [
        {
            "month": "2024-02",
            "new_artists": 1,
            "artists": ["Fresh"],
            "warmup": False,
            "fresh_share": 0.5,
        },
        {"month": "2024-03", "new_artists": 0, "artists": [], "warmup": False, "fresh_share": None},
        {
            "month": "2024-04",
            "new_artists": 1,
            "artists": ["Later"],
            "warmup": False,
            "fresh_share": 1.0,
        },
    ]
    forgotten = document["forgotten_favorites"]
    assert [(f["name"], f["artist"], f["plays"]) for f in forgotten] == [("Anthem", "Old", 8)]
    assert forgotten[0]["last_played"] == "2022-05-01T16:59:00"
    assert document["top_tracks"][0]["name"] != "Anthem"  # the period has no play of it


def test_top_n_caps_every_list() -> None:
    frame = streams(
        *({"artist_name": f"A{i}", "played_at": 1_700_000_000 + i * 60} for i in range(6))
    )
    document = build_profile(frame, tz="UTC", top_n=2, now=NOW)
    assert [a["name"] for a in document["top_artists"]] == ["A0", "A1"]
    assert len(document["top_tracks_by_plays"]) == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"since": "2024-13-01"}, "not a date"),
        ({"until": "yesterday"}, "not a date"),
        ({"since": "2024-05-01", "until": "2024-04-30"}, "after it ends"),
        ({"year": 2023, "since": "2024-01-01"}, "after it ends"),
    ],
)
def test_bad_periods(options: dict[str, Any], message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        build_profile(history(), tz="UTC", **options)


def test_the_schema_rejects_broken_documents() -> None:
    document = build_profile(history(), tz="Europe/Madrid", now=NOW)
    broken_clock = copy.deepcopy(document)
    broken_clock["clock"][3] = broken_clock["clock"][3][:23]
    negative = copy.deepcopy(document)
    negative["clock"][0][0] = -1
    missing = copy.deepcopy(document)
    del missing["sessions"]
    float_count = copy.deepcopy(document)
    float_count["plays"] = 4.5
    bad_time = copy.deepcopy(document)
    bad_time["first_played_at"] = "2024-03-04 08:01:00"
    extra = copy.deepcopy(document)
    extra["intent"]["by_device"][0]["mood"] = "happy"
    for bad in (broken_clock, negative, missing, float_count, bad_time, extra):
        with pytest.raises(jsonschema.ValidationError):
            validate(bad)
    jsonschema.Draft202012Validator.check_schema(load_profile_schema())


@pytest.mark.parametrize("dtype", ["object", "category"])
def test_text_dtype_does_not_change_the_document(dtype: str) -> None:
    frame = history()
    text = [c for c in frame.columns if frame[c].dtype == "str"]
    expected = build_profile(frame, tz="Europe/Madrid", now=NOW)
    other = build_profile(frame.astype({c: dtype for c in text}), tz="Europe/Madrid", now=NOW)
    assert other == expected
