"""The retry policy: 429 waited or handed back, 5xx and dropped connections retried, 403 and
404 translated, and never a 429 or 5xx taken for "missing"."""

from __future__ import annotations

import functools
import time
from typing import Any

import pytest
import spotipy  # only to build the odd exception spotipy itself would raise

from tests.fake_spotify import FakeSpotify
from tests.fake_spotify.fixtures import SleepRecorder, write_token_cache
from yawyas.errors import AuthError, RateLimitedError, SpotifyError
from yawyas.sources.spotify import (
    MissingError,
    NotAvailableError,
    RetryPolicy,
    SpotifyConfig,
    call,
    fetch_artist,
    fetch_me,
    fetch_saved_tracks,
    fetch_track,
    make_client,
)


def _me_requests(fake: FakeSpotify) -> list[int]:
    return [r.status for r in fake.requests("GET", "/v1/me/")]


# ----- 429 -------------------------------------------------------------------------------------


def test_short_retry_after_is_waited_out(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    fast_policy: RetryPolicy,
    recorded_sleep: SleepRecorder,
) -> None:
    fake_spotify.fail_next(2, 429, retry_after=3)
    assert fetch_me(spotify_client, policy=fast_policy).id == "fakelistener"
    assert recorded_sleep.calls == [3.0, 3.0]
    assert _me_requests(fake_spotify) == [429, 429, 200]


def test_long_retry_after_is_handed_back(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    fast_policy: RetryPolicy,
    recorded_sleep: SleepRecorder,
) -> None:
    fake_spotify.fail_next(1, 429, retry_after=20 * 3600)
    with pytest.raises(RateLimitedError) as caught:
        fetch_me(spotify_client, policy=fast_policy)
    assert caught.value.retry_after_s == 72_000
    assert "20.0 h" in caught.value.message
    assert recorded_sleep.calls == []
    assert _me_requests(fake_spotify) == [429]


def test_waiting_is_capped_per_call(
    fake_spotify: FakeSpotify, spotify_client: Any, recorded_sleep: SleepRecorder
) -> None:
    policy = RetryPolicy(max_wait_s=5, sleep=recorded_sleep)
    fake_spotify.fail_next(5, 429, retry_after=2)
    with pytest.raises(RateLimitedError):
        fetch_me(spotify_client, policy=policy)
    assert recorded_sleep.calls == [2.0, 2.0]  # a third 2 s wait would pass 5 s in all


def test_retry_after_forms(
    fake_spotify: FakeSpotify, spotify_client: Any, recorded_sleep: SleepRecorder
) -> None:
    policy = RetryPolicy(default_retry_after_s=4, sleep=recorded_sleep)
    fake_spotify.fail_next(1, 429)  # no Retry-After at all
    fake_spotify.fail_next(1, 429, retry_after="1.5")
    fake_spotify.fail_next(1, 429, retry_after="soon")
    fetch_me(spotify_client, policy=policy)
    assert recorded_sleep.calls == [4.0, 1.5, 4.0]


def test_quota_exceeded_is_never_waited(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    fast_policy: RetryPolicy,
    recorded_sleep: SleepRecorder,
) -> None:
    fake_spotify.quota_exceeded_next(1, retry_after=30)
    with pytest.raises(RateLimitedError, match="quota") as caught:
        fetch_me(spotify_client, policy=fast_policy)
    assert caught.value.retry_after_s == 30
    assert recorded_sleep.calls == []


def test_the_fakes_rolling_window_is_survived(
    fake_spotify: FakeSpotify, spotify_client: Any, recorded_sleep: SleepRecorder
) -> None:
    tracks = fake_spotify.seed_catalog(3)
    fake_spotify.set_rate_limit(2, window_s=0.3, retry_after_s=1)

    def sleep(seconds: float) -> None:  # record the 1 s asked for, wait out the 0.3 s window
        recorded_sleep(seconds)
        time.sleep(0.31)

    for track in tracks:
        assert fetch_track(spotify_client, track.id, policy=RetryPolicy(sleep=sleep)) is not None
    assert recorded_sleep.calls == [1.0]


