"""What the Spotify fetchers return, and the parsing of Spotify's JSON into it.

Raw JSON is read here and nowhere else: every `parse_*` takes whatever the API answered
(`object`, possibly null or half missing) and returns a frozen dataclass, or None when the
thing is not usable (a null playlist item, an episode, an object without a URI). Units live in
the names: `played_at_ms`, `duration_ms`. No network, no spotipy here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from yawyas.errors import BadInputError

__all__ = [
    "TIME_RANGES",
    "AlbumRef",
    "ArtistInfo",
    "ArtistRef",
    "Json",
    "PlayContext",
    "PlaylistEntry",
    "PlaylistInfo",
    "RecentPlay",
    "SavedTrack",
    "SpotifyUser",
    "TimeRange",
    "TopArtist",
    "TopTrack",
    "TrackInfo",
    "iso_to_ms",
    "page_items",
    "page_next",
    "page_total",
    "parse_artist",
    "parse_playlist",
    "parse_playlist_entry",
    "parse_recent_play",
    "parse_saved_track",
    "parse_track",
    "parse_user",
    "saved_added_at_ms",
    "spotify_id",
]

Json = dict[str, Any]
TimeRange = Literal["short_term", "medium_term", "long_term"]
TIME_RANGES: tuple[TimeRange, ...] = ("short_term", "medium_term", "long_term")
_BASE62 = re.compile(r"^[0-9A-Za-z]+$")


# ----- what the fetchers return --------------------------------------------------------------


@dataclass(frozen=True)
class SpotifyUser:
    id: str
    uri: str
    display_name: str | None
    account_id: str | None


@dataclass(frozen=True)
class ArtistRef:
    name: str
    id: str | None  # None for local files
    uri: str | None


@dataclass(frozen=True)
class AlbumRef:
    name: str
    id: str | None
    uri: str | None
    album_type: str | None
    release_date: str | None  # "1981", "1981-12" or "1981-12-15"
    release_date_precision: str | None  # year, month or day
    total_tracks: int | None


@dataclass(frozen=True)
class TrackInfo:
    uri: str
    id: str | None  # None for local files (spotify:local:...)
    name: str
    artists: tuple[ArtistRef, ...]
    album: AlbumRef | None
    duration_ms: int | None
    explicit: bool | None
    isrc: str | None
    is_local: bool
    disc_number: int | None = None
    track_number: int | None = None


@dataclass(frozen=True)
class ArtistInfo:
    id: str
    uri: str
    name: str
    genres: tuple[str, ...]  # often empty in 2026: never depend on it


@dataclass(frozen=True)
class PlayContext:
    type: str  # playlist, album, artist, collection...
    uri: str


@dataclass(frozen=True)
class RecentPlay:
    played_at_ms: int  # when the play was logged, Unix ms UTC
    track: TrackInfo
    context: PlayContext | None


@dataclass(frozen=True)
class TopTrack:
    rank: int  # 1 is the top
    time_range: TimeRange
    track: TrackInfo


@dataclass(frozen=True)
class TopArtist:
    rank: int
    time_range: TimeRange
    artist: ArtistInfo


@dataclass(frozen=True)
class SavedTrack:
    added_at_ms: int | None
    track: TrackInfo


@dataclass(frozen=True)
class PlaylistInfo:
    id: str
    uri: str
    name: str
    description: str  # HTML entities decoded; "" when there is none
    owner_id: str | None
    owner_name: str | None
    collaborative: bool
    public: bool | None
    snapshot_id: str | None
    items_total: int | None


@dataclass(frozen=True)
class PlaylistEntry:
    position: int  # index in the playlist, counting rows that were skipped
    added_at_ms: int | None
    added_by_id: str | None
    track: TrackInfo


# ----- parsing the JSON at the edge -----------------------------------------------------------


def _str(obj: Mapping[str, Any] | None, key: str) -> str | None:
    value = obj.get(key) if obj else None
    return value if isinstance(value, str) else None


def _int(obj: Mapping[str, Any] | None, key: str) -> int | None:
    value = obj.get(key) if obj else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bool(obj: Mapping[str, Any] | None, key: str) -> bool | None:
    value = obj.get(key) if obj else None
    return value if isinstance(value, bool) else None


def _dict(obj: Mapping[str, Any] | None, key: str) -> Json | None:
    value = obj.get(key) if obj else None
    return value if isinstance(value, dict) else None


def _list(obj: Mapping[str, Any] | None, key: str) -> list[Any]:
    value = obj.get(key) if obj else None
    return value if isinstance(value, list) else []


def iso_to_ms(text: str | None) -> int | None:
    """'2026-11-20T08:15:30.123Z' -> Unix ms (UTC); None when absent or unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def _artist_ref(obj: Json) -> ArtistRef:
    return ArtistRef(name=_str(obj, "name") or "", id=_str(obj, "id"), uri=_str(obj, "uri"))


def _album_ref(obj: Json | None) -> AlbumRef | None:
    if obj is None:
        return None
    return AlbumRef(
        name=_str(obj, "name") or "",
        id=_str(obj, "id"),
        uri=_str(obj, "uri"),
        album_type=_str(obj, "album_type"),
        release_date=_str(obj, "release_date"),
        release_date_precision=_str(obj, "release_date_precision"),
        total_tracks=_int(obj, "total_tracks"),
    )


