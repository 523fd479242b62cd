"""Typed exports (Parquet timestamps, dates and booleans; CSV a reader takes without warnings),
streaming to stdout, local days, and files that are never overwritten by accident."""

from __future__ import annotations

import io
import json
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import yawyas.cli.commands  # noqa: F401  (registers the commands)
from tests import exportkit as kit
from yawyas.cli import app
from yawyas.services.export import EXPORT_COLUMNS, build_plays_frame, write_text
from yawyas.store.db import connect

runner = CliRunner()


def make_export(root: Path) -> Path:
    kit.write(
        root / kit.EXTENDED_DIR / "Streaming_History_Audio_2024.json",
        [
            kit.ext_row("2024-01-01T20:00:00Z", ms=60_000, skipped=True, shuffle=True),
            kit.ext_row("2024-01-02T20:00:00Z", ms=60_000, offline=True),
            kit.ext_row("2024-07-01T12:00:00Z", ms=30_000, skipped=False),
        ],
    )
    return root


@pytest.fixture
def store(tmp_path: Path) -> Path:
    result = runner.invoke(app, ["import", str(make_export(tmp_path / "e"))])
    assert result.exit_code == 0, result.output
    return tmp_path


def export(*args: str) -> Any:
    return runner.invoke(app, ["export", "plays", *args])


def test_parquet_has_timestamps_dates_and_booleans(store: Path) -> None:
    out = store / "p.parquet"
    result = export("--out", str(out), "--tz", "Europe/Madrid")
    assert result.exit_code == 0, result.output
    schema = pq.read_schema(out)
    assert schema.names == list(EXPORT_COLUMNS)
    for name in ("played_at", "offline_at"):
        assert pa.types.is_timestamp(schema.field(name).type)
        assert schema.field(name).type.tz == "UTC"
    assert pa.types.is_timestamp(schema.field("local_time").type)
    assert schema.field("local_time").type.tz is None  # the wall clock, beside its offset
    assert schema.field("utc_offset_min").type == pa.int16()
    assert schema.field("local_date").type == pa.date32()
    for name in ("shuffle", "skipped", "offline", "incognito_mode"):
        assert schema.field(name).type == pa.bool_()
    table = pq.read_table(out).to_pylist()
    first = table[0]
    assert first["local_time"].isoformat() == "2024-01-01T20:59:00"
    assert first["utc_offset_min"] == 60
    assert str(first["local_date"]) == "2024-01-01"
    assert (first["local_hour"], first["weekday"]) == (20, 0)  # Monday
    assert [r["skipped"] for r in table] == [True, None, False]
    assert table[2]["utc_offset_min"] == 120  # summer time


def test_duckdb_reads_the_parquet_types(store: Path) -> None:
    duckdb = pytest.importorskip("duckdb", reason="duckdb is in the test extra")
    out = store / "p.parquet"
    assert export("--out", str(out), "--tz", "Europe/Madrid").exit_code == 0
    described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{out}')").fetchall()
    types = {row[0]: row[1] for row in described}
    assert types["played_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["local_time"] == "TIMESTAMP"
    assert types["local_date"] == "DATE"
    assert types["skipped"] == "BOOLEAN"
    hours = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{out}') WHERE skipped AND local_hour = 20"
    ).fetchall()
    assert hours == [(1,)]


def _long_frame(store: Path) -> pd.DataFrame:
    """120,000 rows: the first 60,000 without a `skipped` value (as in years of older exports),
    then rows that have one, so that a CSV reader's chunks see different things."""
    conn = connect(store / "home" / "yawyas.db")
    frame = build_plays_frame(conn)
    conn.close()
    rows = np.concatenate([np.full(60_000, 1), np.tile([0, 2], 30_000)])
    return frame.iloc[rows].reset_index(drop=True)


def test_pandas_reads_the_csv_booleans_without_warnings(store: Path) -> None:
    frame = _long_frame(store)
    text = io.StringIO()
    write_text(frame, text, "csv")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = pd.read_csv(io.StringIO(text.getvalue()))
    assert back["skipped"].isna().sum() == 60_000
    assert set(back["skipped"].dropna()) == {0, 1}
    as_bool = pd.read_csv(io.StringIO(text.getvalue()), dtype={"skipped": "boolean"})
    assert as_bool["skipped"].sum() == 30_000

    # The check above can fail: Python's True/False in the same rows make pandas warn.
    old = frame.astype({"skipped": object})
    with pytest.warns(pd.errors.DtypeWarning, match="skipped"):
        pd.read_csv(io.StringIO(old.to_csv(index=False)))


