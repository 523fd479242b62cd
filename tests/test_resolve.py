"""Publishing a names-only history: URIs from the person's library, then Spotify's search
(against the fake Spotify: one search per song, limit 10, cached, 429s waited out or stopped
at with nothing lost), never a guess, and the unmatched tracks counted."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests import exportkit as kit
from tests.fake_spotify import FakeArtist, FakeSpotify
from tests.fake_spotify.fixtures import SleepRecorder
from yawyas.errors import RateLimitedError
from yawyas.playlists.recipes import Recipe
from yawyas.services import ingest
from yawyas.services.playlists import build_context, publish_recipes
from yawyas.services.resolve import confident_match
from yawyas.settings import Config
from yawyas.sources.spotify import ArtistRef, RetryPolicy, TrackInfo, search_tracks
from yawyas.store.db import connect
from yawyas.store.songs import load_song_matches

START = datetime(2026, 3, 2, 8, 0)
# (artist, title) as the account data names them; the catalog below holds some of them
PLAYED = [
    ("Alba Ríos", "Luz de Luna"),  # on Spotify as a 2011 remaster: the same song
    ("Los Pinos", "Sombra"),  # Spotify has only "Sombras": not the same song, never guessed
    ("Nadie Sabe", "Canción Perdida"),  # nowhere on Spotify
    ("Coro Norte", "Himno"),  # in the person's library: no search needed
    ("Trío Sur", "Brisa"),  # found as is
]


def _account_export(folder: Path, library_uri: str) -> Path:
    rows = [
        kit.music_row(
            (START + timedelta(days=d, minutes=5 * k + 4)).strftime("%Y-%m-%d %H:%M"),
            artist=artist,
            track=title,
        )
        for d in range(60)
        for k, (artist, title) in enumerate(PLAYED)
    ]
    kit.write(folder / kit.ACCOUNT_DIR / "StreamingHistory_music_0.json", rows)
    library = {"tracks": [{"artist": "Coro Norte", "track": "Himno", "uri": library_uri}]}
    kit.write(folder / kit.ACCOUNT_DIR / "YourLibrary.json", library)
    return folder


@pytest.fixture
def catalog(fake_spotify: FakeSpotify) -> dict[str, str]:
    """The fake Spotify's tracks: the URIs a search may find for PLAYED."""
    def by(name: str) -> list[FakeArtist]:
        return [fake_spotify.add_artist(name)]

    luz = fake_spotify.add_track("Luz de Luna - Remastered 2011", by("Alba Ríos"))
    fake_spotify.add_track("Sombras", by("Los Pinos"))
    fake_spotify.add_track("Brisa", by("Another Trio"))  # the same title by someone else
    brisa = fake_spotify.add_track("Brisa", by("Trío Sur"))
    himno = fake_spotify.add_track("Himno", by("Coro Norte"))  # also in the person's library
    return {"Luz de Luna": luz.uri, "Brisa": brisa.uri, "Himno": himno.uri}


@pytest.fixture
def names_only(tmp_path: Path, catalog: dict[str, str]) -> sqlite3.Connection:
    store = connect(tmp_path / "yawyas.db")
    ingest.import_paths(store, [_account_export(tmp_path / "export", catalog["Himno"])])
    return store


def _publish(conn: sqlite3.Connection, client: Any, policy: RetryPolicy) -> Any:
    ctx = build_context(conn, "UTC", config=Config(path=Path("none.toml")))
    recipe = Recipe(key="all", name="All of it", now=True, size=10, max_per_artist=0)
    (outcome,) = publish_recipes(
        client, conn, ctx, [recipe], at=START + timedelta(days=61), policy=policy
    )
    return outcome