def parse_track(obj: object) -> TrackInfo | None:
    """A track object -> TrackInfo; None for null items, episodes and anything without a URI."""
    if not isinstance(obj, dict) or obj.get("type", "track") != "track":
        return None
    uri = _str(obj, "uri")
    if not uri:
        return None
    return TrackInfo(
        uri=uri,
        id=_str(obj, "id"),
        name=_str(obj, "name") or "",
        artists=tuple(_artist_ref(a) for a in _list(obj, "artists") if isinstance(a, dict)),
        album=_album_ref(_dict(obj, "album")),
        duration_ms=_int(obj, "duration_ms"),
        explicit=_bool(obj, "explicit"),
        isrc=_str(_dict(obj, "external_ids"), "isrc"),
        is_local=bool(_bool(obj, "is_local")) or uri.startswith("spotify:local:"),
        disc_number=_int(obj, "disc_number"),
        track_number=_int(obj, "track_number"),
    )


def parse_artist(obj: object) -> ArtistInfo | None:
    """An artist object -> ArtistInfo (genres may be empty); None without id or URI."""
    if not isinstance(obj, dict):
        return None
    artist_id, uri = _str(obj, "id"), _str(obj, "uri")
    if not artist_id or not uri:
        return None
    genres = tuple(g for g in _list(obj, "genres") if isinstance(g, str))
    return ArtistInfo(id=artist_id, uri=uri, name=_str(obj, "name") or "", genres=genres)


def parse_playlist(obj: object) -> PlaylistInfo | None:
    """A playlist object (simplified or full) -> PlaylistInfo; None without id or URI."""
    if not isinstance(obj, dict):
        return None
    playlist_id, uri = _str(obj, "id"), _str(obj, "uri")
    if not playlist_id or not uri:
        return None
    owner = _dict(obj, "owner")
    # 2026: a playlist's `tracks` became `items`; read either.
    items_ref = _dict(obj, "items") or _dict(obj, "tracks")
    return PlaylistInfo(
        id=playlist_id,
        uri=uri,
        name=_str(obj, "name") or "",
        description=html.unescape(_str(obj, "description") or ""),
        owner_id=_str(owner, "id"),
        owner_name=_str(owner, "display_name"),
        collaborative=bool(_bool(obj, "collaborative")),
        public=_bool(obj, "public"),
        snapshot_id=_str(obj, "snapshot_id"),
        items_total=_int(items_ref, "total"),
    )


def spotify_id(kind: str, id_or_uri: str) -> str:
    """The base62 id in an id or `spotify:{kind}:` URI; BadInputError for anything else."""
    value = id_or_uri.strip()
    prefix = f"spotify:{kind}:"
    if value.startswith(prefix):
        value = value[len(prefix) :]
    if not _BASE62.match(value):
        raise BadInputError(f"{id_or_uri!r} is not a Spotify {kind} id or URI.")
    return value


def parse_user(obj: object) -> SpotifyUser | None:
    """The `/me` answer -> SpotifyUser; None without a user id."""
    if not isinstance(obj, dict):
        return None
    user_id = _str(obj, "id")
    if not user_id:
        return None
    return SpotifyUser(
        id=user_id,
        uri=_str(obj, "uri") or f"spotify:user:{user_id}",
        display_name=_str(obj, "display_name"),
        account_id=_str(obj, "account_id"),
    )


def parse_recent_play(obj: object) -> RecentPlay | None:
    """One recently-played item -> RecentPlay; None without a time or a track."""
    if not isinstance(obj, dict):
        return None
    played_at_ms = iso_to_ms(_str(obj, "played_at"))
    track = parse_track(obj.get("track"))
    if played_at_ms is None or track is None:
        return None
    context = _dict(obj, "context")
    ctx_type, ctx_uri = _str(context, "type"), _str(context, "uri")
    return RecentPlay(
        played_at_ms=played_at_ms,
        track=track,
        context=PlayContext(ctx_type, ctx_uri) if ctx_type and ctx_uri else None,
    )


def parse_saved_track(obj: object) -> SavedTrack | None:
    """One saved-tracks item -> SavedTrack; None without a track."""
    if not isinstance(obj, dict):
        return None
    track = parse_track(obj.get("track"))
    if track is None:
        return None
    return SavedTrack(added_at_ms=iso_to_ms(_str(obj, "added_at")), track=track)


def saved_added_at_ms(obj: object) -> int | None:
    """When a saved-tracks item was saved (Unix ms), whatever its track looks like."""
    return iso_to_ms(_str(obj, "added_at")) if isinstance(obj, dict) else None


def parse_playlist_entry(obj: object, position: int) -> PlaylistEntry | None:
    """One playlist row -> PlaylistEntry; None when its item is gone (null) or an episode."""
    if not isinstance(obj, dict):
        return None
    # 2026: each entry's `track` became `item`; read either.
    track = parse_track(obj["item"] if "item" in obj else obj.get("track"))
    if track is None:
        return None
    return PlaylistEntry(
        position=position,
        added_at_ms=iso_to_ms(_str(obj, "added_at")),
        added_by_id=_str(_dict(obj, "added_by"), "id"),
        track=track,
    )


# ----- pages ------------------------------------------------------------------------------------


def page_items(page: object) -> list[Any]:
    """The `items` of a page (a paging or cursor-paging object); [] for anything else."""
    return _list(page, "items") if isinstance(page, dict) else []


def page_next(page: object) -> str | None:
    """The absolute address of the next page, or None."""
    return _str(page, "next") if isinstance(page, dict) else None


def page_total(page: object) -> int | None:
    """How many items all pages hold, when the page says."""
    return _int(page, "total") if isinstance(page, dict) else None
