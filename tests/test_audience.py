"""Audiences: the rules on small histories built in code, the person's own labels, the stored
forms, and the commands that show them (profile, moments, export, report, playlists, status).

The quality against the simulation's truth is in test_audience_quality.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import pytest
import referencing
from typer.testing import CliRunner, Result

import yawyas.cli.commands  # noqa: F401  (registers the commands)
from tests.framekit import streams as frame_of
from yawyas.analysis.audience import AUDIENCES, Overrides, build_audiences, parse_overrides
from yawyas.analysis.audience.lexicon import FUNCTIONAL_WORDS, KIDS_WORDS
from yawyas.analysis.audience.names import WordFinder
from yawyas.analysis.clock import build_local_times
from yawyas.analysis.moments.traits import matches
from yawyas.analysis.moments.types import (
    Moment,
    Window,
    apply_overrides,
    from_document,
    to_document,
)
from yawyas.analysis.text import fold
from yawyas.cli.app import app
from yawyas.demo import generate_history, write_export
from yawyas.reports.document import load_report_schema
from yawyas.reports.summary import load_profile_schema
from yawyas.services import ingest
from yawyas.services.audience import decode_audiences, encode_audiences, mine_at
from yawyas.settings import CONFIG_KEYS, Config, unknown_config_keys
from yawyas.store.db import connect

runner = CliRunner()
TZ = "America/Mexico_City"
PHONE = "iOS 17.5.1 (iPhone15,3)"
SPEAKER = "Partner sonos_one Sonos;One;;"
TABLET = "iOS 16.7.2 (iPad7,5)"
DESKTOP = "Windows 10 (10.0.19045; x64; AppX)"


# -- the words ----------------------------------------------------------------------------------

NAMES = (
    "Canciones Infantiles, Vol. 2",
    "NIÑOS felices",
    "Kinderlieder für Kinder",
    "童謡メドレー",
    "Rain Sounds for Sleep (10 Hours)",
    "White-Noise 10 hours",
    "Kids See Static",
    "Skids",
    "Rainy Library",
    "Dormir, dormir",
    "빗소리 asmr",
    "Comptines et berceuses",
    "Lullaby for Insomniacs",
    "",
)


@pytest.mark.parametrize("name", NAMES)
def test_words_are_found_by_the_rule_of_the_traits(name: str) -> None:
    for words in (KIDS_WORDS, FUNCTIONAL_WORDS):
        found = set(WordFinder(words).find(name))
        assert found == {w for w in words if matches(name, w)}, name


# -- the rules on small histories ----------------------------------------------------------------

DAY = 86_400


def _session(
    day: int, hour: float, platform: str, tracks: list[tuple[str, str, str]], ms: int = 150_000
) -> list[dict[str, Any]]:
    """Streams played back to back from a local hour of a day (TZ is UTC-6, no DST since 2022)."""
    start = 1_704_067_200 + day * DAY + int((hour + 6) * 3600)  # 2024-01-01 local
    rows = []
    for artist, album, track in tracks:
        start += ms // 1000
        rows.append(
            {
                "played_at": start,
                "ms_played": ms,
                "artist_name": artist,
                "album_name": album,
                "track_name": track,
                "platform": platform,
                "item_id": abs(hash((artist, track))) % 1_000_000,
            }
        )
    return rows


def small_household() -> pd.DataFrame:
    """Five weeks: children's songs at 17:00 on the speaker (with an artist whose names hold
    no word), the person's own music on the phone and desktop (a band called Kids See Static
    with a lullaby in its titles among it), rain sounds looped at night, metal on a tablet."""
    rows: list[dict[str, Any]] = []
    kids = [
        ("Coro Arcoíris", "Canciones Infantiles", "Los Pollitos"),
        ("Coro Arcoíris", "Canciones Infantiles", "Cinco Lobitos"),
        ("Tiny Choir", "Nursery Rhymes, Vol. 1", "Five Little Ducks"),
        ("Tiny Choir", "Nursery Rhymes, Vol. 1", "Humpty Dumpty"),
        ("Mr. Moon", "Happy Days", "Dinosaur Stomp"),
        ("Mr. Moon", "Happy Days", "Tidy Up Time"),
    ]
    own = [
        ("Kids See Static", "Lullaby for Insomniacs", "Paper Heart"),
        ("Kids See Static", "Side 1", "Neon Run"),
        ("Los Faroles", "Verano", "Verano Eterno"),
        ("Los Faroles", "Verano", "Contigo"),
        ("Velvet Harbour", "Tides", "Driftwood"),
        ("Juno", "Lamps", "Neon Promises"),
        ("Carla Brisa", "Noche", "Noche de Verano"),
        ("Rumbo Norte", "Cartas", "Carta Contigo"),
    ]
    metal = [(f"Iron Band {i}", f"Chapter {i}", f"Forged {i}") for i in range(8)]
    rain = [("Rain Lab", "Rain Sounds for Sleep", f"Heavy Rain {i}") for i in range(3)]
    for day in range(35):
        if day % 7 < 5:
            rows += _session(day, 17, SPEAKER, kids + kids[::-1])
        rows += _session(day, 9, PHONE, own)
        rows += _session(day, 13, DESKTOP, own[::-1])
        rows += _session(day, 23, SPEAKER, rain * 6, ms=600_000)
        if day % 3 == 0:
            rows += _session(day, 20, TABLET, metal)
    frame = frame_of(*rows, item_id=0).astype({"item_id": "int64"})
    return frame.sort_values("played_at", kind="stable").reset_index(drop=True)


def label_by_artist(frame: pd.DataFrame, codes: np.ndarray) -> dict[str, set[str]]:
    names = np.array(AUDIENCES, dtype=object)[codes]
    return {
        str(a): set(names[(frame["artist_name"] == a).to_numpy()])
        for a in frame["artist_name"].unique()
    }


def test_children_sleep_and_someone_else_are_told_apart_from_a_trap_band() -> None:
    frame = small_household()
    found = build_audiences(frame, build_local_times(frame, TZ))
    labels = label_by_artist(frame, found.codes)
    for artist in ("Coro Arcoíris", "Tiny Choir", "Mr. Moon"):  # Mr. Moon: by its sessions
        assert labels[artist] == {"kids"}, artist
    assert labels["Rain Lab"] == {"functional"}
    assert all(labels[f"Iron Band {i}"] == {"someone else"} for i in range(8))
    for artist in ("Kids See Static", "Los Faroles", "Velvet Harbour", "Juno"):
        assert labels[artist] == {"you"}, artist
    by_name = {(f.scope, f.name): f for f in found.findings}
    tablet = by_name[("device", "tablet")]
    assert tablet.audience == "someone else"
    assert "played on no other device at the time" in tablet.evidence[0].text
    moon = by_name[("artist", "Mr. Moon")]
    assert moon.audience == "kids"
    assert any(e.kind == "context" for e in moon.evidence)
    rain = by_name[("artist", "Rain Lab")]
    assert rain.theme == "sleep sounds"
    assert {e.kind for e in rain.evidence} >= {"repeat", "album"}
    assert ((found.confidence > 0) & (found.confidence <= 1)).all()


def test_words_alone_do_not_make_children_music() -> None:
    """The same trap band, with a lullaby in its album names, played only among the person's
    own music: no children's context, no label."""
    frame = small_household()
    frame = frame[~frame["platform"].isin([SPEAKER, TABLET])].reset_index(drop=True)
    found = build_audiences(frame, build_local_times(frame, TZ))
    assert set(np.array(AUDIENCES, dtype=object)[found.codes]) == {"you"}
    assert found.findings == ()


