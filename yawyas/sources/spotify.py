"""The Spotify Web API, as the rest of yawyas uses it: fetchers, publishers, and the one
import point for everything Spotify (login, client, models are re-exported from here).

spotipy is imported here, in `spotify_auth` and in `spotify_client`, and nowhere else:
- `spotify_auth`: PKCE login, the 0600 token file, the loopback listener;
- `spotify_client`: `make_client` (a plain `requests.Session`, so urllib3 never sleeps out a
  Retry-After by itself), `RetryPolicy`, `call` and the error classes;
- `spotify_models`: frozen dataclasses and the parsing of raw JSON into them;
- here: `fetch_*` (paging, cursors) and the playlist writers. Clients are passed in, never
  created by the fetchers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, overload
from urllib.parse import urlsplit

import spotipy

from yawyas.errors import BadInputError, SpotifyError
from yawyas.sources.spotify_auth import (
    DEFAULT_SCOPES,
    PendingLogin,
    RedirectListener,
    SpotifyConfig,
    authorize_url,
    complete_login,
    is_logged_in,
    login_with_browser,
    logout,
)
from yawyas.sources.spotify_client import (
    DEFAULT_POLICY,
    MissingError,
    NotAvailableError,
    QuotaExceededError,
    RetryPolicy,
    UncertainWriteError,
    call,
    human_s,
    make_client,
)
from yawyas.sources.spotify_models import (
    TIME_RANGES,
    AlbumRef,
    ArtistInfo,
    ArtistRef,
    PlayContext,
    PlaylistEntry,
    PlaylistInfo,
    RecentPlay,
    SavedTrack,
    SpotifyUser,
    TimeRange,
    TopArtist,
    TopTrack,
    TrackInfo,
    iso_to_ms,
    page_items,
    page_next,
    page_total,
    parse_artist,
    parse_playlist,
    parse_playlist_entry,
    parse_recent_play,
    parse_saved_track,
    parse_track,
    parse_user,
    saved_added_at_ms,
    spotify_id,
)

__all__ = [
    "DEFAULT_SCOPES",
    "PAGE_LIMIT",
    "TIME_RANGES",
    "AlbumRef",
    "ArtistInfo",
    "ArtistRef",
    "MissingError",
    "NotAvailableError",
    "PendingLogin",
    "PlayContext",
    "PlaylistEntry",
    "PlaylistInfo",
    "QuotaExceededError",
    "RecentPlay",
    "RedirectListener",
    "RetryPolicy",
    "SavedTrack",
    "SpotifyConfig",
    "SpotifyUser",
    "TimeRange",
    "TopArtist",
    "TopTrack",
    "TrackInfo",
    "authorize_url",
    "call",
    "change_playlist_details",
    "complete_login",
    "create_playlist",
    "fetch_artist",
    "fetch_me",
    "fetch_playlist_items",
    "fetch_playlists",
    "fetch_recently_played",
    "fetch_saved_tracks",
    "fetch_top",
    "fetch_track",
    "find_playlist_by_marker",
    "human_s",
    "is_logged_in",
    "iso_to_ms",
    "login_with_browser",
    "logout",
    "make_client",
    "parse_artist",
    "parse_track",
    "replace_playlist_items",
    "search_tracks",
]

PAGE_LIMIT = 50  # the most any read endpoint yawyas uses gives per page (2026)
SEARCH_LIMIT = 10  # the most results a development-mode app's search may ask for (2026)
WRITE_CHUNK = 100  # the most URIs one playlist write may carry
MAX_PAGES = 10_000  # a guard against a server whose `next` never ends


# ----- paging -------------------------------------------------------------------------------------


def _check_next(client: spotipy.Spotify, url: str) -> None:
    """A `next` address must stay on the API host: the bearer token goes wherever it points."""
    api, nxt = urlsplit(str(client.prefix)), urlsplit(url)
    if (nxt.scheme, nxt.netloc) != (api.scheme, api.netloc):
        raise SpotifyError(
            f"Spotify sent a next-page address on another host ({nxt.netloc}); stopped there."
        )


def _pages(
    client: spotipy.Spotify,
    what: str,
    first: Callable[[], Any],
    policy: RetryPolicy | None,
    progress: Callable[[int, int | None], None] | None = None,
) -> Iterator[Any]:
    """Every item of a paged answer, following each page's absolute `next` address."""
    page = call(client, what, first, policy=policy)
    seen: set[str] = set()
    count = 0
    for _ in range(MAX_PAGES):
        if not isinstance(page, dict):
            return
        items = page_items(page)
        yield from items
        count += len(items)
        if progress is not None:
            progress(count, page_total(page))
        nxt = page_next(page)
        if not nxt or nxt in seen or not items:
            return
        _check_next(client, nxt)
        seen.add(nxt)
        page = call(client, what, functools.partial(client.next, page), policy=policy)


