"""A fake Spotify (accounts + Web API) on 127.0.0.1, behaving like a 2026 development-mode app.

`FakeSpotify` owns a `ThreadingHTTPServer` bound to a free port, a `FakeState` to seed, fault
injection and a request log. `ROUTES` lists every operation it answers, "live" or "removed"
(removed ones answer 403), with the `limit` maximum it enforces; the spec test checks that table
against the public OpenAPI description.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from .accounts import Accounts
from .state import (
    ALL_SCOPES,
    TIME_RANGES,
    FakeAlbum,
    FakeArtist,
    FakeEntry,
    FakePlay,
    FakePlaylist,
    FakeState,
    FakeTrack,
    FakeUser,
    Fault,
    RequestRecord,
    make_id,
)
from .webapi import (
    MAX_WRITE_URIS,
    ROUTES,
    Answer,
    Request,
    Route,
    Stop,
    WebApi,
    api_error,
    default_error_body,
)

__all__ = ["MAX_WRITE_URIS", "ROUTES", "FakeSpotify", "Route"]

# ----- the HTTP plumbing --------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fake: FakeSpotify) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every request on a kept-alive connection
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.open_connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.connections_lock:
                self.server.open_connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self.server.fake._dispatch(self, "GET")

    def do_POST(self) -> None:
        self.server.fake._dispatch(self, "POST")

    def do_PUT(self) -> None:
        self.server.fake._dispatch(self, "PUT")

    def do_DELETE(self) -> None:
        self.server.fake._dispatch(self, "DELETE")

    def send_answer(self, answer: Answer) -> None:
        headers = dict(answer.headers or {})
        if isinstance(answer.body, (dict, list)):
            payload = json.dumps(answer.body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        elif isinstance(answer.body, str):
            payload = answer.body.encode("utf-8")
            headers.setdefault("Content-Type", "text/html; charset=utf-8")
        else:
            payload = b""
        self.send_response(answer.status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    def drop(self) -> None:
        """Close the socket without a word, as a dying load balancer would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)


# ----- the fake ---------------------------------------------------------------------------


