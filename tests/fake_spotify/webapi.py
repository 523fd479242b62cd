"""The fake's Web API: the routing table, how objects are rendered, and one handler per
operation. `FakeSpotify` (server.py) mixes `WebApi` in and owns the state it reads."""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from .state import (
    TIME_RANGES,
    FakeEntry,
    FakePlaylist,
    FakeState,
    is_base62,
    iso_from_ms,
    iso_from_s,
    make_id,
)

MAX_WRITE_URIS = 100


# ----- the routing table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One operation: `spec_path` is written exactly as in openapi.yml (without /v1)."""

    method: str
    spec_path: str
    status: Literal["live", "removed"]
    handler: str | None = None
    limit_max: int | None = None
    limit_default: int = 20
    scopes: tuple[str, ...] = ()

    @property
    def regex(self) -> re.Pattern[str]:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.spec_path)
        return re.compile(f"^{pattern}$")


ROUTES: tuple[Route, ...] = (
    Route("GET", "/me", "live", "get_me"),
    Route(
        "GET",
        "/me/player/recently-played",
        "live",
        "get_recently_played",
        limit_max=50,
        scopes=("user-read-recently-played",),
    ),
    Route("GET", "/me/top/artists", "live", "get_top", limit_max=50, scopes=("user-top-read",)),
    Route("GET", "/me/top/tracks", "live", "get_top", limit_max=50, scopes=("user-top-read",)),
    Route("GET", "/me/tracks", "live", "get_saved", limit_max=50, scopes=("user-library-read",)),
    Route(
        "GET",
        "/me/playlists",
        "live",
        "get_my_playlists",
        limit_max=50,
        scopes=("playlist-read-private",),
    ),
    Route("POST", "/me/playlists", "live", "create_playlist"),
    Route("GET", "/playlists/{playlist_id}", "live", "get_playlist"),
    Route("PUT", "/playlists/{playlist_id}", "live", "change_playlist"),
    Route("GET", "/playlists/{playlist_id}/items", "live", "get_items", limit_max=50),
    Route("POST", "/playlists/{playlist_id}/items", "live", "add_items"),
    Route("PUT", "/playlists/{playlist_id}/items", "live", "put_items"),
    Route("DELETE", "/playlists/{playlist_id}/items", "live", "delete_items"),
    Route("GET", "/tracks/{id}", "live", "get_track"),
    Route("GET", "/artists/{id}", "live", "get_artist"),
    Route("GET", "/search", "live", "search", limit_max=10, limit_default=5),
    # Gone for development-mode apps (2024-11 and 2026-02): 403.
    Route("GET", "/tracks", "removed"),
    Route("GET", "/artists", "removed"),
    Route("GET", "/albums", "removed"),
    Route("GET", "/audio-features", "removed"),
    Route("GET", "/audio-features/{id}", "removed"),
    Route("GET", "/audio-analysis/{id}", "removed"),
    Route("GET", "/recommendations", "removed"),
    Route("GET", "/recommendations/available-genre-seeds", "removed"),
    Route("GET", "/artists/{id}/related-artists", "removed"),
    Route("GET", "/artists/{id}/top-tracks", "removed"),
    Route("GET", "/users/{user_id}", "removed"),
    Route("GET", "/users/{user_id}/playlists", "removed"),
    Route("POST", "/users/{user_id}/playlists", "removed"),
    Route("GET", "/playlists/{playlist_id}/tracks", "removed"),
    Route("POST", "/playlists/{playlist_id}/tracks", "removed"),
    Route("PUT", "/playlists/{playlist_id}/tracks", "removed"),
    Route("DELETE", "/playlists/{playlist_id}/tracks", "removed"),
    Route("GET", "/browse/featured-playlists", "removed"),
    Route("GET", "/browse/categories/{category_id}/playlists", "removed"),
    Route("GET", "/browse/new-releases", "removed"),
    Route("GET", "/markets", "removed"),
)


# ----- answers ----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: Any = None  # dict/list -> JSON; str -> text/html; None -> empty
    headers: dict[str, str] | None = None


