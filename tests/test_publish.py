"""Publishing recipes to the fake Spotify: once created, replaced in place, never duplicated."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.fake_spotify import FakeSpotify, FakeTrack
from yawyas.errors import SpotifyError
from yawyas.playlists.generate import Pick, Playlist
from yawyas.playlists.recipes import Recipe
from yawyas.services.publish import description, publish_playlist
from yawyas.sources.spotify import RetryPolicy
from yawyas.store.published import load_published

RECIPE = Recipe(key="weekend-run", name="Weekend run (yawyas)", mood="run")


@pytest.fixture
def catalog(fake_spotify: FakeSpotify) -> list[FakeTrack]:
    return fake_spotify.seed_catalog(260)


def made(tracks: list[FakeTrack]) -> Playlist:
    picks = tuple(Pick(t.uri, t.name, "artist", "because", 1.0, "familiar") for t in tracks)
    return Playlist(RECIPE.key, RECIPE.name, "in all", picks)


def ours(fake: FakeSpotify) -> list[Any]:
    with fake.state.lock:
        return [p for p in fake.state.playlists.values() if RECIPE.marker in p.description]


def test_first_publish_creates_a_private_playlist_with_a_marker(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    catalog: list[FakeTrack],
    fast_policy: RetryPolicy,
) -> None:
    result = publish_playlist(spotify_client, conn, RECIPE, made(catalog[:30]), policy=fast_policy)
    assert result.created
    assert result.written
    (playlist,) = ours(fake_spotify)
    assert playlist.public is False
    assert playlist.name == RECIPE.name
    assert fake_spotify.playlist_uris(playlist.id) == [t.uri for t in catalog[:30]]
    remembered = load_published(conn, RECIPE.key)
    assert remembered is not None
    assert remembered.complete
    assert remembered.spotify_id == playlist.id


def test_second_publish_replaces_in_place_and_chunks_at_100(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    catalog: list[FakeTrack],
    fast_policy: RetryPolicy,
) -> None:
    publish_playlist(spotify_client, conn, RECIPE, made(catalog[:30]), policy=fast_policy)
    fake_spotify.clear_log()
    result = publish_playlist(
        spotify_client, conn, RECIPE, made(catalog[10:260]), policy=fast_policy
    )
    assert not result.created
    assert result.written
    (playlist,) = ours(fake_spotify)
    assert fake_spotify.playlist_uris(playlist.id) == [t.uri for t in catalog[10:260]]
    assert fake_spotify.count("POST", "/v1/me/playlists") == 0
    writes = [
        (r.method, len(r.body if isinstance(r.body, list) else r.body["uris"]))
        for r in fake_spotify.requests(path=f"/v1/playlists/{playlist.id}/items")
        if r.method != "GET"
    ]
    assert writes == [("PUT", 100), ("POST", 100), ("POST", 50)]


def test_unchanged_playlist_is_not_written(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    catalog: list[FakeTrack],
    fast_policy: RetryPolicy,
) -> None:
    publish_playlist(spotify_client, conn, RECIPE, made(catalog[:20]), policy=fast_policy)
    fake_spotify.clear_log()
    result = publish_playlist(spotify_client, conn, RECIPE, made(catalog[:20]), policy=fast_policy)
    assert not result.written
    assert fake_spotify.count("PUT") == fake_spotify.count("POST") == 0


def test_lost_store_finds_the_playlist_by_its_marker(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    tmp_path: Path,
    catalog: list[FakeTrack],
    fast_policy: RetryPolicy,
) -> None:
    from yawyas.store.db import connect

    first = connect(tmp_path / "a.db")
    publish_playlist(spotify_client, first, RECIPE, made(catalog[:20]), policy=fast_policy)
    fresh = connect(tmp_path / "b.db")  # the store was lost
    result = publish_playlist(
        spotify_client, fresh, RECIPE, made(catalog[5:25]), policy=fast_policy
    )
    assert result.found_by_marker
    assert not result.created
    assert result.written
    (playlist,) = ours(fake_spotify)
    assert fake_spotify.playlist_uris(playlist.id) == [t.uri for t in catalog[5:25]]
    remembered = load_published(fresh, RECIPE.key)
    assert remembered is not None
    assert remembered.spotify_id == playlist.id


def test_playlist_deleted_on_spotify_is_made_again_once(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    catalog: list[FakeTrack],
    fast_policy: RetryPolicy,
) -> None:
    publish_playlist(spotify_client, conn, RECIPE, made(catalog[:20]), policy=fast_policy)
    (old,) = ours(fake_spotify)
    with fake_spotify.state.lock:
        del fake_spotify.state.playlists[old.id]
        fake_spotify.state.playlist_order.remove(old.id)
    result = publish_playlist(spotify_client, conn, RECIPE, made(catalog[:20]), policy=fast_policy)
    assert result.created
    (new,) = ours(fake_spotify)
    assert new.id != old.id
    assert fake_spotify.playlist_uris(new.id) == [t.uri for t in catalog[:20]]


def test_dry_run_shows_the_difference_and_writes_nothing(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    catalog: list[FakeTrack],
    fast_policy: RetryPolicy,
) -> None:
    dry = publish_playlist(
        spotify_client, conn, RECIPE, made(catalog[:10]), dry_run=True, policy=fast_policy
    )
    assert dry.created
    assert not dry.written
    assert len(dry.added) == 10
    assert ours(fake_spotify) == []
    publish_playlist(spotify_client, conn, RECIPE, made(catalog[:10]), policy=fast_policy)
    fake_spotify.clear_log()
    dry = publish_playlist(
        spotify_client, conn, RECIPE, made(catalog[5:12]), dry_run=True, policy=fast_policy
    )
    assert dry.added == [t.uri for t in catalog[10:12]]
    assert dry.removed == [t.uri for t in catalog[:5]]
    assert fake_spotify.count("PUT") == fake_spotify.count("POST") == 0
    (playlist,) = ours(fake_spotify)
    assert fake_spotify.playlist_uris(playlist.id) == [t.uri for t in catalog[:10]]


def test_interrupted_publish_converges_on_the_next_run(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    catalog: list[FakeTrack],
    recorded_sleep: Any,
) -> None:
    impatient = RetryPolicy(sleep=recorded_sleep, max_attempts=1, max_write_restarts=0)
    publish_playlist(spotify_client, conn, RECIPE, made(catalog[:10]), policy=impatient)
    (playlist,) = ours(fake_spotify)
    # the second chunk fails for good: PUT of the first 100 landed, the rest did not
    fake_spotify.fail_path(f"/v1/playlists/{playlist.id}/items", 503, method="POST")
    with pytest.raises(SpotifyError):
        publish_playlist(spotify_client, conn, RECIPE, made(catalog[:250]), policy=impatient)
    assert len(fake_spotify.playlist_uris(playlist.id)) == 100
    remembered = load_published(conn, RECIPE.key)
    assert remembered is not None
    assert not remembered.complete
    fake_spotify.clear_faults()
    result = publish_playlist(spotify_client, conn, RECIPE, made(catalog[:250]), policy=impatient)
    assert result.written
    assert not result.created
    assert fake_spotify.playlist_uris(playlist.id) == [t.uri for t in catalog[:250]]
    assert len(ours(fake_spotify)) == 1


def test_unsure_create_never_makes_a_second_copy(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    conn: sqlite3.Connection,
    catalog: list[FakeTrack],
    fast_policy: RetryPolicy,
) -> None:
    fake_spotify.drop_next(1, method="POST", path="/v1/me/playlists", after_processing=True)
    with pytest.raises(SpotifyError, match="may or may not"):
        publish_playlist(spotify_client, conn, RECIPE, made(catalog[:10]), policy=fast_policy)
    result = publish_playlist(spotify_client, conn, RECIPE, made(catalog[:10]), policy=fast_policy)
    assert result.found_by_marker
    assert not result.created
    (playlist,) = ours(fake_spotify)
    assert fake_spotify.playlist_uris(playlist.id) == [t.uri for t in catalog[:10]]


def test_description_ends_with_the_marker_within_the_limit() -> None:
    long = Recipe(key="k", name="n", mood="run", description="x" * 500)
    text = description(long, Playlist("k", "n", "in all", ()))
    assert text.endswith(" [yawyas:k]")
    assert len(text) <= 300
