"""The parts of moments: windows, names, traits, segments, ids, documents, local time."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests import framekit
from yawyas.analysis.clock import build_local_times
from yawyas.analysis.devices import DEVICE_FAMILIES, build_device_families
from yawyas.analysis.moments import (
    Moment,
    Window,
    apply_overrides,
    fit_moments,
    from_document,
    moment_at,
    routines,
    to_document,
)
from yawyas.analysis.moments.describe import Facts
from yawyas.analysis.moments.export import align_labels, build_local_iso
from yawyas.analysis.moments.features import build_segments
from yawyas.analysis.moments.identity import NEW_STREAM, align_previous, match_ids
from yawyas.analysis.moments.model import in_arc, start_window
from yawyas.analysis.moments.naming import build_name, days_phrase, when_phrase
from yawyas.analysis.moments.traits import build_traits, matches
from yawyas.analysis.moments.types import Evidence, Ranked, Trait, days_text

FRI_NIGHT = Window(days=(4,), start_minute=21 * 60, end_minute=30)


def test_window_crossing_midnight_holds_the_next_morning() -> None:
    assert FRI_NIGHT.crosses_midnight
    assert FRI_NIGHT.minutes == 210
    assert FRI_NIGHT.contains(datetime(2026, 5, 1, 22, 0))  # Friday
    assert FRI_NIGHT.contains(datetime(2026, 5, 2, 0, 10))  # Saturday, after midnight
    assert not FRI_NIGHT.contains(datetime(2026, 5, 2, 0, 40))
    assert not FRI_NIGHT.contains(datetime(2026, 5, 2, 22, 0))  # Saturday night
    assert not FRI_NIGHT.contains(datetime(2026, 5, 1, 20, 59))
    assert FRI_NIGHT.describe() == "Fri 21:00-00:30"
    plain = Window(days=(0, 1, 2, 3, 4), start_minute=17 * 60, end_minute=19 * 60)
    assert plain.contains(datetime(2026, 5, 4, 18, 0))  # Monday
    assert not plain.contains(datetime(2026, 5, 4, 19, 0))
    assert not plain.contains(datetime(2026, 5, 2, 18, 0))  # Saturday


def moment(id_: str, window: Window, **extra: Any) -> Moment:
    base: dict[str, Any] = {
        "sessions": 10,
        "weeks": 10,
        "streams": 100,
        "plays": 90,
        "ms_played": 1_000_000,
        "play_share": 0.1,
        "time_share": 0.1,
        "first_played_at": 1_700_000_000,
        "last_played_at": 1_760_000_000,
        "device": "phone",
        "device_share": 1.0,
        "content": "music",
        "shuffle_share": None,
        "deliberate_share": 0.5,
        "skip_rate": 0.1,
        "lift": 10.0,
    }
    return Moment(id=id_, generated_name=f"name {id_}", windows=(window,), **{**base, **extra})


def test_moment_at_prefers_the_device_then_the_narrowest_window() -> None:
    evenings = Window(days=(0, 1, 2, 3, 4, 5, 6), start_minute=18 * 60, end_minute=23 * 60)
    gym = moment("gym", Window((0, 2, 4), 18 * 60, 20 * 60), device="phone")
    kitchen = moment("kitchen", Window((1, 3), 18 * 60, 20 * 60), device="speaker")
    broad = moment("broad", evenings, device="speaker")
    moments = [broad, gym, kitchen]
    monday = datetime(2026, 5, 4, 18, 30)
    assert moment_at(moments, monday) is gym
    assert moment_at(moments, monday, device="speaker") is broad
    assert moment_at(moments, datetime(2026, 5, 5, 18, 30)) is kitchen  # Tuesday
    assert moment_at(moments, datetime(2026, 5, 4, 9, 0)) is None
    hidden = apply_overrides(moments, {"gym": {"hidden": True}})
    assert moment_at(hidden, monday) is not None
    assert moment_at(hidden, monday).id == "broad"  # type: ignore[union-attr]


def test_overrides_rename_and_hide() -> None:
    m = moment("m1", FRI_NIGHT)
    (renamed,) = apply_overrides([m], {"m1": {"name": "Milonga", "hidden": True}})
    assert (renamed.name, renamed.generated_name, renamed.hidden) == ("Milonga", "name m1", True)
    (same,) = apply_overrides([m], {"m1": {"name": "  "}, "other": {"hidden": True}})
    assert (same.name, same.hidden) == ("name m1", False)


def test_days_in_words() -> None:
    assert days_text([0, 1, 2, 3, 4]) == "Mon-Fri"
    assert days_text([5, 6]) == "Sat, Sun"
    assert days_text([6, 0, 1, 2, 3]) == "Sun-Thu"
    assert days_text([0, 2, 4]) == "Mon, Wed, Fri"
    assert days_text(range(7)) == "every day"
    assert days_phrase([0, 1, 2, 3, 4]) == "Weekday"
    assert days_phrase([5, 6]) == "Weekend"
    assert days_phrase([4]) == "Friday"
    assert days_phrase([0, 2, 4]) == "Mon/Wed/Fri"
    assert days_phrase([1, 2, 3]) == "Tue-Thu"
    assert days_phrase(range(7)) == ""


def test_when_phrases() -> None:
    assert when_phrase(FRI_NIGHT) == "Friday nights"
    assert when_phrase(Window((5, 6), 6 * 60 + 15, 7 * 60 + 30)) == "Weekend early mornings"
    assert when_phrase(Window((0, 1, 2, 3, 4), 16 * 60 + 45, 19 * 60)) == "Weekday evenings"
    assert when_phrase(Window((1, 2, 3), 23 * 60, 2 * 60)) == "Tue-Thu late nights"
    assert when_phrase(Window(tuple(range(7)), 8 * 60, 9 * 60)) == "Mornings"


def facts(**extra: Any) -> Facts:
    base: dict[str, Any] = {
        "window": Window((5, 6), 7 * 60, 8 * 60),
        "sessions": 50,
        "weeks": 40,
        "streams": 500,
        "plays": 450,
        "ms_played": 90_000_000,
        "play_share": 0.1,
        "time_share": 0.1,
        "first_played_at": 1_700_000_000,
        "last_played_at": 1_760_000_000,
        "device": "phone",
        "device_share": 1.0,
        "content": "music",
        "shuffle_share": 1.0,
        "deliberate_share": 0.9,
        "skip_rate": 0.1,
        "top_artists": (Ranked("Pulse Avenue", 100, 0.2),),
        "top_tracks": (),
        "top_playlists": (),
        "names": {},
    }
    return Facts(**{**base, **extra})


def trait_names(f: Facts) -> list[str]:
    return [t.name for t in build_traits(f)]


def test_traits_from_a_multilingual_lexicon() -> None:
    runs = facts(
        top_playlists=(Ranked("朝のランニング", 400, 0.9),),
        names={"playlist": [("朝のランニング", 0.9, None)]},
    )
    (runner,) = build_traits(runs)
    assert runner.name == "weekend runner"
    assert runner.confidence >= 0.8
    assert any("朝のランニング" in e.text for e in runner.evidence)
    assert build_name(runs) == "Weekend mornings · 朝のランニング"
    kids = facts(
        window=Window((0, 1, 2, 3, 4), 17 * 60, 19 * 60),
        device="speaker",
        names={
            "album": [("Canciones Infantiles, Vol. 2", 0.6, "Coro")],
            "track": [("La Vaca", 0.3, "Coro")],
        },
    )
    assert trait_names(kids) == ["parent"]
    assert build_name(kids) == "Weekday evenings on the speaker"  # no artist stands out
    tango = facts(window=FRI_NIGHT, names={"genre": [("tango nuevo", 0.7, None)]})
    assert trait_names(tango) == ["dancer"]


def test_weak_words_and_small_shares_are_not_enough() -> None:
    assert trait_names(facts(names={"track": [("Dance Monkey", 0.1, "Tones")]})) == []
    assert trait_names(facts(names={"playlist": [("Domingo Chill", 0.1, None)]})) == []
    assert not matches("Brunch Beats", "run")
    assert matches("Running Up That Hill", "running")
    assert matches("朝のランニング", "ランニング")
    assert matches("NIÑOS cantando", "niños")


def test_a_band_name_is_no_trait() -> None:
    """Run The Jewels is no runner, Sleep Token no bedtime: one artist's name, echoed in its
    tracks and albums, is not evidence; two artists carrying the word are."""
    band = facts(
        names={
            "artist": [("Run The Jewels", 0.6, None)],
            "track": [("Run the Jewels 2", 0.3, "Run The Jewels")],
            "album": [("RTJ4 (Run)", 0.5, "Run The Jewels")],
        }
    )
    assert trait_names(band) == []
    sleep = facts(names={"artist": [("Sleep Token", 0.8, None)]})
    assert trait_names(sleep) == []
    two = facts(names={"artist": [("Sleep Sounds Co", 0.5, None), ("Deep Sleep Lab", 0.4, None)]})
    assert trait_names(two) == ["bedtime ritual"]


def test_time_only_traits_need_three_percent_of_the_plays() -> None:
    night = Window((1, 2, 3), 23 * 60, 2 * 60)
    assert trait_names(facts(window=night, device="desktop", play_share=0.05)) == ["night owl"]
    assert trait_names(facts(window=night, device="desktop", play_share=0.006)) == []


def test_words_match_whole_folded_words() -> None:
    assert matches("CORRIENDO por la playa", "corriendo")
    assert matches("Canción de cuna", "cancion de cuna")
    assert not matches("Gymnopédie No. 1", "gym")
    assert not matches("Brunch Beats", "run")


def test_traits_from_the_shape_alone() -> None:
    podcasts = facts(window=Window((0, 1, 2, 3, 4), 8 * 60, 8 * 60 + 45), content="podcasts")
    assert trait_names(podcasts) == ["commuter"]
    car = facts(window=Window((0, 1, 2, 3, 4), 7 * 60, 7 * 60 + 45), device="car")
    assert trait_names(car) == ["driver", "commuter"]
    books = facts(window=Window((6, 0, 1, 2, 3), 22 * 60, 23 * 60), content="audiobooks")
    assert trait_names(books) == ["reader"]
    code = facts(window=Window((1, 2, 3), 23 * 60, 2 * 60), device="desktop")
    assert trait_names(code) == ["night owl"]
    assert trait_names(facts()) == []


def test_start_window_on_the_circle() -> None:
    minutes = np.array(
        [23 * 60 + 10, 23 * 60 + 40, 0 * 60 + 20, 0 * 60 + 5, 23 * 60 + 55] * 10, float
    )
    first, last = start_window(minutes)
    assert first > last  # crosses midnight
    assert in_arc(minutes, first, last).all()
    assert not in_arc(np.array([12 * 60.0]), first, last).any()
    morning = np.array([6 * 60 + 31, 6 * 60 + 40, 6 * 60 + 52] * 5, float)
    assert start_window(morning) == (6 * 60 + 30, 7 * 60)


def test_segments_split_on_device_pause_and_deliberate_restart() -> None:
    t0 = framekit.utc("2026-05-04 18:00:00")
    rows = [
        {"played_at": t0 + 180, "ms_played": 180_000},
        {"played_at": t0 + 360, "ms_played": 180_000, "reason_start": "trackdone"},
        # 60 s of silence, then the next track on its own: still the same segment
        {"played_at": t0 + 600, "ms_played": 180_000, "reason_start": "trackdone"},
        # 60 s of silence, then a row clicked: something new
        {"played_at": t0 + 840, "ms_played": 180_000, "reason_start": "clickrow"},
        # another device, right away
        {"played_at": t0 + 1020, "ms_played": 180_000, "platform": "Partner sonos_one Sonos"},
        # 40 minutes later
        {"played_at": t0 + 3600, "ms_played": 180_000, "platform": "Partner sonos_one Sonos"},
    ]
    frame = framekit.streams(*rows)
    local = build_local_times(frame, "Europe/Madrid")
    segments = build_segments(frame, local, build_device_families(frame["platform"]))
    assert segments.of_stream.tolist() == [0, 0, 0, 1, 2, 3]
    assert segments.streams.tolist() == [3, 1, 1, 1]
    assert segments.day.tolist() == [0, 0, 0, 0]  # a Monday
    assert segments.minute[0] == pytest.approx(20 * 60)  # 18:00 UTC is 20:00 in Madrid


def test_listening_day_starts_at_four() -> None:
    friday_late = framekit.utc("2026-05-01 22:30:00")  # Saturday 00:30 in Madrid
    frame = framekit.streams({"played_at": friday_late + 180, "ms_played": 180_000})
    local = build_local_times(frame, "Europe/Madrid")
    segments = build_segments(frame, local, build_device_families(frame["platform"]))
    assert segments.day.tolist() == [4]  # still Friday night


def test_ids_follow_the_streams() -> None:
    before_ends = np.array([10, 20, 30, 40, 50])
    before_labels = np.array([0, 0, 1, 1, -1])
    now_ends = np.array([10, 20, 30, 40, 50, 60])
    aligned = align_previous(now_ends, before_ends, before_labels)
    assert aligned.tolist() == [0, 0, 1, 1, -1, NEW_STREAM]
    # the moments came back in the other order, plus a new one
    labels = np.array([1, 1, 0, 0, -1, 2])
    ids = match_ids(labels, aligned, ("ma", "mb"), ["mx", "my", "ma"])
    assert ids == ["mb", "ma", "ma-2"]
    assert match_ids(labels, aligned, (), ["m1", "m2", "m1"]) == ["m1", "m2", "m1-2"]


def test_align_labels_of_a_slice_and_of_loose_rows() -> None:
    stored_ends = np.array([1, 2, 2, 5, 9])
    stored = np.array([3, -1, 0, 1, 2])
    assert align_labels(np.array([2, 2, 5]), stored_ends, stored).tolist() == [-1, 0, 1]
    assert align_labels(np.array([9, 1, 7]), stored_ends, stored).tolist() == [2, 3, -1]
    assert align_labels(np.zeros(0, dtype=np.int64), stored_ends, stored).tolist() == []


def test_documents_round_trip() -> None:
    m = moment(
        "m1",
        FRI_NIGHT,
        top_artists=(Ranked("Orquesta", 10, 0.5),),
        top_tracks=(Ranked("Abrazo", 4, 0.2, artist="Orquesta"),),
        top_playlists=(Ranked("Tango Night", 50, 1.0),),
        traits=(Trait("dancer", 0.9, (Evidence("playlist", 'playlist "Tango Night"', 0.9),)),),
    )
    doc = to_document(m)
    assert doc["windows"][0] == {
        "days": ["Fri"],
        "start": "21:00",
        "end": "00:30",
        "crosses_midnight": True,
        "text": "Fri 21:00-00:30",
    }
    assert from_document(doc) == m
    assert from_document(to_document(replace(m, skip_rate=None))).skip_rate is None


def test_local_time_with_offsets() -> None:
    frame = framekit.streams(
        {"played_at": framekit.utc("2026-01-15 12:00:00"), "ms_played": 60_000},
        {"played_at": framekit.utc("2026-07-15 12:00:00"), "ms_played": 60_000},
        {
            "played_at": framekit.utc("2026-07-16 12:00:00"),
            "ms_played": 60_000,
            "conn_country": "JP",
        },
    )
    home = build_local_iso(build_local_times(frame, "Europe/Madrid"))
    assert home.tolist() == [
        "2026-01-15T12:59:00+01:00",
        "2026-07-15T13:59:00+02:00",
        "2026-07-16T13:59:00+02:00",
    ]
    away = build_local_iso(build_local_times(frame, "Europe/Madrid", travel_aware=True))
    assert away.iloc[2] == "2026-07-16T20:59:00+09:00"
    ny = build_local_iso(build_local_times(frame.iloc[:1], "America/New_York"))
    assert ny.tolist() == ["2026-01-15T06:59:00-05:00"]


def test_no_history_no_moments() -> None:
    frame = framekit.streams().iloc[:0]
    result = fit_moments(frame, build_local_times(frame, "UTC"))
    assert result.moments == ()
    assert len(result.labels) == 0
    assert isinstance(result.stream_ids(), np.ndarray)
    assert pd.Series(result.stream_ids(), dtype=object).empty


def test_a_weekly_habit_in_a_small_synthetic_history() -> None:
    """Sixteen Monday-morning runs among everyday plays spread over the week: one moment,
    the rest noise."""
    t0 = framekit.utc("2026-01-05 07:00:00")  # a Monday
    rows = []
    for week in range(16):
        start = t0 + week * 7 * 86_400
        rows += [
            {
                "played_at": start + 200 * (k + 1),
                "ms_played": 190_000,
                "track_name": f"Run {k}",
                "artist_name": "Pulse",
                "album_name": None,
                "shuffle": True,
            }
            for k in range(6)
        ]
        for n in range(6):  # everyday listening: other days and hours each week
            rows.append(
                {
                    "played_at": start + (1 + (week + n) % 6) * 86_400 + (n * 5 + week) % 16 * 3600,
                    "ms_played": 190_000,
                    "track_name": f"Other {n}",
                    "artist_name": f"Artist {(week + n) % 9}",
                    "album_name": None,
                }
            )
    frame = framekit.streams(*rows)
    result = fit_moments(frame, build_local_times(frame, "UTC"))
    (found,) = result.moments
    assert found.name == "Monday mornings · Pulse"
    assert found.windows[0].days == (0,)
    assert found.weeks == 16
    assert [t.name for t in found.traits] == ["runner"]  # tracks named "Run ..."
    ids = result.stream_ids()
    assert (ids == found.id).sum() == 96


def _computer_afternoons(other_computer_plays: int) -> tuple[Any, Any, Any]:
    """Two years of everyday phone listening at any hour; on the computer, a weekday
    afternoon habit in two eras (14:00 in the first 30 weeks, 15:00 in weeks 60-94) among
    `other_computer_plays` computer plays a week at any hour (more: a fainter habit)."""
    rng = np.random.default_rng(3)
    t0 = framekit.utc("2024-01-01 00:00:00")  # a Monday
    rows: list[dict[str, Any]] = []

    def play(at: int, platform: str) -> None:
        rows.append(
            {
                "played_at": at + 180,
                "ms_played": 180_000,
                "platform": platform,
                "reason_start": "clickrow",
                "artist_name": f"Artist {rng.integers(50)}",
            }
        )

    for week in range(104):
        monday = t0 + week * 7 * 86_400
        for _ in range(30):
            play(monday + int(rng.integers(7 * 96)) * 900, "android")
        for _ in range(other_computer_plays):
            play(monday + int(rng.integers(7 * 96)) * 900, "windows")
        if week < 30 or 60 <= week < 95:
            hour = 14 if week < 30 else 15
            for day in range(5):
                if rng.random() < 0.6:
                    play(
                        monday + day * 86_400 + hour * 3600 + int(rng.integers(4)) * 900, "windows"
                    )
    frame = framekit.streams(*rows)
    segments = build_segments(
        frame, build_local_times(frame, "UTC"), build_device_families(frame["platform"])
    )
    frame_ = routines.build_frame(segments)
    computer = segments.device == DEVICE_FAMILIES.index("desktop")
    group = routines.Group("device:desktop", 2, computer)
    weekdays = (0, 1, 2, 3, 4)
    pieces = [
        routines.evaluate_chain(segments, group, weekdays, (span,), frame_)
        for span in ((0, 29, 20, 23), (60, 94, 22, 25))  # 14:00-16:00, 15:00-17:00
    ]
    return segments, frame_, pieces


def test_a_faint_habit_seen_in_pieces_is_one_routine() -> None:
    """Everyday music at the computer on weekday afternoons, found in two eras a year apart
    at hours that overlap: one habit, whatever lies between (sharp routines keep their eras)."""
    segments, frame, pieces = _computer_afternoons(10)
    assert all(p is not None and routines.is_routine(p, frame) for p in pieces)
    assert all(p.lift < routines.STORY_LIFT for p in pieces)
    (merged,) = routines.merge_days(pieces, segments, frame)
    assert (merged.first_week, merged.last_week) == (0, 94)
    assert routines.is_routine(merged, frame)

    segments, frame, pieces = _computer_afternoons(2)  # the same habit, sharp
    assert all(p is not None and p.lift >= routines.STORY_LIFT for p in pieces)
    assert len(routines.merge_days(pieces, segments, frame)) == 2
