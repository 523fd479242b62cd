"""`yawyas profile` and `yawyas demo` through the command line."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

import yawyas.cli.commands  # noqa: F401  (registers the commands)
from tests import exportkit as kit
from yawyas.cli import app
from yawyas.reports.summary import load_profile_schema

runner = CliRunner()


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    rows = [
        # 23:30 UTC on a Sunday is 00:30 Monday in Madrid (winter), 08:30 Monday in Tokyo
        kit.ext_row("2024-01-07T23:31:00Z", ms=60_000, track="Late", artist="Owl"),
        kit.ext_row(
            "2024-01-08T08:00:00Z",
            ms=120_000,
            track="Early",
            artist="Lark",
            uri="spotify:track:0000000000000000000002",
        ),
        kit.ext_row(
            "2024-07-01T12:00:00Z",
            ms=10_000,
            track="Short",
            artist="Lark",
            uri="spotify:track:0000000000000000000003",
        ),
    ]
    kit.write(tmp_path / "e" / "Streaming_History_Audio_2024.json", rows)
    assert runner.invoke(app, ["import", str(tmp_path / "e")]).exit_code == 0
    return tmp_path


def profile_json(*args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    result = runner.invoke(app, ["profile", "--json", *args], env=env)
    assert result.exit_code == 0, result.output
    doc: dict[str, object] = json.loads(result.stdout)
    return doc


def test_profile_json_follows_the_schema(imported: Path) -> None:
    doc = profile_json("--tz", "Europe/Madrid")
    jsonschema.validate(doc, load_profile_schema())
    assert doc["streams"] == 3
    assert doc["plays"] == 2
    assert doc["timezone"] == "Europe/Madrid"
    clock = doc["clock"]
    assert isinstance(clock, list)
    assert clock[0][0] == 1  # Monday 00:xx local
    assert clock[0][8] == 1  # Monday 08:58 local (07:58 UTC start + 1 h)


def test_timezone_precedence(imported: Path, tmp_path: Path) -> None:
    assert profile_json()["timezone"] == "UTC"  # the system zone (TZ=UTC in tests)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text('timezone = "Asia/Tokyo"\n')
    assert profile_json()["timezone"] == "Asia/Tokyo"
    assert profile_json(env={"YAWYAS_TZ": "America/New_York"})["timezone"] == "America/New_York"
    doc = profile_json("--tz", "Europe/Madrid", env={"YAWYAS_TZ": "America/New_York"})
    assert doc["timezone"] == "Europe/Madrid"


def test_periods(imported: Path) -> None:
    assert profile_json("--year", "2024", "--tz", "UTC")["streams"] == 3
    assert profile_json("--since", "2024-02-01", "--tz", "UTC")["streams"] == 1
    assert profile_json("--until", "2024-01-07", "--tz", "UTC")["streams"] == 1
    assert profile_json("--until", "2024-01-07", "--tz", "Europe/Madrid")["streams"] == 0


def test_bad_timezone_and_dates_exit_2(imported: Path) -> None:
    bad = runner.invoke(app, ["profile", "--tz", "Mars/Olympus"])
    assert bad.exit_code == 2
    assert "Unknown timezone" in bad.stderr
    bad_date = runner.invoke(app, ["profile", "--since", "last week"])
    assert bad_date.exit_code == 2


def test_profile_text_fits_80_columns_and_is_plain_in_a_pipe(imported: Path) -> None:
    result = runner.invoke(app, ["profile", "--tz", "Europe/Madrid"], terminal_width=80)
    assert result.exit_code == 0
    assert "When you listen" in result.stdout
    assert "\x1b[" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_no_store_says_what_to_do() -> None:
    result = runner.invoke(app, ["profile"])
    assert result.exit_code == 2
    assert "There is no yawyas store at" in result.stderr
    assert "import your export first" in result.stderr
    home = Path(os.environ["YAWYAS_HOME"])
    assert not (home / "yawyas.db").exists()  # nothing made by a command that reads


def test_demo_builds_a_listener_and_other_commands_work_on_its_store(tmp_path: Path) -> None:
    started = time.perf_counter()
    result = runner.invoke(app, ["demo"], terminal_width=80)
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 30
    assert "When you listen" in result.stdout
    db = next((tmp_path / "home" / "demo").rglob("yawyas.db"))
    assert str(db) in result.stderr.replace("\n", "")
    doc = json.loads(runner.invoke(app, ["--db", str(db), "profile", "--json"]).stdout)
    assert doc["streams"] > 20_000
    assert [e["audience"] for e in doc["left_out"]] == ["kids"]  # the kids' songs at 17:00
    everyone = runner.invoke(app, ["--db", str(db), "profile", "--json", "--everyone"]).stdout
    every = json.loads(everyone)
    assert every["streams"] > 30_000
    assert every["left_out"] == []
    # the demo's planted life shows: kids' songs on weekday evenings, runs on weekend mornings
    clock = every["clock"]
    assert sum(clock[d][17] for d in range(5)) > 5 * sum(clock[d][17] for d in (5, 6))
    assert sum(clock[d][6] for d in (5, 6)) > sum(clock[d][6] for d in range(5))
    # a second run reuses the files and adds nothing
    again = runner.invoke(app, ["demo", "--json"])
    assert json.loads(again.stdout)["streams"] == doc["streams"]


def test_a_saved_profile_is_not_served_after_new_data(imported: Path) -> None:
    assert profile_json("--tz", "UTC")["streams"] == 3
    assert profile_json("--tz", "UTC")["streams"] == 3  # answered from the saved document
    kit.write(imported / "f" / "endsong_9.json", [kit.ext_row("2025-01-01T10:00:00Z")])
    assert runner.invoke(app, ["import", str(imported / "f")]).exit_code == 0
    assert profile_json("--tz", "UTC")["streams"] == 4
