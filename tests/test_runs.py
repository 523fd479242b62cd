"""Unattended runs: one lock per store shared by import, sync, enrich and refresh (exit 3 for a
second run), the record of how each ended, the log file, `status` and `schedule`."""

from __future__ import annotations

import json
import os
import plistlib
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import yawyas.cli.commands  # noqa: F401  (registers the commands)
from tests import exportkit as kit
from yawyas.cli import app
from yawyas.errors import BusyError
from yawyas.services.runs import format_run_line, lock_path, run_lock, start_run
from yawyas.settings import resolve_paths

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def make_export(root: Path) -> Path:
    kit.write(
        root / kit.EXTENDED_DIR / "Streaming_History_Audio_2024.json",
        [kit.ext_row("2024-01-01T10:00:00Z"), kit.ext_row("2024-01-02T10:00:00Z", ms=20_000)],
    )
    return root


def test_the_lock_is_exclusive_across_threads_and_released(tmp_path: Path) -> None:
    db = tmp_path / "yawyas.db"
    with run_lock(db, "sync"):
        errors: list[BaseException] = []

        def other() -> None:
            try:
                with run_lock(db, "refresh"):
                    pass
            except BusyError as exc:
                errors.append(exc)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert len(errors) == 1
        assert errors[0].exit_code == 3
        assert "this refresh did nothing" in errors[0].message
    with run_lock(db, "refresh"):  # released
        pass
    assert lock_path(db) == tmp_path / "yawyas.db.lock"


@pytest.fixture
def held_lock() -> Iterator[Path]:
    """Another process (another yawyas run) holding the default store's lock."""
    db = resolve_paths().db
    db.parent.mkdir(parents=True, exist_ok=True)
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from yawyas.services.runs import run_lock\n"
        "with run_lock(Path(sys.argv[1]), 'sync'):\n"
        "    print('held', flush=True)\n"
        "    sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    try:
        yield db
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)


@pytest.mark.parametrize(
    "command", [["import", "EXPORT"], ["sync"], ["enrich"], ["refresh"]], ids=lambda c: c[0]
)
def test_a_second_run_exits_3_and_does_nothing(
    held_lock: Path, tmp_path: Path, command: list[str]
) -> None:
    export = make_export(tmp_path / "e")
    log = tmp_path / "runs.log"
    args = [str(export) if a == "EXPORT" else a for a in command]
    result = run("--log-file", str(log), *args)
    assert result.exit_code == 3, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: Another yawyas import / sync / enrich / refresh is still")
    assert f"this {command[0]} did nothing." in lines[0]
    assert not held_lock.exists()  # nothing was done: not even a store made
    (line,) = log.read_text().splitlines()
    assert re.fullmatch(rf"\S+ {command[0]} busy exit=3 \d+\.\ds: Another yawyas .+", line)


