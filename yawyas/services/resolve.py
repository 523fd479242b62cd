"""Spotify URIs for songs known by name only (account data), from Spotify's search.

A playlist is published as track URIs. Songs whose plays named a URI, or whose name key matches
a track the person already has (library, playlists, synced plays), have one already (see
`services.playlists.with_known_uris`). For the rest, one search per song
(`q=track:"..." artist:"..."`, at most 10 answers), and only a confident match is kept: a track
whose title and one of whose artists fold to the same name key (`analysis.text.song_key`).
Nothing else is guessed. Answers, found or not, are kept in the store and never asked again;
they are saved every few searches, so a long rate limit or Ctrl-C loses nothing and the next
publish goes on from there.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

from yawyas.playlists.generate import Playlist
from yawyas.playlists.listening import song_key_of
from yawyas.store.db import transaction
from yawyas.store.songs import load_song_matches, save_song_matches

if TYPE_CHECKING:
    from yawyas.sources.spotify import RetryPolicy, TrackInfo

SAVE_EVERY: Final = 10


def confident_match(artist: str, title: str, tracks: Iterable[TrackInfo]) -> str | None:
    """The URI of the first of `tracks` (Spotify's order) with the same name key as `artist`
    and `title` (folded title, one of its artists folded alike); None when none has."""
    wanted = song_key_of(artist, title)
    if not wanted:
        return None
    for track in tracks:
        if any(song_key_of(a.name, track.name) == wanted for a in track.artists):
            return track.uri
    return None


def resolve_songs(
    client: Any,
    conn: sqlite3.Connection,
    songs: Sequence[tuple[str, str]],
    *,
    policy: RetryPolicy | None = None,
) -> dict[str, str | None]:
    """Song key -> URI (None: Spotify has no confident match) for each (artist, title) in
    `songs`: from the store's earlier answers, else one search each (saved as they come)."""
    from yawyas.sources import spotify as sp

    known = load_song_matches(conn)
    out: dict[str, str | None] = {}
    pending: list[tuple[str, str | None]] = []

    def flush() -> None:
        if pending:
            with transaction(conn):
                save_song_matches(conn, pending)
            pending.clear()

    try:
        for artist, title in songs:
            key = song_key_of(artist, title)
            if not key or key in out:
                continue
            if key in known:
                out[key] = known[key]
                continue
            found = confident_match(
                artist, title, sp.search_tracks(client, artist, title, policy=policy)
            )
            out[key] = found
            pending.append((key, found))
            if len(pending) >= SAVE_EVERY:
                flush()
    finally:
        flush()
    return out


def resolve_playlist(
    client: Any,
    conn: sqlite3.Connection,
    playlist: Playlist,
    *,
    policy: RetryPolicy | None = None,
) -> Playlist:
    """The playlist with a URI for every track Spotify's search matches with confidence; the
    others keep '' (publishing leaves them out and says how many)."""
    missing = [(t.artist_name, t.track_name) for t in playlist.tracks if not t.uri]
    if not missing:
        return playlist
    found = resolve_songs(client, conn, missing, policy=policy)
    tracks = tuple(
        t if t.uri else replace(t, uri=found.get(song_key_of(t.artist_name, t.track_name)) or "")
        for t in playlist.tracks
    )
    return replace(playlist, tracks=tracks)