def test_names_only_songs_are_found_by_search_once_and_never_guessed(
    names_only: sqlite3.Connection,
    catalog: dict[str, str],
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    fast_policy: RetryPolicy,
) -> None:
    outcome = _publish(names_only, spotify_client, fast_policy)
    assert outcome.error is None
    result = outcome.result
    searches = fake_spotify.requests("GET", "/v1/search")
    assert len(searches) == 4  # one per song without a URI; the library knew "Himno"
    assert all(r.q("limit") == "10" and r.q("type") == "track" for r in searches)
    queries = {r.q("q") for r in searches}
    assert 'track:"Luz de Luna" artist:"Alba Ríos"' in queries
    published = fake_spotify.playlist(result.playlist_id)
    assert {e.uri for e in published.entries} == set(catalog.values())
    assert sorted(result.unmatched) == ["Canción Perdida by Nadie Sabe", "Sombra by Los Pinos"]
    assert result.tracks == 3
    matches = load_song_matches(names_only)
    assert sum(uri is None for uri in matches.values()) == 2  # kept: not asked again

    again = _publish(names_only, spotify_client, fast_policy)
    assert again.error is None
    assert fake_spotify.count("GET", "/v1/search") == 4  # every answer came from the store
    assert again.result.unmatched == result.unmatched


def test_a_short_rate_limit_is_waited_out(
    names_only: sqlite3.Connection,
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    recorded_sleep: SleepRecorder,
) -> None:
    fake_spotify.fail_next(1, 429, retry_after=7, path="/v1/search")
    outcome = _publish(names_only, spotify_client, RetryPolicy(sleep=recorded_sleep))
    assert outcome.error is None
    assert recorded_sleep.calls == [7.0]
    assert len(outcome.result.unmatched) == 2


def test_a_long_rate_limit_stops_and_the_next_run_goes_on(
    names_only: sqlite3.Connection,
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    fast_policy: RetryPolicy,
) -> None:
    fake_spotify.set_rate_limit(2, window_s=3600, retry_after_s=3600)  # the third search waits
    with pytest.raises(RateLimitedError):
        _publish(names_only, spotify_client, fast_policy)
    assert len(load_song_matches(names_only)) == 2  # the answers before the stop are kept
    assert fake_spotify.count("GET", "/v1/search") == 3
    fake_spotify.clear_faults()
    outcome = _publish(names_only, spotify_client, fast_policy)  # the next run goes on
    assert outcome.error is None
    assert fake_spotify.count("GET", "/v1/search") == 3 + 2
    assert len(load_song_matches(names_only)) == 4
    assert len(outcome.result.unmatched) == 2


def test_confident_match_needs_the_same_folded_artist_and_title() -> None:
    def track(name: str, *artists: str) -> TrackInfo:
        return TrackInfo(
            uri=f"spotify:track:{abs(hash((name, artists))) % 10**22:022d}",
            id="x",
            name=name,
            artists=tuple(ArtistRef(a, None, None) for a in artists),
            album=None,
            duration_ms=None,
            explicit=None,
            isrc=None,
            is_local=False,
        )

    exact = track("Luz de Luna (Remastered 2011)", "Alba Rios", "Guest")
    assert confident_match("ALBA RÍOS", "Luz de Luna", [track("Luz", "Alba Ríos"), exact]) == (
        exact.uri
    )
    assert confident_match("Guest", "Luz de Luna", [exact]) == exact.uri  # a credited artist
    assert confident_match("Alba Ríos", "Luz de Luna", [track("Luz de Luna", "Other")]) is None
    assert confident_match("Alba Ríos", "Luz de Luna (Live)", [exact]) is None
    assert confident_match("Alba Ríos", "", [exact]) is None


def test_search_asks_at_most_ten(spotify_client: Any, fake_spotify: FakeSpotify) -> None:
    storm = fake_spotify.add_artist("Storm")
    for i in range(12):
        fake_spotify.add_track(f"Rain {i}", [storm])
    found = search_tracks(spotify_client, "Storm", "Rain")
    assert len(found) == 10
    with pytest.raises(Exception, match="1 to 10"):
        search_tracks(spotify_client, "Storm", "Rain", limit=11)
