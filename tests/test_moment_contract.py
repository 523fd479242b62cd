"""One moment contract: `playlist now --at` names the moment that `yawyas moments` gives for
that local time, for every window of every demo persona (one rule, `moment_at`: the most
specific window)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yawyas.analysis.moments.types import from_document, moment_at
from yawyas.cli import app
from yawyas.demo import PERSONAS, generate_history, write_export
from yawyas.services import ingest
from yawyas.store.db import connect

runner = CliRunner()
CLASSIC = ("default", "night_owl", "tokyo", "sydney")


@pytest.fixture(scope="module", params=CLASSIC)
def persona_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    name: str = request.param
    folder = tmp_path_factory.mktemp(name)
    write_export(generate_history(name, seed=5, years=1), folder / "export")
    db = folder / "yawyas.db"
    conn = connect(db)
    ingest.import_paths(conn, [folder / "export"])
    conn.close()
    return db, PERSONAS[name].timezone


def _json(db: Path, tz: str, *args: str) -> dict[str, object]:
    result = runner.invoke(app, ["--db", str(db), *args, "--tz", tz, "--json"])
    assert result.exit_code == 0, result.output
    doc: dict[str, object] = json.loads(result.stdout)
    return doc


def test_playlist_now_names_the_moment_that_moments_gives(persona_store: tuple[Path, str]) -> None:
    db, tz = persona_store
    doc = _json(db, tz, "moments")
    moments = [from_document(m) for m in doc["moments"]]  # type: ignore[attr-defined]
    assert moments, "every classic persona has moments"
    monday = datetime(2026, 10, 5)
    checked = 0
    for m in moments:
        for window in m.windows:
            for day in window.days:
                for offset in (5, window.minutes // 2, window.minutes - 5):
                    at = monday + timedelta(days=day, minutes=window.start_minute + offset)
                    expected = moment_at(moments, at)
                    assert expected is not None
                    now = _json(db, tz, "playlist", "now", "--at", f"{at:%Y-%m-%d %H:%M}")
                    assert now["moment"] == expected.name, (at, window)
                    checked += 1
    assert checked >= 3 * len(moments)
