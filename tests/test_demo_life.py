"""The demo lives as messy as life: eras, drift, varying content, audiences, life events.

Each realism option of yawyas.demo is checked on the rows it generates, against the ground truth
the history carries (labels, audiences, events, artist genres); the four crisp personas must come
out byte for byte as they did before any of it existed.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest
from typer.testing import CliRunner

import yawyas.cli.commands  # noqa: F401  (registers the commands)
from yawyas.cli import app
from yawyas.demo import (
    ACCOUNT_DIR,
    ALL_PERSONAS,
    AUDIENCES,
    EXTENDED_DIR,
    LIFE_EVENTS,
    LIFE_PERSONAS,
    PERSONAS,
    PLATFORM_STRINGS,
    DemoHistory,
    Occasional,
    PlantedMoment,
    account_streams,
    apply_quirks,
    generate_history,
    write_export,
)
from yawyas.demo.names_life import TRAP_ARTISTS

# sha256 of orjson.dumps(streams) and of orjson.dumps(labels) of generate_history(name, seed=7,
# years=1.0), and of the files write_export writes for it by default (relative name + bytes),
# computed before the realism options were added.
BEFORE = {
    "default": (
        "0acfe9c8ed0a6e1a09d85d2100a854bdd8b9a0fbb0f9aa2f31d1cd9ff4e55a58",
        "8cf499863c9356a43cf0a0a36ee9b4ea7b6fe2b7d649b875a3023860649e83c5",
        "b950ec4a0158627f3c73b4561519a451e9b766c0638ce82ae8dfbde5b126da53",
    ),
    "night_owl": (
        "72c9b718f548222cee2a146a1dcd9b19dcf5944a6901f9dc0ebdc9db0b7ff343",
        "19f21baca20d3c8bbb95c277a4488b982f7056ee74786dda7c7cbd8ad0501d1b",
        "8ba290f96dff8c9a2c2008db176e6d2626d661093633e730b8ad1b9ab32d8e2d",
    ),
    "tokyo": (
        "ef6af84b271232e972cd7420062ca33de45810562d8ce308c262ece4e7d57aad",
        "2936da20af33bd407a31207bda90d161d9e786dd477f3c097eaa9d1cf0abafa0",
        "45507046766c2b58eaaf5b3f975ca12c1e976de7ad697a3946a89dc80baff649",
    ),
    "sydney": (
        "41af034e55ce754bde6c2d6d0ec47461dcbe645c05b5c1ac44774240aca87ec8",
        "dd7091134d4431e6088b6ccd9fbe62182ff2a0afb38ea3a68423cc22632c0f48",
        "0f69b0ec1a9d31d78374061d52b8bc008f5615366239fe18c6450e507e2ca652",
    ),
}
END_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$")
CHILDREN = {"kids", "kids_es"}
PARTNER = {"kpop", "metal"}
GAP = timedelta(minutes=15)  # a longer pause between two streams starts a new session
SECOND = 2 / 3600  # `ts` is whole seconds: a start computed from it can be a second early
runner = CliRunner()


def _utc(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def _local_start(row: dict[str, Any], tz: ZoneInfo) -> datetime:
    return (_utc(row["ts"]) - timedelta(milliseconds=row["ms_played"])).astimezone(tz)


def _hour(when: datetime) -> float:
    return when.hour + when.minute / 60 + when.second / 3600


def _family(platform: str) -> str:
    return next(family for family, strings in PLATFORM_STRINGS.items() if platform in strings)


def _genre(history: DemoHistory, row: dict[str, Any]) -> str | None:
    artist = row["master_metadata_album_artist_name"]
    return history.artist_genres.get(artist) if artist else None


def _sessions(
    history: DemoHistory, keep: str, *, field: str = "labels", gap_minutes: float = 15
) -> list[list[dict[str, Any]]]:
    """Runs of consecutive streams whose `field` is `keep`, split where the gap is long."""
    values = getattr(history, field)
    found: list[list[dict[str, Any]]] = []
    last_end: datetime | None = None
    for row, value in zip(history.streams, values, strict=True):
        if value != keep:
            last_end = None
            continue
        start = _utc(row["ts"]) - timedelta(milliseconds=row["ms_played"])
        if last_end is None or start - last_end > timedelta(minutes=gap_minutes):
            found.append([])
        found[-1].append(row)
        last_end = _utc(row["ts"])
    return found


def _hours_played(rows: list[dict[str, Any]]) -> float:
    return sum(row["ms_played"] for row in rows) / 3_600_000


@pytest.fixture(scope="module")
def messy() -> DemoHistory:
    return generate_history("messy", years=3)


@pytest.fixture(scope="module")
def household() -> DemoHistory:
    return generate_history("household", years=2)


@pytest.fixture(scope="module")
def no_routine() -> DemoHistory:
    return generate_history("no_routine", years=2)


# -- the crisp personas stay as they were --------------------------------------------------------
@pytest.mark.parametrize("name", sorted(BEFORE))
def test_existing_personas_unchanged_byte_for_byte(name: str, tmp_path: Path) -> None:
    history = generate_history(name, seed=7, years=1.0)
    streams, labels, export = BEFORE[name]
    assert hashlib.sha256(orjson.dumps(history.streams)).hexdigest() == streams
    assert hashlib.sha256(orjson.dumps(history.labels)).hexdigest() == labels
    digest = hashlib.sha256()
    for path in write_export(history, tmp_path):
        digest.update(str(path.relative_to(tmp_path)).encode())
        digest.update(path.read_bytes())
    assert digest.hexdigest() == export


def test_registries() -> None:
    assert set(PERSONAS) == {"default", "night_owl", "tokyo", "sydney"}
    assert set(LIFE_PERSONAS) == {"no_routine", "household", "messy"}
    assert ALL_PERSONAS == {**PERSONAS, **LIFE_PERSONAS}
    for persona in LIFE_PERSONAS.values():
        assert len(persona.description) > 60
        assert persona.timezone not in {p.timezone for p in PERSONAS.values()}
    kids = next(m for m in PERSONAS["default"].moments if m.id == "kids_songs")
    assert kids.audience == "kids"


# -- ground truth --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ALL_PERSONAS))
def test_audiences_and_events_agree_with_labels(name: str) -> None:
    history = generate_history(name, years=1.0)
    persona = history.persona
    n = len(history.streams)
    assert len(history.labels) == len(history.audiences) == len(history.events) == n
    assert set(history.audiences) <= set(AUDIENCES)
    moments = {m.id: m for m in persona.moments}
    occasional = {o.id: o for o in persona.occasional}
    assert set(history.events) <= {None, *LIFE_EVENTS, *occasional}
    for label, audience, event in zip(
        history.labels, history.audiences, history.events, strict=True
    ):
        if label is not None:
            assert audience == moments[label].audience
            assert event is None
        if event in occasional:
            assert audience == occasional[event].audience
        if event in ("binge", "noise", "trip", "holiday"):
            assert audience == "you"
    artists = {row["master_metadata_album_artist_name"] for row in history.streams}
    assert artists - {None} <= set(history.artist_genres)


def test_quirks_keep_the_ground_truth_aligned(household: DemoHistory) -> None:
    history = generate_history("household", n_streams=8000)
    quirky = apply_quirks(history)
    assert len(quirky.audiences) == len(quirky.events) == len(quirky.streams)
    # quirks never touch `ts`, unique in the clean rows: it finds each quirky row's source
    source = {row["ts"]: i for i, row in enumerate(history.streams)}
    assert len(source) == len(history.streams)
    for row, label, audience, event in zip(
        quirky.streams, quirky.labels, quirky.audiences, quirky.events, strict=True
    ):
        i = source[row["ts"]]
        assert (label, audience, event) == (
            history.labels[i],
            history.audiences[i],
            history.events[i],
        )
    assert Counter(quirky.audiences)["functional"] > Counter(history.audiences)["functional"] / 2


# -- planted moments that change ----------------------------------------------------------------
def test_job_change_moves_the_commute(messy: DemoHistory) -> None:
    tz = ZoneInfo(messy.persona.timezone)
    starts: dict[str, list[datetime]] = defaultdict(list)
    for row, label in zip(messy.streams, messy.labels, strict=True):
        if label in ("commute_old_job", "commute_new_job"):
            starts[label].append(_local_start(row, tz))
    old, new = starts["commute_old_job"], starts["commute_new_job"]
    assert len(old) > 100
    assert len(new) > 100
    assert all(7.5 <= _hour(t) < 8.5 and t.weekday() < 5 for t in old)
    assert all(8.5 <= _hour(t) < 9.25 and t.weekday() < 5 for t in new)
    assert max(old) < min(new)  # the eras do not overlap
    first, last = _utc(messy.streams[0]["ts"]), _utc(messy.streams[-1]["ts"])
    switch = (min(new) - first) / (last - first)
    assert 0.53 < switch < 0.58
    assert (min(new) - max(old)) < timedelta(days=30)  # a holiday may fall in between


def test_habits_start_and_stop_mid_history(messy: DemoHistory) -> None:
    tz = ZoneInfo(messy.persona.timezone)
    first, last = _utc(messy.streams[0]["ts"]), _utc(messy.streams[-1]["ts"])
    span = last - first

    def fraction(row: dict[str, Any]) -> float:
        return (_utc(row["ts"]) - first) / span

    weeks: dict[str, set[tuple[int, int]]] = defaultdict(set)
    where: dict[str, list[float]] = defaultdict(list)
    for row, label in zip(messy.streams, messy.labels, strict=True):
        if label in ("climbing", "sunday_yoga"):
            where[label].append(fraction(row))
            weeks[label].add(_local_start(row, tz).isocalendar()[:2])
    assert min(where["climbing"]) > 0.39
    assert max(where["sunday_yoga"]) < 0.36
    # and they are real habits within their eras: most weeks of the era have them
    total_weeks = 3 * 52
    assert len(weeks["climbing"]) > 0.5 * 0.6 * total_weeks
    assert len(weeks["sunday_yoga"]) > 0.5 * 0.35 * total_weeks


def test_drift_moves_the_window_and_it_stays_one_moment(messy: DemoHistory) -> None:
    tz = ZoneInfo(messy.persona.timezone)
    run = next(m for m in messy.persona.moments if m.id == "saturday_run")
    assert run.drift_hours == 1.0
    first_day = _local_start(messy.streams[0], tz).date()
    days = (_local_start(messy.streams[-1], tz).date() - first_day).days + 1
    sessions = _sessions(messy, "saturday_run")
    assert len(sessions) > 80
    starts = [_local_start(s[0], tz) for s in sessions]
    assert all(t.weekday() == 5 for t in starts)
    quarter = len(starts) // 4
    early = statistics.mean(_hour(t) for t in starts[:quarter])
    late = statistics.mean(_hour(t) for t in starts[-quarter:])
    assert 0.5 < late - early < 1.0  # ~0.75 of the drift between the two quarters' middles
    for session in sessions:  # every stream inside the window of its day
        for row in session:
            local = _local_start(row, tz)
            opens, closes = run.window_at(((local.date() - first_day).days + 0.5) / days)
            assert opens - 0.02 <= _hour(local) < closes, (row["ts"], opens, closes)
    platforms = {row["platform"] for s in sessions for row in s}
    assert {_family(p) for p in platforms} == {"phone"}


def test_window_at_moves_linearly() -> None:
    commute = PlantedMoment(
        "c", "", (0,), 7.5, 8.5, "phone", None, "t", content="podcast", drift_hours=0.5
    )
    assert commute.window_at(0) == (7.5, 8.5)
    assert commute.window_at(0.5) == (7.75, 8.75)
    assert commute.window_at(2) == (8.0, 9.0)
    late = replace(commute, start_hour=23.5, end_hour=0.5)
    assert late.window_at(1) == (0.0, 1.0)


def test_taste_routine_plays_whatever_at_the_same_hours(messy: DemoHistory) -> None:
    tz = ZoneInfo(messy.persona.timezone)
    desk = [
        r for r, label in zip(messy.streams, messy.labels, strict=True) if label == "desk_nights"
    ]
    climb = [r for r, label in zip(messy.streams, messy.labels, strict=True) if label == "climbing"]
    assert len(desk) > 2000
    assert {_family(r["platform"]) for r in desk} == {"desktop"}
    assert all(_hour(_local_start(r, tz)) >= 20 and _local_start(r, tz).weekday() < 4 for r in desk)
    desk_tracks = Counter(r["spotify_track_uri"] for r in desk)
    climb_tracks = Counter(r["spotify_track_uri"] for r in climb)
    assert len(desk_tracks) > 4 * len(climb_tracks)  # a playlist is small, a taste is not
    assert desk_tracks.most_common(1)[0][1] < 0.05 * len(desk)
    assert len({r["master_metadata_album_artist_name"] for r in desk}) > 60
    taste = {genre for genre, _ in messy.persona.tastes}
    assert {_genre(messy, r) for r in desk} <= taste
    assert len({_genre(messy, r) for r in desk}) >= 6
    assert "desk_nights" not in {p["name"] for p in messy.playlists}


# -- other audiences ----------------------------------------------------------------------------
def test_repeat_sessions_loop_a_few_tracks_for_hours(household: DemoHistory) -> None:
    tz = ZoneInfo(household.persona.timezone)
    sleep = next(m for m in household.persona.moments if m.id == "sleep_sounds")
    sessions = _sessions(household, "sleep_sounds")
    assert len(sessions) > 0.8 * 0.9 * 2 * 365
    lengths = []
    for session in sessions:
        assert len({r["spotify_track_uri"] for r in session}) <= sleep.repeat
        opens = _local_start(session[0], tz)
        assert 22.75 - SECOND <= _hour(opens) < 23.8
        hours = (_utc(session[-1]["ts"]) - _local_start(session[0], tz)).total_seconds() / 3600
        assert hours < 8.3
        lengths.append(hours)
        assert all(r["reason_end"] in ("trackdone", "endplay", "backbtn") for r in session[:-1])
    assert statistics.median(lengths) > 3
    assert min(lengths) > 1.5
    audiences = {a for a, label in zip(household.audiences, household.labels, strict=True) if label}
    assert "functional" in audiences
    rows = [r for s in sessions for r in s]
    assert {_genre(household, r) for r in rows} == {"sleep"}
    albums = {r["master_metadata_album_album_name"] for r in household.streams}
    assert albums & {"Rain Sounds for Sleep", "White Noise 10 Hours"}


def test_partner_plays_only_on_the_tablet_their_own_genres(household: DemoHistory) -> None:
    tz = ZoneInfo(household.persona.timezone)
    partner_rows = []
    weekdays: Counter[int] = Counter()
    nights: set[date] = set()
    for row, audience, event in zip(
        household.streams, household.audiences, household.events, strict=True
    ):
        tablet = _family(row["platform"]) == "tablet"
        assert tablet == (event == "partner")
        assert (audience == "someone else") == (event == "partner")
        genre = _genre(household, row)
        if event == "partner":
            partner_rows.append(row)
            assert genre in PARTNER
            local = _local_start(row, tz)
            if local.date() not in nights:
                nights.add(local.date())
                weekdays[local.weekday()] += 1
                assert 19 - SECOND <= _hour(local) < 22.1
        else:
            assert genre not in PARTNER
    assert len(partner_rows) > 500
    assert {_genre(household, r) for r in partner_rows} == PARTNER
    # random evenings, not a weekly habit: every weekday, none in most weeks
    weeks = len({(household.end.date() - timedelta(days=d)).isocalendar()[:2] for d in range(730)})
    assert set(weekdays) == set(range(7))
    assert max(weekdays.values()) < 0.4 * weeks
    per_week = Counter(night.isocalendar()[:2] for night in nights)
    assert len(set(per_week.values())) >= 3


def test_household_audiences_follow_what_is_played(household: DemoHistory) -> None:
    tz = ZoneInfo(household.persona.timezone)
    counts = Counter(household.audiences)
    assert set(counts) == set(AUDIENCES)
    for row, label, audience, event in zip(
        household.streams, household.labels, household.audiences, household.events, strict=True
    ):
        genre = _genre(household, row)
        if audience == "kids":
            assert genre in CHILDREN
        elif audience == "functional":
            assert genre == "sleep"
        elif audience == "you":
            assert genre not in CHILDREN | PARTNER | {"sleep"}
        if label == "merienda_songs":
            local = _local_start(row, tz)
            assert local.weekday() < 5
            assert 17 - SECOND <= _hour(local) < 19
            assert _family(row["platform"]) == "speaker"
        if event == "kids_weekend":
            local = _local_start(row, tz)
            assert local.weekday() >= 5
            assert 9 - SECOND <= _hour(local) < 19.5
    weekend_kids = _sessions(household, "kids_weekend", field="events")
    assert len(weekend_kids) > 50
    names = " ".join(
        f"{r['master_metadata_album_album_name']} {r['master_metadata_track_name']}"
        for r, a in zip(household.streams, household.audiences, strict=True)
        if a == "kids"
    )
    assert "Canciones Infantiles" in names
    assert "Nursery Rhymes" in names or "Sing-Along" in names


@pytest.mark.parametrize("name", ["household", "messy", "no_routine"])
def test_trap_band_names_are_everyday_music(name: str) -> None:
    history = generate_history(name, years=2)
    played: Counter[str] = Counter()
    for row, audience, event in zip(
        history.streams, history.audiences, history.events, strict=True
    ):
        artist = row["master_metadata_album_artist_name"]
        if artist in TRAP_ARTISTS:
            played[artist] += 1
            assert audience == "you"
            assert event not in {o.id for o in history.persona.occasional}
    assert len(played) >= 5
    assert sum(played.values()) > 300
    assert {"Run the Lanterns", "Sleep Signal", "Kids See Static", "Focus"} <= set(
        history.artist_genres
    )


# -- life events --------------------------------------------------------------------------------
def test_binge_days_are_hours_of_one_artist(messy: DemoHistory) -> None:
    tz = ZoneInfo(messy.persona.timezone)
    days: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for row, event in zip(messy.streams, messy.events, strict=True):
        if event == "binge":
            days[_local_start(row, tz).date()].append(row)
    assert 4 <= len(days) <= 12  # three a year, less those that fell away from home
    taste = {genre for genre, _ in messy.persona.tastes}
    for rows in days.values():
        artists = {r["master_metadata_album_artist_name"] for r in rows}
        assert len(artists) == 1
        assert _hours_played(rows) > 2.3
        assert _genre(messy, rows[0]) in taste


def test_parties_are_one_night_each_on_the_speaker(messy: DemoHistory) -> None:
    tz = ZoneInfo(messy.persona.timezone)
    playlists = {p["name"]: p for p in messy.playlists}
    party_names = [name for name, _ in messy.persona.parties]
    assert set(party_names) <= set(playlists)
    nights = _sessions(messy, "party", field="events", gap_minutes=60)
    assert len(nights) == len(party_names)
    used: set[str] = set()
    for rows in nights:
        opens = _local_start(rows[0], tz)
        assert opens.weekday() in (4, 5)
        assert 20.5 - SECOND <= _hour(opens) < 22.5
        assert 2.7 < _hours_played(rows) < 6.1
        assert {_family(r["platform"]) for r in rows} == {"speaker"}
        uris = {r["spotify_track_uri"] for r in rows}
        owner = [
            name
            for name in party_names
            if uris <= {i["track"]["trackUri"] for i in playlists[name]["items"]}
        ]
        assert len(owner) == 1
        used.add(owner[0])
    assert used == set(party_names)  # each playlist partied once: not a routine


def test_holidays_pause_routines_and_move_the_hours(messy: DemoHistory) -> None:
    tz = ZoneInfo(messy.persona.timezone)
    holiday_days = sorted(
        {
            _local_start(r, tz).date()
            for r, e in zip(messy.streams, messy.events, strict=True)
            if e == "holiday"
        }
    )
    blocks: list[list[date]] = []
    for day in holiday_days:  # a holiday day can pass without a play: allow short gaps
        if blocks and (day - blocks[-1][-1]).days <= 4:
            blocks[-1].append(day)
        else:
            blocks.append([day])
    assert 3 <= len(blocks) <= 7  # 1.5 a year for three years
    lengths = [(block[-1] - block[0]).days + 1 for block in blocks]
    assert max(lengths) <= 45  # 1 to 3 weeks (two can sit close together)
    assert statistics.median(lengths) >= 7
    inside = set(holiday_days)
    for row, label, event in zip(messy.streams, messy.labels, messy.events, strict=True):
        if _local_start(row, tz).date() in inside:
            assert label is None  # no routines on holiday
        if event == "holiday":
            assert row["conn_country"] == "GB"  # at home, not abroad

    def early(event: str | None) -> float:
        """Share of the sessions of `event` (not in a moment) that start 06:00-10:00."""
        starts = []
        last_end = None
        for row, e, label in zip(messy.streams, messy.events, messy.labels, strict=True):
            start = _local_start(row, tz)
            if e == event and label is None and (last_end is None or start - last_end > GAP):
                starts.append(_hour(start))
            last_end = _utc(row["ts"])
        return sum(6 <= h < 10 for h in starts) / len(starts)

    assert early("holiday") < 0.6 * early(None)  # late mornings


def test_noise_sessions_at_odd_hours_on_any_device(messy: DemoHistory) -> None:
    tz = ZoneInfo(messy.persona.timezone)
    sessions = _sessions(messy, "noise", field="events", gap_minutes=1)
    assert 40 <= len(sessions) <= 110  # 25 a year, some swallowed by other sessions
    small_hours = [s for s in sessions if _hour(_local_start(s[0], tz)) < 6]
    assert len(small_hours) > 0.3 * len(sessions)
    assert len({_family(r["platform"]) for s in sessions for r in s}) >= 4
    assert all(_hours_played(s) < 0.5 for s in sessions)


def test_no_routine_has_nothing_to_find(no_routine: DemoHistory) -> None:
    tz = ZoneInfo(no_routine.persona.timezone)
    assert no_routine.persona.moments == ()
    assert set(no_routine.labels) == {None}
    assert set(no_routine.audiences) == {"you"}
    assert set(no_routine.events) <= {None, "trip"}
    starts = [_local_start(r, tz) for r in no_routine.streams]
    assert len({t.hour for t in starts}) == 24
    families = Counter(_family(r["platform"]) for r in no_routine.streams)
    assert len(families) >= 5
    desktop = [
        t for t, r in zip(starts, no_routine.streams, strict=True) if "Windows" in r["platform"]
    ]
    weekend_share = sum(t.weekday() >= 5 for t in desktop) / len(desktop)
    assert weekend_share > 0.2  # the desktop is not a workday thing (2/7 would be even)


def test_hand_made_persona_with_life_events() -> None:
    walker = Occasional("dog_sitter", "", (5, 6), 0.5, (10, 12), ("web",), audience="someone else")
    persona = replace(
        PERSONAS["sydney"],
        name="lisbon",
        timezone="Europe/Lisbon",
        occasional=(walker,),
        holidays_per_year=1.0,
    )
    history = generate_history(persona, years=1.0)
    events = Counter(history.events)
    assert events["dog_sitter"] > 20
    assert events["holiday"] > 20
    dog = {a for a, e in zip(history.audiences, history.events, strict=True) if e == "dog_sitter"}
    assert dog == {"someone else"}
    bad = replace(persona, occasional=(replace(walker, id="party"),))
    with pytest.raises(ValueError, match="reserved id"):
        generate_history(bad)
    odd = replace(persona, moments=(replace(persona.moments[0], audience="dog"),))
    with pytest.raises(ValueError, match="audience 'dog'"):
        generate_history(odd)


# -- the account-data package -------------------------------------------------------------------
def test_account_only_export_has_spotify_shapes_and_no_uris(
    household: DemoHistory, tmp_path: Path
) -> None:
    written = write_export(household, tmp_path, package="account", quirks=False)
    assert not (tmp_path / EXTENDED_DIR).exists()
    names = {p.name for p in written}
    assert {p.parent.name for p in written} == {ACCOUNT_DIR}
    assert {"Playlist1.json", "YourLibrary.json", "StreamingHistory_music_0.json"} <= names
    assert "StreamingHistory_podcast_0.json" in names
    music: list[dict[str, Any]] = []
    for path in written:
        if path.name.startswith("StreamingHistory_"):
            data = path.read_bytes()
            assert b"spotify:" not in data
            assert b"platform" not in data
            assert b"ip_addr" not in data
            entries = json.loads(data)
            if "_music_" in path.name:
                music.extend(entries)
                assert all(
                    set(e) == {"endTime", "artistName", "trackName", "msPlayed"} for e in entries
                )
            elif "_podcast_" in path.name:
                assert all(
                    set(e) == {"endTime", "podcastName", "episodeName", "msPlayed"} for e in entries
                )
    assert all(END_TIME.match(e["endTime"]) for e in music)
    cutoff = (household.end - timedelta(days=365)).strftime("%Y-%m-%d %H:%M")
    assert min(e["endTime"] for e in music) >= cutoff[:10]
    playlists = json.loads((tmp_path / ACCOUNT_DIR / "Playlist1.json").read_bytes())
    assert all(
        i["track"]["trackUri"].startswith("spotify:track:")
        for p in playlists["playlists"]
        for i in p["items"]
    )
    library = json.loads((tmp_path / ACCOUNT_DIR / "YourLibrary.json").read_bytes())
    assert library["tracks"][0]["uri"].startswith("spotify:track:")
    # the ground truth of every account play
    truth = account_streams(household)
    assert [entry for kind, entry, _ in truth if kind == "music"] == music
    for _, entry, index in truth:
        row = household.streams[index]
        assert entry["endTime"] == f"{row['ts'][:10]} {row['ts'][11:16]}"
        assert entry["msPlayed"] == row["ms_played"]
    audiences = Counter(household.audiences[i] for _, _, i in truth)
    assert set(audiences) == set(AUDIENCES)


def test_account_package_over_the_whole_history_and_with_quirks(tmp_path: Path) -> None:
    history = generate_history("messy", n_streams=12_000)
    written = write_export(history, tmp_path / "all", package="account", account_days=None)
    music = [
        e
        for p in written
        if "StreamingHistory_music_" in p.name
        for e in json.loads(p.read_bytes())
    ]
    played = [r for r in history.streams if r["master_metadata_track_name"]]
    assert len(played) * 0.97 < len(music) <= len(played) * 1.01  # quirks: nulls, duplicates
    assert min(e["endTime"] for e in music)[:7] == played[0]["ts"][:7]
    quirky = apply_quirks(history)
    truth = account_streams(quirky, account_days=None)
    assert [e for kind, e, _ in truth if kind == "music"] == music
    extended = write_export(history, tmp_path / "ext", package="extended")
    assert {p.parent.name for p in extended} == {EXTENDED_DIR}
    (zipped,) = write_export(history, tmp_path / "z", package="account", zip_name="a.zip")
    assert zipped.exists()
    with pytest.raises(ValueError, match="package"):
        write_export(history, tmp_path / "bad", package="everything")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="account_data"):
        write_export(history, tmp_path / "bad", package="account", account_data=False)


# -- the command line ---------------------------------------------------------------------------
def test_yawyas_demo_builds_a_life_persona(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--persona", "household", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    # her own taste: the kids' songs, her partner's evenings and the rain at night left out
    left_out = {e["audience"]: e for e in doc["left_out"]}
    assert set(left_out) == {"kids", "someone else", "functional"}
    assert doc["streams"] > 10_000
    assert sum(e["plays"] for e in doc["left_out"]) > doc["plays"]
    wrong = runner.invoke(app, ["demo", "--persona", "nobody"])
    assert wrong.exit_code != 0
    assert "messy" in wrong.output
    assert "no_routine" in wrong.output
