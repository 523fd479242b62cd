"""An API play and an exported stream of the same listen are one stream, whichever came first.

Exports' `ts` is the END of a stream; the API's `played_at` is "when the track was played".
The rule: same track (URI, or artist and name for account data), within 60 s of the exported
stream's end or of its start (end - ms_played)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from tests import exportkit as kit
from tests.fake_spotify import FakeSpotify, FakeTrack
from yawyas.services import ingest
from yawyas.services import sync as core
from yawyas.store.db import transaction
from yawyas.store.dimensions import SOURCES
from yawyas.store.spotify import reconcile_api_streams

END_S = 1_780_000_000  # an exported stream's end (ts), 2026-05-28T20:26:40Z
HEARD_MS = 190_000


def iso(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def minute(seconds: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(seconds))


def import_extended(conn: sqlite3.Connection, folder: Path, rows: list[dict[str, Any]]) -> int:
    path = kit.write(folder / kit.EXTENDED_DIR / "Streaming_History_Audio_2026.json", rows)
    return ingest.import_paths(conn, [path]).added


def streams(conn: sqlite3.Connection) -> list[tuple[int, str, int, str, str | None]]:
    """(ended_at, uri, ms_played, source name, context_uri) of every stream, in time order."""
    rows = conn.execute(
        "SELECT s.ended_at, i.uri, s.ms_played, s.source, s.context_uri FROM streams s"
        " JOIN items i ON i.id = s.item_id ORDER BY s.ended_at, s.source"
    )
    return [(e, uri, ms, SOURCES[src], ctx) for e, uri, ms, src, ctx in rows]


def song(fake: FakeSpotify) -> FakeTrack:
    band = fake.add_artist("Band")
    return fake.add_track("Song", [band], duration_ms=200_000)


def ext(track: FakeTrack, end_s: int = END_S, ms: int = HEARD_MS) -> dict[str, Any]:
    return kit.ext_row(iso(end_s), ms, track="Song", artist="Band", uri=track.uri)


CONTEXT = ("playlist", "spotify:playlist:37i9dQZF1DXcBWIGoYBM5M")


@pytest.mark.parametrize(
    "played_at_s",
    [
        END_S,  # played_at is the end
        END_S + 45,  # logged a little after the end
        END_S - HEARD_MS // 1000,  # played_at is the start
        END_S - HEARD_MS // 1000 - 50,  # a little before the start
    ],
)
def test_api_play_of_an_exported_stream_is_not_added(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    tmp_path: Path,
    played_at_s: int,
) -> None:
    track = song(fake_spotify)
    import_extended(conn, tmp_path, [ext(track)])
    fake_spotify.add_play(track, played_at_s * 1000, CONTEXT)

    report = core.sync(spotify_client, conn)

    assert (report.streams_added, report.duplicates) == (0, 1)
    # the export's stream stays (it knows ms_played) and gains the API's play context
    assert streams(conn) == [(END_S, track.uri, HEARD_MS, "extended_audio", CONTEXT[1])]


@pytest.mark.parametrize("played_at_s", [END_S + 61, END_S - HEARD_MS // 1000 - 61, END_S + 600])
def test_a_play_further_away_is_another_listen(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    tmp_path: Path,
    played_at_s: int,
) -> None:
    track = song(fake_spotify)
    import_extended(conn, tmp_path, [ext(track)])
    fake_spotify.add_play(track, played_at_s * 1000)

    assert core.sync(spotify_client, conn).streams_added == 1
    assert len(streams(conn)) == 2


def test_another_track_at_the_same_moment_is_another_stream(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection, tmp_path: Path
) -> None:
    track = song(fake_spotify)
    other = fake_spotify.add_track("Other Song")
    import_extended(conn, tmp_path, [ext(track)])
    fake_spotify.add_play(other, END_S * 1000)

    assert core.sync(spotify_client, conn).streams_added == 1


def test_an_export_imported_after_the_api_sync_does_not_double(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection, tmp_path: Path
) -> None:
    track = song(fake_spotify)
    fake_spotify.add_play(track, (END_S + 20) * 1000, CONTEXT)
    fake_spotify.add_play(track, (END_S + 1000) * 1000)  # a listen the export does not have
    assert core.sync(spotify_client, conn).streams_added == 2

    path = kit.write(
        tmp_path / kit.EXTENDED_DIR / "Streaming_History_Audio_2026.json", [ext(track)]
    )
    report = ingest.import_paths(conn, [path])

    assert report.replaced_api_streams == 1  # the import reconciles at once
    with transaction(conn):
        assert reconcile_api_streams(conn, END_S, END_S) == 0
    assert streams(conn) == [
        (END_S, track.uri, HEARD_MS, "extended_audio", CONTEXT[1]),
        (END_S + 1000, track.uri, 200_000, "api", None),
    ]


def test_an_import_reconciles_at_once_and_the_next_sync_has_nothing_to_do(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection, tmp_path: Path
) -> None:
    track = song(fake_spotify)
    fake_spotify.add_play(track, (END_S - 150) * 1000)  # near the start of the listen
    core.sync(spotify_client, conn)
    import_extended(conn, tmp_path, [ext(track)])
    assert [s[3] for s in streams(conn)] == ["extended_audio"]

    assert core.sync(spotify_client, conn).reconciled == 0


def test_account_data_streams_match_by_artist_and_name(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection, tmp_path: Path
) -> None:
    track = song(fake_spotify)
    rows = [kit.music_row(minute(END_S), "Band", "Song", HEARD_MS)]
    ingest.import_paths(conn, [kit.write(tmp_path / "StreamingHistory_music_0.json", rows)])
    # the account row knows its end to the minute: 20:26, the play was logged at 20:27:10
    fake_spotify.add_play(track, (END_S + 30) * 1000)

    report = core.sync(spotify_client, conn)

    assert (report.streams_added, report.duplicates) == (0, 1)
    assert [s[3] for s in streams(conn)] == ["account_music"]


def test_repeated_plays_each_match_their_own_stream(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection, tmp_path: Path
) -> None:
    track = song(fake_spotify)
    ends = [END_S, END_S + 200, END_S + 400]
    import_extended(conn, tmp_path, [ext(track, e, 200_000) for e in ends])
    for e in [*ends, END_S + 600]:
        fake_spotify.add_play(track, e * 1000)

    report = core.sync(spotify_client, conn)

    assert (report.streams_added, report.duplicates) == (1, 3)
    assert [s[3] for s in streams(conn)] == ["extended_audio"] * 3 + ["api"]
