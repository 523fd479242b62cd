"""The Spotify Web API client yawyas uses, its retry policy and the translation of its errors.

- `make_client(config)` builds a `spotipy.Spotify` that never retries by itself. Decision: it
  gets a plain `requests.Session`, not spotipy's urllib3 retry adapter, so that nothing below
  us sleeps out an uncapped Retry-After (spotipy #766, #1224: a CLI that hangs for hours) or
  turns a 5xx into spotipy's mislabelled, header-less 429 "Max Retries";
- `call(client, what, fn)` runs one request under a `RetryPolicy`: a 429 is waited out when its
  Retry-After is short, else `RateLimitedError` (progress is the caller's to keep); 5xx and
  dropped connections are retried with capped exponential backoff, then `SpotifyError`; a 403
  is `NotAvailableError` ("not available to this app"), a 404 `MissingError`. Nothing but a
  404 ever means "missing".
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import requests
import spotipy
from spotipy.exceptions import SpotifyException, SpotifyOauthError
from urllib3.exceptions import NewConnectionError

from yawyas.errors import AuthError, RateLimitedError, SpotifyError, YawyasError
from yawyas.sources.spotify_auth import (
    LOGIN_EXPIRED_MESSAGE,
    NOT_LOGGED_IN,
    NOT_LOGGED_IN_MESSAGE,
    SpotifyConfig,
    YawyasPKCE,
    make_auth_manager,
    read_token,
    scopes_cover,
)

__all__ = [
    "DEFAULT_POLICY",
    "MissingError",
    "NotAvailableError",
    "QuotaExceededError",
    "RetryPolicy",
    "UncertainWriteError",
    "call",
    "human_s",
    "make_client",
]

T = TypeVar("T")
OAUTH_ERRORS = frozenset(
    (
        "invalid_grant",
        "invalid_client",
        "invalid_request",
        "invalid_scope",
        "unauthorized_client",
        "unsupported_grant_type",
        NOT_LOGGED_IN,
    )
)


class NotAvailableError(SpotifyError):
    """Spotify answered 403: this app may not use that endpoint or read that item."""


class MissingError(SpotifyError):
    """Spotify answered 404: the item does not exist (only a 404 ever means this)."""


class QuotaExceededError(RateLimitedError):
    """Spotify answered 429 QUOTA_EXCEEDED: this developer account's request quota is spent."""


class UncertainWriteError(SpotifyError):
    """A non-idempotent write failed in a way that leaves unknown whether it was applied.

    Only the publishers in spotify.py see it: they restore a known state or say what to do.
    """


# ----- the client and the retry policy ---------------------------------------------------------


def make_client(config: SpotifyConfig, *, timeout_s: float = 10.0) -> spotipy.Spotify:
    """A spotipy client for the logged-in user, at `config.api_url`, that never retries alone.

    spotipy gets a plain `requests.Session`: urllib3 then neither sleeps out a Retry-After
    (spotipy #766, #1224) nor turns a 5xx into spotipy's mislabelled 429 "Max Retries" with
    no headers, which is what `retries=0` with a `status_forcelist` does. `call` owns retries.
    """
    token = read_token(config)
    if token is None or not token.get("refresh_token"):
        raise AuthError(NOT_LOGGED_IN_MESSAGE)
    if not scopes_cover(token.get("scope"), config.scopes):
        raise AuthError(
            "Your Spotify login lacks permissions yawyas needs now; run `yawyas login` again."
        )
    client = spotipy.Spotify(
        auth_manager=make_auth_manager(config, timeout_s=timeout_s),
        requests_session=requests.Session(),
        requests_timeout=timeout_s,
        retries=0,
        status_retries=0,
        status_forcelist=(500, 502, 503, 504),
        backoff_factor=0,
    )
    client.prefix = config.api_url.rstrip("/") + "/"
    return client


@dataclass(frozen=True)
class RetryPolicy:
    """How long `call` may wait and how often it retries. `sleep` is injectable for tests;
    `on_wait(seconds, reason)` lets the CLI say why it is waiting."""

    max_wait_s: float = 60.0  # longest total Retry-After waiting per call; longer: give up
    max_attempts: int = 4  # tries per call for 5xx and dropped connections
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 16.0
    default_retry_after_s: float = 5.0  # a 429 without Retry-After
    max_write_restarts: int = 3  # restarts of a chunked playlist replace after an unsure write
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    on_wait: Callable[[float, str], None] | None = field(default=None, compare=False)

    def backoff_s(self, failures: int) -> float:
        return float(min(self.backoff_cap_s, self.backoff_base_s * 2 ** (failures - 1)))

    def pause(self, seconds: float, reason: str) -> None:
        if self.on_wait is not None:
            self.on_wait(seconds, reason)
        self.sleep(seconds)


DEFAULT_POLICY = RetryPolicy()


def _retry_after_s(headers: Mapping[str, str] | None, default: float) -> float:
    value = None
    for name, raw in (headers or {}).items():
        if name.lower() == "retry-after":
            value = str(raw).strip()
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


def human_s(seconds: float) -> str:
    """A wait as a person reads it: "45 s", "12 min", "3.5 h"."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _is_mislabelled_5xx(exc: SpotifyException) -> bool:
    """spotipy reports urllib3's give-up on a status_forcelist code as 429 'Max Retries'."""
    return exc.http_status == 429 and not exc.headers and "Max Retries" in str(exc.msg)


