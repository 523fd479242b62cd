"""pytest fixtures around the fake Spotify; tests/conftest.py imports them.

fake_spotify     a running FakeSpotify (stopped at the end of the test)
spotify_config   a SpotifyConfig pointing at it, token file in tmp_path, free redirect port
logged_in        spotify_config with a token file already written (as after `yawyas login`)
spotify_client   make_client(logged_in)
recorded_sleep   a SleepRecorder: a sleep function that only records what it was asked
fast_policy      RetryPolicy(sleep=recorded_sleep): retries without waiting
openapi_spec     the parsed openapi.yml (skips the test when it is absent)
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from yawyas.sources.spotify import RetryPolicy, SpotifyConfig, make_client

from .server import FakeSpotify
from .spec import SpecNotFoundError, load_spec


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (for the login redirect)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_token_cache(
    fake: FakeSpotify,
    config: SpotifyConfig,
    scopes: tuple[str, ...] | None = None,
    *,
    access_token: str | None = None,
) -> dict[str, Any]:
    """Write spotipy's token file (mode 0600) as a finished `yawyas login` would."""
    token = fake.issue_tokens(config.scopes if scopes is None else scopes)
    if access_token is not None:
        token["access_token"] = access_token
    token["expires_at"] = int(time.time()) + int(token["expires_in"])
    config.token_cache.parent.mkdir(parents=True, exist_ok=True)
    config.token_cache.write_text(json.dumps(token), encoding="utf-8")
    os.chmod(config.token_cache, 0o600)
    return token


class SleepRecorder:
    """Stands in for time.sleep: records each requested wait and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    @property
    def total_s(self) -> float:
        return sum(self.calls)


@pytest.fixture
def fake_spotify() -> Iterator[FakeSpotify]:
    with FakeSpotify() as fake:
        yield fake


@pytest.fixture
def spotify_config(fake_spotify: FakeSpotify, tmp_path: Path) -> SpotifyConfig:
    return SpotifyConfig(
        client_id=fake_spotify.client_id,
        redirect_uri=f"http://127.0.0.1:{free_port()}/callback",
        api_url=fake_spotify.api_url,
        accounts_url=fake_spotify.accounts_url,
        token_cache=tmp_path / "config" / "spotify-token.json",
    )


@pytest.fixture
def logged_in(fake_spotify: FakeSpotify, spotify_config: SpotifyConfig) -> SpotifyConfig:
    write_token_cache(fake_spotify, spotify_config)
    return spotify_config


@pytest.fixture
def spotify_client(logged_in: SpotifyConfig) -> Any:
    return make_client(logged_in, timeout_s=5.0)


@pytest.fixture
def recorded_sleep() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def fast_policy(recorded_sleep: SleepRecorder) -> RetryPolicy:
    return RetryPolicy(sleep=recorded_sleep)


@pytest.fixture(scope="session")
def openapi_spec() -> dict[str, Any]:
    try:
        return load_spec()
    except SpecNotFoundError as exc:
        pytest.skip(str(exc))
