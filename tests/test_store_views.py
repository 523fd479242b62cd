"""The store readable by other tools: lookup tables, declared foreign keys and the `plays` view
(checked with plain sqlite3 against the export, which computes the same facts in Python)."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests import exportkit as kit
from yawyas.errors import StoreError
from yawyas.services import ingest
from yawyas.services.export import build_plays_frame, write_text
from yawyas.services.views import refresh_views
from yawyas.store import migrations
from yawyas.store.db import connect
from yawyas.store.dimensions import KINDS, SOURCES, Dimensions
from yawyas.store.streams import save_streams
from yawyas.store.views import load_lookup, load_view_zone

ZONE = "Europe/Madrid"
VIEW_COLUMNS = (
    "played_at",
    "local_time",
    "utc_offset_min",
    "ms_played",
    "kind",
    "track_name",
    "artist_name",
    "album_name",
    "uri",
    "device",
    "platform",
    "country",
    "reason_start",
    "reason_end",
    "shuffle",
    "skipped",
    "offline",
    "offline_at",
    "incognito_mode",
    "context_uri",
    "source",
)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A year of the default demo listener, imported, with the views in Europe/Madrid."""
    from yawyas.demo import generate_history, write_export

    folder = tmp_path_factory.mktemp("views")
    write_export(generate_history("default", seed=5, years=1), folder / "export")
    db = folder / "yawyas.db"
    conn = connect(db)
    ingest.import_paths(conn, [folder / "export"])
    refresh_views(conn, ZONE)
    conn.close()
    return db


def test_lookup_tables_name_every_kind_and_source(conn: sqlite3.Connection) -> None:
    """A kind or source added to store/dimensions.py without its row (in a new migration)
    fails here."""
    assert load_lookup(conn, "kinds") == list(enumerate(KINDS))
    assert load_lookup(conn, "stream_sources") == list(enumerate(SOURCES))


def test_foreign_keys_are_declared_and_streams_keep_their_shape(
    conn: sqlite3.Connection,
) -> None:
    def fks(table: str) -> set[tuple[str, str]]:
        return {(r[3], r[2]) for r in conn.execute(f"PRAGMA foreign_key_list({table})")}

    assert fks("streams") == {
        ("item_id", "items"),
        ("source", "stream_sources"),
        ("platform_id", "platforms"),
        ("reason_start", "reasons"),
        ("reason_end", "reasons"),
    }
    assert ("kind", "kinds") in fks("items")
    assert fks("account_counts") == {("title_id", "titles"), ("source", "stream_sources")}
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'streams'").fetchone()[0]
    assert "WITHOUT ROWID" in sql
    assert "PRIMARY KEY (ended_at, item_id, ms_played, seq)" in sql


def test_a_stream_of_an_unknown_source_is_refused(conn: sqlite3.Connection) -> None:
    dims = Dimensions(conn)
    item, _ = dims.item(1, "spotify:track:x", "A", "T")
    dims.flush()
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        save_streams(
            conn, [(1_700_000_000, item, 1000, len(SOURCES), None, None, None, None, 0, None)]
        )


def _view_rows(db: Path) -> list[dict[str, Any]]:
    plain = sqlite3.connect(db)  # what any other tool sees: no yawyas code involved
    plain.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in plain.execute("SELECT * FROM plays")]
    finally:
        plain.close()


def _flag(value: Any) -> int | None:
    return None if value is None or value is pd.NA else int(bool(value))


