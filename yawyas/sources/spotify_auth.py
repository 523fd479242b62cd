"""Logging in to Spotify: Authorization Code with PKCE through spotipy, and the token file.

Only this module and `spotify.py` import spotipy. The flow, for `yawyas login`:

    url, pending = authorize_url(config)
    # either: a browser and a one-shot listener on the redirect port
    with RedirectListener(config.redirect_uri) as listener:
        webbrowser.open(url)
        answer = listener.wait(timeout_s=300)
    # or, over SSH: print `url` and read the address the browser ended on
    complete_login(config, pending, answer)

`login_with_browser` does the first variant in one call. The token file is spotipy's JSON
cache, written with mode 0600; it is never printed or logged.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from spotipy.cache_handler import CacheFileHandler
from spotipy.exceptions import SpotifyOauthError
from spotipy.oauth2 import SpotifyPKCE

from yawyas.errors import AuthError, BadInputError, SpotifyError

DEFAULT_API_URL = "https://api.spotify.com/v1"
DEFAULT_ACCOUNTS_URL = "https://accounts.spotify.com"
API_URL_ENV = "YAWYAS_SPOTIFY_API"
ACCOUNTS_URL_ENV = "YAWYAS_SPOTIFY_ACCOUNTS"
DEFAULT_SCOPES: tuple[str, ...] = (
    "user-read-recently-played",
    "user-top-read",
    "user-library-read",
    "playlist-read-private",
    "playlist-read-collaborative",
    "playlist-modify-private",
    "playlist-modify-public",
)
NOT_LOGGED_IN = "yawyas_not_logged_in"  # the `error` of the SpotifyOauthError we raise ourselves
LOGIN_EXPIRED_MESSAGE = "Your Spotify login has expired; run `yawyas login` again."
LOGGED_IN_AT = "yawyas_logged_in_at"  # in the token file: unix seconds of `yawyas login`
LOGIN_LIFETIME_DAYS = 182  # Spotify's logins (refresh tokens) last about 6 months
NOT_LOGGED_IN_MESSAGE = "Not logged in to Spotify; run `yawyas login` first."

# spotipy logs request headers and token request bodies at DEBUG (never let a token reach a
# log), and an ERROR line for every failed request, which `call` already turns into one sentence.
_spotipy_log = logging.getLogger("spotipy")
_spotipy_log.setLevel(logging.CRITICAL)
_spotipy_log.addHandler(logging.NullHandler())


@dataclass(frozen=True)
class SpotifyConfig:
    """Where Spotify is and who we are. Built by the settings module from env and config."""

    client_id: str
    redirect_uri: str
    api_url: str
    accounts_url: str
    token_cache: Path
    scopes: tuple[str, ...] = DEFAULT_SCOPES

    @classmethod
    def from_env(
        cls,
        client_id: str,
        redirect_uri: str,
        token_cache: Path,
        environ: Mapping[str, str] | None = None,
        scopes: tuple[str, ...] = DEFAULT_SCOPES,
    ) -> SpotifyConfig:
        """A config whose API and accounts addresses come from YAWYAS_SPOTIFY_API / _ACCOUNTS."""
        env = os.environ if environ is None else environ
        return cls(
            client_id=client_id,
            redirect_uri=redirect_uri,
            api_url=env.get(API_URL_ENV) or DEFAULT_API_URL,
            accounts_url=env.get(ACCOUNTS_URL_ENV) or DEFAULT_ACCOUNTS_URL,
            token_cache=token_cache,
            scopes=scopes,
        )

    @property
    def authorize_endpoint(self) -> str:
        return self.accounts_url.rstrip("/") + "/authorize"

    @property
    def token_endpoint(self) -> str:
        return self.accounts_url.rstrip("/") + "/api/token"


@dataclass(frozen=True)
class PendingLogin:
    """What `complete_login` needs to finish the login `authorize_url` started."""

    state: str
    code_verifier: str = field(repr=False)


def check_redirect_uri(redirect_uri: str) -> tuple[str, int]:
    """The (host, port) of a loopback redirect URI; BadInputError for anything Spotify refuses."""
    parts = urlsplit(redirect_uri)
    if parts.hostname == "localhost":
        raise BadInputError(
            f"Spotify refuses 'localhost' in redirect addresses ({redirect_uri}); use "
            "http://127.0.0.1:8888/callback and register that address in your Spotify app."
        )
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "::1") or port is None:
        raise BadInputError(
            f"The redirect address {redirect_uri!r} must look like "
            "http://127.0.0.1:8888/callback (or http://[::1]:8888/callback) with a port."
        )
    return parts.hostname, port


class TokenFile(CacheFileHandler):  # type: ignore[misc]
    """spotipy's JSON token cache, but created with mode 0600 from the first byte and replaced
    atomically, in a folder made 0700; a failed write is an error, not a log line."""

    def __init__(self, path: Path) -> None:
        super().__init__(cache_path=str(path))
        self.path = path

    def save_token_to_cache(self, token_info: dict[str, Any]) -> None:
        if LOGGED_IN_AT not in token_info:  # a refresh: keep the time of the login
            old = _read_json(self.path)
            if old is not None and isinstance(old.get(LOGGED_IN_AT), int | float):
                token_info = {**token_info, LOGGED_IN_AT: old[LOGGED_IN_AT]}
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(prefix=".spotify-token-", dir=folder)  # mode 0600
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(token_info, out)
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise AuthError(
                f"Cannot save the Spotify login to {self.path}: {exc.strerror or exc}."
            ) from exc


def read_token(config: SpotifyConfig) -> dict[str, Any] | None:
    """The cached token info, or None when there is no usable token file."""
    return _read_json(config.token_cache)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class LoginInfo:
    """What the token file says about the login, without asking Spotify."""

    logged_in: bool  # a refresh token is saved
    logged_in_at: float | None  # unix seconds of `yawyas login` (None: an older token file)
    scope: str | None

    @property
    def expires_at(self) -> float | None:
        """When Spotify will refuse the refresh token (about 6 months after the login)."""
        if self.logged_in_at is None:
            return None
        return self.logged_in_at + LOGIN_LIFETIME_DAYS * 86_400


def read_login(path: Path) -> LoginInfo:
    """The login saved in the token file at `path` (read offline; never printed)."""
    token = _read_json(path) or {}
    at = token.get(LOGGED_IN_AT)
    scope = token.get("scope")
    return LoginInfo(
        logged_in=bool(token.get("refresh_token")),
        logged_in_at=float(at) if isinstance(at, int | float) else None,
        scope=scope if isinstance(scope, str) else None,
    )


def scopes_cover(granted: object, wanted: tuple[str, ...]) -> bool:
    """True when the space-separated `granted` scopes include every wanted one."""
    have = set(granted.split()) if isinstance(granted, str) else set()
    return set(wanted) <= have


class YawyasPKCE(SpotifyPKCE):  # type: ignore[misc]
    """spotipy's PKCE manager pointed at `config.accounts_url`, that never prompts: inside a
    fetch, a missing login is an error to report, not a browser to open."""

    def __init__(
        self, config: SpotifyConfig, *, timeout_s: float, session: requests.Session
    ) -> None:
        super().__init__(
            client_id=config.client_id,
            redirect_uri=config.redirect_uri,
            scope=list(config.scopes),
            cache_handler=TokenFile(config.token_cache),
            requests_timeout=timeout_s,
            requests_session=session,
            open_browser=False,
        )
        self.OAUTH_AUTHORIZE_URL = config.authorize_endpoint
        self.OAUTH_TOKEN_URL = config.token_endpoint

    def get_authorization_code(self, response: str | None = None) -> str:
        if response:
            return str(super().get_authorization_code(response))
        raise SpotifyOauthError(NOT_LOGGED_IN_MESSAGE, error=NOT_LOGGED_IN)


def make_auth_manager(config: SpotifyConfig, *, timeout_s: float = 10.0) -> YawyasPKCE:
    """The auth manager `make_client` hands to spotipy (its own session, with a timeout)."""
    return YawyasPKCE(config, timeout_s=timeout_s, session=requests.Session())


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge for a PKCE code verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def authorize_url(config: SpotifyConfig) -> tuple[str, PendingLogin]:
    """The address to open in a browser, and the secret half of the login to keep meanwhile."""
    check_redirect_uri(config.redirect_uri)
    manager = make_auth_manager(config)
    manager.get_pkce_handshake_parameters()
    state = secrets.token_urlsafe(16)
    url = str(manager.get_authorize_url(state=state))
    return url, PendingLogin(state=state, code_verifier=str(manager.code_verifier))


_CODE_RE = re.compile(r"^[A-Za-z0-9._~-]{8,2048}$")


def code_from_answer(answer: str, pending: PendingLogin) -> str:
    """The authorization code in a pasted redirect address (state checked) or a bare code."""
    text = answer.strip()
    if "?" in text or "code=" in text or "error=" in text:
        query = parse_qs(urlsplit(text).query or text.split("?", 1)[-1])

        def first(name: str) -> str | None:
            values = query.get(name)
            return values[0] if values else None

        error = first("error")
        if error:
            raise AuthError(
                f"Spotify did not grant access ({error}); run `yawyas login` again and press Agree."
            )
        state = first("state")
        if state != pending.state:
            raise AuthError(
                "This login answer does not belong to the login in progress (state mismatch); "
                "run `yawyas login` again."
            )
        code = first("code")
        if not code:
            raise BadInputError(
                "That address holds no login code; paste the whole address the browser "
                "ended on after you pressed Agree."
            )
        return code
    if not _CODE_RE.match(text):
        raise BadInputError(
            "That does not look like the address the browser ended on; paste all of it."
        )
    return text


def complete_login(
    config: SpotifyConfig,
    pending: PendingLogin,
    redirected_url_or_code: str,
    *,
    timeout_s: float = 10.0,
) -> None:
    """Check the answer's state, trade the code for tokens and write the token file (0600)."""
    code = code_from_answer(redirected_url_or_code, pending)
    manager = make_auth_manager(config, timeout_s=timeout_s)
    manager.code_verifier = pending.code_verifier
    manager.code_challenge = pkce_challenge(pending.code_verifier)
    try:
        manager.get_access_token(code=code, check_cache=False)
    except SpotifyOauthError as exc:
        raise AuthError(
            f"Spotify refused the login ({exc.error or 'unknown error'}: "
            f"{exc.error_description or 'no details'}); run `yawyas login` again."
        ) from exc
    except requests.RequestException as exc:
        raise SpotifyError(
            f"Could not reach Spotify's login service at {config.accounts_url} "
            f"({type(exc).__name__}); check the network and try again."
        ) from exc
    token = read_token(config)
    if token is None or not token.get("refresh_token"):
        raise AuthError(f"The Spotify login could not be saved to {config.token_cache}.")
    TokenFile(config.token_cache).save_token_to_cache({**token, LOGGED_IN_AT: time.time()})