def test_jsonl_and_csv_to_stdout(store: Path) -> None:
    result = export("--out", "-", "--tz", "Europe/Madrid")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ",".join(EXPORT_COLUMNS)
    assert lines[1].startswith("2024-01-01T20:00:00Z,2024-01-01T20:59:00+01:00,60,2024-01-01,20,0,")
    assert "Wrote 3 streams to stdout." in result.stderr

    result = export("-o", "-", "--format", "jsonl", "--tz", "Europe/Madrid")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["skipped"] for r in rows] == [True, None, False]
    assert rows[1]["offline"] is True
    assert rows[2]["local_time"] == "2024-07-01T13:59:30+02:00"
    assert rows[0]["uri"] == "spotify:track:0000000000000000000001"  # no escaped slashes

    parquet = export("--out", "-", "--format", "parquet")
    assert parquet.exit_code == 2
    assert "give Parquet a file" in parquet.stderr
    assert parquet.stdout == ""


def test_since_and_until_are_local_days(store: Path) -> None:
    """20:00 UTC on 1 January is 09:00 on 2 January in Auckland."""
    out = store / "d.jsonl"
    result = export(
        "--out",
        str(out),
        "--tz",
        "Pacific/Auckland",
        "--since",
        "2024-01-02",
        "--until",
        "2024-01-02",
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["played_at"] for r in rows] == ["2024-01-01T20:00:00Z"]
    assert rows[0]["local_date"] == "2024-01-02"
    backwards = export("--out", "-", "--since", "2024-02-01", "--until", "2024-01-01")
    assert backwards.exit_code == 2
    assert "is after --until" in backwards.stderr


def test_an_existing_file_is_replaced_only_with_force(store: Path) -> None:
    out = store / "p.csv"
    out.write_text("keep me")
    result = export("--out", str(out))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {out} already exists; add --force to overwrite it."
    assert out.read_text() == "keep me"
    result = export("--out", str(out), "--force")
    assert result.exit_code == 0
    assert out.read_text().startswith("played_at,")
    assert not list(store.glob(".p.csv.*"))  # no partial file left behind


@pytest.mark.parametrize("command", [["export", "plays"], ["report"]])
def test_a_missing_or_unusable_folder_is_one_sentence(store: Path, command: list[str]) -> None:
    name = "x.csv" if command[0] == "export" else "x.html"
    blocker = store / "a-file"
    blocker.write_text("")
    folder = store / f"folder-{name}"
    folder.mkdir()
    for out, says in (
        (store / "no" / "such" / name, "does not exist; create it first"),
        (blocker / name, "is not a folder"),
        (folder, "is a folder; give --out a file name"),
    ):
        result = runner.invoke(app, [*command, "--out", str(out)])
        assert result.exit_code == 2, (out, result.output)
        assert says in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.output
    assert not (store / "no").exists()


def test_report_says_what_it_wrote_on_stderr_and_keeps_files(store: Path) -> None:
    out = store / "me.json"
    result = runner.invoke(app, ["report", "--out", str(out), "--no-moments"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Wrote {out}" in result.stderr
    again = runner.invoke(app, ["report", "--out", str(out), "--no-moments"])
    assert again.exit_code == 2
    assert "already exists; add --force" in again.stderr
    forced = runner.invoke(app, ["report", "--out", str(out), "--no-moments", "--force"])
    assert forced.exit_code == 0


def test_a_folder_without_write_permission_is_one_sentence(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root every folder is writable, so the permission check is asked to say no."""
    import yawyas.services.outfiles as outfiles

    locked = store / "locked"
    locked.mkdir()
    real = os.access
    monkeypatch.setattr(
        outfiles.os, "access", lambda p, mode: False if Path(p) == locked else real(p, mode)
    )
    result = export("--out", str(locked / "p.csv"))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: Cannot write in the folder {locked} (permission denied); choose another --out."
    )
    assert not list(locked.iterdir())
