"""Importing every kind of export: kinds, quirks, dedupe, privacy, bad input."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests import exportkit as kit
from yawyas.errors import BadInputError, NotFoundError
from yawyas.services import ingest
from yawyas.store.db import connect
from yawyas.store.library import load_inferences
from yawyas.store.streams import STREAM_FRAME_COLUMNS, Totals, load_streams, load_totals

EXT = kit.EXTENDED_DIR
ACC = kit.ACCOUNT_DIR


def dump(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    """What the store holds, by value (ids resolved to names), in a stable order."""
    frame = load_streams(conn)
    cols = [c for c in STREAM_FRAME_COLUMNS if c not in ("context_uri", "item_id")]
    rows = [
        tuple(None if v is None or v is pd_na() else v for v in row)
        for row in frame[cols].astype(object).itertuples(index=False, name=None)
    ]
    return sorted(rows, key=repr)


def pd_na() -> object:
    import pandas as pd

    return pd.NA


def totals(conn: sqlite3.Connection) -> Totals:
    return load_totals(conn)


def test_extended_history_keeps_every_field_and_dedupes(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    rows = [
        kit.ext_row("2024-01-01T10:00:00Z", shuffle=True, skipped=True, reason_end="fwdbtn"),
        kit.ext_row("2024-01-01T10:00:00Z", shuffle=True, skipped=True, reason_end="fwdbtn"),
        kit.ext_row("2024-01-01T10:04:00Z", ms=0),
        kit.episode_row("2024-01-01T11:00:00Z", offline_timestamp=1_704_103_200_000),
        kit.chapter_row("2024-01-01T12:00:00Z"),
    ]
    kit.write(tmp_path / "exp" / EXT / "Streaming_History_Audio_2024.json", rows)
    report = ingest.import_paths(conn, [tmp_path / "exp"])
    (f,) = [f for f in report.files if f.kind == "extended_audio"]
    assert (f.rows, f.added, f.duplicates) == (5, 4, 1)
    frame = load_streams(conn)
    assert list(frame["kind"]) == ["track", "track", "episode", "audiobook"]
    first = frame.iloc[0]
    assert first["played_at"] == 1_704_103_200
    assert first["platform"] == "Android OS 12 API 31 (samsung, SM-G781U)"
    assert first["conn_country"] == "ES"
    assert (first["reason_start"], first["reason_end"]) == ("clickrow", "fwdbtn")
    assert bool(first["shuffle"])
    assert bool(first["skipped"])
    assert not bool(first["offline"])
    assert first["offline_at"] == 1_700_000_000
    episode = frame.iloc[2]
    assert episode["artist_name"] == "Morning Show"  # trailing space of the show name dropped
    assert episode["offline_at"] == 1_704_103_200  # milliseconds normalised to seconds
    chapter = frame.iloc[3]
    assert (chapter["artist_name"], chapter["track_name"]) == ("The Long Book", "Chapter 1")
    t = totals(conn)
    assert (t.streams, t.plays) == (4, 3)
    assert t.listening_ms == 200_000 + 0 + 600_000 + 900_000


def test_identifiers_are_never_stored(tmp_path: Path) -> None:
    db = tmp_path / "private.db"
    conn = connect(db)
    kit.write(tmp_path / "x" / "endsong_0.json", [kit.ext_row("2019-01-01T10:00:00Z")])
    ingest.import_paths(conn, [tmp_path / "x"])
    conn.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("private.db*"))
    for secret in (b"203.0.113.77", b"secret-user", b"unknown-agent"):
        assert secret not in raw


def test_quirks(tmp_path: Path, conn: sqlite3.Connection) -> None:
    rows = [
        kit.ext_row("2021-06-01T10:00:00Z", reason_start=None, reason_end=None, skipped=None),
        kit.ext_row("2015-06-01T10:00:00Z", reason_start="", reason_end="unknown"),  # years mixed
        kit.ext_row("2020-01-01T00:00:00Z", track=None, artist=None, uri=None),  # all null
        kit.ext_row("2020-01-01T00:10:00Z", track=None, artist=None, uri=None),
        kit.ext_row(
            "2020-01-02T00:00:00Z", track="Unknown Track", artist="Unknown Artist", uri=None
        ),
        kit.ext_row("2020-01-03T00:00:00Z", ms=9_000_000, conn_country="ZZ", offline_timestamp=0),
        kit.ext_row(
            "2020-01-04T00:00:00Z",
            track="Bài hát",
            artist="Sơn Tùng M-TP",
            uri="spotify:track:vi",
            platform="iOS 9.3.5 (iPhone7,2)",
        ),
        kit.ext_row(
            "2020-01-05T00:00:00Z",
            track="夜に駆ける",
            artist="YOASOBI",
            uri="spotify:track:ja",
            offline_timestamp=None,
        ),
        kit.episode_row("2020-01-06T00:00:00Z", platform="cast"),
    ]
    kit.write(tmp_path / "a.json", rows[:5], indent=False)  # one compact file
    kit.write(tmp_path / "b.json", rows[5:])
    ingest.import_paths(conn, [tmp_path / "a.json", tmp_path / "b.json"])
    frame = load_streams(conn)
    assert len(frame) == 9
    assert set(frame["track_name"].dropna()) >= {"Bài hát", "夜に駆ける", "Unknown Track"}
    nulls = frame[frame["kind"] == "unknown"]
    assert len(nulls) == 2
    assert nulls["track_name"].isna().all()
    assert frame["reason_start"].isna().sum() == 1
    assert "" in set(frame["reason_start"])
    assert "unknown" in set(frame["reason_end"])
    assert frame.loc[frame["ms_played"] == 9_000_000, "conn_country"].item() == "ZZ"
    assert frame["offline_at"].isna().sum() == 2


def test_rows_that_cannot_be_read_are_skipped_and_counted(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    rows = [
        kit.ext_row("2020-01-01T00:00:00Z"),
        kit.ext_row("yesterday"),
        kit.ext_row("2020-01-01T01:00:00Z", ms=None),
        kit.ext_row("2020-01-01T02:00:00Z"),
    ]
    kit.write(tmp_path / "exp" / "Streaming_History_Audio_2020.json", rows)
    report = ingest.import_paths(conn, [tmp_path / "exp"])
    assert report.added == 2
    assert report.skipped == {"unreadable ts": 1, "unreadable ms_played": 1}


def test_account_data_keeps_the_largest_count_of_any_single_file(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    twice = [kit.music_row("2024-03-01 08:00"), kit.music_row("2024-03-01 08:00")]
    kit.write(tmp_path / "one" / "StreamingHistory_music_0.json", twice)
    # a second export repeats the same minute once more, plus a new play
    kit.write(
        tmp_path / "two" / "StreamingHistory_music_0.json",
        [*twice[:1], kit.music_row("2024-03-02 08:00", track="Other")],
        indent=False,
    )
    ingest.import_paths(conn, [tmp_path / "one"])
    assert totals(conn).streams == 2  # repeated plays within one minute survive
    report = ingest.import_paths(conn, [tmp_path / "two"])
    assert report.added == 1
    assert totals(conn).streams == 3
    ingest.import_paths(conn, [tmp_path / "one", tmp_path / "two"])
    assert totals(conn).streams == 3


def test_account_data_and_extended_history_merge_without_doubles(tmp_path: Path) -> None:
    ext = [kit.ext_row("2024-03-01T08:00:41Z"), kit.ext_row("2024-03-01T09:00:00Z")]
    acc = [
        kit.music_row("2024-03-01 08:00"),
        kit.music_row("2024-03-01 08:00"),
        kit.music_row("2024-03-01 10:00"),
    ]
    pod = [kit.podcast_row("2024-03-01 11:00")]
    book = [kit.audiobook_row("2024-03-01 12:00")]
    kit.write(tmp_path / EXT / "Streaming_History_Audio_2024.json", ext)
    kit.write(tmp_path / ACC / "StreamingHistory_music_0.json", acc)
    kit.write(tmp_path / ACC / "StreamingHistory_podcast_0.json", pod)
    kit.write(tmp_path / ACC / "StreamingHistory_audiobook_0.json", book)
    results = []
    for order in ([EXT, ACC], [ACC, EXT]):
        conn = connect(tmp_path / f"{order[0][:7]}.db")
        for part in order:
            ingest.import_paths(conn, [tmp_path / part])
        results.append(dump(conn))
        # 08:00 has one extended + one more account play; 09:00 extended; 10:00 account only
        assert totals(conn).streams == 2 + 1 + 1 + 1 + 1
        kinds = sorted(load_streams(conn)["kind"])
        assert kinds == ["audiobook", "episode", "track", "track", "track", "track"]
    assert results[0] == results[1]


def test_old_mixed_streaming_history_and_other_files(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    kit.write(tmp_path / "MyData" / "StreamingHistory0.json", [kit.music_row("2018-01-01 10:00")])
    kit.write(
        tmp_path / "MyData" / "Playlist1.json",
        kit.playlists_doc(
            (
                "Morning Run",
                [
                    {
                        "trackName": "Song",
                        "artistName": "Band",
                        "albumName": "Album",
                        "trackUri": "spotify:track:0000000000000000000001",
                    }
                ],
            )
        ),
    )
    kit.write(
        tmp_path / "MyData" / "YourLibrary.json",
        {
            "tracks": [
                {
                    "artist": "Band",
                    "album": "Album",
                    "track": "Song",
                    "uri": "spotify:track:0000000000000000000001",
                }
            ],
            "other": ["spotify:local:Me:Home:Demo%20Song:180"],
            "bannedTracks": [],
        },
    )
    kit.write(tmp_path / "MyData" / "Inferences.json", {"inferences": ["1P_Runners"]})
    kit.write(tmp_path / "MyData" / "Userdata.json", {"username": "secret-user"})
    (tmp_path / "MyData" / "ReadMeFirst.pdf").write_bytes(b"%PDF-1.4")
    report = ingest.import_paths(conn, [tmp_path / "MyData"])
    kinds = {Path(f.name).name: f.kind for f in report.files}
    assert kinds == {
        "StreamingHistory0.json": "account_mixed",
        "Playlist1.json": "playlists",
        "YourLibrary.json": "library",
        "Inferences.json": "inferences",
        "Userdata.json": "not listening data",
        "ReadMeFirst.pdf": "not listening data",
    }
    assert report.skipped["not listening data"] == 2
    assert load_inferences(conn) == ["1P_Runners"]
    assert conn.execute("SELECT count(*) FROM playlist_items").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM library").fetchone()[0] == 2
    raw = b"".join(r[0].encode() for r in conn.execute("SELECT data FROM library"))
    assert b"secret-user" not in raw


def test_zips_are_read_in_memory_and_reimports_add_nothing(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    files = {
        f"{EXT}/Streaming_History_Audio_2023-2024_0.json": [kit.ext_row("2023-05-01T10:00:00Z")],
        f"{ACC}/StreamingHistory_music_0.json": [kit.music_row("2024-01-01 10:00")],
        "../../escape.json": [kit.ext_row("2023-05-02T10:00:00Z")],
    }
    first = kit.write_zip(tmp_path / "dl" / "my_spotify_data.zip", files)
    kit.write_zip(tmp_path / "dl" / "my_spotify_data (1).zip", files)
    report = ingest.import_paths(conn, [first])
    assert report.added == 3
    assert not (tmp_path / "escape.json").exists()
    again = ingest.import_paths(conn, [tmp_path / "dl"])
    assert again.added == 0
    assert {f.status for f in again.files} == {"already imported"}
    assert totals(conn).streams == 3


def test_a_renamed_copy_is_recognised_by_fingerprint(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    kit.write(tmp_path / "endsong_0.json", [kit.ext_row("2016-01-01T10:00:00Z")])
    ingest.import_paths(conn, [tmp_path / "endsong_0.json"])
    (tmp_path / "endsong_0.json").rename(tmp_path / "StreamingHistory0_NEW.json")
    report = ingest.import_paths(conn, [tmp_path / "StreamingHistory0_NEW.json"])
    assert report.files[0].status == "already imported"


def test_video_history(tmp_path: Path, conn: sqlite3.Connection) -> None:
    kit.write(
        tmp_path / "v" / "Streaming_History_Video_2019-2024.json",
        [kit.episode_row("2022-01-01T10:00:00Z", show="Video Show")],
    )
    report = ingest.import_paths(conn, [tmp_path / "v"])
    assert report.files[0].kind == "extended_video"
    assert list(load_streams(conn)["kind"]) == ["video"]


BAD_FILES = {
    "not JSON": (b"this is not json", "is not valid JSON"),
    "truncated": (b'[{"ts": "2020-01-01T00:00:00Z", "ms_pla', "looks cut off"),
    "unknown shape": (b'[{"when": 1, "what": 2}]', "unknown shape"),
    "empty file": (b"", "is empty"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_input_leaves_the_store_as_it_was(
    tmp_path: Path, conn: sqlite3.Connection, case: str
) -> None:
    kit.write(tmp_path / "good" / "endsong_0.json", [kit.ext_row("2016-01-01T10:00:00Z")])
    ingest.import_paths(conn, [tmp_path / "good"])
    before = dump(conn)
    data, message = BAD_FILES[case]
    folder = tmp_path / "run"
    kit.write(folder / "Streaming_History_Audio_2020.json", [kit.ext_row("2020-01-01T10:00:00Z")])
    (folder / "Streaming_History_Audio_2021.json").write_bytes(data)
    with pytest.raises(BadInputError, match=message) as err:
        ingest.import_paths(conn, [folder])
    assert "Streaming_History_Audio_2021.json" in err.value.message
    assert dump(conn) == before
    # --keep-going imports the good file and lists the bad one
    report = ingest.import_paths(conn, [folder], keep_going=True)
    assert report.added == 1
    assert [Path(f.name).name for f in report.errors] == ["Streaming_History_Audio_2021.json"]


def test_corrupt_zip_missing_path_and_not_a_zip(tmp_path: Path, conn: sqlite3.Connection) -> None:
    (tmp_path / "my_spotify_data.zip").write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(BadInputError, match=r"my_spotify_data\.zip"):
        ingest.import_paths(conn, [tmp_path / "my_spotify_data.zip"])
    with pytest.raises(NotFoundError, match="nowhere"):
        ingest.import_paths(conn, [tmp_path / "nowhere"])
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(BadInputError, match=r"notes\.txt"):
        ingest.import_paths(conn, [tmp_path / "notes.txt"])
    assert totals(conn).streams == 0


def test_parallel_reading_gives_the_same_store(tmp_path: Path) -> None:
    rows = [
        kit.ext_row(f"2020-01-{d:02d}T{h:02d}:00:00Z", uri=f"spotify:track:{d}-{h % 5}")
        for d in range(1, 29)
        for h in range(24)
    ]
    for k in range(4):
        kit.write(tmp_path / "x" / f"Streaming_History_Audio_{k}.json", rows[k::4])
    serial = connect(tmp_path / "serial.db")
    parallel = connect(tmp_path / "parallel.db")
    ingest.import_paths(serial, [tmp_path / "x"], workers=0)
    ingest.import_paths(parallel, [tmp_path / "x"], workers=2)
    assert dump(serial) == dump(parallel)
    assert totals(parallel).streams == len(rows)