class FakeSpotify(Accounts, WebApi):
    """A fake Spotify server. Use as a context manager or call `start()` / `stop()`.

    Seed with `add_artist`, `add_track`, `seed_catalog`, `add_play`, `set_top`, `save_tracks`,
    `add_playlist`; log in with `issue_tokens()` or the real PKCE flow; break it with
    `fail_next`, `fail_path`, `quota_exceeded_next`, `drop_next`, `slow_next`, `set_rate_limit`;
    count requests with `requests()` / `count()`.
    """

    def __init__(self) -> None:
        self.state = FakeState()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.base_url = ""

    # ----- lifecycle -----------------------------------------------------------------------
    def start(self) -> FakeSpotify:
        if self._server is not None:
            return self
        self._server = _Server(self)
        port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},  # stop() waits at most this long
            name=f"fake-spotify-{port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with server.connections_lock:
            connections = list(server.open_connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeSpotify:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        """The Web API base, e.g. http://127.0.0.1:PORT/v1 (no trailing slash)."""
        return f"{self.base_url}/v1"

    @property
    def accounts_url(self) -> str:
        """The accounts service base, e.g. http://127.0.0.1:PORT (serves /authorize, /api/token)."""
        return self.base_url

    @property
    def client_id(self) -> str:
        return self.state.client_id

    @property
    def user(self) -> FakeUser:
        return self.state.user

    # ----- seeding ---------------------------------------------------------------------------
    def add_artist(
        self, name: str, *, id: str | None = None, genres: Iterable[str] | None = ()
    ) -> FakeArtist:
        """Add an artist; `genres=None` leaves the field out of answers, `()` sends []."""
        with self.state.lock:
            artist_id = id or make_id("artist", self.state.next_n())
            artist = FakeArtist(artist_id, name, None if genres is None else list(genres))
            self.state.artists[artist_id] = artist
            return artist

    def add_album(
        self,
        name: str,
        artists: Sequence[FakeArtist | str],
        *,
        id: str | None = None,
        release_date: str = "2020-01-01",
        release_date_precision: Literal["year", "month", "day"] = "day",
        album_type: Literal["album", "single", "compilation"] = "album",
        total_tracks: int = 10,
    ) -> FakeAlbum:
        with self.state.lock:
            album_id = id or make_id("album", self.state.next_n())
            album = FakeAlbum(
                album_id,
                name,
                [self._artist_id(a) for a in artists],
                release_date,
                release_date_precision,
                album_type,
                total_tracks,
            )
            self.state.albums[album_id] = album
            return album

    def add_track(
        self,
        name: str,
        artists: Sequence[FakeArtist | str] | None = None,
        *,
        album: FakeAlbum | str | None = None,
        id: str | None = None,
        duration_ms: int = 200_000,
        explicit: bool = False,
        isrc: str | None = "auto",
        track_number: int = 1,
    ) -> FakeTrack:
        """Add a track. Artists default to a new one; album to a new single; ISRC is invented
        unless given (None: the track has no ISRC)."""
        with self.state.lock:
            n = self.state.next_n()
            artist_ids = (
                [self._artist_id(a) for a in artists]
                if artists
                else [self.add_artist(f"Artist {n}").id]
            )
            if album is None:
                album_obj = self.add_album(name, artist_ids, album_type="single", total_tracks=1)
            elif isinstance(album, str):
                album_obj = self.state.albums[album]
            else:
                album_obj = album
            track_id = id or make_id("track", n)
            if isrc == "auto":
                isrc = f"QZFAK{n % 100:02d}{n:05d}"
            track = FakeTrack(
                track_id,
                name,
                artist_ids,
                album_obj.id,
                duration_ms=duration_ms,
                explicit=explicit,
                isrc=isrc,
                track_number=track_number,
            )
            self.state.tracks[track_id] = track
            return track

    def seed_catalog(self, n_tracks: int, *, n_artists: int = 5) -> list[FakeTrack]:
        """Add `n_tracks` tracks spread over `n_artists` artists (some with empty genres)."""
        genre_pool = ["indie pop", "shoegaze", "techno", "bossa nova", "city pop"]
        artists = [
            self.add_artist(
                f"Seed Artist {i}", genres=[] if i % 3 == 2 else [genre_pool[i % len(genre_pool)]]
            )
            for i in range(n_artists)
        ]
        return [
            self.add_track(
                f"Seed Track {i}",
                [artists[i % n_artists]],
                duration_ms=150_000 + 1_000 * (i % 90),
                explicit=i % 7 == 0,
            )
            for i in range(n_tracks)
        ]

    def add_play(
        self,
        track: FakeTrack | str,
        played_at_ms: int,
        context: tuple[str, str] | None = None,
    ) -> FakePlay:
        """Log a play; `context` is (type, uri), e.g. ("playlist", "spotify:playlist:...")."""
        with self.state.lock:
            track_id = self._track_id(track)
            ctx = {"type": context[0], "uri": context[1]} if context else None
            play = FakePlay(track_id, played_at_ms, ctx)
            self.state.plays.append(play)
            return play

    def add_plays(
        self, tracks: Sequence[FakeTrack | str], start_ms: int, gap_ms: int = 210_000
    ) -> list[FakePlay]:
        return [self.add_play(t, start_ms + i * gap_ms) for i, t in enumerate(tracks)]

    def set_top(
        self,
        kind: Literal["artists", "tracks"],
        time_range: str,
        items: Sequence[FakeTrack | FakeArtist | str],
    ) -> None:
        assert time_range in TIME_RANGES, time_range
        with self.state.lock:
            ids = [i if isinstance(i, str) else i.id for i in items]
            table = self.state.artists if kind == "artists" else self.state.tracks
            missing = [i for i in ids if i not in table]
            assert not missing, f"unknown {kind}: {missing}"
            self.state.top[(kind, time_range)] = ids

    def save_tracks(
        self, tracks: Sequence[FakeTrack | str], *, added_at_s: int | None = None
    ) -> None:
        """Save tracks to "Your Music"; the first one given ends up most recent."""
        with self.state.lock:
            start = added_at_s if added_at_s is not None else int(time.time())
            rows = [(self._track_id(t), start - i * 60) for i, t in enumerate(tracks)]
            self.state.saved = sorted([*rows, *self.state.saved], key=lambda r: -r[1])

    def add_playlist(
        self,
        name: str,
        tracks: Sequence[FakeTrack | str] = (),
        *,
        id: str | None = None,
        owner_id: str | None = None,
        owner_name: str | None = None,
        description: str = "",
        public: bool = False,
        collaborative: bool = False,
        collaborators: Iterable[str] | None = None,
        followed: bool = True,
        algorithmic: bool = False,
    ) -> FakePlaylist:
        """Add a playlist, owned by the user unless `owner_id` names someone else.

        A collaborative playlist owned by someone else lists the user as a collaborator unless
        `collaborators` says otherwise. `algorithmic=True` makes a Spotify-made playlist that a
        development-mode app cannot see (404).
        """
        with self.state.lock:
            owner = owner_id or self.state.user.id
            if collaborators is None:
                collab = {self.state.user.id} if collaborative and owner != self.user.id else set()
            else:
                collab = set(collaborators)
            playlist = FakePlaylist(
                id=id or make_id("playlist", self.state.next_n()),
                name=name,
                owner_id=owner,
                owner_name=owner_name
                or (self.state.user.display_name if owner == self.state.user.id else owner),
                description=description,
                public=public,
                collaborative=collaborative,
                collaborators=collab,
                followed=followed,
                algorithmic=algorithmic,
            )
            now = int(time.time())
            playlist.entries = [
                FakeEntry(f"spotify:track:{self._track_id(t)}", now - 3600 + i, owner)
                for i, t in enumerate(tracks)
            ]
            self.state.playlists[playlist.id] = playlist
            self.state.playlist_order.insert(0, playlist.id)
            return playlist

    def add_local_entry(
        self, playlist: FakePlaylist, artist: str, album: str, title: str, seconds: int
    ) -> None:
        """Append a local file (spotify:local:...) to a playlist."""
        with self.state.lock:
            uri = "spotify:local:" + ":".join(
                s.replace(" ", "+") for s in (artist, album, title, str(seconds))
            )
            playlist.entries.append(
                FakeEntry(uri, int(time.time()), playlist.owner_id, local_name=title)
            )
            playlist.bump()

    def add_unavailable_entry(self, playlist: FakePlaylist) -> None:
        """Append an entry whose item is gone (Spotify answers "item": null)."""
        with self.state.lock:
            playlist.entries.append(FakeEntry(None, int(time.time()), playlist.owner_id))
            playlist.bump()

    def playlist(self, playlist_id: str) -> FakePlaylist:
        with self.state.lock:
            return self.state.playlists[playlist_id]

    def playlist_uris(self, playlist_id: str) -> list[str | None]:
        with self.state.lock:
            return [e.uri for e in self.state.playlists[playlist_id].entries]

    # ----- tokens ----------------------------------------------------------------------------
    def issue_tokens(self, scopes: Iterable[str] = ALL_SCOPES) -> dict[str, Any]:
        """Mint tokens as a finished login would: the token endpoint's JSON answer."""
        with self.state.lock:
            scope = frozenset(scopes)
            access, refresh, expires_in = self.state.mint_tokens(scope)
            return {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": expires_in,
                "refresh_token": refresh,
                "scope": " ".join(sorted(scope)),
            }

    def expire_access_tokens(self) -> None:
        """Every access token handed out so far answers 401 "The access token expired"."""
        with self.state.lock:
            for token in self.state.access_tokens.values():
                token.expires_at = 0.0

    def revoke_refresh_tokens(self) -> None:
        """Every refresh token so far answers invalid_grant (as after its 6 months)."""
        with self.state.lock:
            for token in self.state.refresh_tokens.values():
                token.revoked = True

    # ----- faults ----------------------------------------------------------------------------
    def _add_fault(self, fault: Fault) -> Fault:
        with self.state.lock:
            self.state.faults.append(fault)
        return fault

    def fail_next(
        self,
        n: int = 1,
        status: int = 429,
        retry_after: float | str | None = None,
        body: Any = None,
        *,
        path: str | None = None,
        method: str | None = None,
        delay_s: float = 0.0,
    ) -> Fault:
        """Answer the next `n` matching requests with `status` (429 by default).

        `path` is a glob on the request path (e.g. "/v1/tracks/*"); by default every Web API
        path matches and accounts paths do not (name "/api/token" to break the token endpoint).
        `body` defaults to Spotify's {"error": {"status", "message"}}; a str is sent as is.
        """
        return self._add_fault(Fault("status", n, path, method, status, retry_after, body, delay_s))

    def fail_path(
        self,
        path: str,
        status: int = 503,
        retry_after: float | str | None = None,
        body: Any = None,
        *,
        method: str | None = None,
        times: int | None = None,
    ) -> Fault:
        """Answer every request to `path` (glob) with `status`, `times` times or forever."""
        return self._add_fault(Fault("status", times, path, method, status, retry_after, body))

    def quota_exceeded_next(
        self, n: int = 1, retry_after: float | None = 3600, *, path: str | None = None
    ) -> Fault:
        """429 with reason QUOTA_EXCEEDED, as since July 2026 when the developer quota is spent."""
        body = {
            "error": {
                "status": 429,
                "message": "The developer account has exceeded its request quota",
                "reason": "QUOTA_EXCEEDED",
            }
        }
        return self.fail_next(n, 429, retry_after, body, path=path)

    def drop_next(
        self,
        n: int = 1,
        *,
        path: str | None = None,
        method: str | None = None,
        after_processing: bool = False,
    ) -> Fault:
        """Close the connection without answering; `after_processing` does the work first."""
        kind: Literal["drop", "drop_after"] = "drop_after" if after_processing else "drop"
        return self._add_fault(Fault(kind, n, path, method))

    def slow_next(
        self,
        n: int = 1,
        delay_s: float = 1.0,
        *,
        path: str | None = None,
        method: str | None = None,
    ) -> Fault:
        """Answer normally but only after `delay_s` seconds."""
        return self._add_fault(Fault("delay", n, path, method, delay_s=delay_s))

    def set_rate_limit(
        self, max_requests: int | None, window_s: float = 30.0, retry_after_s: int = 1
    ) -> None:
        """A rolling-window limit on Web API requests (None switches it off)."""
        with self.state.lock:
            self.state.rate_limit = (
                None if max_requests is None else (max_requests, window_s, retry_after_s)
            )
            self.state.rate_window.clear()

    def clear_faults(self) -> None:
        with self.state.lock:
            self.state.faults.clear()
            self.state.rate_limit = None

    # ----- the request log -------------------------------------------------------------------
    def requests(self, method: str | None = None, path: str | None = None) -> list[RequestRecord]:
        """Logged requests, oldest first, filtered by method and path glob."""
        with self.state.lock:
            return [
                r
                for r in self.state.log
                if (method is None or r.method == method.upper())
                and (path is None or fnmatch.fnmatchcase(r.path, path))
            ]

    def count(self, method: str | None = None, path: str | None = None) -> int:
        return len(self.requests(method, path))

    def clear_log(self) -> None:
        with self.state.lock:
            self.state.log.clear()

    # ----- dispatch --------------------------------------------------------------------------
    def _dispatch(self, handler: _Handler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        content_type = (handler.headers.get("Content-Type") or "").split(";")[0].strip()
        body: Any = None
        body_error = False
        if raw:
            if content_type == "application/x-www-form-urlencoded":
                body = {k: v[0] for k, v in parse_qs(raw.decode("utf-8")).items()}
            else:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body_error = True
        request = Request(
            method,
            parts.path,
            parse_qs(parts.query, keep_blank_values=True),
            body,
            raw,
            content_type,
            handler.headers.get("Authorization"),
        )
        record = RequestRecord(method, parts.path, request.query, body, 0, request.authorization)
        with self.state.lock:
            self.state.log.append(record)
            fault = self.state.take_fault(method, parts.path)

        drop_after = False
        if fault is not None:
            if fault.delay_s and self._stopping.wait(fault.delay_s):
                return
            if fault.kind == "drop":
                record.status = -1
                handler.drop()
                return
            if fault.kind == "status":
                answer = self._fault_answer(fault)
                record.status = answer.status
                handler.send_answer(answer)
                return
            drop_after = fault.kind == "drop_after"

        try:
            if body_error:
                raise api_error(400, "Error parsing JSON.")
            answer = self._route(request)
        except Stop as stop:
            answer = stop.answer
        if drop_after:
            record.status = -1
            handler.drop()
            return
        record.status = answer.status
        handler.send_answer(answer)

    @staticmethod
    def _fault_answer(fault: Fault) -> Answer:
        headers: dict[str, str] = {}
        if fault.retry_after is not None:
            value = fault.retry_after
            headers["Retry-After"] = str(int(value)) if isinstance(value, (int, float)) else value
        body = fault.body if fault.body is not None else default_error_body(fault.status)
        return Answer(fault.status, body, headers)

    def _route(self, request: Request) -> Answer:
        if request.path == "/authorize" and request.method == "GET":
            return self._authorize(request)
        if request.path == "/api/token":
            if request.method != "POST":
                raise api_error(405, "Method not allowed")
            return self._token(request)
        if not request.path.startswith("/v1/"):
            raise api_error(404, "Service not found")
        self._check_rate_limit()
        sub = request.path[len("/v1") :].rstrip("/") or "/"
        path_matched = False
        for route in ROUTES:
            match = route.regex.match(sub)
            if match is None:
                continue
            path_matched = True
            if route.method != request.method:
                continue
            scope = self._authenticate(request)
            if route.status == "removed":
                raise api_error(403, "Forbidden")
            missing = [s for s in route.scopes if s not in scope]
            if missing:
                raise api_error(403, "Insufficient client scope")
            assert route.handler is not None
            method: Callable[..., Answer] = getattr(self, "_api_" + route.handler)
            with self.state.lock:
                return method(request, route, scope, **match.groupdict())
        if path_matched:
            raise api_error(405, "Method not allowed")
        raise api_error(404, "Service not found")

    def _check_rate_limit(self) -> None:
        with self.state.lock:
            if self.state.rate_limit is None:
                return
            max_requests, window_s, retry_after_s = self.state.rate_limit
            now = time.monotonic()
            window = self.state.rate_window
            while window and now - window[0] > window_s:
                window.popleft()
            if len(window) >= max_requests:
                raise Stop(
                    Answer(429, default_error_body(429), {"Retry-After": str(retry_after_s)})
                )
            window.append(now)

    def _authenticate(self, request: Request) -> frozenset[str]:
        header = request.authorization or ""
        if not header.startswith("Bearer "):
            raise api_error(401, "No token provided")
        with self.state.lock:
            token = self.state.access_tokens.get(header[len("Bearer ") :])
            if token is None:
                raise api_error(401, "Invalid access token")
            if token.expires_at <= time.time():
                raise api_error(401, "The access token expired")
            return token.scope

    # ----- helpers for the Web API ----------------------------------------------------------
    def _artist_id(self, artist: FakeArtist | str) -> str:
        artist_id = artist if isinstance(artist, str) else artist.id
        assert artist_id in self.state.artists, f"unknown artist {artist_id}"
        return artist_id

    def _track_id(self, track: FakeTrack | str) -> str:
        track_id = track if isinstance(track, str) else track.id
        if track_id.startswith("spotify:track:"):
            track_id = track_id.rsplit(":", 1)[1]
        assert track_id in self.state.tracks, f"unknown track {track_id}"
        return track_id
