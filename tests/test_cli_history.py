"""`yawyas import` and `yawyas export plays` through the command line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import yawyas.cli.commands  # noqa: F401  (registers the commands)
from tests import exportkit as kit
from yawyas import __version__
from yawyas.cli import app

runner = CliRunner()


def make_export(root: Path) -> Path:
    kit.write(
        root / kit.EXTENDED_DIR / "Streaming_History_Audio_2023-2024_0.json",
        [
            kit.ext_row(
                "2023-12-31T23:59:30Z",
                ms=45_000,
                track="Año Nuevo",
                artist="Grupo",
                uri="spotify:track:0000000000000000000002",
            ),
            kit.ext_row("2024-01-01T08:00:00Z", ms=10_000, skipped=True, reason_end="fwdbtn"),
            kit.episode_row("2024-01-02T09:00:00Z"),
        ],
    )
    kit.write(
        root / kit.ACCOUNT_DIR / "StreamingHistory_music_0.json",
        [kit.music_row("2024-01-01 08:00", ms=10_000), kit.music_row("2024-02-01 10:00")],
    )
    return root


def test_version_and_help() -> None:
    assert runner.invoke(app, ["--version"]).output.strip() == f"yawyas {__version__}"
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "Example: yawyas" in result.output


def test_every_command_has_help_with_an_example() -> None:
    import typer.main

    group = typer.main.get_group(app)

    def walk(cmd: object, path: list[str]) -> list[list[str]]:
        subs = getattr(cmd, "commands", {})
        found = [path] if not subs else []
        for name, sub in subs.items():
            found += walk(sub, [*path, name])
        return found

    commands = walk(group, [])
    assert ["import"] in commands
    assert ["export", "plays"] in commands
    for path in commands:
        result = runner.invoke(app, [*path, "--help"], terminal_width=100)
        assert result.exit_code == 0, path
        assert "Example: yawyas" in result.output, f"{' '.join(path)} --help has no example"


def test_import_json_report(tmp_path: Path) -> None:
    export = make_export(tmp_path / "export")
    result = runner.invoke(app, ["import", str(export), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["added"] == 4
    assert doc["duplicates"] == 1
    assert doc["skipped"] == {}
    assert {f["kind"] for f in doc["files"]} == {"extended_audio", "account_music"}
    assert all({"path", "kind", "rows", "added"} <= f.keys() for f in doc["files"])
    assert doc["store"] == {
        "streams": 4,
        "plays": 3,
        "listening_ms": 45_000 + 10_000 + 600_000 + 200_000,
        "first_played_at": "2023-12-31T23:59:30Z",
        "last_played_at": "2024-02-01T10:00:00Z",
    }
    again = json.loads(runner.invoke(app, ["import", str(export), "--json"]).stdout)
    assert again["added"] == 0
    assert again["store"] == doc["store"]


def test_import_table_report(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(make_export(tmp_path / "e"))], terminal_width=80)
    assert result.exit_code == 0
    assert "extended_audio" in result.output
    assert "The store holds 4 streams, 3 plays" in result.output


def test_bad_input_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "Streaming_History_Audio_2020.json"
    bad.write_text('[{"ts": "2020-01-01T00:00:00Z"')
    result = runner.invoke(app, ["import", str(bad)])
    assert result.exit_code == 2
    assert "Streaming_History_Audio_2020.json is not valid JSON" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    missing = runner.invoke(app, ["import", str(tmp_path / "nope.zip")])
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr


def test_keep_going_lists_bad_files_and_exits_2(tmp_path: Path) -> None:
    export = make_export(tmp_path / "e")
    (export / "Streaming_History_Audio_2025.json").write_text("{oops")
    result = runner.invoke(app, ["import", str(export), "--keep-going", "--json"])
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["added"] == 4
    assert [Path(e["path"]).name for e in doc["errors"]] == ["Streaming_History_Audio_2025.json"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_export_plays(tmp_path: Path, suffix: str) -> None:
    runner.invoke(app, ["import", str(make_export(tmp_path / "e"))])
    out = tmp_path / f"plays{suffix}"
    result = runner.invoke(app, ["export", "plays", "--out", str(out)])
    assert result.exit_code == 0, result.output
    if suffix == ".csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
    elif suffix == ".parquet":
        frame = pd.read_parquet(out)
        assert str(frame["played_at"].dtype).startswith("datetime64")  # a timestamp, in UTC
        assert str(frame["played_at"].dt.tz) == "UTC"
        frame["played_at"] = frame["played_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        rows = frame.to_dict("records")
    else:
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["played_at"] for r in rows] == [
        "2023-12-31T23:59:30Z",
        "2024-01-01T08:00:00Z",
        "2024-01-02T09:00:00Z",
        "2024-02-01T10:00:00Z",
    ]
    first = rows[0]
    assert first["track_name"] == "Año Nuevo"
    assert first["kind"] == "track"
    assert first["source"] == "extended_audio"
    for column in (
        "ms_played",
        "artist_name",
        "album_name",
        "uri",
        "platform",
        "conn_country",
        "reason_start",
        "reason_end",
        "shuffle",
        "skipped",
    ):
        assert column in first
    assert rows[2]["kind"] == "episode"
    assert rows[3]["source"] == "account_music"


def test_export_plays_since_until_and_bad_suffix(tmp_path: Path) -> None:
    runner.invoke(app, ["import", str(make_export(tmp_path / "e"))])
    out = tmp_path / "p.csv"
    runner.invoke(
        app,
        ["export", "plays", "--out", str(out), "--since", "2024-01-01", "--until", "2024-01-02"],
    )
    assert len(list(csv.DictReader(out.open()))) == 2
    bad = runner.invoke(app, ["export", "plays", "--out", str(tmp_path / "p.xlsx")])
    assert bad.exit_code == 2
    assert "unknown suffix" in bad.stderr
    bad_day = runner.invoke(app, ["export", "plays", "--out", str(out), "--since", "May"])
    assert bad_day.exit_code == 2
    assert "YYYY-MM-DD" in bad_day.stderr
