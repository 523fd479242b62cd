"""`yawyas moments`, the stored run, the config overrides and the plays export's columns."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import yawyas.cli.commands  # noqa: F401  (registers the commands)
from yawyas.cli import app
from yawyas.demo import generate_history, write_export
from yawyas.services import ingest
from yawyas.services.moments import ensure_moments, run_key
from yawyas.store.db import bump_generation, connect
from yawyas.store.moments import load_moment_run, load_stream_labels, save_moment_run

runner = CliRunner()
TZ = "Asia/Tokyo"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A year of the Tokyo persona (gym and cooking share their hours), imported once."""
    folder = tmp_path_factory.mktemp("tokyo")
    write_export(generate_history("tokyo", seed=11, years=1), folder / "export")
    db = folder / "yawyas.db"
    conn = connect(db)
    ingest.import_paths(conn, [folder / "export"])
    conn.close()
    return db


@pytest.fixture
def db(demo_store: Path, tmp_path: Path) -> Path:
    """A private copy of the demo store, so each test starts with nothing learned."""
    copy = tmp_path / "yawyas.db"
    shutil.copy(demo_store, copy)
    return copy


@pytest.fixture
def conn(db: Path) -> Iterator[sqlite3.Connection]:
    c = connect(db)
    yield c
    c.close()


def moments_json(db: Path, *args: str) -> dict[str, object]:
    result = runner.invoke(app, ["--db", str(db), "moments", "--tz", TZ, "--json", *args])
    assert result.exit_code == 0, result.output
    doc: dict[str, object] = json.loads(result.stdout)
    return doc


def test_moments_json_is_learned_once_then_read(db: Path) -> None:
    first = moments_json(db)
    assert first["cached"] is False
    assert first["timezone"] == TZ
    moments = first["moments"]
    assert isinstance(moments, list)
    assert 3 <= len(moments) <= 6
    names = [m["name"] for m in moments]
    assert any("Gym Power" in n for n in names)
    assert any("Kitchen Jazz on the speaker" in n for n in names)
    gym = next(m for m in moments if "Gym Power" in m["name"])
    assert gym["windows"][0]["days"] == ["Mon", "Wed", "Fri"]
    assert gym["device"] == "phone"
    assert gym["top_playlists"][0]["name"] == "Gym Power"
    assert gym["traits"][0]["name"] == "gym goer"
    assert gym["traits"][0]["evidence"]
    for key in ("play_share", "time_share", "skip_rate", "top_artists", "top_tracks", "lift"):
        assert key in gym
    again = moments_json(db)
    assert again["cached"] is True
    assert [m["id"] for m in again["moments"]] == [m["id"] for m in moments]  # type: ignore[union-attr]


def test_text_output_fits_80_columns(db: Path) -> None:
    result = runner.invoke(app, ["--db", str(db), "moments", "--tz", TZ], terminal_width=80)
    assert result.exit_code == 0, result.output
    assert "Gym Power" in result.stdout
    assert "suggests" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_rename_and_hide_in_the_config_stick(db: Path) -> None:
    ids = [m["id"] for m in moments_json(db)["moments"]]  # type: ignore[union-attr]
    home = Path(__import__("os").environ["YAWYAS_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        f'[moments.{ids[0]}]\nname = "Sweat"\n\n[moments.{ids[1]}]\nhidden = true\n',
        encoding="utf-8",
    )
    doc = moments_json(db, "--refresh")
    shown = {m["id"]: m for m in doc["moments"]}  # type: ignore[union-attr]
    assert shown[ids[0]]["name"] == "Sweat"
    assert shown[ids[0]]["generated_name"] != "Sweat"
    assert ids[1] not in shown
    assert doc["hidden"] == 1
    everything = moments_json(db, "--all")
    hidden = [m for m in everything["moments"] if m["hidden"]]  # type: ignore[union-attr]
    assert [m["id"] for m in hidden] == [ids[1]]


def test_recomputed_when_history_or_zone_changes(conn: sqlite3.Connection) -> None:
    first = ensure_moments(conn, tz=TZ)
    assert not first.cached
    assert ensure_moments(conn, tz=TZ).cached
    bump_generation(conn)
    second = ensure_moments(conn, tz=TZ)
    assert not second.cached
    assert second.generation == first.generation + 1
    assert [m.id for m in second.moments] == [m.id for m in first.moments]
    assert not ensure_moments(conn, tz="Europe/Madrid").cached  # other local times
    run = load_moment_run(conn)
    assert run is not None
    assert run.key == run_key("Europe/Madrid", False)


def test_stored_run_round_trip(conn: sqlite3.Connection) -> None:
    assert load_moment_run(conn) is None
    assert [len(a) for a in load_stream_labels(conn)] == [0, 0]
    ends = np.array([100, 100, 250, 4_000_000_000])
    labels = np.array([0, -1, 1, 1])
    save_moment_run(
        conn,
        generation=3,
        key="k",
        ids=["ma", "mb"],
        documents=["{}", "[]"],
        labels=labels,
        ended_at=ends,
    )
    run = load_moment_run(conn, arrays=True)
    assert run is not None
    assert (run.generation, run.key, run.ids, run.documents, run.streams) == (
        3,
        "k",
        ("ma", "mb"),
        ("{}", "[]"),
        4,
    )
    got_ends, got_labels = load_stream_labels(conn)
    assert got_ends.tolist() == ends.tolist()
    assert got_labels.tolist() == labels.tolist()


def test_export_plays_has_local_time_and_moment(db: Path, tmp_path: Path) -> None:
    ids = {m["id"] for m in moments_json(db)["moments"]}  # type: ignore[union-attr]
    out = tmp_path / "plays.csv"
    result = runner.invoke(app, ["--db", str(db), "export", "plays", "--out", str(out), "--tz", TZ])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows
    assert all(r["local_time"].endswith("+09:00") for r in rows)
    found = {r["moment"] for r in rows}
    assert "" in found  # everyday listening fits no moment
    assert found - {""} == ids
    in_moments = sum(r["moment"] != "" for r in rows)
    doc = moments_json(db)
    assert in_moments == doc["streams_in_moments"]
    # a slice of the history gets the same labels as the whole
    part = tmp_path / "part.jsonl"
    runner.invoke(
        app,
        [
            "--db",
            str(db),
            "export",
            "plays",
            "--out",
            str(part),
            "--tz",
            TZ,
            "--since",
            "2026-06-01",
        ],
    )
    sliced = [json.loads(line) for line in part.read_text(encoding="utf-8").splitlines()]
    whole = {r["played_at"]: r["moment"] or None for r in rows}
    assert sliced
    assert all(whole[r["played_at"]] == r["moment"] for r in sliced)


def test_empty_store(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    connect(db).close()  # an empty store (none at all is bad input: tests/test_hostile.py)
    result = runner.invoke(app, ["--db", str(db), "moments"], terminal_width=80)
    assert result.exit_code == 0, result.output
    assert "import" in result.stdout
    doc = json.loads(runner.invoke(app, ["--db", str(db), "moments", "--json"]).stdout)
    assert doc["moments"] == []
    assert doc["streams"] == 0