def logout(config: SpotifyConfig) -> bool:
    """Forget the login: delete the token file. True when there was one."""
    try:
        config.token_cache.unlink()
    except FileNotFoundError:
        return False
    return True


def is_logged_in(config: SpotifyConfig) -> bool:
    """True when a token file with a refresh token and every wanted scope exists."""
    token = read_token(config)
    return bool(token and token.get("refresh_token")) and scopes_cover(
        (token or {}).get("scope"), config.scopes
    )


# ----- the one-shot loopback listener ----------------------------------------------------------

_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>yawyas</title></head>"
    "<body><h1>{title}</h1><p>{text}</p></body></html>"
)


class _ListenerServer(HTTPServer):
    def __init__(self, host: str, port: int, path: str) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _ListenerHandler)
        self.expected_path = path
        self.answer: str | None = None
        self.got_answer = threading.Event()


class _ListenerHandler(BaseHTTPRequestHandler):
    server: _ListenerServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path != self.server.expected_path or not ("code" in query or "error" in query):
            self._reply(404, "Not here", "This is yawyas waiting for Spotify's answer.")
            return
        if self.server.answer is None:
            host = str(self.server.server_address[0])
            port = self.server.server_address[1]
            shown_host = f"[{host}]" if ":" in host else host
            self.server.answer = f"http://{shown_host}:{port}{self.path}"
            self.server.got_answer.set()
        if "error" in query:
            self._reply(200, "Login not granted", "You can close this tab.")
        else:
            self._reply(200, "yawyas is logged in", "You can close this tab.")

    def _reply(self, status: int, title: str, text: str) -> None:
        body = _PAGE.format(title=title, text=text).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


