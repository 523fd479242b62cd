"""`yawyas report`: the document, its schema, the three formats, escaping, inferences, the CLI."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import jsonschema
import pytest
import referencing
from typer.testing import CliRunner

import yawyas.cli.commands  # noqa: F401  (registers the commands)
from tests import exportkit as kit
from tests.framekit import moment
from yawyas.analysis.moments.types import Evidence, Ranked, Trait, to_document
from yawyas.cli import app
from yawyas.demo import generate_history, write_export
from yawyas.errors import BadInputError
from yawyas.reports import timecharts
from yawyas.reports.document import (
    build_report,
    load_report_schema,
    report_format,
    report_moment,
    select_moments,
    write_report,
)
from yawyas.reports.html import render_html
from yawyas.reports.markdown import render_markdown
from yawyas.reports.summary import build_profile, load_profile_schema
from yawyas.services import ingest
from yawyas.store.cache import load_history
from yawyas.store.db import connect
from yawyas.store.library import load_inferences

runner = CliRunner()
HOSTILE_ARTIST = "<script>alert(1)</script>"
HOSTILE_TRACK = "\"&'"
HOSTILE_ALBUM = 'Tom & "Jerry" <b>|pipe|'


def hostile_rows() -> list[dict[str, Any]]:
    """Many long plays of names that try to break HTML and Markdown: they top every list."""
    return [
        kit.ext_row(
            f"2026-03-{day:02d}T{hour:02d}:10:00Z",
            ms=1_500_000,
            track=HOSTILE_TRACK,
            artist=HOSTILE_ARTIST,
            master_metadata_album_album_name=HOSTILE_ALBUM,
            uri="spotify:track:00000000000000000000ff",
        )
        for day in range(1, 29)
        for hour in (6, 7, 20)
    ]


def make_store(folder: Path) -> Path:
    """The demo listener (one year, with playlists and Inferences.json) plus hostile names."""
    write_export(generate_history("default", years=1), folder / "export")
    kit.write(folder / "extra" / "Streaming_History_Audio_2026.json", hostile_rows())
    db = folder / "yawyas.db"
    conn = connect(db)
    ingest.import_paths(conn, [folder / "export", folder / "extra"])
    conn.close()
    return db


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("report-demo"))


@pytest.fixture
def demo_conn(demo_db: Path) -> Iterator[sqlite3.Connection]:
    conn = connect(demo_db)
    yield conn
    conn.close()


def validator() -> jsonschema.Draft202012Validator:
    """The report schema, resolving its reference to the profile schema."""
    profile, report = load_profile_schema(), load_report_schema()
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        [
            (profile["$id"], referencing.Resource.from_contents(profile)),
            (report["$id"], referencing.Resource.from_contents(report)),
        ]
    )
    return jsonschema.Draft202012Validator(report, registry=registry)


def sample_moments() -> list[dict[str, Any]]:
    """Moment documents as the moments service writes them (names from the demo listener)."""
    run = Trait(
        "weekend runner",
        0.9,
        (
            Evidence("playlist", "playlist 'Morning Run'", 0.6),
            Evidence("words", "'Kilometer' in 12 track names", 0.2),
            Evidence("time", "Sat, Sun 07:00-08:30", 0.2),
        ),
    )
    parent = Trait("parent", 0.8, (Evidence("words", HOSTILE_TRACK, 0.5),))
    moments = [
        moment(
            "weekend-mornings-1",
            "Weekend early mornings · Morning Run",
            ((5, 6), 7 * 60, 8 * 60 + 30),
            play_share=0.08,
            time_share=0.07,
            plays=120,
            ms_played=9_000_000,
            top_artists=(Ranked("Pulse Avenue", 50, 0.4),),
            top_tracks=(Ranked("Last Kilometer", 9, 0.07, "Pulse Avenue"),),
            top_playlists=(Ranked("Morning Run", 120, 1.0),),
            device="phone",
            skip_rate=0.05,
            traits=(run,),
        ),
        moment(
            "kids-2",
            f"Weekday evenings · {HOSTILE_ARTIST}",
            ((0, 1, 2, 3, 4), 17 * 60, 19 * 60),
            play_share=0.2,
            top_artists=(Ranked(HOSTILE_ARTIST, 30, 0.5),),
            top_tracks=(Ranked(HOSTILE_TRACK, 12, 0.2, HOSTILE_ARTIST),),
            top_playlists=(Ranked(HOSTILE_ALBUM, 40, 0.6),),
            device="speaker",
            traits=(parent,),
        ),
    ]
    return [to_document(m) for m in moments]


@pytest.fixture
def profile(demo_conn: sqlite3.Connection) -> dict[str, Any]:
    return build_profile(load_history(demo_conn), tz="Europe/Madrid")


def test_the_report_follows_its_schema_in_every_privacy_mode(
    profile: dict[str, Any], demo_conn: sqlite3.Connection
) -> None:
    check = validator()
    inferences = load_inferences(demo_conn)
    assert inferences, "the demo export has Inferences.json"
    for anonymize, keep in ((False, False), (True, False), (True, True)):
        doc = build_report(
            profile,
            moments=sample_moments(),
            inferences=inferences,
            anonymize=anonymize,
            keep_names=keep,
        )
        check.validate(json.loads(json.dumps(doc)))
    plain = build_report(profile)
    check.validate(plain)
    assert plain["moments_available"] is False
    assert plain["spotify_inferences"] is None
    broken = build_report(profile, anonymize=True)
    broken["profile"]["first_played_at"] = "2026-03-04T10:00:00Z"  # a day: not anonymous
    with pytest.raises(jsonschema.ValidationError):
        check.validate(broken)
    jsonschema.Draft202012Validator.check_schema(load_report_schema())


def test_moments_take_the_one_documented_shape() -> None:
    first, second = (report_moment(m) for m in sample_moments())
    assert first["share_plays"] == 0.08
    assert first["share_ms"] == 0.07
    assert first["windows"][0]["text"] == "Sat, Sun 07:00-08:30"
    assert first["windows"][0]["day_numbers"] == [5, 6]
    assert first["windows"][0]["start_minute"] == 420
    assert first["top_playlists"] == [{"name": "Morning Run", "plays": 120, "ms": None}]
    assert first["traits"][0]["evidence"][1] == "words: 'Kilometer' in 12 track names"
    assert second["device"] == "speaker"
    assert second["top_artists"][0]["name"] == HOSTILE_ARTIST
    with pytest.raises(KeyError):
        report_moment({"id": "m1", "name": "x", "share_plays": 0.1})  # not a moment document


def test_moments_may_be_moment_objects() -> None:
    profile = build_profile(_empty(), tz="UTC")
    nights = moment(
        "m9",
        "Nights",
        ((4,), 23 * 60, 3 * 60),
        traits=(Trait("night owl", 0.7, (Evidence("time", "Fri 23:00-03:00", 1.0),)),),
    )
    doc = build_report(profile, moments=[nights])
    assert doc["moments"][0]["traits"] == [
        {"name": "night owl", "confidence": 0.7, "evidence": ["time: Fri 23:00-03:00"]}
    ]
    assert doc["moments"][0]["windows"][0]["crosses_midnight"] is True


def test_the_format_comes_from_the_suffix(tmp_path: Path) -> None:
    assert report_format(Path("a.HTML")) == "html"
    assert report_format(Path("a.md")) == "markdown"
    assert report_format(Path("a.json")) == "json"
    with pytest.raises(BadInputError, match=r"\.html, \.md or \.json"):
        report_format(Path("a.pdf"))
    with pytest.raises(BadInputError, match="does not exist"):
        write_report(build_report(build_profile(_empty(), tz="UTC")), tmp_path / "no" / "r.md")


def _empty() -> Any:
    conn = connect(":memory:")
    return load_history(conn)


def test_html_escapes_every_name_and_has_every_section(profile: dict[str, Any]) -> None:
    doc = build_report(profile, moments=sample_moments(), inferences=["1P_Custom_Parents"])
    page = render_html(doc)
    assert HOSTILE_ARTIST not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&amp;&#x27;" in page  # the track "&'
    assert "<script" not in page.lower()
    for section in (
        "Your week",
        "Listening over time",
        "Day by day",
        "Listening clock",
        "Moments",
        "Top artists",
        "Top tracks",
        "Music and podcasts",
        "Obsessions",
        "Forgotten favourites",
        "Taste over the years",
        "Discovery curve",
        "Devices",
        "What Spotify infers",
        "What yawyas infers",
        "weekend runner",
        "Sat, Sun 07:00",
        "1P_Custom_Parents",
    ):
        assert section in page, section
    charts = [
        "Your week",
        "Listening per month",
        "Listening per day",
        "Listening clock",
        "Top artists",
        "Music and podcasts",
        "Discovery",
        "Listening time by device",
        *(f"Top artists of {y['year']}" for y in profile["taste_by_year"]),
    ]
    titles = re.findall(r'<svg [^>]*aria-label="([^"]*)"', page)
    assert sorted(titles) == sorted(charts)
    for chart in re.findall(r"<svg .*?</svg>", page, re.DOTALL):
        assert re.search(r"<title>[^<]+</title><desc>[^<]+</desc>", chart), chart[:200]
    cells = re.findall(
        r"<title>(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:00: [\d,]+ plays</title>", page
    )
    assert len(cells) == 7 * 24  # the clock's cells
    days = re.findall(
        r"<title>(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]+ 20\d\d: [^<]*</title>", page
    )
    daily = profile["daily"]
    assert len(days) == len(daily["ms"]) <= 366  # the calendar's cells
    # The numbers behind the monthly and discovery charts are folded away, not repeated.
    assert page.count("<details>") == 2
    # Human dates and names, never raw ISO times or country codes.
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page) is None
    assert "Spain" in page
    assert ">ES<" not in page
    assert '"Noto Sans CJK JP"' in page
    assert "prefers-color-scheme:dark" in page


def test_countries_read_as_names_and_zz_as_unknown(profile: dict[str, Any]) -> None:
    countries = [
        {"country": "ES", "streams": 3, "plays": 3, "ms": 3_600_000, "share": 0.5},
        {"country": "ZZ", "streams": 2, "plays": 2, "ms": 1_800_000, "share": 0.25},
        {"country": "KR", "streams": 1, "plays": 1, "ms": 1_800_000, "share": 0.25},
    ]
    doc = build_report({**profile, "countries": countries})
    page, text = render_html(doc), render_markdown(doc)
    for rendered in (page, text):
        assert "Spain" in rendered
        assert "South Korea" in rendered
        assert "unknown" in rendered
        assert "ZZ" not in rendered


def test_the_week_view_draws_every_window_and_crosses_midnight() -> None:
    moments = [
        moment("m1", "Tango <Fri>", ((4,), 21 * 60, 30)),
        moment("m2", "Run", ((5, 6), 6 * 60 + 30, 7 * 60 + 30)),
        moment("m3", "Same hours", ((4,), 22 * 60, 23 * 60)),
    ]
    doc = build_report(build_profile(_empty(), tz="UTC"), moments=moments)
    chart = timecharts.week_svg(timecharts.moment_windows(doc), doc["profile"]["clock"])
    root = ElementTree.fromstring(chart)
    ns = "{http://www.w3.org/2000/svg}"
    blocks = {
        (r.findtext(f"{ns}title") or ""): r.get("fill")
        for r in root.iter(f"{ns}rect")
        if r.find(f"{ns}title") is not None
    }
    assert set(blocks) == {
        "1. Tango <Fri>: Fri 21:00\u201300:00",
        "1. Tango <Fri>: Sat 00:00\u201300:30",  # the part after midnight, on Saturday
        "2. Run: Sat 06:30\u201307:30",
        "2. Run: Sun 06:30\u201307:30",
        "3. Same hours: Fri 22:00\u201323:00",
    }
    colours = [
        blocks["1. Tango <Fri>: Fri 21:00\u201300:00"],
        blocks["2. Run: Sat 06:30\u201307:30"],
    ]
    assert colours[0] != colours[1]
    assert blocks["1. Tango <Fri>: Sat 00:00\u201300:30"] == colours[0]
    legend = [t.text for t in root.iter(f"{ns}text") if t.text and t.text[:2] in ("1.", "2.", "3.")]
    assert legend == ["1. Tango <Fri>", "2. Run", "3. Same hours"]
    # Overlapping windows on Friday share the column side by side.
    widths = {
        float(r.get("width", 0))
        for r in root.iter(f"{ns}rect")
        if "Fri 2" in (r.findtext(f"{ns}title") or "")
    }
    assert len(widths) == 1
    assert "Tango &lt;Fri&gt;" in chart


def test_the_discovery_chart_is_not_set_by_the_warm_up() -> None:
    months = [
        {"month": "2024-01", "new_artists": 90, "artists": [], "warmup": True, "fresh_share": 1.0},
        {"month": "2024-02", "new_artists": 30, "artists": [], "warmup": True, "fresh_share": 0.9},
        {"month": "2024-03", "new_artists": 8, "artists": [], "warmup": True, "fresh_share": 0.8},
        {
            "month": "2024-04",
            "new_artists": 4,
            "artists": ["A"],
            "warmup": False,
            "fresh_share": 0.2,
        },
        {"month": "2024-05", "new_artists": 2, "artists": [], "warmup": False, "fresh_share": 0.1},
        {"month": "2024-06", "new_artists": 0, "artists": [], "warmup": False, "fresh_share": None},
    ]
    root = ElementTree.fromstring(timecharts.discovery_svg(months))
    ns = "{http://www.w3.org/2000/svg}"
    bars = {
        (r.findtext(f"{ns}title") or "").split(":")[0]: float(r.get("height", 0))
        for r in root.iter(f"{ns}rect")
        if r.find(f"{ns}title") is not None
    }
    assert list(bars) == [
        "January 2024",
        "February 2024",
        "March 2024",
        "April 2024",
        "May 2024",
        "June 2024",
    ]
    tallest = bars["April 2024"]
    assert bars["May 2024"] == pytest.approx(tallest / 2)  # the scale is April's 4, not 90
    assert bars["January 2024"] == bars["February 2024"] == bars["March 2024"] == tallest
    assert bars["June 2024"] == 0
    assert "first 3 months" in "".join(root.itertext())


def test_markdown_escapes_names_and_keeps_tables_whole(profile: dict[str, Any]) -> None:
    text = render_markdown(build_report(profile, moments=sample_moments()))
    assert HOSTILE_ARTIST not in text
    assert HOSTILE_ALBUM not in text
    assert "&lt;script&gt;alert\\(1\\)" not in text  # parentheses are harmless, kept
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "\\|pipe\\|" in text
    for line in text.splitlines():
        if line.startswith("| ") and "pipe" in line:
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) == 7, line  # '#', name, artist, time, plays + the two ends


def test_markdown_writes_its_charts_beside_it(profile: dict[str, Any], tmp_path: Path) -> None:
    written = write_report(build_report(profile), tmp_path / "my report.md")
    names = sorted(p.name for p in written)
    years = [f"taste_{y['year']}.svg" for y in profile["taste_by_year"]]
    charts = ["calendar", "clock", "devices", "discovery", "monthly", "top_artists"]
    assert names == sorted([*(f"{c}.svg" for c in charts), "my report.md", *years])
    text = (tmp_path / "my report.md").read_text("utf-8")
    assert "](my%20report_files/clock.svg)" in text
    for chart in (tmp_path / "my report_files").iterdir():
        svg = chart.read_text("utf-8")
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
        assert "<script" not in svg
        root = ElementTree.fromstring(svg)  # well-formed XML, names escaped
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
    taste = (tmp_path / "my report_files" / "taste_2026.svg").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in taste
    for section in (
        "## Listening over time",
        "## Day by day",
        "## Music and podcasts",
        "## Obsessions",
        "## Forgotten favourites",
    ):
        assert section in text
    with_moments = write_report(build_report(profile, moments=sample_moments()), tmp_path / "m.md")
    assert "week.svg" in {p.name for p in with_moments}
    assert "1. **Weekend early mornings · Morning Run**: Sat, Sun 07:00" in (
        tmp_path / "m.md"
    ).read_text("utf-8")


def test_json_report_is_the_profile_plus_moments(profile: dict[str, Any], tmp_path: Path) -> None:
    doc = build_report(profile, moments=sample_moments(), inferences=["A", "B"])
    write_report(doc, tmp_path / "r.json")
    back = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert back["profile"] == json.loads(json.dumps(profile))
    assert [m["id"] for m in back["moments"]] == ["weekend-mornings-1", "kids-2"]
    assert back["spotify_inferences"] == ["A", "B"]


def test_cli_writes_every_format_for_a_period(demo_db: Path, tmp_path: Path) -> None:
    base = ["--db", str(demo_db), "report", "--tz", "Europe/Madrid"]
    for name in ("r.html", "r.md", "r.json"):
        result = runner.invoke(app, [*base, "--out", str(tmp_path / name), "--year", "2026"])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).exists()
    doc = json.loads((tmp_path / "r.json").read_text("utf-8"))
    validator().validate(doc)
    assert doc["profile"]["period"] == {"since": "2026-01-01", "until": "2026-12-31"}
    assert doc["profile"]["first_played_at"] >= "2025-12-31"
    assert doc["spotify_inferences"]  # Inferences.json was imported with the demo export
    assert "1P_Custom_Parents_Young_Children" in (tmp_path / "r.html").read_text("utf-8")
    assert (tmp_path / "r_files" / "clock.svg").exists()
    learned = [m["name"] for m in doc["moments"]]  # the moments of `yawyas moments`
    assert "Weekend early mornings · Morning Run" in learned
    assert "Weekend early mornings · Morning Run" in (tmp_path / "r.html").read_text("utf-8")
    assert any(t["name"] == "weekend runner" for m in doc["moments"] for t in m["traits"])
    out = runner.invoke(app, [*base, "--out", str(tmp_path / "a.json"), "--anonymize", "--json"])
    assert json.loads(out.stdout)["privacy"]["names"] == "pseudonyms"
    args = [*base, "--out", str(tmp_path / "n.json"), "--no-moments", "--since", "2026-02-01"]
    assert runner.invoke(app, args).exit_code == 0
    bare = json.loads((tmp_path / "n.json").read_text("utf-8"))
    assert bare["moments_available"] is False
    assert bare["profile"]["period"] == {"since": "2026-02-01", "until": None}


def test_cli_bad_input_is_one_sentence_and_exit_2(demo_db: Path, tmp_path: Path) -> None:
    base = ["--db", str(demo_db), "report"]
    bad = runner.invoke(app, [*base, "--out", str(tmp_path / "r.pdf")])
    assert bad.exit_code == 2
    assert ".html, .md or .json" in bad.output
    alone = runner.invoke(app, [*base, "--out", str(tmp_path / "r.html"), "--keep-names"])
    assert alone.exit_code == 2
    assert "--anonymize" in alone.output
    assert not (tmp_path / "r.html").exists()
    help_text = runner.invoke(app, ["report", "--help"], terminal_width=100).output
    assert "Example: yawyas report" in help_text


def moments_document() -> dict[str, Any]:
    """One moment as `yawyas moments --json` prints it (yawyas.analysis.moments.types)."""
    return {
        "id": "mo-3f2a",
        "name": "Weekday evenings · Kids songs on the speaker",
        "generated_name": "Weekday evenings · Kids songs on the speaker",
        "hidden": False,
        "windows": [
            {
                "days": ["Mon", "Tue", "Wed", "Thu", "Fri"],
                "start": "17:00",
                "end": "19:00",
                "crosses_midnight": False,
                "text": "Mon-Fri 17:00-19:00",
            }
        ],
        "plays": 900,
        "ms_played": 180_000_000,
        "play_share": 0.21,
        "time_share": 0.18,
        "first_played_at": 1_760_000_000,
        "device": "speaker",
        "skip_rate": 0.1,
        "top_artists": [{"name": "Tiny Tunes Choir", "plays": 200, "share": 0.22}],
        "top_tracks": [
            {"name": "Jumping Ducks", "plays": 50, "share": 0.05, "artist": "The Little Singers"}
        ],
        "top_playlists": [{"name": "Kids Songs", "plays": 400, "share": 0.4}],
        "traits": [
            {
                "name": "parent",
                "confidence": 0.86,
                "evidence": [{"kind": "playlist", "text": "Kids Songs", "weight": 0.5}],
            }
        ],
    }


def test_moments_as_the_moments_command_prints_them() -> None:
    moment = report_moment(moments_document())
    assert moment["name"] == "Weekday evenings · Kids songs on the speaker"
    assert moment["windows"][0]["text"] == "Mon-Fri 17:00-19:00"
    assert (moment["share_plays"], moment["share_ms"], moment["ms"]) == (0.21, 0.18, 180_000_000)
    assert moment["top_tracks"][0]["artist"] == "The Little Singers"
    assert moment["traits"][0]["evidence"] == ["playlist: Kids Songs"]
    hidden = {**moments_document(), "hidden": True}
    doc = build_report(build_profile(_empty(), tz="UTC"), moments=[hidden, moments_document()])
    assert len(doc["moments"]) == 1
    validator().validate(doc)


def test_a_period_shows_the_moments_active_in_it() -> None:
    day = 86_400
    jan_2024 = 1_704_067_200
    moments = [
        {
            "id": "old",
            "first_played_at": jan_2024 - 400 * day,
            "last_played_at": jan_2024 - day * 30,
        },
        {"id": "on", "first_played_at": jan_2024 - 400 * day, "last_played_at": jan_2024 + day},
        {
            "id": "new",
            "first_played_at": jan_2024 + 400 * day,
            "last_played_at": jan_2024 + 500 * day,
        },
        {"id": "undated"},
    ]
    period = {"since": "2024-01-01", "until": "2024-12-31"}
    assert [m["id"] for m in select_moments(moments, period)] == ["on", "undated"]
    everything = {"since": None, "until": None}
    assert len(select_moments(moments, everything)) == 4