def test_the_persons_labels_win_device_then_artist_then_playlist_then_moment() -> None:
    frame = small_household()
    local = build_local_times(frame, TZ)
    items = frame.loc[frame["artist_name"] == "Juno", "item_id"].unique()
    said = Overrides(
        artists={fold("Rain Lab"): "you", fold("Iron Band 3"): "kids"},
        devices={"tablet": "you"},
        playlists={fold("Juno Forever"): "someone else"},
        moments={"m1": "functional"},
    )
    labels_of_moments = np.where(frame["artist_name"] == "Carla Brisa", 0, -1)
    found = build_audiences(
        frame,
        local,
        memberships=[("Juno Forever", int(i)) for i in items],
        moment_labels=labels_of_moments,
        moment_ids=("m1",),
        overrides=said,
    )
    labels = label_by_artist(frame, found.codes)
    assert labels["Rain Lab"] == {"you"}
    assert labels["Iron Band 0"] == {"you"}  # the device
    assert labels["Iron Band 3"] == {"kids"}  # the artist beats the device
    assert labels["Juno"] == {"someone else"}  # the playlist
    assert labels["Carla Brisa"] == {"functional"}  # the moment
    assert labels["Coro Arcoíris"] == {"kids"}  # learned, untouched
    said_by = {f.name: f for f in found.findings if f.source == "config"}
    assert said_by["tablet"].plays > 0
    assert said_by[fold("Rain Lab")].evidence[0].kind == "config"
    assert all(found.confidence[(frame["artist_name"] == "Juno").to_numpy()] == 1.0)


