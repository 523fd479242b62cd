"""The fake Spotify's world: catalog, the listener, tokens and injected faults.

Everything here is plain data guarded by one lock (`FakeState.lock`); `server.py` turns it into
HTTP answers. Seeding helpers return the objects they create so a test can keep hold of them.
"""

from __future__ import annotations

import fnmatch
import hashlib
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

ALL_SCOPES = (
    "user-read-recently-played",
    "user-top-read",
    "user-library-read",
    "playlist-read-private",
    "playlist-read-collaborative",
    "playlist-modify-private",
    "playlist-modify-public",
)
KNOWN_SCOPES = frozenset(
    (
        *ALL_SCOPES,
        "user-read-private",
        "user-read-email",
        "user-library-modify",
        "user-follow-read",
        "user-follow-modify",
        "user-read-playback-state",
        "user-read-currently-playing",
        "user-modify-playback-state",
        "user-read-playback-position",
        "ugc-image-upload",
        "app-remote-control",
        "streaming",
    )
)
TIME_RANGES = ("short_term", "medium_term", "long_term")
SIX_MONTHS_S = 183 * 24 * 3600


def make_id(kind: str, n: int) -> str:
    """A deterministic 22-character base62 id, like Spotify's, for the n-th object of a kind."""
    digest = int.from_bytes(hashlib.sha256(f"{kind}:{n}".encode()).digest(), "big")
    chars = []
    for _ in range(22):
        digest, rem = divmod(digest, 62)
        chars.append(BASE62[rem])
    return "".join(chars)


def is_base62(value: str) -> bool:
    return bool(value) and all(c in BASE62 for c in value)


