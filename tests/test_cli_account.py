"""`yawyas login / logout / whoami / sync / enrich` through the command line, against the fake
Spotify: the browser step is driven by the test, the pasted address read from stdin."""

from __future__ import annotations

import io
import json
import os
import re
import stat
import sys
import time
import webbrowser
from pathlib import Path
from typing import Any, BinaryIO

import pytest
import requests
import typer.testing
from typer.testing import CliRunner, Result

import yawyas.cli.commands  # noqa: F401  (registers the commands)
from tests import exportkit as kit
from tests.fake_spotify import FakeSpotify
from tests.fake_spotify.fixtures import free_port, write_token_cache
from tests.test_sync import seed_world
from yawyas.cli import app
from yawyas.cli import spotify as cli_spotify
from yawyas.cli.commands import account
from yawyas.services.sync import spotify_config
from yawyas.settings import load_config, resolve_paths
from yawyas.sources.spotify import SpotifyConfig

runner = CliRunner()


@pytest.fixture
def env(fake_spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The person's environment: a client id, a loopback redirect, Spotify at the fake."""
    values = {
        "SPOTIPY_CLIENT_ID": fake_spotify.client_id,
        "SPOTIPY_REDIRECT_URI": f"http://127.0.0.1:{free_port()}/callback",
        "YAWYAS_SPOTIFY_API": fake_spotify.api_url,
        "YAWYAS_SPOTIFY_ACCOUNTS": fake_spotify.accounts_url,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def config_now() -> SpotifyConfig:
    paths = resolve_paths()
    return spotify_config(paths, load_config(paths.config_file))


@pytest.fixture
def logged_in_cli(env: dict[str, str], fake_spotify: FakeSpotify) -> SpotifyConfig:
    config = config_now()
    write_token_cache(fake_spotify, config)
    return config


def run(*args: str, input: str | None = None) -> Result:
    return runner.invoke(app, list(args), input=input)


def one_error_line(result: Result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


# ----- login --------------------------------------------------------------------------------


def test_login_through_the_browser(
    env: dict[str, str],
    fake_spotify: FakeSpotify,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    token_file = tmp_path / "elsewhere" / "token.json"
    monkeypatch.setenv("YAWYAS_TOKEN_CACHE", str(token_file))
    monkeypatch.setattr(account, "browser_available", lambda: True)
    pages: list[requests.Response] = []

    def browser(url: str, new: int = 0) -> bool:
        # the person's browser: Spotify's page (the fake agrees), then the loopback redirect
        pages.append(requests.get(url, timeout=5))
        return True

    monkeypatch.setattr(webbrowser, "open", browser)

    result = run("login", "--timeout", "5")

    assert result.exit_code == 0, result.output
    assert "Logged in to Spotify as Fake Listener (fakelistener)." in result.stdout
    assert pages[0].status_code == 200
    assert "logged in" in pages[0].text
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    token = json.loads(token_file.read_text())
    assert token["refresh_token"]
    assert token["access_token"] not in result.output
    authorize = fake_spotify.requests("GET", "/authorize")[0]
    assert authorize.q("redirect_uri") == env["SPOTIPY_REDIRECT_URI"]
    assert authorize.q("code_challenge_method") == "S256"
    assert authorize.q("state")


class _PersonAtTheKeyboard(io.RawIOBase):
    """stdin for the paste login: on the first read, the person reads the address the command
    printed, opens it in a browser elsewhere and types back where the browser ended up."""

    def __init__(self, tamper: bool = False) -> None:
        self._data: bytes | None = None
        self._tamper = tamper

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._data is None:
            self._data = self._answer()
        n = min(len(buffer), len(self._data))
        buffer[:n], self._data = self._data[:n], self._data[n:]
        return n

    def _answer(self) -> bytes:
        sys.stdout.flush()
        shown = sys.stdout.buffer.getvalue().decode()  # type: ignore[attr-defined]
        url = re.search(r"^(http://\S+/authorize\?\S+)$", shown, re.MULTILINE)
        assert url, shown
        redirect = requests.get(url.group(1), allow_redirects=False, timeout=5)
        location = redirect.headers["Location"]
        if self._tamper:
            location = re.sub(r"state=[^&]+", "state=forged", location)
        return (location + "\n").encode()


@pytest.mark.parametrize("how", [["--no-browser"], []])
def test_login_by_pasting_the_address(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, how: list[str]
) -> None:
    if how:
        monkeypatch.setattr(account, "browser_available", lambda: True)
        monkeypatch.setattr(webbrowser, "open", lambda *a, **k: pytest.fail("no browser here"))
    else:
        monkeypatch.setattr(account, "browser_available", lambda: False)  # over SSH
    keyboard = _PersonAtTheKeyboard()
    monkeypatch.setattr(typer.testing, "make_input_stream", lambda *_: _buffered(keyboard))

    result = run("login", *how)

    assert result.exit_code == 0, result.output
    assert "Paste it here" in result.stdout
    assert "Logged in to Spotify as Fake Listener" in result.stdout
    assert stat.S_IMODE(os.stat(resolve_paths().token_cache).st_mode) == 0o600


def test_a_pasted_address_of_another_login_is_refused(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keyboard = _PersonAtTheKeyboard(tamper=True)
    monkeypatch.setattr(typer.testing, "make_input_stream", lambda *_: _buffered(keyboard))

    result = run("login", "--no-browser")

    assert result.exit_code == 1
    assert "state mismatch" in one_error_line(result)
    assert not resolve_paths().token_cache.exists()


def test_no_browser_over_ssh_or_without_a_display(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert not cli_spotify.browser_available()  # a text browser would take over the terminal
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(webbrowser, "get", lambda *a: object())
    assert cli_spotify.browser_available()

    def none(*_: object) -> object:
        raise webbrowser.Error("no browser")

    monkeypatch.setattr(webbrowser, "get", none)
    assert not cli_spotify.browser_available()
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.delenv("DISPLAY")
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    assert not cli_spotify.browser_available()


def _buffered(raw: io.RawIOBase) -> BinaryIO:
    return io.BufferedReader(raw)  # type: ignore[return-value]


def test_a_missing_client_id_says_how_to_set_it(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SPOTIPY_CLIENT_ID")
    for command in (["login"], ["whoami"], ["sync"], ["enrich"]):
        result = run(*command)
        assert result.exit_code == 2, command
        line = one_error_line(result)
        assert "SPOTIPY_CLIENT_ID" in line
        assert "config.toml" in line
        assert "spotify section" in line


def test_the_client_id_can_come_from_the_config_file(
    env: dict[str, str], fake_spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SPOTIPY_CLIENT_ID")
    paths = resolve_paths()
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(f'[spotify]\nclient_id = "{fake_spotify.client_id}"\n')
    write_token_cache(fake_spotify, config_now())

    result = run("whoami")

    assert result.exit_code == 0, result.output
    assert "Fake Listener" in result.stdout


# ----- logout, whoami ----------------------------------------------------------------------


def test_whoami_logout_and_not_logged_in(logged_in_cli: SpotifyConfig) -> None:
    result = run("whoami", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["id"] == "fakelistener"
    assert doc["store"] is None
    assert doc["token_cache"] == str(logged_in_cli.token_cache)

    assert run("logout").stdout.startswith("Logged out")
    assert not logged_in_cli.token_cache.exists()
    assert "nothing to forget" in run("logout").stdout

    result = run("whoami")
    assert result.exit_code == 1
    assert "run `yawyas login` first" in one_error_line(result)


def test_logout_needs_no_client_id(
    logged_in_cli: SpotifyConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SPOTIPY_CLIENT_ID")
    assert run("logout").exit_code == 0
    assert not logged_in_cli.token_cache.exists()


def test_an_expired_login_is_one_line_and_exit_1(
    logged_in_cli: SpotifyConfig, fake_spotify: FakeSpotify
) -> None:
    fake_spotify.expire_access_tokens()
    fake_spotify.revoke_refresh_tokens()
    for command in ("sync", "whoami"):  # (enrich: tests/test_enrich.py)
        result = run(command)
        assert result.exit_code == 1, command
        assert one_error_line(result) == (
            "error: Your Spotify login has expired; run `yawyas login` again."
        )
        assert result.stdout == ""


# ----- sync and enrich ----------------------------------------------------------------------


def test_sync_prints_json_then_stays_quiet_for_cron(
    logged_in_cli: SpotifyConfig, fake_spotify: FakeSpotify
) -> None:
    seed_world(fake_spotify)

    first = run("sync", "--json")
    assert first.exit_code == 0, first.output
    doc = json.loads(first.stdout)
    assert doc["streams_added"] == 6
    assert doc["playlists_not_available"] == 1

    again = run("sync")  # as from cron: stdout is not a terminal
    assert again.exit_code == 0
    assert again.output == ""

    status = json.loads(run("whoami", "--json").stdout)["store"]
    assert status["api_streams"] == 6
    assert status["last_sync_at"]


def test_enrich_stops_on_a_long_rate_limit_and_resumes(
    logged_in_cli: SpotifyConfig, fake_spotify: FakeSpotify, tmp_path: Path
) -> None:
    tracks = fake_spotify.seed_catalog(4, n_artists=2)
    rows = [
        kit.ext_row(
            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_780_000_000 + 300 * i)), uri=t.uri
        )
        for i, t in enumerate(tracks)
    ]
    kit.write(tmp_path / "export" / "Streaming_History_Audio_2026.json", rows)
    assert run("import", str(tmp_path / "export")).exit_code == 0

    fake_spotify.fail_next(1, 429, retry_after=5, path="/v1/tracks/*")
    stopped = run("enrich", "--max-wait", "2")
    assert stopped.exit_code == 1
    line = one_error_line(stopped)
    assert "wait 5 s" in line
    assert "run `yawyas enrich` again after" in line

    fake_spotify.fail_next(1, 429, retry_after=0, path="/v1/tracks/*")  # waited out
    done = run("enrich", "--json")
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    assert (doc["tracks_fetched"], doc["tracks_missing"], doc["artists_fetched"]) == (4, 0, 2)
    assert fake_spotify.count("GET", "/v1/tracks/*") == 6  # 4 answers and 2 rate limits

    plain = run("enrich")
    assert plain.exit_code == 0
    assert "Enriched 0 tracks" in plain.stdout


def test_max_wait_from_the_config_file(
    logged_in_cli: SpotifyConfig, fake_spotify: FakeSpotify
) -> None:
    paths = resolve_paths()
    paths.config_file.write_text("[spotify]\nmax_wait_s = 1\n")
    seed_world(fake_spotify)
    fake_spotify.fail_next(1, 429, retry_after=3, path="/v1/me/player/recently-played")

    result = run("sync")

    assert result.exit_code == 1
    assert "wait 3 s" in one_error_line(result)


@pytest.mark.parametrize("command", ["login", "logout", "whoami", "sync", "enrich"])
def test_every_account_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert re.search(r"Example: yawyas \S", result.stdout), result.stdout


def test_sync_runs_are_logged_and_recorded_for_status(
    logged_in_cli: SpotifyConfig, fake_spotify: FakeSpotify, tmp_path: Path
) -> None:
    seed_world(fake_spotify)
    log = tmp_path / "runs.log"
    assert run("--log-file", str(log), "sync").exit_code == 0
    fake_spotify.fail_next(1, 429, retry_after=3, path="/v1/me/player/recently-played")
    assert run("--log-file", str(log), "sync", "--max-wait", "1").exit_code == 1

    first, second = log.read_text().splitlines()
    assert " sync ok exit=0 " in first
    assert first.endswith("streams_added=6 duplicates=0 saved_added=3 playlists_read=2")
    assert " sync failed exit=1 " in second
    assert "wait 3 s" in second
    last = json.loads(run("status", "--json").stdout)["runs"]["sync"]
    assert (last["outcome"], last["exit_code"]) == ("failed", 1)
    assert "wait 3 s" in last["message"]