# ----- 5xx, drops and timeouts ---------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_with_backoff(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    fast_policy: RetryPolicy,
    recorded_sleep: SleepRecorder,
    status: int,
) -> None:
    fake_spotify.fail_next(3, status)
    assert fetch_me(spotify_client, policy=fast_policy).id == "fakelistener"
    assert recorded_sleep.calls == [1.0, 2.0, 4.0]
    assert _me_requests(fake_spotify) == [status] * 3 + [200]


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(backoff_base_s=1, backoff_cap_s=5)
    assert [policy.backoff_s(n) for n in range(1, 6)] == [1, 2, 4, 5, 5]


def test_a_server_that_keeps_failing_gives_one_clear_error(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    fast_policy: RetryPolicy,
    recorded_sleep: SleepRecorder,
) -> None:
    fake_spotify.fail_path("/v1/me/", 503)
    with pytest.raises(SpotifyError, match=r"Spotify answered 503 4 times in a row") as caught:
        fetch_me(spotify_client, policy=fast_policy)
    assert not isinstance(caught.value, RateLimitedError | MissingError)
    assert len(recorded_sleep.calls) == 3
    assert len(_me_requests(fake_spotify)) == 4


def test_dropped_connections_are_retried(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    fast_policy: RetryPolicy,
    recorded_sleep: SleepRecorder,
) -> None:
    fake_spotify.drop_next(2)
    assert fetch_me(spotify_client, policy=fast_policy).id == "fakelistener"
    assert _me_requests(fake_spotify) == [-1, -1, 200]
    assert len(recorded_sleep.calls) == 2


def test_dropped_connections_forever_end_in_spotify_error(
    fake_spotify: FakeSpotify, spotify_client: Any, fast_policy: RetryPolicy
) -> None:
    fake_spotify.drop_next(10)
    with pytest.raises(SpotifyError, match="connection to Spotify failed"):
        fetch_me(spotify_client, policy=fast_policy)


def test_slow_answers_time_out_and_are_retried(
    fake_spotify: FakeSpotify,
    logged_in: SpotifyConfig,
    recorded_sleep: SleepRecorder,
) -> None:
    client = make_client(logged_in, timeout_s=0.3)
    told: list[str] = []
    policy = RetryPolicy(sleep=recorded_sleep, on_wait=lambda _s, why: told.append(why))
    fake_spotify.slow_next(1, delay_s=2.0)
    started = time.monotonic()
    assert fetch_me(client, policy=policy).id == "fakelistener"
    assert time.monotonic() - started < 1.5
    assert told == ["the connection to Spotify failed (ReadTimeout)"]


def test_a_failing_token_service_is_retried(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    fast_policy: RetryPolicy,
    recorded_sleep: SleepRecorder,
) -> None:
    fake_spotify.expire_access_tokens()
    fake_spotify.fail_next(1, 503, path="/api/token")
    assert fetch_me(spotify_client, policy=fast_policy).id == "fakelistener"
    assert [r.status for r in fake_spotify.requests("POST", "/api/token")] == [503, 200]
    assert len(recorded_sleep.calls) == 1


def test_a_failing_token_service_on_proactive_renewal_is_retried(
    fake_spotify: FakeSpotify, spotify_config: SpotifyConfig, fast_policy: RetryPolicy
) -> None:
    fake_spotify.state.access_token_lifetime_s = 1  # spotipy renews before every request
    write_token_cache(fake_spotify, spotify_config)
    client = make_client(spotify_config)
    fake_spotify.fail_next(1, 502, path="/api/token", body="<html>Bad gateway</html>")
    assert fetch_me(client, policy=fast_policy).id == "fakelistener"


# ----- 403 and 404 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "method", "args"),
    [
        ("audio features", "audio_features", (["4iV5W9uYEdYUVa79Axb7Rh"],)),
        ("audio analysis", "audio_analysis", ("4iV5W9uYEdYUVa79Axb7Rh",)),
        ("recommendations", "recommendations", ()),
        ("several tracks", "tracks", (["4iV5W9uYEdYUVa79Axb7Rh"],)),
        ("several artists", "artists", (["0OdUWJ0sBjDrqHygGUXeCF"],)),
        ("related artists", "artist_related_artists", ("0OdUWJ0sBjDrqHygGUXeCF",)),
        ("a user's playlist", "user_playlist_create", ("fakelistener", "x")),
    ],
)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # spotipy warns: on purpose here
def test_removed_endpoints_are_not_available_never_a_crash(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    fast_policy: RetryPolicy,
    what: str,
    method: str,
    args: tuple[Any, ...],
) -> None:
    fn = functools.partial(getattr(spotify_client, method), *args)
    if method == "recommendations":
        fn = functools.partial(spotify_client.recommendations, seed_genres=["pop"])
    with pytest.raises(NotAvailableError, match="does not let this app") as caught:
        call(spotify_client, what, fn, policy=fast_policy)
    assert "\n" not in caught.value.message
    assert fake_spotify.requests()[-1].status == 403


