"""Moods without audio features: the person's own mood words, spread over co-listening.

1. A small multilingual lexicon maps words to moods ("correr", "laufen", "gym" -> run; "calma",
   "lofi" -> chill or focus...). Names of the person's own playlists and moments, words in track
   titles and artist genres (when enrich found any) that hit the lexicon *seed* tracks with a
   mood, each seed with its evidence.
2. Only moods the person's own words name (a playlist or moment name, or >= 3 tracks by title or
   genre) are kept: the person's vocabulary, not ours.
3. Labels spread over a track graph built from co-listening (tracks played one after the other in
   a session), by the label-spreading iteration F <- a S F + (1 - a) Y with S = D^-1/2 W D^-1/2
   (Zhou et al. 2004, as sklearn's LabelSpreading), on scipy.sparse. A track joins a mood when
   that mood wins its row and holds enough of the mass; its evidence is then the seeds it was
   played next to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sps

from yawyas.playlists.listening import FloatArray, IntArray, Listening

LEXICON: Final[dict[str, tuple[str, ...]]] = {
    "run": (
        "run",
        "runs",
        "running",
        "runner",
        "workout",
        "gym",
        "training",
        "cardio",
        "hiit",
        "fitness",
        "correr",
        "corriendo",
        "carrera",
        "entreno",
        "laufen",
        "lauf",
        "jogging",
        "jog",
        "courir",
        "course",
        "corsa",
        "treino",
        "power",
        "sport",
        "ランニング",
        "ジム",
    ),
    "chill": (
        "chill",
        "chillout",
        "relax",
        "relaxing",
        "calm",
        "calma",
        "tranquilo",
        "sleep",
        "sleeping",
        "dormir",
        "domingo",
        "sunday",
        "lazy",
        "ruhig",
        "entspannen",
        "brunch",
        "rainy",
        "lluvia",
        "睡眠",
        "リラックス",
    ),
    "focus": (
        "focus",
        "study",
        "studying",
        "work",
        "working",
        "lofi",
        "lo-fi",
        "concentration",
        "concentracion",
        "concentración",
        "estudiar",
        "estudio",
        "trabajo",
        "deep",
        "coding",
        "code",
        "konzentration",
        "lernen",
        "arbeit",
        "ambient",
        "synthwave",
        "shift",
        "集中",
    ),
    "party": (
        "party",
        "dance",
        "dancing",
        "fiesta",
        "baile",
        "bailar",
        "tango",
        "salsa",
        "bachata",
        "boda",
        "wedding",
        "club",
        "disco",
        "bbq",
        "tanzen",
        "milonga",
        "reggaeton",
        "cumbia",
        "パーティー",
    ),
    "sad": ("sad", "triste", "tristeza", "melancholy", "melancolia", "heartbreak", "traurig"),
    "happy": ("happy", "feliz", "alegre", "alegria", "good vibes", "sunshine", "glücklich"),
    "love": ("love", "amor", "romantic", "romantico", "liebe", "corazon", "corazón", "amour"),
    "kids": (
        "kids",
        "kid",
        "children",
        "child",
        "niños",
        "ninos",
        "infantil",
        "nursery",
        "lullaby",
        "nana",
        "nanas",
        "canciones infantiles",
        "kinder",
        "kinderlieder",
        "cuna",
        "子供",
    ),
    "drive": ("drive", "driving", "road", "roadtrip", "car", "coche", "ドライブ", "autofahrt"),
    "cooking": ("kitchen", "cooking", "cocina", "cocinar", "dinner", "cena", "kochen"),
}
PLAYLIST_STRENGTH: Final = 1.0
MOMENT_STRENGTH: Final = 0.8
GENRE_STRENGTH: Final = 0.6
TITLE_STRENGTH: Final = 0.4
MIN_WORD_TRACKS: Final = 3  # title or genre words alone must seed this many tracks
ALPHA: Final = 0.8
ITERATIONS: Final = 30
MIN_SHARE: Final = 0.5  # a spread label must hold this share of the track's mood mass


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_WORDS: Final[dict[str, str]] = {_fold(w): mood for mood, ws in LEXICON.items() for w in ws}
_PHRASES: Final = tuple(w for w in _WORDS if " " in w or not w.isascii())


def mood_words(text: str) -> list[str]:
    """The moods whose words occur in `text` (whole words, accents and case ignored)."""
    folded = _fold(text)
    found = {_WORDS[t] for t in re.findall(r"[\w-]+", folded) if t in _WORDS}
    found |= {_WORDS[p] for p in _PHRASES if p in folded}
    return sorted(found)


@dataclass(frozen=True)
class MoodTrack:
    """One track in a mood: its code in the Listening, score 0..1 and evidence."""

    track: int
    score: float
    evidence: str


@dataclass(frozen=True)
class Mood:
    """A mood the person's own words name, with its tracks (best first)."""

    name: str
    named_by: tuple[str, ...]  # the playlist / moment names that named it
    tracks: tuple[MoodTrack, ...]

    def scores(self, n_tracks: int) -> FloatArray:
        """One score per track code (0 for tracks not in the mood)."""
        out = np.zeros(n_tracks, dtype=np.float64)
        for t in self.tracks:
            out[t.track] = t.score
        return out

    def evidence(self) -> dict[int, str]:
        """Track code -> evidence."""
        return {t.track: t.evidence for t in self.tracks}


