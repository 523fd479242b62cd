"""`sync` against the fake Spotify: plays with their context, the cursor, top snapshots, saved
tracks and playlists, and a second sync that adds nothing and asks little."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from tests import exportkit as kit
from tests.fake_spotify import FakePlaylist, FakeSpotify, FakeTrack
from yawyas.errors import BadInputError
from yawyas.services import ingest
from yawyas.services import sync as core
from yawyas.sources.spotify import RetryPolicy
from yawyas.store.db import load_generation, transaction
from yawyas.store.dimensions import SOURCE_ID
from yawyas.store.metadata import load_tracks_to_enrich
from yawyas.store.spotify import RECENT_CURSOR, load_playlist_memberships, load_state, save_state
from yawyas.store.spotify_library import load_saved_item_ids, load_top, load_top_days

T0_MS = 1_780_000_000_000  # 2026-05-28T20:26:40Z
GAP_MS = 210_000


@dataclass
class World:
    tracks: list[FakeTrack]
    mine: FakePlaylist
    shared: FakePlaylist  # someone else's, collaborative with the user
    followed: FakePlaylist  # someone else's, only followed: metadata only
    locked: FakePlaylist  # collaborative, but the user is not a collaborator: 403


def seed_world(fake: FakeSpotify, n_plays: int = 6) -> World:
    """A listener: plays (some from a playlist), top lists, saved tracks and playlists."""
    tracks = fake.seed_catalog(12, n_artists=4)
    mine = fake.add_playlist("Morning", tracks[:3])
    fake.add_local_entry(mine, "Home Band", "Tapes", "Demo", 123)
    fake.add_unavailable_entry(mine)
    shared = fake.add_playlist("Shared", tracks[3:5], owner_id="friend", collaborative=True)
    followed = fake.add_playlist("Their hits", tracks[5:7], owner_id="label")
    locked = fake.add_playlist(
        "Locked", tracks[7:8], owner_id="other", collaborative=True, collaborators=()
    )
    for i in range(n_plays):
        context = ("playlist", mine.uri) if i < 2 else None
        fake.add_play(tracks[i % len(tracks)], T0_MS + i * GAP_MS, context)
    for time_range in ("short_term", "medium_term", "long_term"):
        fake.set_top("tracks", time_range, tracks[:4])
        fake.set_top("artists", time_range, [fake.state.artists[a] for a in tracks[0].artist_ids])
    fake.save_tracks(tracks[8:11], added_at_s=T0_MS // 1000)
    return World(tracks, mine, shared, followed, locked)


class ApiStream(NamedTuple):
    played_at: int
    uri: str
    ms_played: int
    context_uri: str | None


def api_streams(conn: sqlite3.Connection) -> list[ApiStream]:
    rows = conn.execute(
        "SELECT s.ended_at, i.uri, s.ms_played, s.context_uri FROM streams s"
        " JOIN items i ON i.id = s.item_id WHERE s.source = ? ORDER BY s.ended_at",
        (SOURCE_ID["api"],),
    )
    return [ApiStream(*r) for r in rows]


def test_first_sync_keeps_plays_top_saved_and_playlists(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection
) -> None:
    world = seed_world(fake_spotify)
    report = core.sync(spotify_client, conn, now_s=T0_MS / 1000)

    assert report.user_id == fake_spotify.user.id
    assert (report.plays_fetched, report.streams_added, report.duplicates) == (6, 6, 0)
    rows = api_streams(conn)
    assert [r.played_at for r in rows] == [(T0_MS + i * GAP_MS) // 1000 for i in range(6)]
    assert [r.uri for r in rows] == [t.uri for t in world.tracks[:6]]
    # the API gives no ms_played: the track's duration stands in for it
    assert [r.ms_played for r in rows] == [t.duration_ms for t in world.tracks[:6]]
    assert [r.context_uri for r in rows] == [world.mine.uri] * 2 + [None] * 4
    assert load_state(conn, RECENT_CURSOR) == str(T0_MS + 5 * GAP_MS)
    assert load_generation(conn) >= 1

    assert report.top_taken_on == "2026-05-28"
    top = load_top(conn, "tracks", "short_term")
    assert [name for *_, name in top] == [t.name for t in world.tracks[:4]]
    assert load_top(conn, "artists", "long_term")[0][2] == world.tracks[0].artist_ids[0]

    assert report.saved_added == 3
    uris = dict(conn.execute("SELECT id, uri FROM items"))
    assert [uris[i] for i in load_saved_item_ids(conn)] == [t.uri for t in world.tracks[8:11]]

    assert (report.playlists, report.playlists_read, report.playlists_not_available) == (4, 2, 1)
    members = load_playlist_memberships(conn)
    by_name: dict[str, set[str]] = {}
    for name, item_id in members:
        by_name.setdefault(name, set()).add(uris[item_id])
    assert by_name == {
        "Morning": {t.uri for t in world.tracks[:3]},
        "Shared": {t.uri for t in world.tracks[3:5]},
    }
    local = conn.execute(
        "SELECT local_uri FROM spotify_playlist_items WHERE local_uri IS NOT NULL"
    ).fetchall()
    assert local == [("spotify:local:Home+Band:Tapes:Demo:123",)]
    status = dict(conn.execute("SELECT name, items_status FROM spotify_playlists"))
    assert status == {
        "Morning": "stored",
        "Shared": "stored",
        "Their hits": None,
        "Locked": "not available",
    }
    # every track seen in full is cached: enrichment will not ask for it again
    seen = {t.uri for t in world.tracks[:6] + world.tracks[8:11]}
    cached = {uris[i] for (i,) in conn.execute("SELECT item_id FROM track_meta WHERE status = 1")}
    assert cached == seen
    assert not load_tracks_to_enrich(conn)


def test_second_sync_adds_nothing_and_asks_little(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection
) -> None:
    seed_world(fake_spotify)
    core.sync(spotify_client, conn, now_s=T0_MS / 1000)
    before = conn.execute("SELECT count(*) FROM streams").fetchone()
    generation = load_generation(conn)
    fake_spotify.clear_log()

    report = core.sync(spotify_client, conn, now_s=T0_MS / 1000 + 1800)

    assert (report.plays_fetched, report.streams_added, report.saved_added) == (0, 0, 0)
    assert report.top_taken_on is None
    assert report.playlists_read == 0
    assert conn.execute("SELECT count(*) FROM streams").fetchone() == before
    assert load_generation(conn) == generation
    recent = fake_spotify.requests("GET", "/v1/me/player/recently-played")
    assert [r.q("after") for r in recent] == [str(T0_MS + 5 * GAP_MS)]
    assert fake_spotify.count(path="/v1/me/top/*") == 0
    assert fake_spotify.count(path="/v1/playlists/*/items") == 0
    assert fake_spotify.count() == 4  # me, recently played, saved tracks, playlists


def test_new_plays_arrive_incrementally_and_a_changed_playlist_is_read_again(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection
) -> None:
    world = seed_world(fake_spotify)
    core.sync(spotify_client, conn, now_s=T0_MS / 1000)
    later = T0_MS + 10 * GAP_MS
    fake_spotify.add_play(world.tracks[11], later, ("album", "spotify:album:abc"))
    fake_spotify.save_tracks([world.tracks[11]], added_at_s=later // 1000)
    fake_spotify.add_local_entry(world.mine, "Home Band", "Tapes", "Demo 2", 99)
    fake_spotify.clear_log()

    report = core.sync(spotify_client, conn, now_s=T0_MS / 1000 + 86_400)

    assert (report.plays_fetched, report.streams_added) == (1, 1)
    assert api_streams(conn)[-1].context_uri == "spotify:album:abc"
    assert report.saved_added == 1
    assert report.top_taken_on == "2026-05-29"  # a new day, a new snapshot
    assert load_top_days(conn) == ["2026-05-28", "2026-05-29"]
    assert report.playlists_read == 1  # only Morning changed
    assert fake_spotify.count(path=f"/v1/playlists/{world.mine.id}/items") == 1
    assert fake_spotify.count(path=f"/v1/playlists/{world.locked.id}/items") == 0


def test_full_sync_rereads_and_forgets_unsaved_and_deleted(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection
) -> None:
    world = seed_world(fake_spotify)
    core.sync(spotify_client, conn, now_s=T0_MS / 1000)
    with fake_spotify.state.lock:
        fake_spotify.state.saved = fake_spotify.state.saved[:1]
        del fake_spotify.state.playlists[world.followed.id]
        fake_spotify.state.playlist_order.remove(world.followed.id)

    report = core.sync(spotify_client, conn, full=True, now_s=T0_MS / 1000)

    assert report.top_taken_on == "2026-05-28"
    assert len(load_saved_item_ids(conn)) == 1
    assert report.playlists == 3
    assert report.playlists_read == 2
    names = {r[0] for r in conn.execute("SELECT name FROM spotify_playlists")}
    assert names == {"Morning", "Shared", "Locked"}
    assert len(load_top(conn, "tracks", "medium_term")) == 4  # replaced, not doubled


def test_a_full_window_since_the_last_sync_is_reported(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection
) -> None:
    world = seed_world(fake_spotify)
    core.sync(spotify_client, conn, now_s=T0_MS / 1000)
    start = T0_MS + 100 * GAP_MS
    fake_spotify.add_plays(world.tracks * 5, start)  # 60 plays, only 50 visible

    report = core.sync(spotify_client, conn, now_s=T0_MS / 1000)

    assert report.window_full
    assert report.streams_added == 50


def test_a_store_of_another_spotify_user_is_refused(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection
) -> None:
    seed_world(fake_spotify)
    with transaction(conn):
        save_state(conn, "user_id", "someone-else")
    with pytest.raises(BadInputError, match="someone-else"):
        core.sync(spotify_client, conn)
    assert not api_streams(conn)


def test_memberships_cover_export_and_api_playlists(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection, tmp_path: Path
) -> None:
    world = seed_world(fake_spotify)
    doc = kit.playlists_doc(
        (
            "Old favourites",
            [
                {
                    "trackName": world.tracks[0].name,
                    "artistName": "Seed Artist 0",
                    "albumName": world.tracks[0].name,
                    "trackUri": world.tracks[0].uri,
                }
            ],
        ),
    )
    ingest.import_paths(conn, [kit.write(tmp_path / kit.ACCOUNT_DIR / "Playlist1.json", doc)])
    core.sync(spotify_client, conn, now_s=T0_MS / 1000)

    members = load_playlist_memberships(conn)
    names = [name for name, _ in members]
    assert names == sorted(names)
    assert names.count("Old favourites") == 1
    assert names.count("Morning") == 3
    ids = {name: item for name, item in members if name == "Old favourites"}
    morning = {item for name, item in members if name == "Morning"}
    assert ids["Old favourites"] in morning  # the same item from both sides


def test_a_short_rate_limit_is_waited_out_during_sync(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    fast_policy: RetryPolicy,
    recorded_sleep: Any,
) -> None:
    seed_world(fake_spotify)
    fake_spotify.fail_next(1, 429, retry_after=3, path="/v1/me/player/recently-played")
    fake_spotify.fail_next(2, 503, path="/v1/me/playlists")

    report = core.sync(spotify_client, conn, policy=fast_policy, now_s=T0_MS / 1000)

    assert report.streams_added == 6
    assert report.playlists == 4
    assert 3 in recorded_sleep.calls


def test_top_lists_are_asked_once_a_day_even_when_empty(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection
) -> None:
    core.sync(spotify_client, conn, now_s=T0_MS / 1000)
    assert fake_spotify.count(path="/v1/me/top/*") == 6
    core.sync(spotify_client, conn, now_s=T0_MS / 1000 + 3600)
    assert fake_spotify.count(path="/v1/me/top/*") == 6
    assert load_top(conn, "tracks", "short_term") == []
