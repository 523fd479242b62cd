"""Fetchers against the fake Spotify: shapes, paging over absolute `next` URLs, cursors."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import yawyas.sources.spotify as spotify_module
from tests.fake_spotify import FakeSpotify
from tests.fake_spotify.state import iso_from_ms
from yawyas.errors import BadInputError
from yawyas.sources import spotify_auth, spotify_client, spotify_models
from yawyas.sources.spotify import (
    MissingError,
    NotAvailableError,
    fetch_artist,
    fetch_me,
    fetch_playlist_items,
    fetch_playlists,
    fetch_recently_played,
    fetch_saved_tracks,
    fetch_top,
    fetch_track,
    iso_to_ms,
)

T0_MS = 1_780_000_000_000  # 2026-05-28


def test_fetch_me(fake_spotify: FakeSpotify, spotify_client: Any) -> None:
    me = fetch_me(spotify_client)
    assert (me.id, me.display_name, me.account_id) == (
        "fakelistener",
        "Fake Listener",
        "aB3dE5fG7h",
    )
    assert me.uri == "spotify:user:fakelistener"


# ----- recently played ----------------------------------------------------------------------------


def test_recently_played_shapes_and_order(fake_spotify: FakeSpotify, spotify_client: Any) -> None:
    artist = fake_spotify.add_artist("Stereolab")
    album = fake_spotify.add_album("Dots and Loops", [artist], release_date="1997-09-22")
    track = fake_spotify.add_track(
        "Brakhage", [artist], album=album, duration_ms=377_000, explicit=True, isrc="GBAAA9700001"
    )
    others = fake_spotify.seed_catalog(3)
    fake_spotify.add_play(others[0], T0_MS)
    fake_spotify.add_play(track, T0_MS + 400_123, context=("playlist", "spotify:playlist:p1"))
    fake_spotify.add_play(others[1], T0_MS + 900_000)

    plays = fetch_recently_played(spotify_client, None)

    assert [p.played_at_ms for p in plays] == [T0_MS, T0_MS + 400_123, T0_MS + 900_000]
    middle = plays[1]
    assert middle.context is not None
    assert (middle.context.type, middle.context.uri) == ("playlist", "spotify:playlist:p1")
    assert plays[0].context is None
    t = middle.track
    assert (t.uri, t.id, t.name, t.duration_ms, t.explicit, t.isrc, t.is_local) == (
        track.uri, track.id, "Brakhage", 377_000, True, "GBAAA9700001", False
    )  # fmt: skip
    assert [a.name for a in t.artists] == ["Stereolab"]
    assert t.album is not None
    assert (t.album.name, t.album.release_date, t.album.release_date_precision) == (
        "Dots and Loops", "1997-09-22", "day"
    )  # fmt: skip
    assert not hasattr(t, "popularity")


def test_recently_played_is_incremental_with_after(
    fake_spotify: FakeSpotify, spotify_client: Any
) -> None:
    tracks = fake_spotify.seed_catalog(10)
    fake_spotify.add_plays(tracks, T0_MS)
    first = fetch_recently_played(spotify_client, None)
    assert len(first) == 10
    last_ms = first[-1].played_at_ms

    fake_spotify.clear_log()
    assert fetch_recently_played(spotify_client, last_ms) == []
    (request,) = fake_spotify.requests("GET", "/v1/me/player/recently-played")
    assert (request.q("after"), request.q("limit")) == (str(last_ms), "50")

    new = fake_spotify.add_plays(tracks[:3], last_ms + 1_000_000)
    again = fetch_recently_played(spotify_client, last_ms)
    assert [p.played_at_ms for p in again] == [p.played_at_ms for p in new]


def test_recently_played_only_keeps_the_last_50(
    fake_spotify: FakeSpotify, spotify_client: Any
) -> None:
    tracks = fake_spotify.seed_catalog(80)
    plays = fake_spotify.add_plays(tracks, T0_MS, gap_ms=60_000)
    got = fetch_recently_played(spotify_client, None)
    assert [p.played_at_ms for p in got] == [p.played_at_ms for p in plays[-50:]]
    assert fetch_recently_played(spotify_client, plays[10].played_at_ms)[0].played_at_ms == (
        plays[30].played_at_ms
    )


def test_recently_played_pages_forward_when_more_than_a_page_is_newer(
    fake_spotify: FakeSpotify, spotify_client: Any
) -> None:
    fake_spotify.state.recent_window = 120  # a roomier fake, to exercise the `after` loop
    tracks = fake_spotify.seed_catalog(120)
    plays = fake_spotify.add_plays(tracks, T0_MS, gap_ms=60_000)
    got = fetch_recently_played(spotify_client, T0_MS - 1)
    assert [p.played_at_ms for p in got] == [p.played_at_ms for p in plays]
    afters = [r.q("after") for r in fake_spotify.requests("GET", "/v1/me/player/recently-played")]
    assert afters == [
        str(T0_MS - 1),
        str(plays[49].played_at_ms),
        str(plays[99].played_at_ms),
    ]


# ----- paged lists --------------------------------------------------------------------------------


def test_saved_tracks_follow_absolute_next_urls(
    fake_spotify: FakeSpotify, spotify_client: Any
) -> None:
    tracks = fake_spotify.seed_catalog(237)
    fake_spotify.save_tracks(tracks, added_at_s=1_780_000_000)
    seen: list[tuple[int, int | None]] = []

    saved = fetch_saved_tracks(spotify_client, progress=lambda n, total: seen.append((n, total)))

    assert [s.track.uri for s in saved] == [t.uri for t in tracks]
    assert saved[0].added_at_ms == 1_780_000_000_000
    requests_made = fake_spotify.requests("GET", "/v1/me/tracks")
    assert len(requests_made) == 5
    assert [r.q("offset") for r in requests_made] == ["0", "50", "100", "150", "200"]
    assert all(r.q("limit") == "50" for r in requests_made)
    assert seen[-1] == (237, 237)


def test_saved_tracks_stop_at_a_known_moment(
    fake_spotify: FakeSpotify, spotify_client: Any
) -> None:
    tracks = fake_spotify.seed_catalog(120)
    fake_spotify.save_tracks(tracks, added_at_s=1_780_000_000)  # one a minute, newest first
    newer = fetch_saved_tracks(spotify_client, stop_at_added_ms=(1_780_000_000 - 5 * 60) * 1000)
    assert [s.track.uri for s in newer] == [t.uri for t in tracks[:5]]
    assert fake_spotify.count("GET", "/v1/me/tracks") == 1


def test_playlists_with_owner_collaboration_snapshot_and_description(
    fake_spotify: FakeSpotify, spotify_client: Any
) -> None:
    tracks = fake_spotify.seed_catalog(3)
    for i in range(118):
        fake_spotify.add_playlist(f"Filler {i}")
    theirs = fake_spotify.add_playlist(
        "Shared", tracks, owner_id="friend", collaborative=True, description="Tom's & Ann's / mix"
    )
    mine = fake_spotify.add_playlist("Mine", tracks[:2], description="<yawyas:abc> 'quoted'")

    playlists = fetch_playlists(spotify_client)

    assert len(playlists) == 120
    assert fake_spotify.count("GET", "/v1/me/playlists") == 3
    by_id = {p.id: p for p in playlists}
    got_mine, got_theirs = by_id[mine.id], by_id[theirs.id]
    assert got_mine.description == "<yawyas:abc> 'quoted'"  # decoded from Spotify's escaping
    assert (got_mine.owner_id, got_mine.collaborative, got_mine.items_total) == (
        "fakelistener", False, 2
    )  # fmt: skip
    assert got_mine.snapshot_id == mine.snapshot_id
    assert (got_theirs.owner_id, got_theirs.collaborative, got_theirs.description) == (
        "friend", True, "Tom's & Ann's / mix"
    )  # fmt: skip


def test_playlist_items_pages_and_skips_what_is_not_a_track(
    fake_spotify: FakeSpotify, spotify_client: Any
) -> None:
    tracks = fake_spotify.seed_catalog(130)
    playlist = fake_spotify.add_playlist("Big", tracks)
    fake_spotify.add_unavailable_entry(playlist)
    fake_spotify.add_local_entry(playlist, "Local Band", "Demo", "Song One", 201)

    entries = fetch_playlist_items(spotify_client, playlist.id)

    assert [e.track.uri for e in entries[:130]] == [t.uri for t in tracks]
    assert [e.position for e in entries][-2:] == [129, 131]  # the null row (130) is skipped
    local = entries[-1].track
    assert (local.is_local, local.id, local.name, local.duration_ms) == (
        True, None, "Song One", 201_000
    )  # fmt: skip
    assert entries[0].added_by_id == "fakelistener"
    assert entries[0].added_at_ms
    made = fake_spotify.requests("GET", f"/v1/playlists/{playlist.id}/items")
    assert [r.q("limit") for r in made] == ["50", "50", "50"]
    assert fake_spotify.count(path="/v1/playlists/*/tracks") == 0


def test_playlists_of_others_are_not_available(
    fake_spotify: FakeSpotify, spotify_client: Any
) -> None:
    tracks = fake_spotify.seed_catalog(2)
    theirs = fake_spotify.add_playlist("Theirs", tracks, owner_id="friend", public=True)
    shared = fake_spotify.add_playlist("Shared", tracks, owner_id="friend", collaborative=True)
    with pytest.raises(NotAvailableError, match="403"):
        fetch_playlist_items(spotify_client, theirs.uri)
    assert [e.track.uri for e in fetch_playlist_items(spotify_client, shared.id)] == [
        t.uri for t in tracks
    ]
    daylist = fake_spotify.add_playlist("daylist", tracks, owner_id="spotify", algorithmic=True)
    with pytest.raises(MissingError):
        fetch_playlist_items(spotify_client, daylist.id)


# ----- top lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize("time_range", ["short_term", "medium_term", "long_term"])
def test_top_tracks_and_artists(
    fake_spotify: FakeSpotify, spotify_client: Any, time_range: Any
) -> None:
    tracks = fake_spotify.seed_catalog(60, n_artists=7)
    fake_spotify.set_top("tracks", time_range, tracks[::-1])
    fake_spotify.set_top("artists", time_range, list(fake_spotify.state.artists)[:7])

    top_tracks = fetch_top(spotify_client, "tracks", time_range)
    top_artists = fetch_top(spotify_client, "artists", time_range)

    assert [t.track.uri for t in top_tracks] == [t.uri for t in tracks[::-1]]
    assert [t.rank for t in top_tracks[:3]] == [1, 2, 3]
    assert {t.time_range for t in top_tracks} == {time_range}
    assert len(top_artists) == 7
    assert top_artists[0].rank == 1
    made = fake_spotify.requests("GET", "/v1/me/top/tracks")
    assert [(r.q("time_range"), r.q("offset")) for r in made] == [
        (time_range, "0"),
        (time_range, "50"),
    ]


def test_top_refuses_an_unknown_time_range(spotify_client: Any) -> None:
    with pytest.raises(BadInputError):
        fetch_top(spotify_client, "tracks", "all_time")  # type: ignore[call-overload]


# ----- one at a time lookups ---------------------------------------------------------------------


def test_fetch_track_one_at_a_time(fake_spotify: FakeSpotify, spotify_client: Any) -> None:
    artist = fake_spotify.add_artist("A")
    album = fake_spotify.add_album(
        "Year", [artist], release_date="1999", release_date_precision="year"
    )
    track = fake_spotify.add_track("T", album=album, isrc=None, duration_ms=61_000)
    got = fetch_track(spotify_client, track.uri)
    assert got is not None
    assert (got.id, got.isrc, got.duration_ms, got.explicit) == (track.id, None, 61_000, False)
    assert got.album is not None
    assert got.album.release_date == "1999"
    assert fetch_track(spotify_client, "0000000000000000000000") is None
    paths = [r.path for r in fake_spotify.requests("GET")]
    assert paths == [f"/v1/tracks/{track.id}", "/v1/tracks/0000000000000000000000"]


def test_fetch_artist_with_and_without_genres(
    fake_spotify: FakeSpotify, spotify_client: Any
) -> None:
    with_genres = fake_spotify.add_artist("G", genres=["dream pop"])
    empty = fake_spotify.add_artist("E", genres=[])
    missing = fake_spotify.add_artist("M", genres=None)
    assert fetch_artist(spotify_client, with_genres.id).genres == ("dream pop",)  # type: ignore[union-attr]
    assert fetch_artist(spotify_client, empty.uri).genres == ()  # type: ignore[union-attr]
    assert fetch_artist(spotify_client, missing.id).genres == ()  # type: ignore[union-attr]
    assert fetch_artist(spotify_client, "0000000000000000000000") is None


@pytest.mark.parametrize("bad", ["spotify:album:abc", "not an id", "spotify:local:a:b:c:1"])
def test_lookups_refuse_what_is_not_an_id(spotify_client: Any, bad: str) -> None:
    with pytest.raises(BadInputError):
        fetch_track(spotify_client, bad)


def test_batch_lookups_are_never_used() -> None:
    source = "".join(
        inspect.getsource(m) for m in (spotify_module, spotify_auth, spotify_client, spotify_models)
    )
    for batch in (".tracks(", ".artists(", ".albums(", "audio_features", "recommendations"):
        assert batch not in source, batch
    assert "user_playlist_create" not in source.replace("current_user_playlist_create", "")


@given(st.integers(min_value=0, max_value=4_102_444_800_000))  # up to 2100
def test_played_at_round_trips_to_the_millisecond(ms: int) -> None:
    assert iso_to_ms(iso_from_ms(ms)) == ms
    assert iso_to_ms(iso_from_ms(ms).replace(".000Z", "Z")) == ms


def test_unreadable_timestamps_are_none() -> None:
    assert iso_to_ms(None) is None
    assert iso_to_ms("") is None
    assert iso_to_ms("yesterday") is None
    assert iso_to_ms("2026-01-01T00:00:00") == 1_767_225_600_000  # no zone: UTC
