"""Writing playlists: POST /me/playlists, chunked replace (<= 100 URIs a request), markers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fake_spotify import FakeSpotify, FakeTrack
from tests.fake_spotify.fixtures import SleepRecorder
from yawyas.errors import BadInputError, SpotifyError
from yawyas.sources.spotify import (
    NotAvailableError,
    RetryPolicy,
    change_playlist_details,
    create_playlist,
    fetch_playlist_items,
    find_playlist_by_marker,
    replace_playlist_items,
)

MARKER = "[yawyas:late-night]"


def _write_requests(fake: FakeSpotify, playlist_id: str) -> list[tuple[str, int, int]]:
    """(method, number of URIs, status) of each write to the playlist's items."""
    out = []
    for r in fake.requests(path=f"/v1/playlists/{playlist_id}/items"):
        if r.method == "GET":
            continue
        body = r.body
        uris = body if isinstance(body, list) else (body or {}).get("uris", [])
        out.append((r.method, len(uris), r.status))
    return out


@pytest.fixture
def catalog(fake_spotify: FakeSpotify) -> list[FakeTrack]:
    return fake_spotify.seed_catalog(260)


def test_create_playlist_uses_me_playlists(fake_spotify: FakeSpotify, spotify_client: Any) -> None:
    made = create_playlist(spotify_client, "Late night", f"Made by yawyas {MARKER}")
    (request,) = fake_spotify.requests("POST")
    assert request.path == "/v1/me/playlists"
    assert request.body == {
        "name": "Late night",
        "public": False,
        "collaborative": False,
        "description": f"Made by yawyas {MARKER}",
    }
    assert (made.owner_id, made.public, made.items_total) == ("fakelistener", False, 0)
    assert made.description == f"Made by yawyas {MARKER}"
    assert fake_spotify.count(path="/v1/users/*") == 0


def test_replace_is_chunked_at_100(
    fake_spotify: FakeSpotify, spotify_client: Any, catalog: list[FakeTrack]
) -> None:
    playlist = fake_spotify.add_playlist("Old", catalog[:5])
    uris = [t.uri for t in catalog[:250]]

    snapshot = replace_playlist_items(spotify_client, playlist.id, uris)

    assert fake_spotify.playlist_uris(playlist.id) == uris
    assert _write_requests(fake_spotify, playlist.id) == [
        ("PUT", 100, 200),
        ("POST", 100, 201),
        ("POST", 50, 201),
    ]
    assert snapshot == fake_spotify.playlist(playlist.id).snapshot_id
    assert [e.track.uri for e in fetch_playlist_items(spotify_client, playlist.id)] == uris