def test_runs_are_recorded_logged_and_shown_by_status(tmp_path: Path) -> None:
    config_dir = resolve_paths().config_dir
    config_dir.mkdir(parents=True, exist_ok=True)
    log = tmp_path / "logs" / "yawyas.log"
    (config_dir / "config.toml").write_text(
        f'log_file = "{log}"\ntimezone = "Europe/Madrid"\n[spotify]\nclientid = "typo"\n'
    )
    ok = run("import", str(make_export(tmp_path / "e")))
    assert ok.exit_code == 0, ok.output
    bad = tmp_path / "Streaming_History_Audio_2020.json"
    bad.write_text("{oops")
    failed = run("import", str(bad))
    assert failed.exit_code == 2

    lines = log.read_text().splitlines()
    assert len(lines) == 2
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d import ok exit=0 \d+\.\ds "
        r"added=2 duplicates=0 files=1 bad_files=0",
        lines[0],
    )
    assert " import failed exit=2 " in lines[1]
    assert "is not valid JSON" in lines[1]

    result = run("status", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    last = doc["runs"]["import"]
    assert last["outcome"] == "failed"
    assert last["exit_code"] == 2
    assert "is not valid JSON" in last["message"]
    assert doc["runs"]["sync"] is None
    assert doc["store"]["streams"] == 2
    assert doc["store"]["plays"] == 1
    assert doc["store"]["views_timezone"] == "Europe/Madrid"
    assert doc["timezone"] == {
        "name": "Europe/Madrid",
        "source": "config",
        "source_text": "the config file",
        "travel_aware": False,
    }
    assert doc["config"]["unknown_keys"] == ["spotify.clientid"]
    assert any("'spotify.clientid'" in w for w in doc["warnings"])
    assert doc["log_file"] == str(log)
    assert doc["token"]["logged_in"] is False

    human = run("status")
    assert human.exit_code == 0
    assert "last import" in human.stdout
    assert "failed (exit 2" in human.stdout
    assert "spotify.clientid" in human.stderr  # warnings go to stderr


def test_status_makes_no_store_and_names_the_zone_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YAWYAS_TZ", "Asia/Tokyo")
    result = run("--db", str(tmp_path / "typo" / "none.db"), "status", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["store"]["exists"] is False
    assert not (tmp_path / "typo").exists()
    assert doc["timezone"]["name"] == "Asia/Tokyo"
    assert doc["timezone"]["source"] == "env"
    flag = json.loads(run("status", "--json", "--tz", "auto").stdout)["timezone"]
    assert (flag["source"], flag["travel_aware"]) == ("system", True)


def test_status_tells_when_the_login_expires(tmp_path: Path) -> None:
    token = resolve_paths().token_cache
    token.parent.mkdir(parents=True, exist_ok=True)
    logged_in_at = time.time() - 175 * 86_400
    token.write_text(
        json.dumps({"refresh_token": "r", "scope": "x", "yawyas_logged_in_at": logged_in_at})
    )
    doc = json.loads(run("status", "--json").stdout)
    assert doc["token"]["logged_in"] is True
    assert doc["token"]["days_left"] == 6
    assert any("expires on" in w for w in doc["warnings"])
    assert "refresh_token" not in json.dumps(doc)  # the token itself is never shown


def test_a_refreshed_token_keeps_the_time_of_the_login(tmp_path: Path) -> None:
    from yawyas.sources.spotify_auth import LOGGED_IN_AT, TokenFile, read_login

    path = tmp_path / "token.json"
    TokenFile(path).save_token_to_cache({"refresh_token": "a", LOGGED_IN_AT: 1_700_000_000})
    TokenFile(path).save_token_to_cache({"refresh_token": "b", "access_token": "new"})  # spotipy
    login = read_login(path)
    assert login.logged_in
    assert login.logged_in_at == 1_700_000_000
    assert login.expires_at == 1_700_000_000 + 182 * 86_400


def test_a_run_line_names_its_counts_and_failure() -> None:
    record = start_run("sync")
    record.ended_at = record.started_at + 1.26
    record.counts = {"streams_added": 3}
    record.outcome, record.exit_code = "failed", 1
    record.message = "Your Spotify login has expired;\nrun `yawyas login` again."
    line = format_run_line(record)
    assert line.endswith(
        " sync failed exit=1 1.3s streams_added=3: Your Spotify login has expired; run "
        "`yawyas login` again."
    )
    assert "\n" not in line


# ----- schedule ------------------------------------------------------------------------------


def test_schedule_prints_units_with_absolute_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YAWYAS_TZ", "Europe/Madrid")
    result = run("schedule", "--systemd", "--every", "15m")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "# yawyas.service" in text
    assert "# yawyas.timer" in text
    assert "OnUnitActiveSec=15min" in text
    assert "Environment=YAWYAS_TZ=Europe/Madrid" in text
    execs = [line.removeprefix("ExecStart=") for line in text.splitlines() if "ExecStart=" in line]
    assert [e.split()[-1] for e in execs] == ["sync", "refresh"]
    for exe in execs:
        program = exe.split()[0]
        assert Path(program).is_absolute()
        assert Path(program).exists()
        db = exe.split("--db ")[1].split()[0]
        assert db == str(resolve_paths().db)
        assert "--log-file " + str(resolve_paths().data_dir / "yawyas.log") in exe
    assert "systemctl --user enable --now yawyas.timer" in result.stderr


def test_schedule_launchd_is_a_valid_plist_and_cron_one_line(tmp_path: Path) -> None:
    result = run("--log-file", str(tmp_path / "r.log"), "schedule", "--launchd", "--every", "2h")
    assert result.exit_code == 0, result.output
    agent = plistlib.loads(result.stdout.encode())
    assert agent["StartInterval"] == 7200
    assert agent["ProgramArguments"][:2] == ["/bin/sh", "-c"]
    assert str(tmp_path / "r.log") in agent["ProgramArguments"][2]
    assert " sync && " in agent["ProgramArguments"][2]

    cron = run("schedule", "--cron", "--run", "enrich", "--every", "1d")
    assert cron.exit_code == 0, cron.output
    (line,) = cron.stdout.splitlines()
    assert line.startswith(f"15 3 * * *  export YAWYAS_HOME={resolve_paths().data_dir}; /")
    assert line.endswith(" enrich")

    odd = run("schedule", "--cron", "--every", "7m")
    assert odd.exit_code == 2
    assert "cron runs evenly only" in odd.stderr
    none = run("schedule")
    assert none.exit_code == 2
    assert "Choose one of --systemd, --launchd or --cron." in none.stderr


def test_schedule_writes_files_only_once_without_force(tmp_path: Path) -> None:
    folder = tmp_path / "systemd" / "user"
    first = run("schedule", "--systemd", "--out-dir", str(folder))
    assert first.exit_code == 0, first.output
    assert first.stdout == ""
    assert (folder / "yawyas.timer").read_text().startswith("[Unit]")
    assert "Type=oneshot" in (folder / "yawyas.service").read_text()
    again = run("schedule", "--systemd", "--out-dir", str(folder))
    assert again.exit_code == 2
    assert "already exists; add --force" in again.stderr
    assert run("schedule", "--systemd", "--out-dir", str(folder), "--force").exit_code == 0


def test_status_reports_a_broken_config_file_instead_of_failing() -> None:
    config_dir = resolve_paths().config_dir
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.toml").write_text("timezone = \n")
    result = run("status", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert "is not valid TOML" in doc["warnings"][0]
    assert doc["timezone"]["source"] == "system"