def iso_from_ms(ms: int) -> str:
    """Unix ms -> '2026-11-20T08:15:30.123Z' (how Spotify writes played_at)."""
    seconds, millis = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def iso_from_s(seconds: int) -> str:
    """Unix s -> '2026-11-20T08:15:30Z' (how Spotify writes added_at)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


@dataclass
class FakeUser:
    id: str = "fakelistener"
    display_name: str | None = "Fake Listener"
    account_id: str = "aB3dE5fG7h"


@dataclass
class FakeArtist:
    id: str
    name: str
    genres: list[str] | None = field(default_factory=list)  # None: the field is left out

    @property
    def uri(self) -> str:
        return f"spotify:artist:{self.id}"


@dataclass
class FakeAlbum:
    id: str
    name: str
    artist_ids: list[str]
    release_date: str = "2020-01-01"
    release_date_precision: Literal["year", "month", "day"] = "day"
    album_type: Literal["album", "single", "compilation"] = "album"
    total_tracks: int = 10

    @property
    def uri(self) -> str:
        return f"spotify:album:{self.id}"


@dataclass
class FakeTrack:
    id: str
    name: str
    artist_ids: list[str]
    album_id: str
    duration_ms: int = 200_000
    explicit: bool = False
    isrc: str | None = None
    disc_number: int = 1
    track_number: int = 1

    @property
    def uri(self) -> str:
        return f"spotify:track:{self.id}"


@dataclass
class FakePlay:
    track_id: str
    played_at_ms: int
    context: dict[str, str] | None = None  # {"type": "playlist", "uri": "spotify:playlist:..."}


@dataclass
class FakeEntry:
    """One row of a playlist: a catalog track, a local file, or an unavailable (null) item."""

    uri: str | None  # None: the item is gone (Spotify answers "item": null)
    added_at_s: int
    added_by: str
    local_name: str | None = None  # set for spotify:local: entries


@dataclass
class FakePlaylist:
    id: str
    name: str
    owner_id: str
    owner_name: str | None = None
    description: str = ""
    public: bool = False
    collaborative: bool = False
    collaborators: set[str] = field(default_factory=set)
    entries: list[FakeEntry] = field(default_factory=list)
    followed: bool = True  # shows in GET /me/playlists
    algorithmic: bool = False  # Spotify-made (Daylist...): 404 to dev-mode apps
    version: int = 1

    @property
    def uri(self) -> str:
        return f"spotify:playlist:{self.id}"

    @property
    def snapshot_id(self) -> str:
        return hashlib.sha1(f"{self.id}:{self.version}".encode()).hexdigest()[:32]

    def bump(self) -> None:
        self.version += 1


@dataclass
class AuthCode:
    client_id: str
    redirect_uri: str
    code_challenge: str
    scope: str
    issued_at: float
    used: bool = False


@dataclass
class AccessToken:
    scope: frozenset[str]
    expires_at: float


@dataclass
class RefreshToken:
    scope: frozenset[str]
    expires_at: float
    revoked: bool = False


FaultKind = Literal["status", "drop", "drop_after", "delay"]


@dataclass
class Fault:
    """One injected misbehaviour for requests matching `path` (a glob) and `method`.

    kind "status": answer `status` with `body` (JSON) and `Retry-After: retry_after` if given.
    kind "drop": close the socket without answering, before doing anything.
    kind "drop_after": do the work (e.g. add the items), then close without answering.
    kind "delay": sleep `delay_s`, then answer normally (a "status" fault may also delay).
    `remaining` counts down per matching request; None means forever.
    """

    kind: FaultKind
    remaining: int | None
    path: str | None = None
    method: str | None = None
    status: int = 503
    retry_after: float | str | None = None
    body: Any = None
    delay_s: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        if self.path is None:
            return path.startswith("/v1/")  # by default only the Web API, never the accounts
        return fnmatch.fnmatchcase(path, self.path)


@dataclass
class RequestRecord:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int = 0  # 0 until answered; -1 when the connection was dropped
    authorization: str | None = None

    def q(self, name: str) -> str | None:
        """The first value of query parameter `name`, or None."""
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class FakeState:
    """All of the fake's mutable state. Hold `lock` when reading or writing from threads."""

    client_id: str = "yawyas-test-client"
    user: FakeUser = field(default_factory=FakeUser)
    artists: dict[str, FakeArtist] = field(default_factory=dict)
    albums: dict[str, FakeAlbum] = field(default_factory=dict)
    tracks: dict[str, FakeTrack] = field(default_factory=dict)
    plays: list[FakePlay] = field(default_factory=list)
    recent_window: int = 50  # only the last N plays are visible
    top: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    saved: list[tuple[str, int]] = field(default_factory=list)  # (track id, added s), newest 1st
    playlists: dict[str, FakePlaylist] = field(default_factory=dict)
    playlist_order: list[str] = field(default_factory=list)
    escape_descriptions: bool = True  # Spotify answers descriptions HTML-escaped
    # accounts
    allowed_redirect_uris: set[str] | None = None  # None: any loopback-literal URI is accepted
    deny_authorization: bool = False
    access_token_lifetime_s: float = 3600.0
    advertised_expires_in: int | None = None  # what the token answer claims; None: the lifetime
    refresh_token_lifetime_s: float = SIX_MONTHS_S
    rotate_refresh_tokens: bool = False  # False: refresh answers omit refresh_token
    codes: dict[str, AuthCode] = field(default_factory=dict)
    access_tokens: dict[str, AccessToken] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    # misbehaviour
    faults: list[Fault] = field(default_factory=list)
    rate_limit: tuple[int, float, int] | None = None  # (max requests, window s, Retry-After s)
    rate_window: deque[float] = field(default_factory=deque)
    log: list[RequestRecord] = field(default_factory=list)
    counter: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def next_n(self) -> int:
        self.counter += 1
        return self.counter

    # ----- tokens -------------------------------------------------------------------------
    def mint_tokens(self, scope: frozenset[str]) -> tuple[str, str, int]:
        """A new access + refresh token pair; returns (access, refresh, advertised expires_in)."""
        access = "AT-" + secrets.token_urlsafe(24)
        refresh = "RT-" + secrets.token_urlsafe(24)
        now = time.time()
        self.access_tokens[access] = AccessToken(scope, now + self.access_token_lifetime_s)
        self.refresh_tokens[refresh] = RefreshToken(scope, now + self.refresh_token_lifetime_s)
        return access, refresh, self.expires_in()

    def mint_access(self, scope: frozenset[str]) -> str:
        access = "AT-" + secrets.token_urlsafe(24)
        self.access_tokens[access] = AccessToken(scope, time.time() + self.access_token_lifetime_s)
        return access

    def expires_in(self) -> int:
        if self.advertised_expires_in is not None:
            return self.advertised_expires_in
        return max(1, int(self.access_token_lifetime_s))

    def take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method, path):
                if fault.remaining is not None:
                    fault.remaining -= 1
                return fault
        return None