def _text(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def test_the_plays_view_says_what_the_export_says(demo_store: Path, tmp_path: Path) -> None:
    rows = _view_rows(demo_store)
    assert rows
    assert tuple(rows[0]) == VIEW_COLUMNS
    conn = connect(demo_store)
    frame = build_plays_frame(conn, tz=ZONE)
    conn.close()
    out = tmp_path / "plays.csv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        write_text(frame, handle, "csv")
    text = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(rows) == len(frame) == len(text)

    expected = []
    for i, r in enumerate(frame.itertuples(index=False)):
        expected.append(
            (
                text["played_at"][i],
                text["local_time"][i],
                int(r.utc_offset_min),
                int(r.ms_played),
                r.kind,
                _text(r.track_name),
                _text(r.artist_name),
                _text(r.album_name),
                _text(r.uri),
                r.device,
                _text(r.platform),
                _text(r.conn_country),
                _text(r.reason_start),
                _text(r.reason_end),
                _flag(r.shuffle),
                _flag(r.skipped),
                _flag(r.offline),
                text["offline_at"][i] or None,
                _flag(r.incognito_mode),
                _text(r.context_uri),
                r.source,
            )
        )
    got = [tuple(row[c] for c in VIEW_COLUMNS) for row in rows]
    assert sorted(got, key=repr) == sorted(expected, key=repr)
    # the demo listener's devices and both kinds of flags really are there
    assert {row["device"] for row in rows} >= {"phone", "desktop", "speaker"}
    assert {row["skipped"] for row in rows} >= {0, 1, None}


def test_local_time_follows_daylight_saving_and_the_views_zone(tmp_path: Path) -> None:
    export = tmp_path / "e"
    kit.write(
        export / kit.EXTENDED_DIR / "Streaming_History_Audio_2024.json",
        [
            # Madrid moves its clocks from 02:00 CET to 03:00 CEST at 01:00 UTC on 2024-03-31
            kit.ext_row(
                "2024-03-31T00:59:59Z", ms=60_000, uri="spotify:track:0000000000000000000001"
            ),
            kit.ext_row(
                "2024-03-31T01:00:30Z", ms=30_000, uri="spotify:track:0000000000000000000002"
            ),
            kit.ext_row(
                "2024-03-31T01:10:00Z", ms=1_000, uri="spotify:track:0000000000000000000003"
            ),
        ],
    )
    kit.write(
        export / kit.EXTENDED_DIR / "Streaming_History_Video_2024.json",
        [kit.ext_row("2024-05-01T10:00:00Z", uri="spotify:track:0000000000000000000004")],
    )
    kit.write(
        export / kit.ACCOUNT_DIR / "StreamingHistory_music_0.json",
        [kit.music_row("2024-06-01 08:00", ms=90_000)],
    )
    conn = connect(tmp_path / "s.db")
    ingest.import_paths(conn, [export])

    def local() -> list[tuple[Any, ...]]:
        return conn.execute(
            "SELECT local_time, utc_offset_min, kind, device, source FROM plays"
        ).fetchall()

    assert {r[0] for r in local()} == {None}  # no zone recorded yet: local time unknown
    refresh_views(conn, ZONE)
    assert load_view_zone(conn) == ZONE
    rows = local()
    assert rows[:3] == [
        ("2024-03-31T01:58:59+01:00", 60, "track", "phone", "extended_audio"),
        ("2024-03-31T03:00:00+02:00", 120, "track", "phone", "extended_audio"),
        ("2024-03-31T03:09:59+02:00", 120, "track", "phone", "extended_audio"),
    ]
    assert rows[3][2:] == ("video", "phone", "extended_video")
    # account data names no platform: its device family is "other", as in the profile
    assert rows[4][1:] == (120, "track", "other", "account_music")
    refresh_views(conn, "America/New_York")
    assert local()[1][:2] == ("2024-03-30T21:00:00-04:00", -240)
    conn.close()


def _old_store(path: Path, monkeypatch: pytest.MonkeyPatch) -> sqlite3.Connection:
    """A store as yawyas made it before migration 0005."""
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:4])
    conn = connect(path)
    monkeypatch.undo()
    return conn


def _dump(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
        for table in ("streams", "items", "account_counts")
    }


def test_an_older_store_is_migrated_with_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "e"
    kit.write(
        export / kit.EXTENDED_DIR / "Streaming_History_Audio_2024.json",
        [kit.ext_row(f"2024-01-0{d}T10:00:00Z", skipped=d % 2 == 0) for d in range(1, 8)],
    )
    kit.write(
        export / kit.ACCOUNT_DIR / "StreamingHistory_music_0.json",
        [kit.music_row("2024-02-01 08:00"), kit.music_row("2024-02-01 08:00")],
    )
    path = tmp_path / "old.db"
    old = _old_store(path, monkeypatch)
    ingest.import_paths(old, [export])
    dims = Dimensions(old)
    item, _ = dims.item(1, "spotify:track:9", "Artist", "Track", album="Album")
    platform = dims.platform("Partner sonos_one Sonos;One;;")
    dims.flush()
    save_streams(old, [(1_704_100_000, item, 200_000, 0, platform, "ES", None, None, 1, None)])
    before = _dump(old)
    assert len(before["streams"]) == 10
    assert len(before["account_counts"]) == 1
    old.close()

    conn = connect(path)  # migrates
    assert _dump(conn) == before
    assert conn.execute("SELECT count(*) FROM plays").fetchone()[0] == 10
    assert conn.execute("SELECT DISTINCT device FROM platforms").fetchall() == [(None,)]
    refresh_views(conn, None)  # the next import or sync names the devices
    devices = conn.execute("SELECT device, count(*) FROM plays GROUP BY 1 ORDER BY 1").fetchall()
    assert devices == [("other", 2), ("phone", 7), ("speaker", 1)]
    conn.close()


def test_a_store_with_broken_references_is_refused_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    old = _old_store(path, monkeypatch)
    save_streams(old, [(1_704_100_000, 999, 1000, 0, None, None, None, None, 0, None)])
    old.close()
    with pytest.raises(StoreError, match=r"1 rows pointing at missing rows \(streams -> items\)"):
        connect(path)
    plain = sqlite3.connect(path)
    assert [r[0] for r in plain.execute("SELECT name FROM migrations")] == [
        name for name, _ in migrations.MIGRATIONS[:4]
    ]
    assert plain.execute("SELECT count(*) FROM streams").fetchone()[0] == 1
    assert plain.execute("SELECT name FROM sqlite_master WHERE name = 'plays'").fetchone() is None
    plain.close()
