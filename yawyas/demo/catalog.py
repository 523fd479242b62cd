"""The demo world's catalog: artists, albums, tracks, podcast episodes and audiobook chapters.

Every playable thing is an *item*: an index into `Catalog.meta`, whose tuple holds the eleven
metadata fields of an extended-history row in Spotify's order (see `META_FIELDS`).
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect_right
from datetime import UTC, datetime
from itertools import accumulate

from yawyas.demo.names import BOOKS, CHAPTER_WORDS, GENRES, SHOWS, GenreWords

META_FIELDS = (
    "master_metadata_track_name",
    "master_metadata_album_artist_name",
    "master_metadata_album_album_name",
    "spotify_track_uri",
    "episode_name",
    "episode_show_name",
    "spotify_episode_uri",
    "audiobook_title",
    "audiobook_uri",
    "audiobook_chapter_uri",
    "audiobook_chapter_title",
)
Meta = tuple[str | None, ...]

TRACK, EPISODE, CHAPTER = 0, 1, 2
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def spotify_id(*parts: str) -> str:
    """A 22-character base62 id derived from `parts`, shaped like Spotify's."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).digest()
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(22):
        number, rest = divmod(number, 62)
        chars.append(_BASE62[rest])
    return "".join(reversed(chars))


def unit(*parts: str) -> float:
    """A deterministic number in [0, 1) derived from `parts`."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


class Catalog:
    """Artists and their albums and tracks for some genres; episodes and chapters made on demand."""

    def __init__(self, genre_artists: dict[str, int], rng: random.Random) -> None:
        self.meta: list[Meta] = []
        self.duration_ms: list[int] = []
        self.kind: list[int] = []
        self.skip_bias: list[float] = []
        self.album_uri: list[str | None] = []
        self.artist_names: list[str] = []
        self.artist_genre: list[str] = []
        self.artist_tracks: list[list[int]] = []  # most played first
        self.artist_track_cum: list[list[float]] = []
        self.artist_albums: list[list[list[int]]] = []  # album -> tracks in album order
        self.genre_artists: dict[str, list[int]] = {}
        self.shows: dict[str, str] = {}  # show name -> show uri
        self._episodes: dict[tuple[str, int], int] = {}
        self._chapters: dict[tuple[int, int], int] = {}
        self._rng = rng
        self._used_names: set[str] = set()
        for genre, count in genre_artists.items():
            self._add_genre(genre, count)

    # -- music -----------------------------------------------------------------------------------
    def _add_genre(self, genre: str, count: int) -> None:
        words = GENRES[genre]
        rng = self._rng
        titles = list(words.titles)
        rng.shuffle(titles)
        artists = self.genre_artists.setdefault(genre, [])
        for i in range(count):
            name = words.artists[i] if i < len(words.artists) else self._new_artist(words)
            self._used_names.add(name)
            artists.append(self._add_artist(name, genre, words, titles))

    def _new_artist(self, words: GenreWords) -> str:
        rng = self._rng
        for attempt in range(60):
            if rng.random() < 0.5:
                given, family = rng.choice(words.given), rng.choice(words.family)
                name = (
                    f"{family}{words.person_joiner}{given}"
                    if words.family_first
                    else f"{given} {family}"
                )
            else:
                pattern = rng.choice(words.bands)
                name = pattern.format(a=rng.choice(words.first), b=rng.choice(words.second))
            if attempt > 40:
                name = f"{name} {attempt - 39}"
            if name not in self._used_names:
                return name
        raise RuntimeError("ran out of artist names")  # pragma: no cover - 60 tries always suffice

    def _title(self, words: GenreWords, pool: list[str], taken: set[str]) -> str:
        rng = self._rng
        while pool:
            title = pool.pop()
            if title not in taken:
                return title
        for _ in range(40):
            title = f"{rng.choice(words.first)}{words.joiner}{rng.choice(words.second)}"
            if rng.random() < 0.07:
                title += rng.choice(words.suffixes)
            if title not in taken:
                return title
        return f"{title} ({len(taken)})"

    def _add_artist(self, name: str, genre: str, words: GenreWords, pool: list[str]) -> int:
        rng = self._rng
        artist = len(self.artist_names)
        self.artist_names.append(name)
        self.artist_genre.append(genre)
        n_albums = rng.choices((1, 2, 3, 4), (35, 30, 20, 15))[0]
        low, high = (8, 16) if genre in ("kids", "kids_es") else (4, 12)
        taken: set[str] = set()
        album_names: set[str] = set()
        albums: list[list[int]] = []
        for a in range(n_albums):
            single = rng.random() < 0.2 and a > 0
            n_tracks = 1 if single else rng.randint(low, high)
            album_titles = [self._title(words, pool, taken) for _ in range(n_tracks)]
            taken.update(album_titles)
            if single:
                album = album_titles[0]
            else:
                album = rng.choice(words.albums).format(t=album_titles[0], n=a + 1)
                if album in album_names:
                    album = f"{album} (Vol. {a + 1})"
            album_names.add(album)
            album_uri = f"spotify:album:{spotify_id('album', name, album)}"
            tracks: list[int] = []
            for title in album_titles:
                uri = f"spotify:track:{spotify_id('track', name, album, title)}"
                minutes = rng.uniform(*words.minutes)
                tracks.append(
                    self._add_item(
                        (title, name, album, uri, None, None, None, None, None, None, None),
                        int(minutes * 60_000) + rng.randint(0, 999),
                        TRACK,
                        album_uri,
                    )
                )
            albums.append(tracks)
        by_popularity = [t for album in albums for t in album]
        rng.shuffle(by_popularity)
        self.artist_tracks.append(by_popularity)
        self.artist_track_cum.append(
            list(accumulate(1.0 / (rank + 1) ** 1.1 for rank in range(len(by_popularity))))
        )
        self.artist_albums.append(albums)
        return artist

    def _add_item(self, meta: Meta, duration_ms: int, kind: int, album_uri: str | None) -> int:
        self.meta.append(meta)
        self.duration_ms.append(duration_ms)
        self.kind.append(kind)
        self.skip_bias.append(min(3.0, max(0.3, self._rng.lognormvariate(0.0, 0.5))))
        self.album_uri.append(album_uri)
        return len(self.meta) - 1

    def popular_track(self, artist: int, u: float) -> int:
        """The artist's track at cumulative popularity position `u` in [0, 1)."""
        cum = self.artist_track_cum[artist]
        return self.artist_tracks[artist][bisect_right(cum, u * cum[-1])]

    # -- podcasts and audiobooks -----------------------------------------------------------------
    def show_uri(self, show: str) -> str:
        """The show's URI."""
        if show not in self.shows:
            self.shows[show] = f"spotify:show:{spotify_id('show', show)}"
        return self.shows[show]

    def episode(self, show: str, number: int, released: float) -> int:
        """The item of episode `number` of `show` (released at epoch seconds `released`)."""
        key = (show, number)
        found = self._episodes.get(key)
        if found is not None:
            return found
        words = SHOWS[show]
        self.show_uri(show)
        topic = words.topics[int(unit(show, str(number), "topic") * len(words.topics))]
        if words.numbered:
            name = f"Ep. {number + 1}: {topic}"
            if unit(show, str(number), "part") < 0.15:
                name += " (Part 2)"
        else:
            day = datetime.fromtimestamp(released, UTC)
            name = f"{day:%A %d %B}: {topic}"
        minutes = words.minutes[0] + unit(show, str(number)) * (words.minutes[1] - words.minutes[0])
        uri = f"spotify:episode:{spotify_id('episode', show, str(number))}"
        item = self._add_item(
            (None, None, None, None, name, show, uri, None, None, None, None),
            int(minutes * 60_000),
            EPISODE,
            None,
        )
        self._episodes[key] = item
        return item

    def chapter(self, book: int, number: int) -> int:
        """The item of chapter `number` of BOOKS[book]."""
        key = (book, number)
        found = self._chapters.get(key)
        if found is not None:
            return found
        words = BOOKS[book]
        word = CHAPTER_WORDS[int(unit(words.title, str(number)) * len(CHAPTER_WORDS))]
        title = f"Chapter {number + 1}: {word}"
        book_uri = f"spotify:audiobook:{spotify_id('audiobook', words.title)}"
        uri = f"spotify:episode:{spotify_id('chapter', words.title, str(number))}"
        low, high = words.minutes
        minutes = low + unit(words.title, str(number), "len") * (high - low)
        item = self._add_item(
            (None, None, None, None, None, None, None, words.title, book_uri, uri, title),
            int(minutes * 60_000),
            CHAPTER,
            None,
        )
        self._chapters[key] = item
        return item