def test_labels_are_checked_in_one_sentence() -> None:
    said = parse_overrides(
        {"artists": {"Sleep Signal": "you"}, "devices": {"tablet": "Someone_Else"}},
        {"m1": {"audience": "kids"}, "m2": {"name": "x"}},
        "config.toml",
    )
    assert said.artists == {"sleep signal": "you"}
    assert said.devices == {"tablet": "someone else"}
    assert said.moments == {"m1": "kids"}
    with pytest.raises(ValueError, match=r"audience\.artists\.Bluey in config\.toml is 'kid'"):
        parse_overrides({"artists": {"Bluey": "kid"}}, {}, "config.toml")
    with pytest.raises(ValueError, match=r"moments\.m1\.audience"):
        parse_overrides(None, {"m1": {"audience": 3}}, "config.toml")
    with pytest.raises(ValueError, match="must be a table"):
        parse_overrides({"devices": "tablet"}, {}, "config.toml")


def test_config_keys_of_audiences_are_known() -> None:
    config = Config(
        path=Path("config.toml"),
        data={
            "audience": {"artists": {"A": "you"}, "devices": {"tablet": "kids"}, "moods": {}},
            "moments": {"m1": {"audience": "kids", "name": "x"}},
        },
    )
    assert unknown_config_keys(config) == ["audience.moods"]
    assert "audience" in CONFIG_KEYS


# -- stored forms --------------------------------------------------------------------------------


def test_moment_documents_carry_the_audience_and_old_ones_read_as_yours() -> None:
    from yawyas.analysis.moments.types import Evidence

    m = Moment(
        "m1",
        "Weekday evenings",
        (Window((0, 1, 2, 3, 4), 17 * 60, 19 * 60),),
        audience="kids",
        audience_confidence=0.97,
        audience_evidence=(Evidence("streams", "97% of its streams are children's music", 0.97),),
    )
    doc = to_document(m)
    assert doc["audience"] == "kids"
    assert from_document(json.loads(json.dumps(doc))) == m
    old = {k: v for k, v in doc.items() if not k.startswith("audience")}
    assert from_document(old).audience == "you"
    (mine,) = apply_overrides([m], {"m1": {"audience": "you"}})
    assert mine.audience == "you"
    assert mine.audience_evidence[0].kind == "config"