class Stop(Exception):
    """Raised inside a handler to answer at once (errors)."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


def api_error(status: int, message: str, reason: str | None = None) -> Stop:
    error: dict[str, Any] = {"status": status, "message": message}
    if reason is not None:
        error["reason"] = reason
    return Stop(Answer(status, {"error": error}))


def oauth_error(error: str, description: str, status: int = 400) -> Stop:
    return Stop(Answer(status, {"error": error, "error_description": description}))


def default_error_body(status: int) -> dict[str, Any]:
    messages = {
        429: "API rate limit exceeded",
        500: "Server error.",
        502: "Bad gateway.",
        503: "Service unavailable",
        504: "Gateway timeout",
    }
    return {"error": {"status": status, "message": messages.get(status, "Error")}}


@dataclass
class Request:
    method: str
    path: str  # without the query
    query: dict[str, list[str]]
    body: Any
    raw_body: bytes
    content_type: str
    authorization: str | None

    def q(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


class WebApi:
    """Rendering and handlers; each `_api_<handler>` runs with the state lock held."""

    state: FakeState

    @property
    def api_url(self) -> str:
        raise NotImplementedError

    @staticmethod
    def _int_param(request: Request, name: str, default: int, lo: int, hi: int | None) -> int:
        raw = request.q(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise api_error(400, f"Invalid {name}") from None
        if value < lo or (hi is not None and value > hi):
            raise api_error(400, f"Invalid {name}")
        return value

    def _limit(self, request: Request, route: Route) -> int:
        assert route.limit_max is not None
        return self._int_param(request, "limit", route.limit_default, 1, route.limit_max)

    def _offset(self, request: Request, hi: int | None = None) -> int:
        return self._int_param(request, "offset", 0, 0, hi)

    def _url(self, path: str, params: dict[str, Any]) -> str:
        clean = {k: v for k, v in params.items() if v is not None}
        return f"{self.api_url}{path}" + (f"?{urlencode(clean)}" if clean else "")

    def _paging(
        self,
        path: str,
        items: list[Any],
        offset: int,
        limit: int,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        extra = extra or {}
        total = len(items)
        page = items[offset : offset + limit]
        nxt = (
            self._url(path, {**extra, "offset": offset + limit, "limit": limit})
            if offset + limit < total
            else None
        )
        prev = (
            self._url(path, {**extra, "offset": max(0, offset - limit), "limit": limit})
            if offset > 0
            else None
        )
        return {
            "href": self._url(path, {**extra, "offset": offset, "limit": limit}),
            "items": page,
            "limit": limit,
            "next": nxt,
            "offset": offset,
            "previous": prev,
            "total": total,
        }

    def _open_url(self, kind: str, id: str) -> dict[str, str]:
        return {"spotify": f"https://open.spotify.com/{kind}/{id}"}

    def _artist_simple(self, artist_id: str) -> dict[str, Any]:
        artist = self.state.artists[artist_id]
        return {
            "external_urls": self._open_url("artist", artist.id),
            "href": f"{self.api_url}/artists/{artist.id}",
            "id": artist.id,
            "name": artist.name,
            "type": "artist",
            "uri": artist.uri,
        }

    def _artist_full(self, artist_id: str) -> dict[str, Any]:
        artist = self.state.artists[artist_id]
        body = {**self._artist_simple(artist_id), "images": []}
        if artist.genres is not None:
            body["genres"] = list(artist.genres)
        return body

    def _album_simple(self, album_id: str) -> dict[str, Any]:
        album = self.state.albums[album_id]
        return {
            "album_type": album.album_type,
            "total_tracks": album.total_tracks,
            "available_markets": [],
            "external_urls": self._open_url("album", album.id),
            "href": f"{self.api_url}/albums/{album.id}",
            "id": album.id,
            "images": [],
            "name": album.name,
            "release_date": album.release_date,
            "release_date_precision": album.release_date_precision,
            "type": "album",
            "uri": album.uri,
            "artists": [self._artist_simple(a) for a in album.artist_ids],
        }

    def _track_full(self, track_id: str) -> dict[str, Any]:
        track = self.state.tracks[track_id]
        return {
            "album": self._album_simple(track.album_id),
            "artists": [self._artist_simple(a) for a in track.artist_ids],
            "disc_number": track.disc_number,
            "duration_ms": track.duration_ms,
            "explicit": track.explicit,
            "external_ids": {"isrc": track.isrc} if track.isrc else {},
            "external_urls": self._open_url("track", track.id),
            "href": f"{self.api_url}/tracks/{track.id}",
            "id": track.id,
            "is_local": False,
            "is_playable": True,
            "name": track.name,
            "track_number": track.track_number,
            "type": "track",
            "uri": track.uri,
        }

    @staticmethod
    def _local_track(entry: FakeEntry) -> dict[str, Any]:
        assert entry.uri is not None
        _, _, artist, album, title, seconds = (entry.uri.split(":") + [""] * 6)[:6]

        def unplus(text: str) -> str:
            return text.replace("+", " ")

        return {
            "album": {"name": unplus(album), "id": None, "uri": None, "type": "album"},
            "artists": [{"name": unplus(artist), "id": None, "uri": None, "type": "artist"}],
            "disc_number": 0,
            "duration_ms": int(seconds or 0) * 1000,
            "explicit": False,
            "external_ids": {},
            "external_urls": {},
            "href": None,
            "id": None,
            "is_local": True,
            "name": unplus(title),
            "track_number": 0,
            "type": "track",
            "uri": entry.uri,
        }

    def _user_ref(self, user_id: str, display_name: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "external_urls": {"spotify": f"https://open.spotify.com/user/{user_id}"},
            "href": f"{self.api_url}/users/{user_id}",
            "id": user_id,
            "type": "user",
            "uri": f"spotify:user:{user_id}",
        }
        if display_name is not None:
            body["display_name"] = display_name
        return body

    def _description(self, playlist: FakePlaylist) -> str:
        if not self.state.escape_descriptions:
            return playlist.description
        return html.escape(playlist.description, quote=True).replace("/", "&#x2F;")

    def _playlist_simple(self, playlist: FakePlaylist) -> dict[str, Any]:
        return {
            "collaborative": playlist.collaborative,
            "description": self._description(playlist),
            "external_urls": self._open_url("playlist", playlist.id),
            "href": f"{self.api_url}/playlists/{playlist.id}",
            "id": playlist.id,
            "images": [],
            "name": playlist.name,
            "owner": self._user_ref(playlist.owner_id, playlist.owner_name),
            "public": playlist.public,
            "snapshot_id": playlist.snapshot_id,
            "items": {
                "href": f"{self.api_url}/playlists/{playlist.id}/items",
                "total": len(playlist.entries),
            },
            "type": "playlist",
            "uri": playlist.uri,
        }

    def _entry(self, entry: FakeEntry) -> dict[str, Any]:
        item: dict[str, Any] | None
        if entry.uri is None:
            item = None
        elif entry.uri.startswith("spotify:local:"):
            item = self._local_track(entry)
        else:
            item = self._track_full(entry.uri.rsplit(":", 1)[1])
        return {
            "added_at": iso_from_s(entry.added_at_s),
            "added_by": self._user_ref(entry.added_by),
            "is_local": bool(entry.uri and entry.uri.startswith("spotify:local:")),
            "item": item,
        }

    def _readable(self, playlist: FakePlaylist) -> bool:
        user = self.state.user.id
        return playlist.owner_id == user or (
            playlist.collaborative and user in playlist.collaborators
        )

    def _playlist_or_404(self, playlist_id: str) -> FakePlaylist:
        playlist = self.state.playlists.get(playlist_id)
        if playlist is None or playlist.algorithmic:
            raise api_error(404, "Resource not found")
        return playlist

    def _check_write(self, playlist: FakePlaylist, scope: frozenset[str]) -> None:
        if not self._readable(playlist):
            raise api_error(403, "You cannot modify a playlist you don't own.")
        needed = "playlist-modify-public" if playlist.public else "playlist-modify-private"
        if needed not in scope:
            raise api_error(403, "Insufficient client scope")

    def _check_uris(self, uris: Any) -> list[str]:
        if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
            raise api_error(400, "Invalid uris: expected a JSON array of strings")
        if len(uris) > MAX_WRITE_URIS:
            raise api_error(400, f"You can add a maximum of {MAX_WRITE_URIS} tracks per request.")
        for uri in uris:
            kind, _, track_id = uri.removeprefix("spotify:").partition(":")
            if not uri.startswith("spotify:") or kind != "track" or not is_base62(track_id):
                raise api_error(400, f"Invalid track uri: {uri}")
            if track_id not in self.state.tracks:
                raise api_error(400, "Payload contains a non-existing ID")
        return list(uris)

    def _uris_from(self, request: Request, body_key: str = "uris") -> list[str] | None:
        from_query = request.q("uris")
        if from_query is not None:
            return [u.strip() for u in from_query.split(",") if u.strip()]
        if isinstance(request.body, list):
            return request.body  # a bare JSON array, as spotipy's playlist_add_items sends
        if isinstance(request.body, dict) and body_key in request.body:
            value = request.body[body_key]
            return value if isinstance(value, list) else [value]
        return None

    # ----- the Web API ------------------------------------------------------------------------
    def _api_get_me(self, request: Request, route: Route, scope: frozenset[str]) -> Answer:
        user = self.state.user
        return Answer(
            200,
            {
                "account_id": user.account_id,
                "display_name": user.display_name,
                "external_urls": {"spotify": f"https://open.spotify.com/user/{user.id}"},
                "href": f"{self.api_url}/users/{user.id}",
                "id": user.id,
                "images": [],
                "type": "user",
                "uri": f"spotify:user:{user.id}",
            },
        )

    def _api_get_recently_played(
        self, request: Request, route: Route, scope: frozenset[str]
    ) -> Answer:
        limit = self._limit(request, route)
        after = request.q("after")
        before = request.q("before")
        if after is not None and before is not None:
            raise api_error(400, "Only one of after or before may be given")
        try:
            after_ms = int(after) if after is not None else None
            before_ms = int(before) if before is not None else None
        except ValueError:
            raise api_error(400, "Invalid cursor") from None
        window = sorted(self.state.plays, key=lambda p: -p.played_at_ms)[: self.state.recent_window]
        more: bool
        if after_ms is not None:
            # The plays just after the cursor: the oldest `limit` of them, newest first.
            newer = sorted(
                (p for p in window if p.played_at_ms > after_ms), key=lambda p: p.played_at_ms
            )
            page = sorted(newer[:limit], key=lambda p: -p.played_at_ms)
            more = len(newer) > limit
        else:
            older = [p for p in window if before_ms is None or p.played_at_ms < before_ms]
            page = older[:limit]
            more = len(older) > limit
        params = {"limit": limit, "after": after, "before": before}
        nxt = None
        if page and more:
            nxt = (
                self._url(request.path[3:], {"limit": limit, "after": page[0].played_at_ms})
                if after_ms is not None
                else self._url(request.path[3:], {"limit": limit, "before": page[-1].played_at_ms})
            )
        items = []
        for play in page:
            context = None
            if play.context is not None:
                kind, uri = play.context["type"], play.context["uri"]
                cid = uri.rsplit(":", 1)[-1]
                context = {
                    "type": kind,
                    "uri": uri,
                    "href": f"{self.api_url}/{kind}s/{cid}",
                    "external_urls": self._open_url(kind, cid),
                }
            items.append(
                {
                    "track": self._track_full(play.track_id),
                    "played_at": iso_from_ms(play.played_at_ms),
                    "context": context,
                }
            )
        cursors = (
            {"after": str(page[0].played_at_ms), "before": str(page[-1].played_at_ms)}
            if page
            else None
        )
        return Answer(
            200,
            {
                "href": self._url(request.path[3:], params),
                "items": items,
                "limit": limit,
                "next": nxt,
                "cursors": cursors,
            },
        )

    def _api_get_top(self, request: Request, route: Route, scope: frozenset[str]) -> Answer:
        kind = "artists" if route.spec_path.endswith("artists") else "tracks"
        time_range = request.q("time_range") or "medium_term"
        if time_range not in TIME_RANGES:
            raise api_error(400, "Invalid time range")
        limit = self._limit(request, route)
        offset = self._offset(request)
        ids = self.state.top.get((kind, time_range), [])
        render = self._artist_full if kind == "artists" else self._track_full
        items = [render(i) for i in ids]
        return Answer(
            200,
            self._paging(request.path[3:], items, offset, limit, {"time_range": time_range}),
        )

    def _api_get_saved(self, request: Request, route: Route, scope: frozenset[str]) -> Answer:
        limit = self._limit(request, route)
        offset = self._offset(request)
        rows = self.state.saved[offset : offset + limit]
        items = [{"added_at": iso_from_s(at), "track": self._track_full(t)} for t, at in rows]
        # Render only the page, but page over the full length.
        body = self._paging(request.path[3:], [None] * len(self.state.saved), offset, limit)
        body["items"] = items
        return Answer(200, body)

    def _api_get_my_playlists(
        self, request: Request, route: Route, scope: frozenset[str]
    ) -> Answer:
        limit = self._limit(request, route)
        offset = self._offset(request, 100_000)
        visible = []
        for playlist_id in self.state.playlist_order:
            playlist = self.state.playlists[playlist_id]
            if not playlist.followed or playlist.algorithmic:
                continue
            if playlist.collaborative and "playlist-read-collaborative" not in scope:
                continue
            visible.append(self._playlist_simple(playlist))
        return Answer(200, self._paging(request.path[3:], visible, offset, limit))

    def _api_create_playlist(self, request: Request, route: Route, scope: frozenset[str]) -> Answer:
        body = request.body if isinstance(request.body, dict) else {}
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise api_error(400, "Missing required field: name")
        public = body.get("public", True)
        collaborative = bool(body.get("collaborative", False))
        if collaborative and public:
            raise api_error(400, "Collaborative playlists can only be private.")
        needed = "playlist-modify-public" if public else "playlist-modify-private"
        if needed not in scope:
            raise api_error(403, "Insufficient client scope")
        playlist = FakePlaylist(
            id=make_id("playlist", self.state.next_n()),
            name=name,
            owner_id=self.state.user.id,
            owner_name=self.state.user.display_name,
            description=str(body.get("description") or ""),
            public=bool(public),
            collaborative=collaborative,
        )
        self.state.playlists[playlist.id] = playlist
        self.state.playlist_order.insert(0, playlist.id)
        return Answer(201, self._playlist_full(playlist))

    def _playlist_full(self, playlist: FakePlaylist) -> dict[str, Any]:
        body = self._playlist_simple(playlist)
        body["followers"] = {"href": None, "total": 0}
        if self._readable(playlist):
            entries = [self._entry(e) for e in playlist.entries]
            body["items"] = self._paging(f"/playlists/{playlist.id}/items", entries, 0, 100)
        else:
            del body["items"]
        return body

    def _api_get_playlist(
        self, request: Request, route: Route, scope: frozenset[str], playlist_id: str
    ) -> Answer:
        return Answer(200, self._playlist_full(self._playlist_or_404(playlist_id)))

    def _api_change_playlist(
        self, request: Request, route: Route, scope: frozenset[str], playlist_id: str
    ) -> Answer:
        playlist = self._playlist_or_404(playlist_id)
        if playlist.owner_id != self.state.user.id:
            raise api_error(403, "You cannot change details of a playlist you don't own.")
        self._check_write(playlist, scope)
        body = request.body if isinstance(request.body, dict) else {}
        if "name" in body:
            if not isinstance(body["name"], str) or not body["name"].strip():
                raise api_error(400, "Invalid name")
            playlist.name = body["name"]
        if "description" in body:
            playlist.description = str(body["description"])
        if "public" in body:
            playlist.public = bool(body["public"])
        if "collaborative" in body:
            if body["collaborative"] and playlist.public:
                raise api_error(400, "Collaborative playlists can only be private.")
            playlist.collaborative = bool(body["collaborative"])
        playlist.bump()
        return Answer(200)

    def _api_get_items(
        self, request: Request, route: Route, scope: frozenset[str], playlist_id: str
    ) -> Answer:
        playlist = self._playlist_or_404(playlist_id)
        if not self._readable(playlist):
            raise api_error(403, "Forbidden")
        if not playlist.public and "playlist-read-private" not in scope:
            raise api_error(403, "Insufficient client scope")
        limit = self._limit(request, route)
        offset = self._offset(request)
        rows = playlist.entries[offset : offset + limit]
        body = self._paging(request.path[3:], [None] * len(playlist.entries), offset, limit)
        body["items"] = [self._entry(e) for e in rows]
        return Answer(200, body)

    def _api_add_items(
        self, request: Request, route: Route, scope: frozenset[str], playlist_id: str
    ) -> Answer:
        playlist = self._playlist_or_404(playlist_id)
        self._check_write(playlist, scope)
        uris = self._uris_from(request)
        if not uris:
            raise api_error(400, "No uris provided")
        uris = self._check_uris(uris)
        position: Any = request.q("position")
        if position is None and isinstance(request.body, dict):
            position = request.body.get("position")
        try:
            at = len(playlist.entries) if position is None else int(position)
        except (TypeError, ValueError):
            raise api_error(400, "Invalid position") from None
        if not 0 <= at <= len(playlist.entries):
            raise api_error(400, "Index out of bounds")
        now = int(time.time())
        new = [FakeEntry(u, now, self.state.user.id) for u in uris]
        playlist.entries[at:at] = new
        playlist.bump()
        return Answer(201, {"snapshot_id": playlist.snapshot_id})

    def _api_put_items(
        self, request: Request, route: Route, scope: frozenset[str], playlist_id: str
    ) -> Answer:
        playlist = self._playlist_or_404(playlist_id)
        self._check_write(playlist, scope)
        body = request.body if isinstance(request.body, dict) else {}
        if "range_start" in body:
            try:
                start = int(body["range_start"])
                before = int(body["insert_before"])
                length = int(body.get("range_length", 1))
            except (KeyError, TypeError, ValueError):
                raise api_error(400, "Invalid reorder request") from None
            n = len(playlist.entries)
            if not (0 <= start < n and 0 <= before <= n and length >= 1 and start + length <= n):
                raise api_error(400, "Index out of bounds")
            moved = playlist.entries[start : start + length]
            rest = playlist.entries[:start] + playlist.entries[start + length :]
            at = before if before <= start else before - length
            playlist.entries = rest[:at] + moved + rest[at:]
        else:
            uris = self._uris_from(request)
            if uris is None:
                raise api_error(400, "Missing uris or range_start")
            uris = self._check_uris(uris)
            now = int(time.time())
            playlist.entries = [FakeEntry(u, now, self.state.user.id) for u in uris]
        playlist.bump()
        return Answer(200, {"snapshot_id": playlist.snapshot_id})

    def _api_delete_items(
        self, request: Request, route: Route, scope: frozenset[str], playlist_id: str
    ) -> Answer:
        playlist = self._playlist_or_404(playlist_id)
        self._check_write(playlist, scope)
        body = request.body if isinstance(request.body, dict) else {}
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise api_error(400, "Missing items")
        if len(items) > MAX_WRITE_URIS:
            raise api_error(400, f"You can remove at most {MAX_WRITE_URIS} tracks per request.")
        uris = self._check_uris([i.get("uri") if isinstance(i, dict) else i for i in items])
        gone = set(uris)
        playlist.entries = [e for e in playlist.entries if e.uri not in gone]
        playlist.bump()
        return Answer(200, {"snapshot_id": playlist.snapshot_id})

    def _api_get_track(
        self, request: Request, route: Route, scope: frozenset[str], id: str
    ) -> Answer:
        if not is_base62(id):
            raise api_error(400, "Invalid base62 id")
        if id not in self.state.tracks:
            raise api_error(404, "Resource not found")
        return Answer(200, self._track_full(id))

    def _api_get_artist(
        self, request: Request, route: Route, scope: frozenset[str], id: str
    ) -> Answer:
        if not is_base62(id):
            raise api_error(400, "Invalid base62 id")
        if id not in self.state.artists:
            raise api_error(404, "Resource not found")
        return Answer(200, self._artist_full(id))

    def _api_search(self, request: Request, route: Route, scope: frozenset[str]) -> Answer:
        q = (request.q("q") or "").strip()
        if not q:
            raise api_error(400, "No search query")
        types = [t for t in (request.q("type") or "").split(",") if t]
        if not types:
            raise api_error(400, "Missing parameter type")
        if any(
            t not in ("track", "artist", "album", "playlist", "show", "episode", "audiobook")
            for t in types
        ):
            raise api_error(400, "Unsupported type")
        limit = self._limit(request, route)
        offset = self._offset(request, 1000)
        terms = search_terms(q)
        body: dict[str, Any] = {}
        extra = {"query": q, "type": ",".join(types)}
        if "track" in types:
            hits = []
            for track in self.state.tracks.values():
                artists = [self.state.artists[a].name for a in track.artist_ids]
                fields = {
                    "track": [track.name],
                    "artist": artists,
                    "": [" ".join([track.name, *artists])],
                }
                if all(_holds(fields.get(f, []), text) for f, text in terms):
                    hits.append(self._track_full(track.id))
            body["tracks"] = self._paging("/search", hits, offset, limit, extra)
        if "artist" in types:
            artists = [
                self._artist_full(a.id)
                for a in self.state.artists.values()
                if all(_holds([a.name], text) for f, text in terms if f in ("", "artist"))
            ]
            body["artists"] = self._paging("/search", artists, offset, limit, extra)
        return Answer(200, body)


def search_terms(q: str) -> list[tuple[str, str]]:
    """(field, text) of each term of a search query: `track:"two words"`, `artist:word`,
    `"a phrase"` or a word (field ''), as Spotify's field filters read them."""
    found = re.findall(r'(?:(\w+):)?(?:"([^"]*)"|(\S+))', q)
    return [(f.lower(), (quoted or word).lower()) for f, quoted, word in found if quoted or word]


def _holds(values: list[str], text: str) -> bool:
    """Whether one of `values` holds `text` (case-insensitive), as a loose search matches."""
    return any(text in v.lower() for v in values)
