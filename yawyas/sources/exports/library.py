"""What the account data says besides plays: playlists (`PlaylistN.json`), the library
(`YourLibrary.json`) and Spotify's inferences (`Inferences.json`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import unquote

import orjson

from yawyas.sources.exports.kinds import clean_name

# --------------------------------------------------------------------------- playlists, library


class PlaylistEntry(NamedTuple):
    """One entry of an exported playlist: a track, episode or audiobook (kind 1, 2, 3 as in
    the store, with its URI where known and names), a local file (`local_uri`), or nothing
    readable (kind 0); with the day it was added."""

    kind: int
    uri: str | None
    creator: str | None
    title: str | None
    album: str | None
    local_uri: str | None
    added: str | None


@dataclass(frozen=True)
class PlaylistRecord:
    """One playlist of `Playlist1.json`: name, facts, and entries in order."""

    name: str
    description: str | None
    last_modified: str | None
    followers: int | None
    collaborators: list[Any] | None
    entries: tuple[PlaylistEntry, ...]


@dataclass(frozen=True)
class Playlists:
    """A `PlaylistN.json` file: its playlists, and those without a name counted."""

    playlists: list[PlaylistRecord]
    skipped: dict[str, int]


def _playlist_entry(entry: dict[str, Any]) -> PlaylistEntry:
    added = entry.get("addedDate")
    t = entry.get("track")
    if isinstance(t, dict):
        return PlaylistEntry(
            1,
            t.get("trackUri") or None,
            clean_name(t.get("artistName")),
            clean_name(t.get("trackName")),
            clean_name(t.get("albumName")),
            None,
            added,
        )
    e = entry.get("episode")
    if isinstance(e, dict):
        return PlaylistEntry(
            2,
            e.get("episodeUri") or None,
            clean_name(e.get("showName")),
            clean_name(e.get("episodeName")),
            None,
            None,
            added,
        )
    b = entry.get("audiobook")
    if isinstance(b, dict):
        book = clean_name(b.get("audiobookName"))
        return PlaylistEntry(3, b.get("audiobookUri") or None, book, book, None, None, added)
    local = entry.get("localTrack")
    if isinstance(local, dict):
        return PlaylistEntry(0, None, None, None, None, local.get("uri"), added)
    return PlaylistEntry(0, None, None, None, None, None, added)


def read_playlists(doc: dict[str, Any]) -> Playlists:
    """The playlists of a `PlaylistN.json` document."""
    found: list[PlaylistRecord] = []
    skipped: Counter[str] = Counter()
    for pl in doc["playlists"]:
        name = clean_name(pl.get("name")) if isinstance(pl, dict) else None
        if not isinstance(pl, dict) or name is None:
            skipped["playlist without a name"] += 1
            continue
        entries = tuple(_playlist_entry(e) for e in pl.get("items") or [] if isinstance(e, dict))
        followers = pl.get("numberOfFollowers")
        found.append(
            PlaylistRecord(
                name=name,
                description=pl.get("description"),
                last_modified=pl.get("lastModifiedDate"),
                followers=followers if isinstance(followers, int) else None,
                collaborators=pl.get("collaborators") or None,
                entries=entries,
            )
        )
    return Playlists(found, dict(skipped))


class LibraryEntry(NamedTuple):
    """One entry of `YourLibrary.json`: its category ("tracks", "albums", "other", ...), a key
    (the URI, else the entry itself), the entry as JSON, and for saved tracks their (uri,
    artist, track, album)."""

    category: str
    key: str
    data: str
    track: tuple[str, str | None, str | None, str | None] | None


@dataclass(frozen=True)
class Library:
    """A `YourLibrary.json` file: every entry."""

    entries: list[LibraryEntry]


@dataclass(frozen=True)
class Inferences:
    """An `Inferences.json` file: Spotify's advertising segments for the person."""

    names: list[str]


def read_library(doc: dict[str, Any]) -> Library:
    """Every entry of a `YourLibrary.json` document (local files' keys URL-decoded)."""
    out: list[LibraryEntry] = []
    for category, entries in doc.items():
        if not isinstance(entries, list):
            continue
        for e in entries:
            track = None
            if isinstance(e, dict):
                key = e.get("uri") or orjson.dumps(e, option=orjson.OPT_SORT_KEYS).decode()
                if category == "tracks" and e.get("uri"):
                    track = (
                        str(e["uri"]),
                        clean_name(e.get("artist")),
                        clean_name(e.get("track")),
                        clean_name(e.get("album")),
                    )
            else:
                key = unquote(str(e)) if category == "other" else str(e)
            out.append(LibraryEntry(category, str(key), orjson.dumps(e).decode(), track))
    return Library(out)


def read_inferences(doc: dict[str, Any]) -> Inferences:
    """Spotify's advertising segments of an `Inferences.json` document."""
    return Inferences([str(n) for n in doc["inferences"] if isinstance(n, str)])