def test_old_playlist_tracks_path_is_not_available(
    fake_spotify: FakeSpotify, spotify_client: Any
) -> None:
    playlist = fake_spotify.add_playlist("Mine", fake_spotify.seed_catalog(2))
    url = f"{fake_spotify.api_url}/playlists/{playlist.id}/tracks"
    with pytest.raises(NotAvailableError):
        call(spotify_client, "old tracks path", functools.partial(spotify_client._get, url))


def test_only_404_means_missing(fake_spotify: FakeSpotify, spotify_client: Any) -> None:
    with pytest.raises(MissingError):
        call(spotify_client, "track", functools.partial(spotify_client.track, "0" * 22))


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"status": 429, "retry_after": 3600}, RateLimitedError),
        ({"status": 503, "times": None}, SpotifyError),
        ({"status": 500, "times": None}, SpotifyError),
        ({"drop": True}, SpotifyError),
        ({"status": 401}, AuthError),
    ],
)
@pytest.mark.parametrize("lookup", [fetch_track, fetch_artist])
def test_lookups_never_report_missing_for_errors(
    fake_spotify: FakeSpotify,
    spotify_client: Any,
    fast_policy: RetryPolicy,
    fault: dict[str, Any],
    expected: type[Exception],
    lookup: Any,
) -> None:
    track = fake_spotify.seed_catalog(1)[0]
    target = track.id if lookup is fetch_track else track.artist_ids[0]
    path = "/v1/tracks/*" if lookup is fetch_track else "/v1/artists/*"
    if fault.get("drop"):
        fake_spotify.drop_next(10, path=path)
    elif fault["status"] == 401:
        fake_spotify.fail_path(path, 401, body={"error": {"status": 401, "message": "Bad"}})
    elif "times" in fault:
        fake_spotify.fail_path(path, fault["status"])
    else:
        fake_spotify.fail_next(1, fault["status"], retry_after=fault["retry_after"], path=path)
    with pytest.raises(expected):
        lookup(spotify_client, target, policy=fast_policy)


def test_spotipys_mislabelled_retry_error_counts_as_a_server_error(
    spotify_client: Any, fast_policy: RetryPolicy
) -> None:
    # What spotipy raises when urllib3 gives up on a status_forcelist code: 429, no headers.
    mislabelled = spotipy.SpotifyException(
        429, -1, "/v1/me:\n Max Retries", reason="ResponseError('too many 503 error responses')"
    )

    def fail() -> None:
        raise mislabelled

    with pytest.raises(SpotifyError, match="5xx") as caught:
        call(spotify_client, "your profile", fail, policy=fast_policy)
    assert not isinstance(caught.value, RateLimitedError)


def test_other_client_errors_are_one_line(fake_spotify: FakeSpotify, spotify_client: Any) -> None:
    fake_spotify.fail_next(1, 400, body={"error": {"status": 400, "message": "Invalid limit"}})
    with pytest.raises(SpotifyError, match=r"\(400: Invalid limit\)\.$"):
        fetch_saved_tracks(spotify_client)


def test_on_wait_reports_why(
    fake_spotify: FakeSpotify, spotify_client: Any, recorded_sleep: SleepRecorder
) -> None:
    told: list[tuple[float, str]] = []
    policy = RetryPolicy(sleep=recorded_sleep, on_wait=lambda s, why: told.append((s, why)))
    fake_spotify.fail_next(1, 429, retry_after=2)
    fake_spotify.fail_next(1, 503)
    fetch_me(spotify_client, policy=policy)
    assert told == [(2.0, "rate limited by Spotify"), (1.0, "Spotify answered 503")]