@pytest.mark.parametrize("n", [0, 1, 100, 101, 200])
def test_replace_sizes(
    fake_spotify: FakeSpotify, spotify_client: Any, catalog: list[FakeTrack], n: int
) -> None:
    playlist = fake_spotify.add_playlist("Old", catalog[:3])
    uris = [t.uri for t in catalog[:n]]
    replace_playlist_items(spotify_client, playlist.id, uris)
    assert fake_spotify.playlist_uris(playlist.id) == uris
    writes = _write_requests(fake_spotify, playlist.id)
    assert all(count <= 100 for _, count, _ in writes)
    assert len(writes) == max(1, -(-n // 100))
    assert writes[0][0] == "PUT"


def test_ids_are_accepted_and_turned_into_uris(
    fake_spotify: FakeSpotify, spotify_client: Any, catalog: list[FakeTrack]
) -> None:
    playlist = fake_spotify.add_playlist("Old")
    replace_playlist_items(spotify_client, playlist.uri, [catalog[0].id, catalog[1].uri])
    assert fake_spotify.playlist_uris(playlist.id) == [catalog[0].uri, catalog[1].uri]


@pytest.mark.parametrize("bad", ["spotify:local:a:b:c:100", "spotify:episode:abc", "x y"])
def test_what_cannot_be_added_is_refused_before_any_request(
    fake_spotify: FakeSpotify, spotify_client: Any, catalog: list[FakeTrack], bad: str
) -> None:
    playlist = fake_spotify.add_playlist("Old")
    with pytest.raises(BadInputError):
        replace_playlist_items(spotify_client, playlist.id, [catalog[0].uri, bad])
    assert fake_spotify.count() == 0


def test_a_write_lost_in_flight_restarts_the_replace_without_doubles(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    catalog: list[FakeTrack],
    recorded_sleep: SleepRecorder,
) -> None:
    playlist = fake_spotify.add_playlist("Old")
    uris = [t.uri for t in catalog[:250]]
    # The first add meets a 429 (retried in place), then is applied by Spotify but its answer
    # never arrives: was it applied? The replace starts over from the PUT.
    fake_spotify.fail_next(1, 429, retry_after=1, method="POST")
    fake_spotify.drop_next(1, method="POST", path="/v1/playlists/*/items", after_processing=True)

    replace_playlist_items(
        spotify_client, playlist.id, uris, policy=RetryPolicy(sleep=recorded_sleep)
    )

    assert fake_spotify.playlist_uris(playlist.id) == uris  # nothing doubled
    methods = [m for m, _, _ in _write_requests(fake_spotify, playlist.id)]
    assert methods == ["PUT", "POST", "POST", "PUT", "POST", "POST"]
    assert recorded_sleep.calls[0] == 1.0


def test_a_5xx_on_an_add_restarts_and_gives_up_cleanly(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    catalog: list[FakeTrack],
    recorded_sleep: SleepRecorder,
) -> None:
    playlist = fake_spotify.add_playlist("Old")
    uris = [t.uri for t in catalog[:150]]
    fake_spotify.fail_next(1, 502, method="POST")
    replace_playlist_items(
        spotify_client, playlist.id, uris, policy=RetryPolicy(sleep=recorded_sleep)
    )
    assert fake_spotify.playlist_uris(playlist.id) == uris

    fake_spotify.fail_path("/v1/playlists/*/items", 503, method="POST")
    with pytest.raises(SpotifyError, match="kept failing"):
        replace_playlist_items(
            spotify_client, playlist.id, uris, policy=RetryPolicy(sleep=recorded_sleep)
        )


def test_playlists_of_others_cannot_be_written(
    fake_spotify: FakeSpotify, spotify_client: Any, catalog: list[FakeTrack]
) -> None:
    theirs = fake_spotify.add_playlist("Theirs", catalog[:2], owner_id="friend", public=True)
    with pytest.raises(NotAvailableError):
        replace_playlist_items(spotify_client, theirs.id, [catalog[5].uri])
    assert fake_spotify.playlist_uris(theirs.id) == [catalog[0].uri, catalog[1].uri]


def test_an_unsure_create_is_not_repeated_and_is_found_by_marker(
    fake_spotify: FakeSpotify, spotify_client: Any
) -> None:
    fake_spotify.drop_next(1, method="POST", path="/v1/me/playlists", after_processing=True)
    with pytest.raises(SpotifyError, match="may or may not have created"):
        create_playlist(spotify_client, "Late night", f"Made by yawyas {MARKER}")
    assert fake_spotify.count("POST", "/v1/me/playlists") == 1
    found = find_playlist_by_marker(spotify_client, MARKER)
    assert found is not None
    assert found.name == "Late night"


def test_find_by_marker_ignores_other_owners_and_decodes_descriptions(
    fake_spotify: FakeSpotify, spotify_client: Any
) -> None:
    fake_spotify.add_playlist("Copy", owner_id="friend", description=f"copied {MARKER}")
    assert find_playlist_by_marker(spotify_client, MARKER) is None
    mine = fake_spotify.add_playlist("Mine", description=f"Tom's <mix> & more / {MARKER}")
    assert fake_spotify.state.escape_descriptions  # Spotify sends &#x27; &lt; &amp; &#x2F;
    found = find_playlist_by_marker(spotify_client, MARKER, owner_id="fakelistener")
    assert found is not None
    assert found.id == mine.id
    assert found.description == f"Tom's <mix> & more / {MARKER}"
    with pytest.raises(BadInputError):
        find_playlist_by_marker(spotify_client, "")


def test_change_details(fake_spotify: FakeSpotify, spotify_client: Any) -> None:
    playlist = fake_spotify.add_playlist("Old name")
    change_playlist_details(spotify_client, playlist.id, name="New", description=f"d {MARKER}")
    (request,) = fake_spotify.requests("PUT")
    assert request.path == f"/v1/playlists/{playlist.id}"
    assert request.body == {"name": "New", "description": f"d {MARKER}"}
    assert (fake_spotify.playlist(playlist.id).name, request.status) == ("New", 200)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(picks=st.lists(st.integers(min_value=0, max_value=259), max_size=320))
def test_any_replace_ends_exact_in_chunks_of_at_most_100(
    fake_spotify: FakeSpotify, spotify_client: Any, catalog: list[FakeTrack], picks: list[int]
) -> None:
    playlist = fake_spotify.add_playlist("Target", catalog[:7])
    uris = [catalog[i].uri for i in picks]  # duplicates allowed, order kept
    replace_playlist_items(spotify_client, playlist.id, uris)
    assert fake_spotify.playlist_uris(playlist.id) == uris
    writes = _write_requests(fake_spotify, playlist.id)
    assert writes[0][0] == "PUT"
    assert all(method == "POST" for method, _, _ in writes[1:])
    assert all(n <= 100 for _, n, _ in writes)
    assert sum(n for _, n, _ in writes) == len(uris)