def build_moods(
    listening: Listening,
    colisten: sps.csr_matrix,
    playlists: Mapping[int, Sequence[str]],
    *,
    genres: Mapping[int, Sequence[str]] | None = None,
    moments: Iterable[tuple[str, IntArray]] = (),
) -> list[Mood]:
    """The person's moods, largest first (see the module docstring).

    `playlists`: track code -> names of the person's playlists holding it; `genres`: track code ->
    its artists' genres; `moments`: (moment name, track codes typical of it).
    """
    n = listening.n_tracks
    names = list(LEXICON)
    seeds = np.zeros((n, len(names)), dtype=np.float64)
    evidence: dict[tuple[int, int], str] = {}
    named_by: dict[str, set[str]] = {m: set() for m in names}
    word_tracks: dict[str, int] = dict.fromkeys(names, 0)

    def seed(track: int, mood: str, strength: float, why: str) -> None:
        k = names.index(mood)
        if strength > seeds[track, k]:
            seeds[track, k] = strength
            evidence[(track, k)] = why

    for track, lists in playlists.items():
        for name in lists:
            for mood in mood_words(name):
                named_by[mood].add(name)
                seed(track, mood, PLAYLIST_STRENGTH, f"in your playlist '{name}'")
    for moment_name, tracks in moments:
        for mood in mood_words(moment_name):
            named_by[mood].add(moment_name)
            for track in tracks:
                seed(int(track), mood, MOMENT_STRENGTH, f"typical of your moment '{moment_name}'")
    for track, genre_list in (genres or {}).items():
        for genre in genre_list:
            for mood in mood_words(genre):
                word_tracks[mood] += 1
                seed(track, mood, GENRE_STRENGTH, f"artist genre '{genre}'")
    for track in range(n):
        for mood in mood_words(str(listening.names[track])):
            word_tracks[mood] += 1
            seed(track, mood, TITLE_STRENGTH, f"'{mood}' word in the title")

    kept = [k for k, m in enumerate(names) if named_by[m] or word_tracks[m] >= MIN_WORD_TRACKS]
    if not kept or n == 0:
        return []
    y = seeds[:, kept]
    spread = spread_labels(colisten, y)
    moods = [
        _mood(names[k], j, y, spread, evidence, k, colisten, listening, named_by[names[k]])
        for j, k in enumerate(kept)
    ]
    moods = [m for m in moods if m.tracks]
    return sorted(moods, key=lambda m: (-len(m.tracks), m.name))


def spread_labels(weights: sps.csr_matrix, seeds: FloatArray) -> FloatArray:
    """Label spreading over a symmetric graph: F <- a S F + (1 - a) Y, S = D^-1/2 W D^-1/2."""
    import scipy.sparse as sps

    degree = np.asarray(weights.sum(axis=1)).ravel()
    inv = np.zeros_like(degree)
    inv[degree > 0] = 1.0 / np.sqrt(degree[degree > 0])
    s = sps.diags(inv) @ weights @ sps.diags(inv)
    f = seeds.copy()
    for _ in range(ITERATIONS):
        f = ALPHA * (s @ f) + (1 - ALPHA) * seeds
    out: FloatArray = np.asarray(f, dtype=np.float64)
    return out


def _mood(
    name: str,
    j: int,
    seeds: FloatArray,
    spread: FloatArray,
    evidence: Mapping[tuple[int, int], str],
    k: int,
    colisten: sps.csr_matrix,
    listening: Listening,
    named_by: set[str],
) -> Mood:
    column = spread[:, j]
    top = float(column.max()) if len(column) else 0.0
    if top <= 0:
        return Mood(name, tuple(sorted(named_by)), ())
    mass = spread.sum(axis=1)
    wins = (spread.argmax(axis=1) == j) & (column >= MIN_SHARE * mass) & (column >= 0.05 * top)
    seeded = seeds[:, j] > 0
    members = np.flatnonzero(seeded | wins)
    score = np.clip(np.maximum(column[members] / top, seeds[members, j]), 0.0, 1.0)
    out: list[MoodTrack] = []
    for track, s in zip(members.tolist(), score.tolist(), strict=True):
        why = evidence.get((track, k))
        if why is None:
            why = _neighbour_evidence(track, seeds[:, j], colisten, listening, name)
        out.append(MoodTrack(track, round(float(s), 3), why))
    out.sort(key=lambda t: (-t.score, t.track))
    return Mood(name, tuple(sorted(named_by)), tuple(out))


def _neighbour_evidence(
    track: int, seeds: FloatArray, colisten: sps.csr_matrix, listening: Listening, mood: str
) -> str:
    row = colisten.getrow(track)
    idx, w = row.indices, row.data
    seeded = seeds[idx] > 0
    if seeded.any():
        best = int(idx[seeded][np.argmax(w[seeded])])
        return f"often played next to '{listening.names[best]}' ({mood})"
    return f"played near {mood} tracks"