# ----- fetchers -------------------------------------------------------------------------------


def fetch_me(client: spotipy.Spotify, *, policy: RetryPolicy | None = None) -> SpotifyUser:
    """The logged-in user (2026: no country, email or product any more)."""
    user = parse_user(call(client, "your profile", client.current_user, policy=policy))
    if user is None:
        raise SpotifyError("Spotify's answer about your profile had no user id.")
    return user


def fetch_recently_played(
    client: spotipy.Spotify, after_ms: int | None, *, policy: RetryPolicy | None = None
) -> list[RecentPlay]:
    """Plays after `after_ms` (Unix ms; None: all Spotify still has, about the last 50), oldest
    first, following the `after` cursor until a page brings nothing newer."""
    plays: dict[tuple[int, str], RecentPlay] = {}
    cursor = after_ms
    for _ in range(MAX_PAGES):
        page = call(
            client,
            "your recently played tracks",
            functools.partial(client.current_user_recently_played, limit=PAGE_LIMIT, after=cursor),
            policy=policy,
        )
        items = page_items(page)
        newest = cursor
        for play in map(parse_recent_play, items):
            if play is None or (after_ms is not None and play.played_at_ms <= after_ms):
                continue
            plays[(play.played_at_ms, play.track.uri)] = play
            newest = play.played_at_ms if newest is None else max(newest, play.played_at_ms)
        if len(items) < PAGE_LIMIT or newest is None or newest == cursor:
            break
        cursor = newest
    return sorted(plays.values(), key=lambda p: (p.played_at_ms, p.track.uri))


@overload
def fetch_top(
    client: spotipy.Spotify,
    kind: Literal["tracks"],
    time_range: TimeRange,
    *,
    policy: RetryPolicy | None = None,
) -> list[TopTrack]: ...


@overload
def fetch_top(
    client: spotipy.Spotify,
    kind: Literal["artists"],
    time_range: TimeRange,
    *,
    policy: RetryPolicy | None = None,
) -> list[TopArtist]: ...


def fetch_top(
    client: spotipy.Spotify,
    kind: Literal["tracks", "artists"],
    time_range: TimeRange,
    *,
    policy: RetryPolicy | None = None,
) -> list[TopTrack] | list[TopArtist]:
    """The user's top tracks or artists over a time range, rank 1 first."""
    if time_range not in TIME_RANGES:
        raise BadInputError(f"{time_range!r} is not one of {', '.join(TIME_RANGES)}.")
    if kind == "tracks":
        first = functools.partial(
            client.current_user_top_tracks, limit=PAGE_LIMIT, offset=0, time_range=time_range
        )
        items = _pages(client, f"your top tracks ({time_range})", first, policy)
        tracks = [t for t in map(parse_track, items) if t is not None]
        return [TopTrack(i, time_range, t) for i, t in enumerate(tracks, start=1)]
    if kind == "artists":
        first = functools.partial(
            client.current_user_top_artists, limit=PAGE_LIMIT, offset=0, time_range=time_range
        )
        items = _pages(client, f"your top artists ({time_range})", first, policy)
        artists = [a for a in map(parse_artist, items) if a is not None]
        return [TopArtist(i, time_range, a) for i, a in enumerate(artists, start=1)]
    raise BadInputError(f"{kind!r} is neither 'tracks' nor 'artists'.")


