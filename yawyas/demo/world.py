"""The demo world a persona lives in: the catalog, their taste month by month, their playlists."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from itertools import accumulate

import numpy as np
import numpy.typing as npt

from yawyas.demo.catalog import Catalog
from yawyas.demo.names import GENRES
from yawyas.demo.personas import Persona

DAY_S = 86_400.0
YEAR_S = 365.25 * DAY_S
MONTH_S = YEAR_S / 12
PARTY = -2  # a playlist spec made for a party, not for a moment (-1: an extra playlist)


class SimPlaylist:
    """A playlist as the simulation sees it: tracks in the order they were added, and when."""

    def __init__(self, name: str, tracks: list[int], added: list[float]) -> None:
        self.name = name
        self.tracks = tracks
        self.added = added

    def available(self, when: float) -> list[int]:
        """The tracks already added at epoch second `when` (at least a handful)."""
        return self.tracks[: max(5, bisect_right(self.added, when))]


class World:
    """What exists for a persona between epoch seconds `t0` and `t1`: music, taste, playlists."""

    def __init__(self, persona: Persona, rng: random.Random, t0: float, t1: float) -> None:
        self.persona = persona
        self.rng = rng
        self.t0, self.t1 = t0, t1
        self.span_years = (t1 - t0) / YEAR_S
        self.months = int(self.span_years * 12) + 1
        self.catalog = Catalog(self._genre_sizes(), rng)
        self._build_taste()
        self.playlists: list[SimPlaylist] = []
        self.moment_playlist: dict[int, int] = {}  # moment index -> playlist index
        self.parties: list[tuple[float, int]] = []  # (fraction of the history, playlist index)
        self._build_playlists()
        self.obsessions = self._plan_obsessions()
        self._obsession_starts = [start for start, _, _ in self.obsessions]

    def _genre_sizes(self) -> dict[str, int]:
        p = self.persona
        sizes: dict[str, int] = {}
        for genre, weight in p.tastes:
            extra = round(weight * (20 + 18 * self.span_years))
            sizes[genre] = max(3, len(GENRES[genre].artists)) + extra
        for moment in p.moments:
            need = max(
                6, math.ceil(1.6 * moment.playlist_size[1] / 14 / max(1, len(moment.genres)))
            )
            for genre in moment.genres:
                sizes[genre] = max(sizes.get(genre, 0), need)
        for _, genres in p.extra_playlists:
            for genre in genres:
                sizes.setdefault(genre, max(4, len(GENRES[genre].artists)))
        for occasional in p.occasional:
            for genre, weight in occasional.genres:
                need = max(4, len(GENRES[genre].artists)) + round(
                    weight * (8 + 6 * self.span_years)
                )
                sizes[genre] = max(sizes.get(genre, 0), need)
        for _, genres in p.parties:
            for genre in genres:
                sizes.setdefault(genre, max(4, len(GENRES[genre].artists)))
        return sizes

    def _build_taste(self) -> None:
        """Monthly artist weights: Zipf popularity, discoveries, fading novelty, abandonment."""
        cat, rng = self.catalog, self.rng
        artists: list[int] = []
        base: list[float] = []
        discovered: list[float] = []
        abandoned: list[float] = []
        months = self.months
        for genre, weight in self.persona.tastes:
            members = cat.genre_artists[genre]
            pops = [1.0 / (rank + 1) ** 0.7 for rank in range(len(members))]
            total = sum(pops)
            curated = len(GENRES[genre].artists)
            for rank, artist in enumerate(members):
                artists.append(artist)
                base.append(weight * pops[rank] / total)
                known = rank < min(curated, 3) or rng.random() < 0.3
                found = -1e9 if known else rng.uniform(0, months)
                discovered.append(found)
                if known and rng.random() < 0.25:
                    abandoned.append(rng.uniform(0.2 * months, months))
                elif not known and rng.random() < 0.2:
                    abandoned.append(found + rng.uniform(6, 30))
                else:
                    abandoned.append(1e9)
        m = np.arange(months, dtype=np.float64)[:, None]
        d = np.asarray(discovered)[None, :]
        since = np.clip(m - d, 0.0, 1e6)
        novelty = np.where(d >= 0, 1.0 + 6.0 * np.exp(-since / 1.5), 1.0)
        weights = np.asarray(base)[None, :] * (m >= d) * novelty
        weights = weights * np.where(m >= np.asarray(abandoned)[None, :], 0.04, 1.0)
        self.taste_artists = artists
        self.taste_cum: npt.NDArray[np.float64] = np.cumsum(weights, axis=1)
        self._month_cum: dict[int, list[float]] = {}
        self._mixes: dict[tuple[tuple[str, float], ...], tuple[list[int], list[float]]] = {}

    def month_of(self, when: float) -> int:
        """Index of the month of epoch second `when` within the history."""
        return min(self.months - 1, max(0, int((when - self.t0) / MONTH_S)))

    def month_cum(self, month: int) -> list[float]:
        """Cumulative artist weights of a month, as a list for bisect."""
        found = self._month_cum.get(month)
        if found is None:
            found = self.taste_cum[month].tolist()
            self._month_cum[month] = found
        return found

    def taste_artist(self, month: int) -> int:
        """An artist drawn from the persona's taste in that month."""
        return self.taste_artist_at(month, self.rng.random())

    def taste_artist_at(self, month: int, u: float) -> int:
        """The artist at cumulative position `u` in [0, 1) of the persona's taste that month."""
        cum = self.month_cum(month)
        return self.taste_artists[bisect_right(cum, u * cum[-1])]

    def mix(self, genres: tuple[tuple[str, float], ...]) -> tuple[list[int], list[float]]:
        """(artists, cumulative weights) of a weighted mix of genres, popular artists first."""
        found = self._mixes.get(genres)
        if found is None:
            artists: list[int] = []
            weights: list[float] = []
            for genre, weight in genres:
                members = self.catalog.genre_artists[genre]
                pops = [1.0 / (rank + 1) ** 0.7 for rank in range(len(members))]
                total = sum(pops)
                artists.extend(members)
                weights.extend(weight * pop / total for pop in pops)
            found = (artists, list(accumulate(weights)))
            self._mixes[genres] = found
        return found

    def pick_tracks(self, genres: tuple[str, ...], size: int) -> list[int]:
        """`size` tracks of some genres, the popular ones more likely (weighted sampling)."""
        cat, rng = self.catalog, self.rng
        keyed: list[tuple[float, int]] = []
        for genre in genres:
            for a_rank, artist in enumerate(cat.genre_artists[genre]):
                for t_rank, track in enumerate(cat.artist_tracks[artist]):
                    weight = 1.0 / ((a_rank + 1) ** 0.5 * (t_rank + 1) ** 0.6)
                    keyed.append((rng.random() ** (1.0 / weight), track))
        keyed.sort(reverse=True)
        return [track for _, track in keyed[:size]]

    def _build_playlists(self) -> None:
        rng, span = self.rng, self.t1 - self.t0
        specs: list[tuple[str, tuple[str, ...], tuple[int, int], float, int]] = []
        for i, moment in enumerate(self.persona.moments):
            if moment.playlist is not None:
                created = self.t0 + moment.active_from * span - rng.uniform(7, 60) * DAY_S
                specs.append((moment.playlist, moment.genres, moment.playlist_size, created, i))
        for name, genres in self.persona.extra_playlists:
            created = self.t0 + rng.uniform(0.0, 0.6) * span
            specs.append((name, genres, (20, 50), created, -1))
        parties: list[float] = []
        for name, genres in self.persona.parties:
            parties.append(rng.uniform(0.03, 0.97))
            created = self.t0 + parties[-1] * span - rng.uniform(4, 20) * DAY_S
            specs.append((name, genres, (45, 80), max(self.t0 - DAY_S, created), PARTY))
        for name, genres, size, created, moment_index in specs:
            tracks = self.pick_tracks(genres, rng.randint(*size))
            # a party playlist is made at once; others grow over the years
            first = len(tracks) if moment_index == PARTY else max(5, int(len(tracks) * 0.6))
            added = [created + i * rng.uniform(20, 200) for i in range(first)]
            added += sorted(rng.uniform(created, self.t1) for _ in range(len(tracks) - first))
            if moment_index >= 0:
                self.moment_playlist[moment_index] = len(self.playlists)
            elif moment_index == PARTY:
                self.parties.append((parties[len(self.parties)], len(self.playlists)))
            self.playlists.append(SimPlaylist(name, tracks, added))

    def _plan_obsessions(self) -> list[tuple[float, float, int]]:
        rng = self.rng
        found: list[tuple[float, float, int]] = []
        for _ in range(max(1, round(3 * self.span_years))):
            start = rng.uniform(self.t0, max(self.t0, self.t1 - 9 * DAY_S))
            artist = self.taste_artist(self.month_of(start))
            track = self.catalog.popular_track(artist, rng.random() * 0.3)
            found.append((start, start + rng.uniform(5, 9) * DAY_S, track))
        found.sort()
        return found

    def obsession_at(self, when: float) -> int:
        """The track the persona is obsessed with at `when`, or -1."""
        i = bisect_right(self._obsession_starts, when)
        for start, end, track in reversed(self.obsessions[max(0, i - 2) : i]):
            if start <= when < end:
                return track
        return -1