def _connect_failed(exc: requests.RequestException) -> bool:
    """True when the request surely never reached the server (safe to repeat any write)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        return isinstance(reason, NewConnectionError)
    return False


def _is_oauth_refusal(exc: SpotifyOauthError) -> bool:
    """A real OAuth refusal, not a 5xx page from the token service. spotipy puts the answer's
    `error` there: a code string for OAuth errors, a dict, a text or None for the rest."""
    return isinstance(exc.error, str) and exc.error in OAUTH_ERRORS


def _oauth_error(exc: SpotifyOauthError) -> YawyasError:
    if exc.error == "invalid_grant":
        return AuthError(LOGIN_EXPIRED_MESSAGE)
    if exc.error == NOT_LOGGED_IN:
        return AuthError(NOT_LOGGED_IN_MESSAGE)
    if exc.error in ("invalid_client", "unauthorized_client"):
        return AuthError(
            "Spotify does not accept this app's client id; check SPOTIPY_CLIENT_ID and run "
            "`yawyas login` again."
        )
    return AuthError(f"Spotify's login service refused to renew the login ({exc.error}).")


def _refresh_now(client: spotipy.Spotify) -> bool:
    """Renew the access token at once (after a 401); False when there is nothing to renew with."""
    manager = getattr(client, "auth_manager", None)
    if not isinstance(manager, YawyasPKCE):
        return False
    token = manager.cache_handler.get_cached_token()
    if not isinstance(token, dict) or not token.get("refresh_token"):
        return False
    manager.refresh_access_token(token["refresh_token"])
    return True


def call(
    client: spotipy.Spotify,
    what: str,
    fn: Callable[[], T],
    *,
    policy: RetryPolicy | None = None,
    idempotent: bool = True,
) -> T:
    """Run `fn` (one spotipy request) under the retry policy and translate its errors.

    `what` names the thing for messages ("track 4iV5W9uYEdYUVa79Axb7Rh"). A non-idempotent
    write is repeated only when it surely did not reach Spotify (connection refused, 429);
    other failures raise `UncertainWriteError` so the caller can restore a known state.
    """
    policy = policy or DEFAULT_POLICY
    waited_s = 0.0
    failures = 0
    refreshed = False
    while True:
        problem: str
        try:
            return fn()
        except SpotifyException as exc:
            status = int(exc.http_status)
            if status == 429 and not _is_mislabelled_5xx(exc):
                retry_after = _retry_after_s(exc.headers, policy.default_retry_after_s)
                if exc.reason == "QUOTA_EXCEEDED":
                    raise QuotaExceededError(
                        f"This app's Spotify request quota is used up; progress is saved, try "
                        f"again in {human_s(retry_after)}.",
                        retry_after,
                    ) from exc
                if waited_s + retry_after > policy.max_wait_s:
                    raise RateLimitedError(
                        f"Spotify asks yawyas to wait {human_s(retry_after)} before more "
                        "requests; progress is saved, run the command again after that.",
                        retry_after,
                    ) from exc
                policy.pause(retry_after, "rate limited by Spotify")
                waited_s += retry_after
                continue
            if status >= 500 or status == 429:
                problem = f"Spotify answered {status if status >= 500 else '5xx'}"
                if not idempotent:
                    raise UncertainWriteError(f"{problem} while writing {what}.") from exc
            elif status == 401:
                if refreshed:
                    raise AuthError(
                        "Spotify did not accept the saved login; run `yawyas login` again."
                    ) from exc
                refreshed = True
                try:
                    if not _refresh_now(client):
                        raise AuthError(NOT_LOGGED_IN_MESSAGE) from exc
                    continue
                except SpotifyOauthError as oauth_exc:
                    if _is_oauth_refusal(oauth_exc):
                        raise _oauth_error(oauth_exc) from oauth_exc
                    refreshed = False  # the token service failed: try the whole thing again
                    problem = "Spotify's login service failed"
                except requests.RequestException:
                    refreshed = False
                    problem = "the connection to Spotify's login service failed"
            elif status == 403:
                raise NotAvailableError(
                    f"Spotify does not let this app read or change {what} (403)."
                ) from exc
            elif status == 404:
                raise MissingError(f"Spotify has no {what} (404).") from exc
            else:
                detail = str(exc.msg).split("\n")[-1].strip()
                raise SpotifyError(
                    f"Spotify refused the request for {what} ({status}: {detail})."
                ) from exc
        except SpotifyOauthError as exc:
            if _is_oauth_refusal(exc):
                raise _oauth_error(exc) from exc
            problem = "Spotify's login service failed"  # a 5xx from the token endpoint
        except requests.RequestException as exc:
            if isinstance(
                exc,
                requests.exceptions.InvalidURL
                | requests.exceptions.MissingSchema
                | requests.exceptions.InvalidSchema,
            ):
                raise SpotifyError(f"The Spotify address is not valid ({exc}).") from exc
            problem = f"the connection to Spotify failed ({type(exc).__name__})"
            if not idempotent and not _connect_failed(exc):
                raise UncertainWriteError(f"{problem} while writing {what}.") from exc
        failures += 1
        if failures >= policy.max_attempts:
            raise SpotifyError(
                f"{problem[0].upper()}{problem[1:]} {failures} times in a row for {what}; "
                "try again later."
            )
        policy.pause(policy.backoff_s(failures), problem)
