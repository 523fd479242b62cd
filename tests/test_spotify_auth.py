"""Logging in against the fake Spotify: PKCE, state, the token file, refresh and its expiry."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.fake_spotify import FakeSpotify
from tests.fake_spotify import fixtures as fx
from yawyas.errors import AuthError, BadInputError
from yawyas.sources.spotify import (
    SpotifyConfig,
    authorize_url,
    complete_login,
    fetch_me,
    is_logged_in,
    login_with_browser,
    logout,
    make_client,
)
from yawyas.sources.spotify_auth import DEFAULT_SCOPES, RedirectListener, pkce_challenge

EXPIRED = "Your Spotify login has expired; run `yawyas login` again."


def _mode(path: Any) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _browser_visit(url: str) -> requests.Response:
    """What a browser does: open the authorize page (the fake consents) and follow the redirect."""
    return requests.get(url, timeout=5)


# ----- a fresh login ----------------------------------------------------------------------------


def test_browser_login_through_the_loopback_listener(
    fake_spotify: FakeSpotify, spotify_config: SpotifyConfig
) -> None:
    visits: list[requests.Response] = []
    login_with_browser(spotify_config, lambda url: visits.append(_browser_visit(url)), timeout_s=5)

    assert visits[0].status_code == 200
    assert "logged in" in visits[0].text
    assert _mode(spotify_config.token_cache) == 0o600
    assert is_logged_in(spotify_config)
    authorize = fake_spotify.requests("GET", "/authorize")[0]
    assert authorize.q("code_challenge_method") == "S256"
    assert authorize.q("redirect_uri") == spotify_config.redirect_uri
    assert authorize.q("state")
    assert set((authorize.q("scope") or "").split()) == set(DEFAULT_SCOPES)
    exchange = fake_spotify.requests("POST", "/api/token")[0]
    assert exchange.body["grant_type"] == "authorization_code"
    assert pkce_challenge(exchange.body["code_verifier"]) == authorize.q("code_challenge")
    assert "client_secret" not in exchange.body

    client = make_client(spotify_config)
    assert fetch_me(client).id == fake_spotify.user.id


def test_pasted_redirect_address_logs_in(
    fake_spotify: FakeSpotify, spotify_config: SpotifyConfig
) -> None:
    url, pending = authorize_url(spotify_config)
    assert url.startswith(fake_spotify.accounts_url + "/authorize?")
    assert pending.code_verifier not in repr(pending)  # never shown by accident
    redirect = requests.get(url, allow_redirects=False, timeout=5)
    assert redirect.status_code == 302
    location = redirect.headers["Location"]
    assert location.startswith(spotify_config.redirect_uri + "?")

    complete_login(spotify_config, pending, f"  {location}\n")  # as pasted, with blanks

    token = json.loads(spotify_config.token_cache.read_text())
    assert token["refresh_token"]
    assert token["access_token"]
    assert token["expires_at"] > time.time()
    assert _mode(spotify_config.token_cache) == 0o600


def test_a_bare_code_is_accepted(fake_spotify: FakeSpotify, spotify_config: SpotifyConfig) -> None:
    url, pending = authorize_url(spotify_config)
    location = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    complete_login(spotify_config, pending, code)
    assert is_logged_in(spotify_config)


def test_state_mismatch_is_rejected_before_any_token_request(
    fake_spotify: FakeSpotify, spotify_config: SpotifyConfig
) -> None:
    url, pending = authorize_url(spotify_config)
    location = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
    query = parse_qs(urlsplit(location).query)
    forged = (
        spotify_config.redirect_uri
        + "?"
        + urlencode({"code": query["code"][0], "state": "someone-elses-state"})
    )
    with pytest.raises(AuthError, match="state mismatch"):
        complete_login(spotify_config, pending, forged)
    assert fake_spotify.count("POST", "/api/token") == 0
    assert not spotify_config.token_cache.exists()


def test_answer_of_another_login_attempt_is_rejected(
    fake_spotify: FakeSpotify, spotify_config: SpotifyConfig
) -> None:
    url, _first = authorize_url(spotify_config)
    _, second = authorize_url(spotify_config)
    location = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
    with pytest.raises(AuthError, match="state mismatch"):
        complete_login(spotify_config, second, location)


def test_wrong_code_verifier_is_refused_by_spotify(
    fake_spotify: FakeSpotify, spotify_config: SpotifyConfig
) -> None:
    url, pending = authorize_url(spotify_config)
    location = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
    tampered = dataclasses.replace(pending, code_verifier=pending.code_verifier[::-1])
    with pytest.raises(AuthError, match="code_verifier was incorrect"):
        complete_login(spotify_config, tampered, location)
    assert not spotify_config.token_cache.exists()


def test_refused_consent_is_reported(
    fake_spotify: FakeSpotify, spotify_config: SpotifyConfig
) -> None:
    fake_spotify.state.deny_authorization = True
    url, pending = authorize_url(spotify_config)
    location = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
    with pytest.raises(AuthError, match="access_denied"):
        complete_login(spotify_config, pending, location)


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://localhost:8888/callback",
        "http://192.168.1.5:8888/callback",
        "http://127.0.0.1/callback",
        "https://127.0.0.1:8888/callback",
    ],
)
def test_redirect_uris_spotify_refuses_are_caught_early(
    spotify_config: SpotifyConfig, redirect_uri: str
) -> None:
    config = dataclasses.replace(spotify_config, redirect_uri=redirect_uri)
    with pytest.raises(BadInputError, match=r"127\.0\.0\.1"):
        authorize_url(config)


def test_token_file_is_0600_even_with_a_permissive_umask(
    fake_spotify: FakeSpotify, spotify_config: SpotifyConfig
) -> None:
    old = os.umask(0)
    try:
        url, pending = authorize_url(spotify_config)
        location = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
        complete_login(spotify_config, pending, location)
    finally:
        os.umask(old)
    assert _mode(spotify_config.token_cache) == 0o600
    assert _mode(spotify_config.token_cache.parent) == 0o700
    leftovers = [p for p in spotify_config.token_cache.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_logout_deletes_the_token_file(logged_in: SpotifyConfig) -> None:
    assert logout(logged_in) is True
    assert not logged_in.token_cache.exists()
    assert logout(logged_in) is False
    with pytest.raises(AuthError, match="Not logged in"):
        make_client(logged_in)


# ----- the loopback listener -------------------------------------------------------------------


def test_listener_ignores_stray_requests_and_times_out(spotify_config: SpotifyConfig) -> None:
    base = spotify_config.redirect_uri.rsplit("/", 1)[0]
    with RedirectListener(spotify_config.redirect_uri) as listener:
        assert requests.get(base + "/favicon.ico", timeout=5).status_code == 404
        assert requests.get(spotify_config.redirect_uri, timeout=5).status_code == 404  # no code
        started = time.monotonic()
        with pytest.raises(AuthError, match="No answer from the browser"):
            listener.wait(0.2)
        assert time.monotonic() - started < 2


def test_listener_returns_the_redirected_address(spotify_config: SpotifyConfig) -> None:
    with RedirectListener(spotify_config.redirect_uri) as listener:
        answer = spotify_config.redirect_uri + "?code=abc123def456&state=xyz"
        threading.Thread(target=requests.get, args=(answer,), kwargs={"timeout": 5}).start()
        assert listener.wait(5) == answer


def test_listener_reports_a_busy_port(spotify_config: SpotifyConfig) -> None:
    with (
        RedirectListener(spotify_config.redirect_uri),
        pytest.raises(AuthError, match="Cannot listen"),
        RedirectListener(spotify_config.redirect_uri),
    ):
        pass


# ----- an existing login ------------------------------------------------------------------------


def test_expired_access_token_is_renewed_transparently(
    fake_spotify: FakeSpotify, logged_in: SpotifyConfig, spotify_client: Any
) -> None:
    before = json.loads(logged_in.token_cache.read_text())
    assert fetch_me(spotify_client).id == fake_spotify.user.id
    fake_spotify.expire_access_tokens()  # Spotify says 401 "The access token expired"

    assert fetch_me(spotify_client).id == fake_spotify.user.id

    refreshes = fake_spotify.requests("POST", "/api/token")
    assert [r.body["grant_type"] for r in refreshes] == ["refresh_token"]
    after = json.loads(logged_in.token_cache.read_text())
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] == before["refresh_token"]  # the answer omitted it: kept
    assert _mode(logged_in.token_cache) == 0o600
    statuses = [r.status for r in fake_spotify.requests("GET", "/v1/me/")]
    assert statuses == [200, 401, 200]


def test_one_second_tokens_are_renewed(
    fake_spotify: FakeSpotify, spotify_config: SpotifyConfig
) -> None:
    # The server lets tokens live 1 s but claims an hour (clock skew): the 401 path renews.
    fake_spotify.state.access_token_lifetime_s = 1
    fake_spotify.state.advertised_expires_in = 3600
    fx.write_token_cache(fake_spotify, spotify_config)
    client = make_client(spotify_config)
    fetch_me(client)
    time.sleep(1.1)
    fetch_me(client)
    assert fake_spotify.count("POST", "/api/token") == 1


def test_tokens_reported_as_short_lived_are_renewed_before_use(
    fake_spotify: FakeSpotify, spotify_config: SpotifyConfig
) -> None:
    fake_spotify.state.access_token_lifetime_s = 1  # answers say expires_in=1
    fx.write_token_cache(fake_spotify, spotify_config)
    client = make_client(spotify_config)
    fetch_me(client)
    fetch_me(client)
    # spotipy renews ahead of expiry (less than 60 s left), so Spotify never sees a stale token
    assert fake_spotify.count("POST", "/api/token") >= 2
    assert [r.status for r in fake_spotify.requests("GET", "/v1/me/")] == [200, 200]


def test_rotated_refresh_token_is_saved(
    fake_spotify: FakeSpotify, logged_in: SpotifyConfig, spotify_client: Any
) -> None:
    fake_spotify.state.rotate_refresh_tokens = True
    first = json.loads(logged_in.token_cache.read_text())["refresh_token"]
    fake_spotify.expire_access_tokens()
    fetch_me(spotify_client)
    second = json.loads(logged_in.token_cache.read_text())["refresh_token"]
    assert second != first
    fake_spotify.expire_access_tokens()
    fetch_me(spotify_client)  # the new refresh token works; the old one is revoked
    assert fake_spotify.count("POST", "/api/token") == 2


def test_revoked_refresh_token_after_a_401_is_one_clear_line(
    fake_spotify: FakeSpotify, spotify_client: Any
) -> None:
    fake_spotify.revoke_refresh_tokens()
    fake_spotify.expire_access_tokens()
    with pytest.raises(AuthError) as caught:
        fetch_me(spotify_client)
    assert caught.value.message == EXPIRED
    assert str(caught.value) == EXPIRED


def test_revoked_refresh_token_on_proactive_renewal_is_one_clear_line(
    fake_spotify: FakeSpotify, logged_in: SpotifyConfig
) -> None:
    token = json.loads(logged_in.token_cache.read_text())
    token["expires_at"] = int(time.time()) - 10  # spotipy will renew before sending
    logged_in.token_cache.write_text(json.dumps(token))
    fake_spotify.revoke_refresh_tokens()
    with pytest.raises(AuthError) as caught:
        fetch_me(make_client(logged_in))
    assert caught.value.message == EXPIRED


def test_refresh_tokens_expire_after_their_lifetime(
    fake_spotify: FakeSpotify, spotify_config: SpotifyConfig
) -> None:
    fake_spotify.state.refresh_token_lifetime_s = 0.2
    fx.write_token_cache(fake_spotify, spotify_config)
    client = make_client(spotify_config)
    time.sleep(0.3)
    fake_spotify.expire_access_tokens()
    with pytest.raises(AuthError, match="expired"):
        fetch_me(client)


def test_an_unknown_access_token_is_renewed_once(
    fake_spotify: FakeSpotify, spotify_config: SpotifyConfig
) -> None:
    fx.write_token_cache(fake_spotify, spotify_config, access_token="AT-not-issued-by-spotify")
    assert fetch_me(make_client(spotify_config)).id == fake_spotify.user.id
    assert fake_spotify.count("POST", "/api/token") == 1


def test_a_missing_token_file_never_prompts(
    fake_spotify: FakeSpotify, logged_in: SpotifyConfig, spotify_client: Any
) -> None:
    logged_in.token_cache.unlink()  # logged out while a client exists
    with pytest.raises(AuthError, match="Not logged in"):
        fetch_me(spotify_client)
    assert fake_spotify.count("GET", "/authorize") == 0


def test_a_login_without_the_needed_scopes_asks_for_a_new_login(
    fake_spotify: FakeSpotify, spotify_config: SpotifyConfig
) -> None:
    fx.write_token_cache(fake_spotify, spotify_config, scopes=("user-top-read",))
    assert not is_logged_in(spotify_config)
    with pytest.raises(AuthError, match="yawyas login"):
        make_client(spotify_config)


def test_config_reads_locations_from_env(tmp_path: Any) -> None:
    env = {"YAWYAS_SPOTIFY_API": "http://127.0.0.1:1/v1", "YAWYAS_SPOTIFY_ACCOUNTS": "http://x"}
    config = SpotifyConfig.from_env("id", "http://127.0.0.1:8888/callback", tmp_path / "t", env)
    assert (config.api_url, config.accounts_url) == ("http://127.0.0.1:1/v1", "http://x")
    default = SpotifyConfig.from_env("id", "http://127.0.0.1:8888/callback", tmp_path / "t", {})
    assert default.api_url == "https://api.spotify.com/v1"
    assert default.accounts_url == "https://accounts.spotify.com"
    assert default.token_endpoint == "https://accounts.spotify.com/api/token"


def test_client_points_at_the_configured_api(logged_in: SpotifyConfig) -> None:
    client = make_client(logged_in, timeout_s=3.0)
    assert client.prefix == logged_in.api_url + "/"
    assert client.requests_timeout == 3.0