def test_stored_audiences_read_back_and_follow_the_plays() -> None:
    frame = small_household()
    found = build_audiences(frame, build_local_times(frame, TZ))
    codes, confidence, findings = decode_audiences(encode_audiences(found)) or ((), (), ())
    assert np.array_equal(codes, found.codes)
    assert np.allclose(confidence, found.confidence, atol=1e-3)
    assert findings == found.findings
    assert decode_audiences(b"{}") is None
    starts_ms = frame["played_at"].to_numpy() * 1000 - frame["ms_played"].to_numpy()
    plays = np.unique(starts_ms // 1000)
    mine = mine_at(plays, starts_ms, found.codes)
    expected = {s // 1000: c == 0 for s, c in zip(starts_ms, found.codes, strict=True)}
    assert mine.tolist() == [expected[int(s)] for s in plays]
    assert mine_at(np.array([1]), starts_ms, found.codes).tolist() == [True]  # not in history


# -- the commands --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def household_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A year of the household demo listener, imported through the normal path."""
    folder = tmp_path_factory.mktemp("household")
    write_export(generate_history("household", seed=7, years=1), folder / "export")
    conn = connect(folder / "yawyas.db")
    ingest.import_paths(conn, [folder / "export"])
    conn.close()
    return folder / "yawyas.db"


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--db", str(db), *args])


def ok_json(result: Result) -> Any:
    assert result.exit_code == 0, result.stderr or result.stdout
    return json.loads(result.stdout)


def write_config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text, encoding="utf-8")


def report_validator() -> jsonschema.Draft202012Validator:
    profile, report = load_profile_schema(), load_report_schema()
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        [
            (profile["$id"], referencing.Resource.from_contents(profile)),
            (report["$id"], referencing.Resource.from_contents(report)),
        ]
    )
    return jsonschema.Draft202012Validator(report, registry=registry)


def test_profile_moments_and_export_say_whose_listening_it_is(
    household_db: Path, tmp_path: Path
) -> None:
    doc = ok_json(run(household_db, "profile", "--json", "--tz", TZ))
    jsonschema.validate(doc, load_profile_schema())
    left = {e["audience"]: e for e in doc["left_out"]}
    assert set(left) == {"kids", "someone else", "functional"}
    assert left["someone else"]["findings"][0] == {
        "scope": "device",
        "name": "tablet",
        "confidence": left["someone else"]["findings"][0]["confidence"],
        "plays": left["someone else"]["plays"],
        "source": "learned",
    }
    text = run(household_db, "profile", "--tz", TZ).stdout
    assert "Left out of your taste: Sleep sounds on the speaker (" in " ".join(text.split())
    every = ok_json(run(household_db, "profile", "--json", "--tz", TZ, "--everyone"))
    jsonschema.validate(every, load_profile_schema())
    assert every["everyone"]
    assert every["left_out"] == []
    assert every["plays"] == doc["plays"] + sum(e["plays"] for e in doc["left_out"])

    moments = ok_json(run(household_db, "moments", "--json", "--tz", TZ))["moments"]
    audiences = {m["audience"] for m in moments}
    assert {"kids", "functional", "you"} <= audiences
    kids = next(m for m in moments if m["audience"] == "kids")
    assert kids["audience_confidence"] > 0.9
    assert kids["audience_evidence"]
    shown = run(household_db, "moments", "--tz", TZ).stdout
    assert "kids 100%: 100% of its streams are children's music" in " ".join(shown.split())

    out = tmp_path / "plays.csv"
    assert run(household_db, "export", "plays", "--out", str(out), "--tz", TZ).exit_code == 0
    plays = pd.read_csv(out)
    assert set(plays["audience"]) == set(AUDIENCES)
    assert plays["audience_confidence"].between(0, 1).all()
    sleep = plays[plays["album_name"].fillna("").str.contains("Rain Sounds for Sleep")]
    assert (sleep["audience"] == "functional").all()