class RedirectListener:
    """Listens once on the redirect URI's loopback port for the browser's redirect.

    Use as a context manager: it is bound on entry (so open the browser inside the block) and
    closed on exit. `wait()` returns the full redirected address, for `complete_login`.
    """

    def __init__(self, redirect_uri: str) -> None:
        self.host, self.port = check_redirect_uri(redirect_uri)
        self.path = urlsplit(redirect_uri).path or "/"
        self._server: _ListenerServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> RedirectListener:
        try:
            self._server = _ListenerServer(self.host, self.port, self.path)
        except OSError as exc:
            raise AuthError(
                f"Cannot listen on {self.host} port {self.port} for Spotify's answer "
                f"({exc.strerror or exc}); free the port or log in by pasting the address."
            ) from exc
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="yawyas-login-listener",
            daemon=True,
        )
        self._thread.start()
        return self

    def wait(self, timeout_s: float) -> str:
        """The redirected address the browser brought, or AuthError after `timeout_s`."""
        assert self._server is not None, "use RedirectListener as a context manager"
        if not self._server.got_answer.wait(timeout_s):
            raise AuthError(
                f"No answer from the browser within {timeout_s:.0f} s; run `yawyas login` "
                "again, or paste the address the browser ended on."
            )
        assert self._server.answer is not None
        return self._server.answer

    def __exit__(self, *exc: object) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def login_with_browser(
    config: SpotifyConfig,
    open_url: Callable[[str], object],
    *,
    timeout_s: float = 300.0,
    request_timeout_s: float = 10.0,
) -> None:
    """The whole browser login: listen, `open_url(url)`, wait for the redirect, trade the code."""
    url, pending = authorize_url(config)
    with RedirectListener(config.redirect_uri) as listener:
        open_url(url)
        answer = listener.wait(timeout_s)
    complete_login(config, pending, answer, timeout_s=request_timeout_s)