def fetch_saved_tracks(
    client: spotipy.Spotify,
    *,
    stop_at_added_ms: int | None = None,
    policy: RetryPolicy | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> list[SavedTrack]:
    """The tracks saved in "Your Music", newest first. With `stop_at_added_ms`, stop at the first
    one saved at or before that moment (an incremental sync)."""
    first = functools.partial(client.current_user_saved_tracks, limit=PAGE_LIMIT, offset=0)
    saved: list[SavedTrack] = []
    for item in _pages(client, "your saved tracks", first, policy, progress):
        added_at_ms = saved_added_at_ms(item)
        reached_known = (
            stop_at_added_ms is not None
            and added_at_ms is not None
            and added_at_ms <= stop_at_added_ms
        )
        if reached_known:
            break
        entry = parse_saved_track(item)
        if entry is not None:
            saved.append(entry)
    return saved


def fetch_playlists(
    client: spotipy.Spotify,
    *,
    policy: RetryPolicy | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> list[PlaylistInfo]:
    """The playlists the user owns or follows, as Spotify orders them."""
    first = functools.partial(client.current_user_playlists, limit=PAGE_LIMIT, offset=0)
    items = _pages(client, "your playlists", first, policy, progress)
    return [p for p in map(parse_playlist, items) if p is not None]


def fetch_playlist_items(
    client: spotipy.Spotify,
    playlist_id: str,
    *,
    policy: RetryPolicy | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> list[PlaylistEntry]:
    """The tracks of a playlist the user owns or collaborates on (others: NotAvailableError).

    Rows whose item is gone (null) or is an episode are skipped; local files are kept with
    `is_local` set and no id.
    """
    pid = spotify_id("playlist", playlist_id)
    first = functools.partial(
        client.playlist_items, pid, limit=PAGE_LIMIT, offset=0, additional_types=("track",)
    )
    rows = _pages(client, f"playlist {pid}", first, policy, progress)
    entries = (parse_playlist_entry(row, position) for position, row in enumerate(rows))
    return [e for e in entries if e is not None]


def fetch_track(
    client: spotipy.Spotify, track_id: str, *, policy: RetryPolicy | None = None
) -> TrackInfo | None:
    """One track by id or URI (the 2026 API has no batch lookup); None only when Spotify
    answers 404. A 429 or 5xx raises: it never means the track does not exist."""
    tid = spotify_id("track", track_id)
    try:
        raw = call(client, f"track {tid}", functools.partial(client.track, tid), policy=policy)
    except MissingError:
        return None
    return parse_track(raw)


def search_tracks(
    client: spotipy.Spotify,
    artist: str,
    title: str,
    *,
    limit: int = SEARCH_LIMIT,
    policy: RetryPolicy | None = None,
) -> list[TrackInfo]:
    """Spotify's tracks for one song by name, best first: one search request,
    `q=track:"TITLE" artist:"ARTIST"`, at most `limit` (<= SEARCH_LIMIT) answers."""
    if not 1 <= limit <= SEARCH_LIMIT:
        raise BadInputError(f"A search asks for 1 to {SEARCH_LIMIT} tracks, not {limit}.")

    def quoted(text: str) -> str:
        return '"' + " ".join(text.replace('"', " ").split()) + '"'

    query = f"track:{quoted(title)} artist:{quoted(artist)}"
    answer = call(
        client,
        f"the search for {title!r} by {artist!r}",
        functools.partial(client.search, query, limit=limit, type="track"),
        policy=policy,
    )
    page = answer.get("tracks") if isinstance(answer, dict) else None
    return [t for t in map(parse_track, page_items(page)) if t is not None and t.id]


def fetch_artist(
    client: spotipy.Spotify, artist_id: str, *, policy: RetryPolicy | None = None
) -> ArtistInfo | None:
    """One artist by id or URI (genres often empty); None only when Spotify answers 404."""
    aid = spotify_id("artist", artist_id)
    try:
        raw = call(client, f"artist {aid}", functools.partial(client.artist, aid), policy=policy)
    except MissingError:
        return None
    return parse_artist(raw)


# ----- publishing -----------------------------------------------------------------------------


def create_playlist(
    client: spotipy.Spotify,
    name: str,
    description: str,
    public: bool = False,
    *,
    policy: RetryPolicy | None = None,
) -> PlaylistInfo:
    """Create an empty playlist for the user (POST /me/playlists).

    Not repeated after an unsure failure (it could make a duplicate): put a marker in the
    description so that `find_playlist_by_marker` finds the playlist on the next run.
    """
    try:
        raw = call(
            client,
            f"a new playlist {name!r}",
            functools.partial(
                client.current_user_playlist_create,
                name,
                public=public,
                collaborative=False,
                description=description,
            ),
            policy=policy,
            idempotent=False,
        )
    except UncertainWriteError as exc:
        raise SpotifyError(
            f"Spotify may or may not have created the playlist {name!r}; run the command "
            "again (it looks for the playlist before making one)."
        ) from exc
    playlist = parse_playlist(raw)
    if playlist is None:
        raise SpotifyError(f"Spotify's answer to creating {name!r} had no playlist id.")
    return playlist


def replace_playlist_items(
    client: spotipy.Spotify,
    playlist_id: str,
    uris: Sequence[str],
    *,
    policy: RetryPolicy | None = None,
) -> str | None:
    """Make the playlist hold exactly `uris`, in order; returns the last snapshot id.

    The first 100 replace (PUT), the rest are added 100 at a time (POST). An add that failed
    in an unsure way starts the whole replace over, so nothing is ever doubled.
    """
    pid = spotify_id("playlist", playlist_id)
    wanted = [f"spotify:track:{spotify_id('track', u)}" for u in uris]
    chunks = [wanted[i : i + WRITE_CHUNK] for i in range(0, len(wanted), WRITE_CHUNK)] or [[]]
    policy = policy or DEFAULT_POLICY
    what = f"playlist {pid}"
    for restart in range(policy.max_write_restarts + 1):
        if restart:
            policy.pause(policy.backoff_s(restart), "restarting an interrupted playlist write")
        try:
            answer = call(
                client,
                what,
                functools.partial(client.playlist_replace_items, pid, chunks[0]),
                policy=policy,
            )
            for chunk in chunks[1:]:
                answer = call(
                    client,
                    what,
                    functools.partial(client.playlist_add_items, pid, chunk),
                    policy=policy,
                    idempotent=False,
                )
        except UncertainWriteError:
            continue
        snapshot = answer.get("snapshot_id") if isinstance(answer, dict) else None
        return snapshot if isinstance(snapshot, str) else None
    raise SpotifyError(
        f"Spotify kept failing while writing {what}; run the command again to finish it."
    )


def change_playlist_details(
    client: spotipy.Spotify,
    playlist_id: str,
    *,
    name: str | None = None,
    description: str | None = None,
    public: bool | None = None,
    policy: RetryPolicy | None = None,
) -> None:
    """Rename a playlist or change its description or visibility (PUT /playlists/{id})."""
    pid = spotify_id("playlist", playlist_id)
    call(
        client,
        f"playlist {pid}",
        functools.partial(
            client.playlist_change_details, pid, name=name, public=public, description=description
        ),
        policy=policy,
    )


def find_playlist_by_marker(
    client: spotipy.Spotify,
    marker: str,
    *,
    owner_id: str | None = None,
    policy: RetryPolicy | None = None,
) -> PlaylistInfo | None:
    """The user's own playlist whose description holds `marker` (most recent first), or None.

    Spotify answers descriptions HTML-escaped; they are compared decoded. Playlists of other
    owners never match, even when followed.
    """
    if not marker:
        raise BadInputError("A playlist marker cannot be empty.")
    me = owner_id or fetch_me(client, policy=policy).id
    for playlist in fetch_playlists(client, policy=policy):
        if playlist.owner_id == me and marker in playlist.description:
            return playlist
    return None