def test_the_persons_labels_follow_everywhere(household_db: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"  # the test's own yawyas home (conftest)
    doc = ok_json(run(household_db, "profile", "--json", "--tz", TZ))
    functional = next(e for e in doc["left_out"] if e["audience"] == "functional")
    artist = next(f["name"] for f in functional["findings"] if f["scope"] == "artist")
    moments = ok_json(run(household_db, "moments", "--json", "--tz", TZ))["moments"]
    kids = next(m for m in moments if m["audience"] == "kids")
    write_config(
        home,
        f'[audience]\nartists = {{"{artist}" = "you"}}\ndevices = {{tablet = "you"}}\n\n'
        f'[moments.{kids["id"]}]\naudience = "you"\n',
    )
    again = ok_json(run(household_db, "profile", "--json", "--tz", TZ))
    left = {e["audience"]: e for e in again["left_out"]}
    assert "someone else" not in left  # the tablet is hers now
    assert left["kids"]["plays"] < next(
        e["plays"] for e in doc["left_out"] if e["audience"] == "kids"
    )  # the moment's streams are hers; the weekend's children's songs are still left out
    assert left["functional"]["plays"] < functional["plays"]
    assert artist in {a["name"] for a in again["top_artists"]}
    relabelled = ok_json(run(household_db, "moments", "--json", "--tz", TZ))["moments"]
    assert next(m for m in relabelled if m["id"] == kids["id"])["audience"] == "you"
    status = ok_json(run(household_db, "status", "--json"))
    assert not any("audience" in w for w in status["warnings"])

    write_config(home, '[audience]\nartists = {"Sleep Signal" = "me"}\n')
    bad = run(household_db, "profile", "--tz", TZ)
    assert bad.exit_code == 2
    assert "audience.artists.Sleep Signal" in bad.stderr
    assert '"you", "kids", "someone else", "functional"' in " ".join(bad.stderr.split())


def test_the_report_shows_the_split_and_anonymises_it(household_db: Path, tmp_path: Path) -> None:
    page = tmp_path / "me.html"
    assert run(household_db, "report", "--out", str(page), "--tz", TZ).exit_code == 0
    html = page.read_text("utf-8")
    assert "Whose listening" in html
    assert "Someone else on the tablet" in html
    every = tmp_path / "all.html"
    assert run(household_db, "report", "--out", str(every), "--everyone").exit_code == 0
    assert "Every stream of the account counts" in every.read_text("utf-8")
    shared = tmp_path / "shared.json"
    result = run(household_db, "report", "--out", str(shared), "--tz", TZ, "--anonymize")
    assert result.exit_code == 0, result.output
    doc = json.loads(shared.read_text("utf-8"))
    report_validator().validate(doc)
    left = doc["profile"]["left_out"]
    assert {e["audience"] for e in left} == {"kids", "someone else", "functional"}
    text = json.dumps(doc, ensure_ascii=False)
    for name in ("Rainfall Sleep Studio", "La Granja de Lola", "Canciones para la Merienda"):
        assert name not in text
    assert any(m["audience"] == "kids" for m in doc["moments"])


def test_now_and_moods_leave_the_others_out_unless_everyone(household_db: Path) -> None:
    history = generate_history("household", seed=7, years=1)
    theirs = {a for a, g in history.artist_genres.items() if g in ("kids", "kids_es", "sleep")}
    theirs |= {a for a, g in history.artist_genres.items() if g in ("kpop", "metal")}
    at = ("--at", "2026-10-28 14:00", "--size", "50", "--tz", TZ)  # a Wednesday afternoon
    mine = ok_json(run(household_db, "playlist", "now", "--json", *at))
    assert mine["moment"].startswith("Everyday listening")
    assert not {t["artist_name"] for t in mine["tracks"]} & theirs
    every = ok_json(run(household_db, "playlist", "now", "--json", "--everyone", *at))
    assert {t["artist_name"] for t in every["tracks"]} & theirs
    moods = ok_json(run(household_db, "moods", "--json", "--tz", TZ, "--examples", "50"))
    shown = {e["artist_name"] for m in moods["moods"] for e in m["examples"]}
    assert not shown & theirs
    inside = ok_json(
        run(household_db, "playlist", "now", "--json", "--at", "2026-10-28 17:30", "--tz", TZ)
    )
    kids_songs = [t["artist_name"] in theirs for t in inside["tracks"]]  # the kids' moment:
    assert sum(kids_songs) > 0.5 * len(kids_songs) > 0  # its songs, whoever they are for
