"""Names once each: the dimension tables (artists, titles, albums, items, platforms, reasons)
and the small integer codes of item kinds and stream sources.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from yawyas.store.db import insert_many

PLAY_MS = 30_000  # a stream of at least 30 s is a play

# Item kinds and stream sources are small integers in the store; these are their names.
KINDS = ("unknown", "track", "episode", "audiobook", "video")
KIND_ID = {name: i for i, name in enumerate(KINDS)}
SOURCES = (
    "extended_audio",
    "extended_video",
    "account_music",
    "account_podcast",
    "account_audiobook",
    "account_mixed",
    "api",
    # scrobbles, added at the end so that the codes above keep their meaning
    "lastfm",
    "listenbrainz",
)
SOURCE_ID = {name: i for i, name in enumerate(SOURCES)}


class Dimensions:
    """In-memory maps from names to the integer keys of the dimension tables.

    Loaded once per import; new keys are assigned here and written with `flush`, so the hot
    path of an import is dictionary look-ups, not SQL.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.artists: dict[str, int] = {
            name: i for i, name in conn.execute("SELECT id, name FROM artists")
        }
        self.titles: dict[tuple[int | None, str | None], int] = {
            (a, n): i for i, a, n in conn.execute("SELECT id, artist_id, name FROM titles")
        }
        self.albums: dict[tuple[int | None, str], int] = {
            (a, n): i for i, a, n in conn.execute("SELECT id, artist_id, name FROM albums")
        }
        self.items_by_uri: dict[str, tuple[int, int]] = {}
        self.items_by_title: dict[tuple[int, int], int] = {}
        for i, kind, uri, title_id in conn.execute("SELECT id, kind, uri, title_id FROM items"):
            if uri is None:
                self.items_by_title[(kind, title_id)] = i
            else:
                self.items_by_uri[uri] = (i, title_id)
        self.without_album: set[int] = {
            i for (i,) in conn.execute("SELECT id FROM items WHERE album_id IS NULL")
        }
        self._album_updates: list[tuple[int | None, int]] = []
        self.platforms: dict[str, int] = {
            name: i for i, name in conn.execute("SELECT id, name FROM platforms")
        }
        self.reasons: dict[str, int] = {
            name: i for i, name in conn.execute("SELECT id, name FROM reasons")
        }
        self._next = {
            table: (conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0] + 1)
            for table in ("artists", "titles", "albums", "items", "platforms", "reasons")
        }
        self._new: dict[str, list[tuple[Any, ...]]] = {table: [] for table in self._next}

    def _take(self, table: str) -> int:
        i: int = self._next[table]
        self._next[table] = i + 1
        return i

    def artist(self, name: str | None) -> int | None:
        if name is None:
            return None
        i = self.artists.get(name)
        if i is None:
            i = self.artists[name] = self._take("artists")
            self._new["artists"].append((i, name))
        return i

    def title(self, artist: str | None, name: str | None) -> int:
        artist_id = self.artist(artist)
        key = (artist_id, name)
        i = self.titles.get(key)
        if i is None:
            i = self.titles[key] = self._take("titles")
            self._new["titles"].append((i, artist_id, name))
        return i

    def album(self, artist: str | None, name: str | None, uri: str | None = None) -> int | None:
        if name is None:
            return None
        artist_id = self.artist(artist)
        key = (artist_id, name)
        i = self.albums.get(key)
        if i is None:
            i = self.albums[key] = self._take("albums")
            self._new["albums"].append((i, artist_id, name, uri))
        return i

    def item(
        self,
        kind: int,
        uri: str | None,
        artist: str | None,
        name: str | None,
        album: str | None = None,
        album_uri: str | None = None,
        author: str | None = None,
    ) -> tuple[int, int]:
        """The (item id, title id) of one identity: its URI, else (kind, artist, name)."""
        if uri is not None:
            found = self.items_by_uri.get(uri)
            if found is not None:
                self._fill_album(found[0], artist, album, album_uri)
                return found
            title_id = self.title(artist, name)
            i = self._take("items")
            self.items_by_uri[uri] = (i, title_id)
        else:
            title_id = self.title(artist, name)
            j = self.items_by_title.get((kind, title_id))
            if j is not None:
                self._fill_album(j, artist, album, album_uri)
                return j, title_id
            i = self.items_by_title[(kind, title_id)] = self._take("items")
        album_id = self.album(artist, album, album_uri)
        if album_id is None:
            self.without_album.add(i)
        self._new["items"].append((i, kind, uri, title_id, album_id, author))
        return i, title_id

    def _fill_album(
        self, item_id: int, artist: str | None, album: str | None, album_uri: str | None
    ) -> None:
        """An item first seen without an album (account data) gets one when a later row has it,
        so what the store holds does not depend on the order files came in."""
        if album is not None and item_id in self.without_album:
            self.without_album.discard(item_id)
            self._album_updates.append((self.album(artist, album, album_uri), item_id))

    def platform(self, name: str | None) -> int | None:
        if name is None:
            return None
        i = self.platforms.get(name)
        if i is None:
            i = self.platforms[name] = self._take("platforms")
            self._new["platforms"].append((i, name))
        return i

    def reason(self, name: str | None) -> int | None:
        if name is None:
            return None
        i = self.reasons.get(name)
        if i is None:
            i = self.reasons[name] = self._take("reasons")
            self._new["reasons"].append((i, name))
        return i

    def flush(self) -> None:
        """Write the keys assigned since the last flush (inside the caller's transaction)."""
        sql = {
            "artists": "INSERT INTO artists (id, name)",
            "titles": "INSERT INTO titles (id, artist_id, name)",
            "albums": "INSERT INTO albums (id, artist_id, name, uri)",
            "items": "INSERT INTO items (id, kind, uri, title_id, album_id, author)",
            "platforms": "INSERT INTO platforms (id, name)",
            "reasons": "INSERT INTO reasons (id, name)",
        }
        for table in ("artists", "titles", "albums", "items", "platforms", "reasons"):
            rows = self._new[table]
            if rows:
                insert_many(self.conn, sql[table], rows)
                rows.clear()
        if self._album_updates:
            self.conn.executemany("UPDATE items SET album_id = ? WHERE id = ?", self._album_updates)
            self._album_updates.clear()
