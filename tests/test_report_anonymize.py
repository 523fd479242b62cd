"""`yawyas report --anonymize`: no name, country or day of the store in any format."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import yawyas.services.report as report_service
from tests.framekit import moment
from tests.test_report import (
    HOSTILE_ALBUM,
    HOSTILE_ARTIST,
    HOSTILE_TRACK,
    make_store,
    sample_moments,
    validator,
)
from yawyas.analysis.moments.types import Evidence, Trait
from yawyas.cli import app
from yawyas.reports.anonymize import Pseudonyms, anonymize_report, month
from yawyas.reports.document import build_report
from yawyas.reports.markdown import md
from yawyas.reports.summary import build_profile
from yawyas.store.cache import load_history
from yawyas.store.db import connect
from yawyas.store.spotify import load_playlist_memberships

runner = CliRunner()
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# A day in words, as the reports write them: "5 March 2024", "3\u20139 March", "30 March\u2013".
HUMAN_DAY = re.compile(rf"\b[0-9]{{1,2}}(?:\u2013[0-9]{{1,2}})? (?:{MONTHS})\b")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("anon-demo"))


@pytest.fixture
def demo_conn(demo_db: Path) -> Iterator[sqlite3.Connection]:
    conn = connect(demo_db)
    yield conn
    conn.close()


def store_names(conn: sqlite3.Connection) -> tuple[set[str], set[str]]:
    """Every artist, track, album, show and playlist name of the store; its countries."""
    streams = load_history(conn)
    names: set[str] = set()
    for column in ("artist_name", "track_name", "album_name"):
        names.update(str(v) for v in streams[column].dropna().unique())
    names.update(name for name, _ in load_playlist_memberships(conn))
    countries = {str(v) for v in streams["conn_country"].dropna().unique()}
    return {n for n in names if n.strip()}, countries


def leaks(text: str, names: set[str], countries: set[str]) -> list[str]:
    """The names and countries found in `text`, in any escaping a format uses."""
    found = []
    for name in names:
        forms = {name, html.escape(name), html.escape(name, quote=False), md(name)}
        forms.add(json.dumps(name, ensure_ascii=False)[1:-1])
        if any(form in text for form in forms):
            found.append(name)
    found += [c for c in countries if re.search(rf"\b{re.escape(c)}\b", text)]
    return found


def written(folder: Path) -> dict[str, str]:
    """Every file of a report folder (charts included): name -> text."""
    return {str(p.relative_to(folder)): p.read_text("utf-8") for p in folder.rglob("*.*")}


@pytest.mark.parametrize("moments", ["learned", "sample"])
def test_no_store_name_country_or_day_in_any_anonymized_format(
    moments: str,
    demo_db: Path,
    demo_conn: sqlite3.Connection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names, countries = store_names(demo_conn)
    assert {HOSTILE_ARTIST, HOSTILE_TRACK, HOSTILE_ALBUM, "Morning Run"} <= names
    assert "ES" in countries
    if moments == "sample":
        # Names in every field of the moments, in their names and in their evidence.
        monkeypatch.setattr(report_service, "moment_documents", lambda *a, **k: sample_moments())
    out = tmp_path / "out"
    out.mkdir()
    for name in ("r.html", "r.md", "r.json"):
        args = ["--db", str(demo_db), "report", "--out", str(out / name), "--anonymize"]
        result = runner.invoke(app, [*args, "--tz", "Europe/Madrid"])
        assert result.exit_code == 0, result.output
    files = written(out)
    assert sorted(files) == [  # no calendar: it would show days
        "r.html",
        "r.json",
        "r.md",
        "r_files/clock.svg",
        "r_files/devices.svg",
        "r_files/discovery.svg",
        "r_files/monthly.svg",
        "r_files/taste_2025.svg",
        "r_files/taste_2026.svg",
        "r_files/top_artists.svg",
        "r_files/week.svg",
    ]
    for file, text in files.items():
        assert leaks(text, names, countries) == [], file
        assert DAY.search(text) is None, (file, DAY.search(text))
        assert HUMAN_DAY.search(text) is None, (file, HUMAN_DAY.search(text))
        assert "Europe/Madrid" not in text
        assert "Spain" not in text
    doc = json.loads(files["r.json"])
    validator().validate(doc)
    assert doc["profile"]["countries"] == []
    assert doc["profile"]["daily"] is None
    assert doc["profile"]["monthly"]  # months are kept
    assert doc["profile"]["top_artists"][0]["name"] == "Artist 1"
    assert "Artist 1" in files["r_files/top_artists.svg"]
    assert len(doc["moments"]) >= (4 if moments == "learned" else 2)
    for shown in doc["moments"]:
        assert all(p["name"].startswith("Playlist ") for p in shown["top_playlists"])
        assert re.fullmatch(r"moment-[0-9]+", shown["id"])
    named = [m["name"] for m in doc["moments"]]
    if moments == "sample":
        assert "Weekend early mornings · Playlist 1" in named
    else:
        assert any(n.startswith("Weekend early mornings · Playlist ") for n in named), named
    assert doc["spotify_inferences"]  # coarse categories are kept
    assert all(":" in i or i.endswith(" listener") for i in doc["spotify_inferences"])
    # Without --anonymize, the same run shows the names (the check above can fail).
    plain = runner.invoke(app, ["--db", str(demo_db), "report", "--out", str(tmp_path / "p.html")])
    assert plain.exit_code == 0
    page = (tmp_path / "p.html").read_text("utf-8")
    assert leaks(page, names, countries)
    assert HUMAN_DAY.search(page)  # the day check can fail: the calendar names its days


def test_pseudonyms_are_by_rank_and_consistent(demo_conn: sqlite3.Connection) -> None:
    profile = build_profile(load_history(demo_conn), tz="Europe/Madrid")
    real = build_report(profile, moments=sample_moments())
    anon = build_report(profile, moments=sample_moments(), anonymize=True)
    again = build_report(profile, moments=sample_moments(), anonymize=True)
    assert anon["profile"] == again["profile"]
    assert anon["moments"] == again["moments"]
    rp, ap = real["profile"], anon["profile"]
    alias = {
        r["name"]: a["name"] for r, a in zip(rp["top_artists"], ap["top_artists"], strict=True)
    }
    assert list(alias.values()) == [f"Artist {i + 1}" for i in range(len(alias))]
    for r, a in zip(rp["top_tracks"], ap["top_tracks"], strict=True):
        if r["artist"] in alias:
            assert a["artist"] == alias[r["artist"]]
    for r_year, a_year in zip(rp["taste_by_year"], ap["taste_by_year"], strict=True):
        for r, a in zip(r_year["top_artists"], a_year["top_artists"], strict=True):
            assert alias.get(r["name"], a["name"]) == a["name"]
    assert [t["plays"] for t in ap["top_tracks"]] == [t["plays"] for t in rp["top_tracks"]]
    assert ap["clock"] == rp["clock"]
    assert ap["first_played_at"] == rp["first_played_at"][:7]
    assert ap["timezone"] == "withheld"
    # The hostile artist is named the same in the profile and in the moments.
    hostile = alias[HOSTILE_ARTIST]
    assert anon["moments"][1]["top_artists"][0]["name"] == hostile
    assert anon["moments"][1]["name"] == f"Weekday evenings · {hostile}"
    assert anon["moments"][1]["id"] == "moment-2"


def test_keep_names_keeps_names_but_not_countries_or_days(demo_conn: sqlite3.Connection) -> None:
    profile = build_profile(load_history(demo_conn), tz="Europe/Madrid")
    doc = build_report(
        profile,
        moments=sample_moments(),
        inferences=["3P_Country_ES", "1P_Parents", "1P_Custom_Indie_Fans", "Android"],
        anonymize=True,
        keep_names=True,
    )
    assert doc["profile"]["top_artists"] == profile["top_artists"]
    assert doc["moments"][0]["top_playlists"][0]["name"] == "Morning Run"
    assert doc["profile"]["countries"] == []
    # coarse categories only: the country and the family status are left out
    assert doc["spotify_inferences"] == ["music genre: indie", "device: phone"]
    assert DAY.search(json.dumps(doc)) is None
    assert doc["privacy"] == {
        "anonymized": True,
        "names": "real",
        "countries": False,
        "dates": "month",
    }


def test_free_text_is_scrubbed_of_known_and_quoted_names() -> None:
    doc: dict[str, Any] = build_report(
        build_profile(load_history(connect(":memory:")), tz="UTC"),
        moments=[
            moment(
                "m1",
                "Evenings · Salsa Night",
                ((2,), 20 * 60, 22 * 60),
                traits=(
                    Trait(
                        "dancer",
                        0.8,
                        (
                            Evidence("playlist", "SALSA NIGHT", 0.5),
                            Evidence("words", "in track names: 'bachata', \"cumbia\"", 0.3),
                            Evidence("words", "Salsa Nightly is not the playlist", 0.2),
                        ),
                    ),
                ),
            )
        ],
    )
    out = anonymize_report(doc, known_names={"playlist": ["Salsa Night"]})
    shown = out["moments"][0]
    assert shown["name"] == "Evenings · Playlist 1"
    assert shown["traits"][0]["evidence"] == [
        "playlist: Playlist 1",
        "words: in track names: \u201c\u2026\u201d, \u201c\u2026\u201d",
        "words: Salsa Nightly is not the playlist",
    ]
    assert shown["traits"][0]["name"] == "dancer"


def test_pseudonyms_keep_namesakes_apart() -> None:
    pseudo = Pseudonyms()
    assert pseudo.track("Intro", "A") == "Track 1"
    assert pseudo.track("Intro", "B") == "Track 2"
    assert pseudo.track("Intro", "A") == "Track 1"
    assert pseudo.name("artist", "A") == "Artist 1"
    assert pseudo.name("artist", None) is None
    assert month("2024-03-31T01:30:00Z") == "2024-03"
    assert month(None) is None
