"""The synthetic listener: determinism, planted moments, Spotify's file shapes and quirks."""

from __future__ import annotations

import ipaddress
import json
import re
import zipfile
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yawyas.demo import (
    ACCOUNT_DIR,
    EXTENDED_DIR,
    PERSONAS,
    PLATFORM_STRINGS,
    ROW_FIELDS,
    DemoHistory,
    PlantedMoment,
    apply_quirks,
    generate_history,
    write_export,
)
from yawyas.demo.catalog import spotify_id
from yawyas.errors import NotFoundError

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
URI = re.compile(r"^spotify:(track|episode):[0-9A-Za-z]{22}$")
AUDIO_NAME = re.compile(r"^Streaming_History_Audio_(\d{4})(?:-(\d{4}))?_(\d+)\.json$")
DOC_NETS = [
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
]
JANUARY_END = datetime(2026, 2, 20, 23, 0, tzinfo=UTC)


def _utc(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def _start(row: dict[str, Any]) -> datetime:
    return _utc(row["ts"]) - timedelta(milliseconds=row["ms_played"])


def _audio_files(root: Path) -> list[Path]:
    files = list((root / EXTENDED_DIR).glob("Streaming_History_Audio_*.json"))
    return sorted(files, key=lambda p: int(AUDIO_NAME.match(p.name).group(3)))  # type: ignore[union-attr]


def _read_rows(root: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in _audio_files(root):
        rows.extend(json.loads(path.read_bytes()))
    return rows


@pytest.fixture(scope="module")
def year_of() -> dict[str, DemoHistory]:
    """One year and a bit of every persona (covers both daylight-saving changes)."""
    return {name: generate_history(name, years=1.2) for name in PERSONAS}


@pytest.fixture(scope="module")
def demo() -> DemoHistory:
    """What `yawyas demo` shows: three years of the default persona."""
    return generate_history("default")


@pytest.fixture(scope="module")
def small() -> DemoHistory:
    """A small default history that spans a new year, so year-level quirks can show."""
    return generate_history("default", n_streams=9000, end=JANUARY_END)


@pytest.fixture(scope="module")
def clean_export(small: DemoHistory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("clean")
    write_export(small, root, quirks=False)
    return root


@pytest.fixture(scope="module")
def quirky_export(small: DemoHistory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("quirky")
    write_export(small, root, quirks=True)
    return root


# -- personas ------------------------------------------------------------------------------------
def test_personas_cover_the_cases_tests_need() -> None:
    assert "default" in PERSONAS
    assert len(PERSONAS) >= 4
    zones = {p.timezone for p in PERSONAS.values()}
    assert len(zones) == len(PERSONAS)
    crossing = [m for p in PERSONAS.values() for m in p.moments if m.crosses_midnight]
    assert {m.id for m in crossing} >= {"friday_tango", "late_night_code"}
    tokyo = {m.id: m for m in PERSONAS["tokyo"].moments}
    gym, cooking = tokyo["gym"], tokyo["cooking"]
    assert (gym.start_hour, gym.end_hour) == (cooking.start_hour, cooking.end_hour)
    assert gym.device != cooking.device
    assert gym.playlist != cooking.playlist
    assert set(gym.genres).isdisjoint(cooking.genres)
    for persona in PERSONAS.values():
        ZoneInfo(persona.timezone)
        assert len({m.id for m in persona.moments}) == len(persona.moments)


def test_moment_window_contains_crosses_midnight() -> None:
    tango = next(m for m in PERSONAS["default"].moments if m.id == "friday_tango")
    friday = datetime(2026, 3, 13)
    assert tango.contains(friday.replace(hour=21, minute=5))
    assert tango.contains(friday.replace(hour=23, minute=59))
    assert tango.contains(datetime(2026, 3, 14, 0, 20))  # Saturday 00:20 is still Friday night
    assert not tango.contains(datetime(2026, 3, 14, 0, 40))
    assert not tango.contains(datetime(2026, 3, 15, 0, 20))  # Sunday 00:20: no Saturday window
    assert not tango.contains(friday.replace(hour=20, minute=59))


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)))
def test_contains_agrees_with_shifting_back_to_the_window_day(local: datetime) -> None:
    moment = PlantedMoment("m", "", (4,), 21.0, 0.5, "speaker", None, "t")
    hour = local.hour + local.minute / 60 + local.second / 3600
    day = local - timedelta(days=1) if hour < 0.5 else local
    expected = day.weekday() == 4 and (hour >= 21.0 or hour < 0.5)
    assert moment.contains(local) == expected


# -- the simulated life --------------------------------------------------------------------------
def test_demo_scale(demo: DemoHistory) -> None:
    history = demo
    assert 30_000 <= len(history.streams) <= 60_000
    span = _utc(history.streams[-1]["ts"]) - _utc(history.streams[0]["ts"])
    assert timedelta(days=3 * 365 - 10) < span <= timedelta(days=3 * 366)
    assert history.streams[-1]["ts"] <= "2026-10-31T23:00:00Z"


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_rows_are_utc_ends_in_order_and_labels_align(
    year_of: dict[str, DemoHistory], name: str
) -> None:
    history = year_of[name]
    streams, labels = history.streams, history.labels
    assert len(labels) == len(streams) > 5000
    ids = {m.id for m in history.persona.moments}
    assert set(labels) - {None} == ids
    stamps = [row["ts"] for row in streams]
    assert all(TS.match(ts) for ts in stamps)
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
    for before, after in pairwise(streams):
        assert _start(after) >= _utc(before["ts"]) - timedelta(seconds=1)  # no overlap
    for row in streams:
        assert list(row) == list(ROW_FIELDS)


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_labelled_streams_start_inside_their_window_in_local_time(
    year_of: dict[str, DemoHistory], name: str
) -> None:
    history = year_of[name]
    tz = ZoneInfo(history.persona.timezone)
    moments = {m.id: m for m in history.persona.moments}
    weeks: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for row, label in zip(history.streams, history.labels, strict=True):
        if label is None:
            continue
        local = _start(row).astimezone(tz)
        assert moments[label].contains(local), (label, row["ts"], local)
        weeks[label].add(local.isocalendar()[:2])
        family = moments[label].device
        assert row["platform"] in PLATFORM_STRINGS[family]
    all_weeks = {_utc(r["ts"]).astimezone(tz).isocalendar()[:2] for r in history.streams}
    for moment in moments.values():
        share = len(weeks[moment.id]) / len(all_weeks)
        assert share >= 0.6 * (1 - moment.active_from), (moment.id, share)


def test_utc_follows_daylight_saving_while_local_time_stays(
    year_of: dict[str, DemoHistory],
) -> None:
    history = year_of["default"]
    runs = [
        _start(row)
        for row, label in zip(history.streams, history.labels, strict=True)
        if label == "weekend_run"
    ]
    summer = {t.hour for t in runs if t.month == 7}
    winter = {t.hour for t in runs if t.month == 1}
    assert summer == {4, 5}  # 06:30-07:30 Madrid is 04:30-05:30 UTC in summer (CEST)
    assert winter == {5, 6}  # and 05:30-06:30 UTC in winter (CET)


def test_no_daylight_saving_in_tokyo(year_of: dict[str, DemoHistory]) -> None:
    history = year_of["tokyo"]
    hours = {
        _start(row).hour
        for row, label in zip(history.streams, history.labels, strict=True)
        if label in ("gym", "cooking")
    }
    assert hours == {9, 10}  # 18:00-20:00 JST, all year


def test_midnight_crossing_moment_runs_past_midnight(year_of: dict[str, DemoHistory]) -> None:
    for name, moment_id in (("default", "friday_tango"), ("night_owl", "late_night_code")):
        history = year_of[name]
        tz = ZoneInfo(history.persona.timezone)
        after_midnight = [
            row
            for row, label in zip(history.streams, history.labels, strict=True)
            if label == moment_id and _start(row).astimezone(tz).hour < 3
        ]
        assert len(after_midnight) > 20, name


def test_two_moments_same_hours_differ_in_device_and_music(
    year_of: dict[str, DemoHistory],
) -> None:
    history = year_of["tokyo"]
    platforms: dict[str, set[str]] = defaultdict(set)
    tracks: dict[str, set[str]] = defaultdict(set)
    weekdays: dict[str, set[int]] = defaultdict(set)
    tz = ZoneInfo("Asia/Tokyo")
    for row, label in zip(history.streams, history.labels, strict=True):
        if label in ("gym", "cooking"):
            platforms[label].add(row["platform"])
            tracks[label].add(row["spotify_track_uri"])
            weekdays[label].add(_start(row).astimezone(tz).weekday())
    assert platforms["gym"].isdisjoint(platforms["cooking"])
    assert tracks["gym"].isdisjoint(tracks["cooking"])
    assert weekdays == {"gym": {0, 2, 4}, "cooking": {1, 3}}


def test_sessions_start_deliberately_then_chain(year_of: dict[str, DemoHistory]) -> None:
    history = year_of["default"]
    firsts: Counter[str] = Counter()
    previous: dict[str, Any] = {"ts": "2000-01-01T00:00:00Z"}
    previous_label = None
    for row, label in zip(history.streams, history.labels, strict=True):
        gap = _start(row) - _utc(previous["ts"])
        if label == "deep_focus" and (label != previous_label or gap > timedelta(minutes=30)):
            firsts[row["reason_start"]] += 1
        elif label == "deep_focus":
            assert gap < timedelta(minutes=30)
            assert row["reason_start"] == previous["reason_end"]
        if row["reason_end"] == "fwdbtn":
            assert row["skipped"] is True
            assert row["ms_played"] < 160_000
        previous, previous_label = row, label
    assert set(firsts) <= {"clickrow", "playbtn"}
    skips = Counter(
        label for row, label in zip(history.streams, history.labels, strict=True) if row["skipped"]
    )
    counts = Counter(history.labels)
    assert skips["deep_focus"] / counts["deep_focus"] < 0.05  # few skips in deep work
    assert skips["weekend_run"] / counts["weekend_run"] > 0.08


def test_taste_drifts_and_travel_changes_country(demo: DemoHistory) -> None:
    history = demo
    everyday = [
        row
        for row, label in zip(history.streams, history.labels, strict=True)
        if label is None and row["master_metadata_album_artist_name"]
    ]
    first = {r["master_metadata_album_artist_name"] for r in everyday[: len(everyday) // 6]}
    last = {r["master_metadata_album_artist_name"] for r in everyday[-len(everyday) // 6 :]}
    assert len(last - first) >= 5  # artists discovered along the way
    away = [
        (row, label)
        for row, label in zip(history.streams, history.labels, strict=True)
        if row["conn_country"] != "ES"
    ]
    assert len(away) > 50
    assert all(label is None for _, label in away)  # routines pause while travelling
    assert all(row["ip_addr"].startswith("203.0.113.") for row, _ in away)


def test_addresses_are_documentation_ranges_only(year_of: dict[str, DemoHistory]) -> None:
    for history in year_of.values():
        for address in {row["ip_addr"] for row in history.streams}:
            ip = ipaddress.ip_address(address)
            assert any(ip in net for net in DOC_NETS), address


def test_uris_look_real_and_are_stable(year_of: dict[str, DemoHistory]) -> None:
    history = year_of["default"]
    by_track: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in history.streams:
        for field in ("spotify_track_uri", "spotify_episode_uri"):
            if row[field] is not None:
                assert URI.match(row[field])
        if row["spotify_track_uri"]:
            key = (
                row["master_metadata_track_name"],
                row["master_metadata_album_artist_name"],
                row["master_metadata_album_album_name"],
            )
            by_track[key].add(row["spotify_track_uri"])
    assert all(len(uris) == 1 for uris in by_track.values())
    assert spotify_id("track", "a") == spotify_id("track", "a") != spotify_id("track", "b")
    played = {row["spotify_track_uri"] for row in history.streams}
    run = next(p for p in history.playlists if p["name"] == "Morning Run")
    assert {item["track"]["trackUri"] for item in run["items"]} & played


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    a = generate_history("sydney", n_streams=3000, seed=11)
    b = generate_history("sydney", n_streams=3000, seed=11)
    c = generate_history("sydney", n_streams=3000, seed=12)
    assert a.streams == b.streams
    assert a.labels == b.labels
    assert a.playlists == b.playlists
    assert a.streams != c.streams


def test_same_seed_same_bytes(small: DemoHistory, tmp_path: Path) -> None:
    again = generate_history("default", n_streams=9000, end=JANUARY_END)
    first = write_export(small, tmp_path / "a")
    second = write_export(again, tmp_path / "b")
    assert [p.relative_to(tmp_path / "a") for p in first] == [
        p.relative_to(tmp_path / "b") for p in second
    ]
    for x, y in zip(first, second, strict=True):
        assert x.read_bytes() == y.read_bytes(), x.name
    (zip_a,) = write_export(small, tmp_path / "a", zip_name="a.zip")
    (zip_b,) = write_export(again, tmp_path / "b", zip_name="a.zip")
    assert zip_a.read_bytes() == zip_b.read_bytes()


@pytest.mark.parametrize(("name", "n"), [("default", 2500), ("night_owl", 40_000)])
def test_n_streams_gives_exactly_that_many(name: str, n: int) -> None:
    history = generate_history(name, n_streams=n)
    assert len(history.streams) == len(history.labels) == n
    assert history.streams[-1]["ts"] <= "2026-10-31T23:00:00Z"
    stamps = [row["ts"] for row in history.streams]
    assert stamps == sorted(stamps)


def test_bad_arguments() -> None:
    with pytest.raises(NotFoundError, match="no demo persona"):
        generate_history("nobody")
    with pytest.raises(ValueError, match="n_streams"):
        generate_history(n_streams=0)
    with pytest.raises(ValueError, match="years"):
        generate_history(years=0)
    odd = replace(PERSONAS["tokyo"], name="odd", tastes=(("polka", 1.0),))
    with pytest.raises(ValueError, match="unknown genre 'polka'"):
        generate_history(odd)


def test_a_hand_made_persona_works() -> None:
    walker = PlantedMoment(
        id="dog_walk",
        description="Every evening, the dog and a podcast",
        days=(0, 1, 2, 3, 4, 5, 6),
        start_hour=19.5,
        end_hour=20.5,
        device="phone",
        playlist=None,
        trait="dog owner",
        content="podcast",
    )
    persona = replace(
        PERSONAS["sydney"], name="lisbon", timezone="Europe/Lisbon", moments=(walker,)
    )
    history = generate_history(persona, years=0.3)
    assert set(history.labels) == {"dog_walk", None}


# -- the files -----------------------------------------------------------------------------------
def test_clean_export_has_spotify_shapes(small: DemoHistory, clean_export: Path) -> None:
    audio = _audio_files(clean_export)
    assert len(audio) >= 3
    for index, path in enumerate(audio):
        match = AUDIO_NAME.match(path.name)
        assert match is not None
        assert int(match.group(3)) == index
        assert path.read_bytes().startswith(b'[\n  {\n    "ts": "')
    rows = _read_rows(clean_export)
    assert rows == small.streams  # quirks=False writes the rows exactly
    videos = list((clean_export / EXTENDED_DIR).glob("Streaming_History_Video_*-*.json"))
    assert len(videos) == 1
    assert all(set(v) == set(ROW_FIELDS) for v in json.loads(videos[0].read_bytes()))
    playlists = json.loads((clean_export / ACCOUNT_DIR / "Playlist1.json").read_bytes())
    assert set(playlists) == {"playlists"}
    for playlist in playlists["playlists"]:
        assert set(playlist) == {
            "name",
            "lastModifiedDate",
            "description",
            "numberOfFollowers",
            "collaborators",
            "items",
        }
        for item in playlist["items"]:
            assert set(item) == {"track", "episode", "audiobook", "localTrack", "addedDate"}
            assert set(item["track"]) == {"trackName", "artistName", "albumName", "trackUri"}
            assert re.match(r"^\d{4}-\d\d-\d\d$", item["addedDate"])
    names = {p["name"] for p in playlists["playlists"]}
    assert {"Morning Run", "Kids songs", "Tango Night", "Deep Focus", "Salsa"} <= names
    library = json.loads((clean_export / ACCOUNT_DIR / "YourLibrary.json").read_bytes())
    assert set(library) >= {"tracks", "albums", "artists", "shows", "episodes", "other"}
    assert set(library["tracks"][0]) == {"artist", "album", "track", "uri"}
    inferences = json.loads((clean_export / ACCOUNT_DIR / "Inferences.json").read_bytes())
    assert "1P_Custom_Running_Enthusiasts" in inferences["inferences"]
    assert (clean_export / ACCOUNT_DIR / "Userdata.json").exists()


def test_clean_export_has_no_quirks(clean_export: Path) -> None:
    rows = _read_rows(clean_export)
    assert len({json.dumps(r, sort_keys=True) for r in rows}) == len(rows)
    for row in rows:
        assert row["ms_played"] > 0
        assert row["conn_country"] != "ZZ"
        assert row["reason_start"] not in (None, "", "unknown")
        assert row["reason_end"] not in (None, "", "unknown")
        assert isinstance(row["skipped"], bool)
        assert 1e9 < row["offline_timestamp"] < 1e10
        assert row["user_agent_decrypted"] is None
        assert row["master_metadata_album_artist_name"] != "Unknown Artist"
        assert any(row[f] for f in ("spotify_track_uri", "spotify_episode_uri", "audiobook_uri"))
        if row["episode_show_name"]:
            assert row["episode_show_name"] == row["episode_show_name"].strip()
    families = Counter(
        next(f for f, strings in PLATFORM_STRINGS.items() if p in strings)
        for p in {row["platform"] for row in rows}
    )
    assert set(families.values()) == {1}  # one string per device family
    for path in _audio_files(clean_export):
        assert path.read_bytes().count(b"\n") > 100


def test_account_data_repeats_the_last_year(small: DemoHistory, clean_export: Path) -> None:
    account = clean_export / ACCOUNT_DIR
    music: list[dict[str, Any]] = []
    for path in sorted(account.glob("StreamingHistory_music_*.json")):
        music.extend(json.loads(path.read_bytes()))
    podcasts = json.loads((account / "StreamingHistory_podcast_0.json").read_bytes())
    assert music
    assert podcasts
    assert set(music[0]) == {"endTime", "artistName", "trackName", "msPlayed"}
    assert set(podcasts[0]) == {"endTime", "podcastName", "episodeName", "msPlayed"}
    assert [m["endTime"] for m in music] == sorted(m["endTime"] for m in music)
    extended = Counter(
        (
            f"{r['ts'][:10]} {r['ts'][11:16]}",
            r["master_metadata_album_artist_name"],
            r["master_metadata_track_name"],
            r["ms_played"],
        )
        for r in small.streams
        if r["master_metadata_track_name"]
    )
    account_keys = Counter(
        (m["endTime"], m["artistName"], m["trackName"], m["msPlayed"]) for m in music
    )
    assert account_keys <= extended
    assert small.end == JANUARY_END
    recent = [
        r
        for r in small.streams
        if r["master_metadata_track_name"] and _utc(r["ts"]) >= small.end - timedelta(days=365)
    ]
    assert len(music) == len(recent)


def test_quirky_export_is_apply_quirks(small: DemoHistory, quirky_export: Path) -> None:
    quirky = apply_quirks(small)
    assert quirky.quirky
    assert _read_rows(quirky_export) == quirky.streams
    assert len(quirky.labels) == len(quirky.streams) > len(small.streams)
    assert apply_quirks(quirky) is quirky
    with pytest.raises(ValueError, match="already carries quirks"):
        write_export(quirky, quirky_export / "again", quirks=False)


def test_quirks_are_present(small: DemoHistory, quirky_export: Path) -> None:
    quirky = apply_quirks(small)
    rows, labels = quirky.streams, quirky.labels
    seen: dict[str, str | None] = {}
    duplicates = 0
    for row, label in zip(rows, labels, strict=True):
        key = json.dumps(row, sort_keys=True)
        if key in seen:
            duplicates += 1
            assert seen[key] == label  # a duplicate keeps its label
        seen[key] = label
    assert duplicates >= 3
    stamps = [row["ts"] for row in rows]
    assert stamps != sorted(stamps)
    audio = _audio_files(quirky_export)
    one_line = [p for p in audio if p.read_bytes().count(b"\n") == 0]
    assert len(one_line) == 1
    assert len(audio) - len(one_line) >= 2
    mixed_files = 0
    for path in audio:
        match = AUDIO_NAME.match(path.name)
        assert match is not None
        low, high = match.group(1), match.group(2) or match.group(1)
        years = {row["ts"][:4] for row in json.loads(path.read_bytes())}
        mixed_files += any(not low <= y <= high for y in years) or len(years) > 1
    assert mixed_files >= 1
    assert any(row["ms_played"] == 0 for row in rows)
    assert any(row["ms_played"] > 38 * 60_000 and row["master_metadata_track_name"] for row in rows)
    assert any(row["master_metadata_album_artist_name"] == "Unknown Artist" for row in rows)
    assert any(row["master_metadata_track_name"] == "Unknown Track" for row in rows)
    meta = ("master_metadata_track_name", "episode_name", "audiobook_title", "spotify_track_uri")
    assert any(all(row[f] is None for f in meta) for row in rows)
    assert any(row["episode_name"] and row["master_metadata_track_name"] is None for row in rows)
    first_year = min(stamps)[:4]
    assert all(r["reason_start"] is None for r in rows if r["ts"].startswith(first_year))
    later = [r for r in rows if not r["ts"].startswith(first_year)]
    assert all(r["reason_start"] is not None for r in later)
    assert any(r["reason_start"] == "" or r["reason_end"] == "" for r in later)
    assert any("unknown" in (r["reason_start"], r["reason_end"]) for r in later)
    assert any(r["skipped"] is None for r in rows)
    assert any(isinstance(r["skipped"], bool) for r in rows)
    units = set()
    for path in audio:
        values = [r["offline_timestamp"] for r in json.loads(path.read_bytes())]
        assert 0 in values or None in values or len(audio) > 3
        units.add("ms" if max(v for v in values if v) > 1e11 else "s")
    assert units == {"s", "ms"}
    assert any(r["offline_timestamp"] == 0 for r in rows)
    assert any(r["offline_timestamp"] is None for r in rows)
    platforms = {r["platform"] for r in rows}
    assert len(platforms) >= 6
    known = {s for strings in PLATFORM_STRINGS.values() for s in strings}
    assert platforms <= known
    assert any(r["conn_country"] == "ZZ" for r in rows)
    assert any(r["episode_show_name"] and r["episode_show_name"].endswith(" ") for r in rows)
    assert any(r["user_agent_decrypted"] for r in rows)
    text = " ".join(str(r["master_metadata_track_name"]) for r in rows)
    text += " ".join(str(r["master_metadata_album_artist_name"]) for r in rows)
    for pattern in (r"[\u3040-\u30ff\u4e00-\u9fff]", r"[\uac00-\ud7a3]", r"[ạ-ỹ]", r"[ñáéíóú]"):
        assert re.search(pattern, text), pattern


def test_zip_holds_the_same_files(small: DemoHistory, tmp_path: Path, quirky_export: Path) -> None:
    written = write_export(small, tmp_path, zip_name="my_spotify_data.zip")
    assert written == [tmp_path / "my_spotify_data.zip"]
    with zipfile.ZipFile(written[0]) as archive:
        names = archive.namelist()
        folder = sorted(str(p.relative_to(quirky_export)) for p in quirky_export.rglob("*.json"))
        assert sorted(names) == folder
        for name in names:
            assert archive.read(name) == (quirky_export / name).read_bytes()


def test_without_account_data_only_playlists(small: DemoHistory, tmp_path: Path) -> None:
    written = write_export(small, tmp_path, account_data=False)
    account = {p.name for p in written if p.parent.name == ACCOUNT_DIR}
    assert account == {"Playlist1.json"}
    playlists = json.loads((tmp_path / ACCOUNT_DIR / "Playlist1.json").read_bytes())
    items = [i for p in playlists["playlists"] for i in p["items"]]
    assert any(i["track"] is None and i["localTrack"] for i in items)  # quirk: a local file


def test_audiobooks_reach_both_histories(year_of: dict[str, DemoHistory], tmp_path: Path) -> None:
    history = year_of["sydney"]
    chapters = [row for row in history.streams if row["audiobook_title"]]
    assert chapters
    assert all(row["master_metadata_track_name"] is None for row in chapters)
    assert all(row["audiobook_chapter_uri"].startswith("spotify:episode:") for row in chapters)
    write_export(history, tmp_path, quirks=False)
    books = json.loads((tmp_path / ACCOUNT_DIR / "StreamingHistory_audiobook_0.json").read_bytes())
    assert set(books[0]) == {"endTime", "audiobookName", "chapterName", "authorName", "msPlayed"}
    assert {b["authorName"] for b in books} <= {"Marian Holt", "Tomás Ibarra", "Ada Nakamura"}
