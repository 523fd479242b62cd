"""`enrich` against the fake Spotify: one request per new item, a cache that is never asked
again, interruptions (429, 503, Ctrl-C) that lose nothing and mark nothing wrongly missing,
and ISRC-sharing tracks merged into one recording."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from tests import exportkit as kit
from tests.fake_spotify import FakeSpotify, FakeTrack
from tests.fake_spotify.fixtures import SleepRecorder
from yawyas.errors import AuthError, BadInputError, RateLimitedError, SpotifyError
from yawyas.services import ingest
from yawyas.services import sync as core
from yawyas.settings import Config
from yawyas.sources.spotify import RetryPolicy
from yawyas.store.db import load_generation
from yawyas.store.metadata import load_recordings, load_track_meta, load_tracks_to_enrich

GONE = "0000000000000000000404"  # a track id Spotify does not know (404)
START_S = 1_780_000_000


def import_uris(conn: sqlite3.Connection, folder: Path, uris: list[str], name: str = "a") -> None:
    """An extended-history export with one stream of each URI (no Spotify lookups)."""
    rows = [
        kit.ext_row(
            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(START_S + 300 * i)),
            track=f"Track {uri[-4:]}",
            uri=uri,
        )
        for i, uri in enumerate(uris)
    ]
    path = kit.write(folder / name / kit.EXTENDED_DIR / "Streaming_History_Audio_2026.json", rows)
    ingest.import_paths(conn, [path])


def track_requests(fake: FakeSpotify, track_id: str = "*") -> int:
    return fake.count("GET", f"/v1/tracks/{track_id}")


def meta_status(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        uri: status
        for uri, status in conn.execute(
            "SELECT i.uri, m.status FROM track_meta m JOIN items i ON i.id = m.item_id"
        )
    }


@pytest.fixture
def catalog(fake_spotify: FakeSpotify) -> list[FakeTrack]:
    return fake_spotify.seed_catalog(8, n_artists=3)


def test_one_request_per_new_item_and_the_cache_is_never_asked_again(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    tmp_path: Path,
    catalog: list[FakeTrack],
) -> None:
    import_uris(conn, tmp_path, [t.uri for t in catalog[:6]] + [f"spotify:track:{GONE}"])

    report = core.enrich(spotify_client, conn)

    assert track_requests(fake_spotify) == 7
    assert fake_spotify.count("GET", "/v1/artists/*") == 3
    assert (report.tracks_fetched, report.tracks_missing) == (7, 1)
    assert (report.artists_fetched, report.artists_missing) == (3, 0)
    assert (report.tracks_left, report.artists_left) == (0, 0)
    assert meta_status(conn)[f"spotify:track:{GONE}"] == 0

    ids = dict(conn.execute("SELECT uri, id FROM items"))
    first = load_track_meta(conn).set_index("item_id").loc[ids[catalog[0].uri]]
    assert first["duration_ms"] == catalog[0].duration_ms
    assert first["isrc"] == catalog[0].isrc
    assert bool(first["explicit"]) is catalog[0].explicit
    assert first["release_date"] == "2020-01-01"
    assert first["release_year"] == 2020
    assert first["artist_ids"] == tuple(catalog[0].artist_ids)
    genres = dict(conn.execute("SELECT artist_id, genres FROM artist_meta"))
    assert json.loads(genres[catalog[0].artist_ids[0]]) == ["indie pop"]

    fake_spotify.clear_log()
    again = core.enrich(spotify_client, conn)
    assert fake_spotify.count() == 0
    assert (again.tracks_fetched, again.artists_fetched) == (0, 0)

    import_uris(conn, tmp_path, [t.uri for t in catalog[4:8]], name="b")  # 2 of them new
    core.enrich(spotify_client, conn)
    assert track_requests(fake_spotify) == 2
    assert fake_spotify.count("GET", "/v1/artists/*") == 0  # their artists are known


def test_interrupted_by_429s_and_503s_it_completes_next_time_losing_nothing(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    tmp_path: Path,
    catalog: list[FakeTrack],
    fast_policy: RetryPolicy,
    recorded_sleep: SleepRecorder,
) -> None:
    import_uris(conn, tmp_path, [t.uri for t in catalog])
    import_uris(conn, tmp_path, [f"spotify:track:{GONE}"], name="b")
    order = [tid for _, tid in load_tracks_to_enrich(conn)]  # the order of the lookups
    assert order[-1] == GONE
    by_id = {t.id: t for t in catalog}
    catalog = [by_id[tid] for tid in order[:-1]]
    fake_spotify.fail_next(2, 503, path=f"/v1/tracks/{catalog[1].id}")  # retried, then fine
    fake_spotify.fail_next(1, 429, retry_after=5, path=f"/v1/tracks/{catalog[2].id}")  # waited
    fake_spotify.fail_next(1, 429, retry_after=7200, path=f"/v1/tracks/{catalog[5].id}")  # stop

    with pytest.raises(RateLimitedError) as stopped:
        core.enrich(spotify_client, conn, policy=fast_policy, batch_size=2)

    message = stopped.value.message
    assert "wait 2.0 h" in message
    assert "the 5 tracks and 0 artists" in message
    assert "run `yawyas enrich` again after" in message
    assert "\n" not in message
    assert 5 in recorded_sleep.calls
    assert 7200 not in recorded_sleep.calls
    assert meta_status(conn) == {t.uri: 1 for t in catalog[:5]}  # nothing marked missing

    fake_spotify.fail_path(f"/v1/tracks/{catalog[6].id}", 503, times=4)  # gives up on it
    with pytest.raises(SpotifyError, match="503") as failed:
        core.enrich(spotify_client, conn, policy=fast_policy, batch_size=2)
    assert not isinstance(failed.value, RateLimitedError)
    assert "the 1 track and 0 artists looked up so far are saved" in failed.value.message
    assert meta_status(conn) == {t.uri: 1 for t in catalog[:6]}

    report = core.enrich(spotify_client, conn, policy=fast_policy)

    assert (report.tracks_fetched, report.tracks_missing, report.tracks_left) == (3, 1, 0)
    assert meta_status(conn) == {
        **{t.uri: 1 for t in catalog},
        f"spotify:track:{GONE}": 0,
    }
    assert track_requests(fake_spotify, catalog[5].id) == 2  # the 429, then the answer
    assert track_requests(fake_spotify, catalog[0].id) == 1


def test_waits_up_to_the_threshold_and_no_longer(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    tmp_path: Path,
    catalog: list[FakeTrack],
    recorded_sleep: SleepRecorder,
) -> None:
    import_uris(conn, tmp_path, [t.uri for t in catalog[:3]])
    policy = RetryPolicy(
        max_wait_s=core.max_wait_s(30, Config(Path("c.toml"))), sleep=recorded_sleep
    )
    fake_spotify.fail_next(1, 429, retry_after=30, path="/v1/tracks/*")
    fake_spotify.fail_next(1, 429, retry_after=31, path="/v1/tracks/*")

    with pytest.raises(RateLimitedError, match="wait 31 s"):
        core.enrich(spotify_client, conn, policy=policy)
    assert recorded_sleep.calls == [30]


def test_quota_exceeded_stops_and_says_when_to_resume(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    tmp_path: Path,
    catalog: list[FakeTrack],
    fast_policy: RetryPolicy,
) -> None:
    import_uris(conn, tmp_path, [t.uri for t in catalog[:3]])
    fake_spotify.quota_exceeded_next(1, retry_after=20 * 3600, path="/v1/tracks/*")
    with pytest.raises(RateLimitedError, match=r"quota is used up.*run `yawyas enrich` again"):
        core.enrich(spotify_client, conn, policy=fast_policy)
    assert meta_status(conn) == {}


def test_ctrl_c_keeps_what_was_fetched(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    tmp_path: Path,
    catalog: list[FakeTrack],
) -> None:
    import_uris(conn, tmp_path, [t.uri for t in catalog])

    def progress(what: str, done: int, total: int) -> None:
        if done == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        core.enrich(spotify_client, conn, progress=progress, batch_size=2)
    assert len(meta_status(conn)) == 5

    fake_spotify.clear_log()
    assert core.enrich(spotify_client, conn).tracks_fetched == 3
    assert track_requests(fake_spotify) == 3


def test_an_expired_login_is_one_line(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    tmp_path: Path,
    catalog: list[FakeTrack],
) -> None:
    import_uris(conn, tmp_path, [t.uri for t in catalog[:2]])
    fake_spotify.expire_access_tokens()
    fake_spotify.revoke_refresh_tokens()
    with pytest.raises(AuthError, match=r"^Your Spotify login has expired; run `yawyas login`"):
        core.enrich(spotify_client, conn)
    assert meta_status(conn) == {}


def test_tracks_sharing_an_isrc_are_one_recording(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection, tmp_path: Path
) -> None:
    band = fake_spotify.add_artist("Band")
    single = fake_spotify.add_track("Song", [band], isrc="usrc17607839")
    on_album = fake_spotify.add_track("Song", [band], isrc="USRC17607839")
    other = fake_spotify.add_track("Other", [band])
    import_uris(conn, tmp_path, [single.uri, on_album.uri, other.uri, on_album.uri])
    before = conn.execute("SELECT * FROM streams ORDER BY 1, 2").fetchall()

    core.enrich(spotify_client, conn)

    ids = dict(conn.execute("SELECT uri, id FROM items"))
    first = min(ids[single.uri], ids[on_album.uri])  # the canonical item of the recording
    recordings = load_recordings(conn)
    assert recordings[ids[single.uri]] == recordings[ids[on_album.uri]] == first
    assert recordings[ids[other.uri]] == ids[other.uri]
    frame = load_track_meta(conn).set_index("item_id")
    assert frame.loc[ids[single.uri], "recording_id"] == first
    assert frame.loc[ids[on_album.uri], "recording_id"] == first
    assert frame.loc[ids[other.uri], "recording_id"] == ids[other.uri]
    assert conn.execute("SELECT * FROM streams ORDER BY 1, 2").fetchall() == before
    assert load_generation(conn) >= 2  # the import, then the enrichment


def test_max_wait_comes_from_the_option_the_config_or_the_default() -> None:
    config = Config(Path("config.toml"), {"spotify": {"max_wait_s": 300}})
    assert core.max_wait_s(None, Config(Path("config.toml"))) == 60
    assert core.max_wait_s(None, config) == 300
    assert core.max_wait_s(5, config) == 5
    with pytest.raises(BadInputError, match="max_wait_s"):
        core.max_wait_s(None, Config(Path("config.toml"), {"spotify": {"max_wait_s": "soon"}}))
