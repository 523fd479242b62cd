"""The fake Spotify itself: removed endpoints, limits, ids, accounts rules, cursors, faults."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.fake_spotify import ROUTES, FakeSpotify


@pytest.fixture
def token(fake_spotify: FakeSpotify) -> str:
    return str(fake_spotify.issue_tokens()["access_token"])


def get(fake: FakeSpotify, path: str, token: str | None, **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(fake.api_url + path, headers=headers, timeout=5, **kwargs)


def _route_id(route: Any) -> str:
    return f"{route.method} {route.spec_path}"


def _concrete(spec_path: str) -> str:
    return re.sub(r"\{\w+\}", "4iV5W9uYEdYUVa79Axb7Rh", spec_path)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.status == "removed"], ids=_route_id)
def test_removed_endpoints_answer_403(fake_spotify: FakeSpotify, token: str, route: Any) -> None:
    response = requests.request(
        route.method,
        fake_spotify.api_url + _concrete(route.spec_path),
        headers={"Authorization": f"Bearer {token}"},
        params={"ids": "a,b"},
        json={},
        timeout=5,
    )
    assert response.status_code == 403
    assert response.json() == {"error": {"status": 403, "message": "Forbidden"}}


def test_batch_lookup_with_trailing_slash_is_removed_too(
    fake_spotify: FakeSpotify, token: str
) -> None:
    assert get(fake_spotify, "/tracks/?ids=a,b", token).status_code == 403  # as spotipy sends it


@pytest.mark.parametrize("route", [r for r in ROUTES if r.limit_max], ids=_route_id)
def test_limits_out_of_range_answer_400(fake_spotify: FakeSpotify, token: str, route: Any) -> None:
    playlist = fake_spotify.add_playlist("Mine")
    path = route.spec_path.replace("{playlist_id}", playlist.id)
    extra = {"q": "x", "type": "track"} if path == "/search" else {}
    for limit, status in ((route.limit_max, 200), (route.limit_max + 1, 400), (0, 400)):
        response = get(fake_spotify, path, token, params={"limit": limit, **extra})
        assert response.status_code == status, (path, limit, response.text)
    bad = get(fake_spotify, path, token, params={"limit": route.limit_max + 1, **extra})
    assert bad.json() == {"error": {"status": 400, "message": "Invalid limit"}}


def test_unknown_and_malformed_ids(fake_spotify: FakeSpotify, token: str) -> None:
    assert get(fake_spotify, "/tracks/0000000000000000000000", token).status_code == 404
    assert get(fake_spotify, "/artists/0000000000000000000000", token).status_code == 404
    assert get(fake_spotify, "/playlists/0000000000000000000000/items", token).status_code == 404
    assert get(fake_spotify, "/tracks/not-an-id!", token).status_code == 400
    assert get(fake_spotify, "/no/such/thing", token).status_code == 404


def test_tokens_are_checked(fake_spotify: FakeSpotify, token: str) -> None:
    assert get(fake_spotify, "/me", None).json()["error"]["message"] == "No token provided"
    assert get(fake_spotify, "/me", "made-up").json()["error"]["message"] == "Invalid access token"
    fake_spotify.expire_access_tokens()
    expired = get(fake_spotify, "/me", token)
    assert expired.status_code == 401
    assert expired.json() == {"error": {"status": 401, "message": "The access token expired"}}


def test_missing_scope_is_403(fake_spotify: FakeSpotify) -> None:
    narrow = fake_spotify.issue_tokens(["user-top-read"])["access_token"]
    assert get(fake_spotify, "/me/top/tracks", narrow).status_code == 200
    response = get(fake_spotify, "/me/player/recently-played", narrow)
    assert response.json()["error"]["message"] == "Insufficient client scope"


def test_me_has_no_removed_fields(fake_spotify: FakeSpotify, token: str) -> None:
    body = get(fake_spotify, "/me", token).json()
    assert not {"country", "email", "product", "followers"} & set(body)


def test_tracks_and_artists_have_no_removed_fields(fake_spotify: FakeSpotify, token: str) -> None:
    track = fake_spotify.seed_catalog(1)[0]
    body = get(fake_spotify, f"/tracks/{track.id}", token).json()
    assert "popularity" not in body
    assert body["external_ids"]["isrc"] == track.isrc
    artist = get(fake_spotify, f"/artists/{track.artist_ids[0]}", token).json()
    assert not {"popularity", "followers"} & set(artist)


# ----- accounts -----------------------------------------------------------------------------------


def _authorize(fake: FakeSpotify, **overrides: str) -> requests.Response:
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    params = {
        "client_id": fake.client_id,
        "response_type": "code",
        "redirect_uri": "http://127.0.0.1:8888/callback",
        "code_challenge_method": "S256",
        "code_challenge": challenge.decode().rstrip("="),
        "state": "st",
        "scope": "user-top-read",
        **overrides,
    }
    return requests.get(fake.accounts_url + "/authorize", params=params, allow_redirects=False)


def _exchange(fake: FakeSpotify, code: str, **overrides: str) -> requests.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "http://127.0.0.1:8888/callback",
        "client_id": fake.client_id,
        "code_verifier": "v" * 64,
        **overrides,
    }
    return requests.post(fake.accounts_url + "/api/token", data=data, timeout=5)


def _code(response: requests.Response) -> str:
    return parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]


@pytest.mark.parametrize(
    "redirect_uri",
    ["http://localhost:8888/callback", "http://10.0.0.2:8888/cb", "http://[::1]:8888/callback"],
)
def test_authorize_only_takes_loopback_literals(
    fake_spotify: FakeSpotify, redirect_uri: str
) -> None:
    response = _authorize(fake_spotify, redirect_uri=redirect_uri)
    if "[::1]" in redirect_uri:
        assert response.status_code == 302
        assert response.headers["Location"].startswith(redirect_uri + "?code=")
    else:
        assert response.status_code == 400
        assert "Insecure redirect URI" in response.text


def test_authorize_needs_pkce_and_a_known_client(fake_spotify: FakeSpotify) -> None:
    assert _authorize(fake_spotify, client_id="nope").status_code == 400
    plain = _authorize(fake_spotify, code_challenge_method="plain")
    assert "error=invalid_request" in plain.headers["Location"]
    assert "state=st" in plain.headers["Location"]


def test_code_exchange_rules(fake_spotify: FakeSpotify) -> None:
    code = _code(_authorize(fake_spotify))
    wrong = _exchange(fake_spotify, code, code_verifier="w" * 64)
    assert wrong.json() == {
        "error": "invalid_grant",
        "error_description": "code_verifier was incorrect",
    }
    elsewhere = _exchange(fake_spotify, code, redirect_uri="http://127.0.0.1:9999/callback")
    assert elsewhere.json()["error_description"] == "Invalid redirect URI"
    good = _exchange(fake_spotify, code)
    assert good.status_code == 200
    assert set(good.json()) == {
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "scope",
    }
    again = _exchange(fake_spotify, code)
    assert again.json()["error_description"] == "Invalid authorization code"


def test_refresh_may_omit_the_refresh_token_and_can_be_revoked(fake_spotify: FakeSpotify) -> None:
    refresh = fake_spotify.issue_tokens()["refresh_token"]
    data = {
        "grant_type": "refresh_token",
        "refresh_token": refresh,
        "client_id": fake_spotify.client_id,
    }
    answer = requests.post(fake_spotify.accounts_url + "/api/token", data=data, timeout=5)
    assert answer.status_code == 200
    assert "refresh_token" not in answer.json()
    fake_spotify.revoke_refresh_tokens()
    revoked = requests.post(fake_spotify.accounts_url + "/api/token", data=data, timeout=5)
    assert revoked.status_code == 400
    assert revoked.json() == {
        "error": "invalid_grant",
        "error_description": "Refresh token revoked",
    }


# ----- recently played and paging -----------------------------------------------------------------


def test_recently_played_cursors_and_absolute_next(fake_spotify: FakeSpotify, token: str) -> None:
    tracks = fake_spotify.seed_catalog(60)
    plays = fake_spotify.add_plays(tracks, 1_780_000_000_000, gap_ms=1000)
    first = get(fake_spotify, "/me/player/recently-played", token, params={"limit": 20}).json()
    assert first["items"][0]["played_at"] == "2026-05-28T20:27:39.000Z"
    assert first["cursors"] == {
        "after": str(plays[-1].played_at_ms),
        "before": str(plays[-20].played_at_ms),
    }
    assert first["next"].startswith(fake_spotify.api_url + "/me/player/recently-played?")
    second = requests.get(first["next"], headers={"Authorization": f"Bearer {token}"}).json()
    third = requests.get(second["next"], headers={"Authorization": f"Bearer {token}"}).json()
    assert len(third["items"]) == 10  # only 50 plays are visible
    assert third["next"] is None
    after = get(
        fake_spotify, "/me/player/recently-played", token, params={"after": plays[-3].played_at_ms}
    )
    assert [i["played_at"] for i in after.json()["items"]] == [
        "2026-05-28T20:27:39.000Z",
        "2026-05-28T20:27:38.000Z",
    ]
    both = get(fake_spotify, "/me/player/recently-played", token, params={"after": 1, "before": 2})
    assert both.status_code == 400


def test_playlist_items_use_item_not_track(fake_spotify: FakeSpotify, token: str) -> None:
    playlist = fake_spotify.add_playlist("Mine", fake_spotify.seed_catalog(2))
    body = get(fake_spotify, f"/playlists/{playlist.id}/items", token).json()
    assert set(body["items"][0]) == {"added_at", "added_by", "is_local", "item"}
    listed = get(fake_spotify, "/me/playlists", token).json()["items"][0]
    assert "tracks" not in listed
    assert listed["items"]["total"] == 2


def test_writes_over_100_uris_are_refused(fake_spotify: FakeSpotify, token: str) -> None:
    tracks = fake_spotify.seed_catalog(101)
    playlist = fake_spotify.add_playlist("Mine")
    url = f"{fake_spotify.api_url}/playlists/{playlist.id}/items"
    auth = {"Authorization": f"Bearer {token}"}
    uris = [t.uri for t in tracks]
    assert requests.post(url, json=uris, headers=auth).status_code == 400
    assert requests.put(url, json={"uris": uris}, headers=auth).status_code == 400
    assert requests.post(url, json={"uris": uris[:100]}, headers=auth).status_code == 201
    assert requests.post(url, params={"uris": uris[0]}, headers=auth).status_code == 201
    assert len(fake_spotify.playlist_uris(playlist.id)) == 101


# ----- faults, the log and the lifecycle ---------------------------------------------------------


def test_faults_count_down_and_match_paths(fake_spotify: FakeSpotify, token: str) -> None:
    fake_spotify.fail_next(2, 503, path="/v1/me")
    fake_spotify.fail_path("/v1/tracks/*", 500, times=1)
    assert [get(fake_spotify, "/me", token).status_code for _ in range(3)] == [503, 503, 200]
    assert get(fake_spotify, "/tracks/x1", token).status_code == 500
    assert get(fake_spotify, "/tracks/x1", token).status_code == 404
    assert fake_spotify.count("GET", "/v1/me") == 3
    assert [r.status for r in fake_spotify.requests(path="/v1/tracks/*")] == [500, 404]


def test_faults_skip_the_accounts_unless_named(fake_spotify: FakeSpotify) -> None:
    fake_spotify.fail_next(1, 503)
    refresh = fake_spotify.issue_tokens()["refresh_token"]
    data = {
        "grant_type": "refresh_token",
        "refresh_token": refresh,
        "client_id": fake_spotify.client_id,
    }
    assert requests.post(fake_spotify.accounts_url + "/api/token", data=data).status_code == 200


def test_slow_and_dropped(fake_spotify: FakeSpotify, token: str) -> None:
    fake_spotify.slow_next(1, delay_s=0.3)
    started = time.monotonic()
    assert get(fake_spotify, "/me", token).status_code == 200
    assert time.monotonic() - started >= 0.3
    fake_spotify.drop_next(1)
    with pytest.raises(requests.ConnectionError):
        get(fake_spotify, "/me", token)


def test_rate_limit_window(fake_spotify: FakeSpotify, token: str) -> None:
    fake_spotify.set_rate_limit(2, window_s=30, retry_after_s=7)
    statuses = [get(fake_spotify, "/me", token) for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[-1].headers["Retry-After"] == "7"


def test_the_fake_stops_by_itself() -> None:
    with FakeSpotify() as fake:
        url = fake.api_url + "/me"
        assert requests.get(url, timeout=5).status_code == 401
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=2)
