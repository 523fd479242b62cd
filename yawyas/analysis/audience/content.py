"""Children's music and functional audio, artist by artist, with the evidence.

Words are read where a catalog writes what music is for: playlist names (the person's own
playlists holding the artist's tracks), album and track names, and artist genres where `yawyas
enrich` got them (`lexicon`). Never from an artist's own name: a track's or album's words that
are in its artist's name are that band's name again (Kids See Static is not children's music),
and an artist's name alone is no evidence at all. Each kind of name gives a weight from the
share of the artist's plays it covers; the words' strength is 1 - prod(1 - weight).

Words alone are not enough, because song titles borrow them ("Lullaby for Insomniacs"):

- children's music is played with children's music: the artist's sessions are mostly other
  children's artists (its co-listening context). Context also carries the label to children's
  artists whose names hold no word at all, when their sessions are children's music through and
  through;
- functional audio behaves like it: the same tracks again and again in a session, long tracks,
  long sessions overnight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from yawyas.analysis.audience.columns import Columns, FloatArray, sum_by
from yawyas.analysis.audience.lexicon import (
    FUNCTIONAL_GENRES,
    FUNCTIONAL_WORDS,
    KIDS_GENRES,
    KIDS_WORDS,
    MEDITATION_WORDS,
)
from yawyas.analysis.audience.names import WordFinder
from yawyas.analysis.common import IntArray
from yawyas.analysis.moments.types import Evidence

# Weights of the kinds of names, and the caps: a playlist the person named is the strongest
# word; a genre next; album names, then track names (titles borrow words the most).
NAME_RULES: Final = (
    ("playlist", 1.2, 0.85),
    ("genre", 1.2, 0.85),
    ("album", 1.2, 0.8),
    ("track", 1.0, 0.6),
)
KIDS_WORDY: Final = 0.5  # an artist whose words are this strong sets the context of a session
KIDS_MIN_WORDS: Final = 0.3  # with a children's context, words this strong make a children's artist
KIDS_SESSION: Final = 0.35  # a session whose other plays are this much children's music is theirs
KIDS_MIN_CONTEXT: Final = 0.5  # share of an artist's plays in children's sessions
KIDS_CONTEXT_ALONE: Final = 0.7  # a context this pure labels an artist without words
KIDS_WORDS_ALONE: Final = 0.8  # words this strong label an artist heard in no session with others
FUNCTIONAL_MIN_WORDS: Final = 0.35
FUNCTIONAL_MIN_BEHAVIOUR: Final = 0.5
LONG_TRACK_MS: Final = 6 * 60_000
LONG_WEIGHT: Final = 0.35
OVERNIGHT_MINUTES: Final = 120  # a session this long that runs past NIGHT_MINUTE is overnight
NIGHT_MINUTE: Final = 3 * 60
NIGHT_WEIGHT: Final = 0.5
REPEAT_FROM: Final = 0.25  # repeats below this share are a favourite played twice, not a loop
REPEAT_SPAN: Final = 0.5
REPEAT_WEIGHT: Final = 0.75
MIN_LABELLED_CONFIDENCE: Final = 0.5


@dataclass(frozen=True)
class ArtistScores:
    """Per artist code: the audience's confidence (0 when not labelled), how near the others
    came to it (0-1: both of its kinds of evidence at once), and the evidence and theme ("sleep
    sounds", "meditation") of the labelled ones."""

    confidence: FloatArray
    near: FloatArray
    evidence: dict[int, tuple[Evidence, ...]]
    themes: dict[int, str]


@dataclass(frozen=True)
class Words:
    """Per artist: how strong a lexicon's words are (0-1), their evidence, and the words seen."""

    strength: FloatArray
    evidence: dict[int, list[Evidence]]
    seen: dict[int, list[str]]


def _share_text(share: float) -> str:
    return f"{share:.0%} of its plays"


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(f'"{w}"' for w in list(dict.fromkeys(words))[:3])


def _own_words(cols: Columns, finder: WordFinder) -> list[frozenset[str]]:
    return [frozenset(w) for w in finder.find_all(list(cols.artists))]


def _name_hits(
    cols: Columns,
    codes: IntArray,
    names: np.ndarray,
    finder: WordFinder,
    own: list[frozenset[str]],
) -> tuple[np.ndarray, dict[int, list[str]]]:
    """Per stream: its album or track name holds a lexicon word that is not in its artist's
    own name; and per artist the words seen."""
    words = finder.find_all(list(names))
    has = np.array([bool(w) for w in words] + [False], dtype=bool)
    hit = np.zeros(cols.n, dtype=bool)
    seen: dict[int, list[str]] = {}
    rows = np.flatnonzero(has[codes])
    if not len(rows):
        return hit, seen
    width = len(cols.artists) + 1
    keys, inverse = np.unique(codes[rows] * width + cols.artist[rows] + 1, return_inverse=True)
    pairs = np.stack([keys // width, keys % width - 1], axis=1)
    good = np.zeros(len(pairs), dtype=bool)
    for p, (name_code, artist_code) in enumerate(pairs.tolist()):
        mine = own[artist_code] if artist_code >= 0 else frozenset()
        kept = [w for w in words[name_code] if w not in mine]
        if kept:
            good[p] = True
            if artist_code >= 0:
                seen.setdefault(artist_code, []).extend(kept)
    hit[rows] = good[np.ravel(inverse)]
    return hit, seen


def _item_hits(
    cols: Columns, named: Mapping[int, Sequence[str]], finder: WordFinder
) -> tuple[np.ndarray, dict[int, list[str]]]:
    """Per stream: its item is named (in a playlist, by a genre) with a lexicon word; and per
    artist what named it."""
    items: dict[int, list[str]] = {}
    for item, labels in named.items():
        for label in labels:
            if finder.find(label):
                items.setdefault(int(item), []).append(label)
    if not items:
        return np.zeros(cols.n, dtype=bool), {}
    hit = np.isin(cols.item, np.fromiter(items, dtype=np.int64, count=len(items)))
    seen: dict[int, list[str]] = {}
    rows = np.flatnonzero(hit & (cols.artist >= 0))
    pairs = np.unique(np.stack([cols.artist[rows], cols.item[rows]], axis=1), axis=0)
    for artist_code, item in pairs.tolist():
        seen.setdefault(artist_code, []).extend(items[item])
    return hit, seen


def build_words(
    cols: Columns,
    words: Sequence[str],
    genre_words: Sequence[str],
    playlists: Mapping[int, Sequence[str]],
    genres: Mapping[int, Sequence[str]],
) -> Words:
    """How strongly each artist's names carry a lexicon: playlists (item -> playlist names),
    genres (item -> genres), album and track names (not the artist's own words)."""
    finder, genre_finder = WordFinder(words), WordFinder(genre_words)
    own = _own_words(cols, finder)
    total = np.maximum(cols.per_artist(cols.weight), 1e-9)
    hits = {
        "playlist": _item_hits(cols, playlists, finder),
        "genre": _item_hits(cols, genres, genre_finder),
        "album": _name_hits(cols, cols.album, cols.albums, finder, own),
        "track": _name_hits(cols, cols.track, cols.tracks, finder, own),
    }
    doubt = np.ones(len(cols.artists))
    evidence: dict[int, list[Evidence]] = {}
    all_seen: dict[int, list[str]] = {}
    for kind, scale, cap in NAME_RULES:
        flag, seen = hits[kind]
        if not flag.any():
            continue
        for a, found in seen.items():
            all_seen.setdefault(a, []).extend(found)
        share = cols.per_artist(cols.weight * flag) / total
        weight = np.minimum(cap, scale * share)
        doubt *= 1.0 - weight
        for a in np.flatnonzero(weight > 0).tolist():
            what = seen.get(a, [])
            if kind == "playlist":
                text = f"in playlist {_quoted(what)} ({_share_text(share[a])})"
            elif kind == "genre":
                text = f"genre {_quoted(what)} ({_share_text(share[a])})"
            else:
                text = f"{_quoted(what)} in {kind} names ({_share_text(share[a])})"
            evidence.setdefault(a, []).append(Evidence(kind, text, float(weight[a])))
    return Words(1.0 - doubt, evidence, all_seen)


@dataclass(frozen=True)
class Pairs:
    """Each (session, artist) pair of the streams: its session, artist and weight, and each
    session's total weight."""

    session: IntArray
    artist: IntArray
    weight: FloatArray
    session_weight: FloatArray


def build_pairs(cols: Columns) -> Pairs:
    """The (session, artist) pairs of the streams that have an artist."""
    has = cols.artist >= 0
    n_art = len(cols.artists)
    n_sessions = len(cols.session_minutes)
    weight = cols.weight[has]
    key = cols.session[has] * n_art + cols.artist[has]
    pairs, inverse = np.unique(key, return_inverse=True)
    return Pairs(
        session=pairs // n_art,
        artist=pairs % n_art,
        weight=sum_by(np.ravel(inverse), weight, len(pairs)),
        session_weight=sum_by(cols.session[has], weight, n_sessions),
    )


def session_context(
    cols: Columns, pairs: Pairs, wordy: np.ndarray
) -> tuple[FloatArray, FloatArray]:
    """Per artist: the share of its plays in children's sessions, where a session is the
    children's when KIDS_SESSION of its OTHER plays are by `wordy` artists (NaN when the artist
    never shared a session), and the weight that share rests on (its plays in sessions with
    other artists). A children's session holds words-less children's songs too; a session of
    the person's own music with one song called "Lullaby" in it is not one."""
    n_art = len(cols.artists)
    flagged = pairs.weight * wordy[pairs.artist]
    session_wordy = sum_by(pairs.session, flagged, len(pairs.session_weight))
    others = pairs.session_weight[pairs.session] - pairs.weight
    others_wordy = session_wordy[pairs.session] - flagged
    with_others = others > 1e-9
    share = np.where(with_others, others_wordy / np.maximum(others, 1e-9), 0.0)
    based = sum_by(pairs.artist, pairs.weight * with_others, n_art)
    mixed = sum_by(pairs.artist, pairs.weight * (share >= KIDS_SESSION) * with_others, n_art)
    context: FloatArray = np.where(based > 0, mixed / np.maximum(based, 1e-9), np.nan)
    return context, based


def build_kids(
    cols: Columns,
    playlists: Mapping[int, Sequence[str]],
    genres: Mapping[int, Sequence[str]],
) -> ArtistScores:
    """Children's artists: words of children's music, played among children's music."""
    words = build_words(cols, KIDS_WORDS, KIDS_GENRES, playlists, genres)
    strength = words.strength
    wordy = strength >= KIDS_WORDY
    pairs = build_pairs(cols)
    for _ in range(2):  # the second round counts the artists the first found by context
        context, based = session_context(cols, pairs, wordy)
        known = ~np.isnan(context)
        ctx = np.where(known, context, 0.0)
        by_words = (strength >= KIDS_MIN_WORDS) & known & (ctx >= KIDS_MIN_CONTEXT)
        by_context = known & (ctx >= KIDS_CONTEXT_ALONE) & (based >= 3)
        alone = ~known & (strength >= KIDS_WORDS_ALONE)
        labelled = by_words | by_context | alone
        wordy = wordy | labelled
    confidence = np.where(labelled, 1.0 - (1.0 - strength) * (1.0 - 0.8 * ctx), 0.0)
    confidence = np.where(labelled & (confidence < MIN_LABELLED_CONFIDENCE), 0.0, confidence)
    evidence: dict[int, tuple[Evidence, ...]] = {}
    for a in np.flatnonzero(confidence > 0).tolist():
        found = list(words.evidence.get(a, []))
        if known[a]:
            found.append(
                Evidence(
                    "context",
                    f"{ctx[a]:.0%} of its plays in sessions of children's music",
                    float(0.8 * ctx[a]),
                )
            )
        evidence[a] = tuple(sorted(found, key=lambda e: (-e.weight, e.text))[:4])
    near = np.where(labelled, 0.0, strength * ctx)
    return ArtistScores(confidence, near, evidence, dict.fromkeys(evidence, "kids' songs"))


@dataclass(frozen=True)
class Behaviour:
    """Per artist: how much its plays behave like functional audio (0-1), and the shares
    behind it."""

    strength: FloatArray
    repeat: FloatArray
    through: FloatArray
    long_share: FloatArray

    def evidence(self, a: int) -> list[Evidence]:
        """What artist `a`'s plays did, as evidence."""
        found = []
        w_repeat = float(
            REPEAT_WEIGHT * np.clip((self.repeat[a] - REPEAT_FROM) / REPEAT_SPAN, 0, 1)
        )
        if w_repeat > 0:
            text = (
                f"the same tracks again and again in a session ({self.repeat[a]:.0%} of its plays)"
            )
            found.append(Evidence("repeat", text, w_repeat))
        if self.through[a] > 0:
            text = f"sessions of hours through the night ({self.through[a]:.0%} of its plays)"
            found.append(Evidence("night", text, float(NIGHT_WEIGHT * self.through[a])))
        if self.long_share[a] > 0:
            text = f"plays of 6 minutes or more ({self.long_share[a]:.0%} of its plays)"
            found.append(Evidence("length", text, float(LONG_WEIGHT * self.long_share[a])))
        return found


def build_behaviour(cols: Columns) -> Behaviour:
    """How much each artist's plays behave like functional audio: the same track looping in a
    session, sessions that run for hours through the night (past 03:00), long tracks."""
    total = np.maximum(cols.per_artist(cols.weight), 1e-9)
    # repeats: a stream whose track already played earlier in the same session
    width = len(cols.tracks) + 1
    key = cols.session * width + cols.track + 1
    _, first_row = np.unique(key, return_index=True)
    again = cols.track >= 0
    again[first_row] = False
    repeat = cols.per_artist(cols.weight * again) / total
    # sessions of two hours or more that run past 03:00 local time
    minutes = cols.session_minutes
    overnight = (minutes >= OVERNIGHT_MINUTES) & (
        minutes >= (NIGHT_MINUTE - cols.session_minute) % 1440
    )
    through = cols.per_artist(cols.weight * overnight[cols.session]) / total
    long_share = cols.per_artist(cols.weight * (cols.ms >= LONG_TRACK_MS)) / total
    w_repeat = REPEAT_WEIGHT * np.clip((repeat - REPEAT_FROM) / REPEAT_SPAN, 0.0, 1.0)
    strength = 1.0 - (1.0 - w_repeat) * (1.0 - NIGHT_WEIGHT * through) * (
        1.0 - LONG_WEIGHT * long_share
    )
    return Behaviour(strength, repeat, through, long_share)


def _theme(words: Sequence[str]) -> str:
    calm = sum(w in MEDITATION_WORDS for w in words)
    return "meditation" if words and calm * 2 > len(words) else "sleep sounds"


def build_functional(
    cols: Columns,
    playlists: Mapping[int, Sequence[str]],
    genres: Mapping[int, Sequence[str]],
) -> ArtistScores:
    """Functional audio (sleep, rain, white noise, meditation): its words, and its behaviour."""
    words = build_words(cols, FUNCTIONAL_WORDS, FUNCTIONAL_GENRES, playlists, genres)
    behaviour = build_behaviour(cols)
    strength = behaviour.strength
    labelled = (words.strength >= FUNCTIONAL_MIN_WORDS) & (strength >= FUNCTIONAL_MIN_BEHAVIOUR)
    confidence = np.where(labelled, 1.0 - (1.0 - words.strength) * (1.0 - strength), 0.0)
    evidence = {}
    themes = {}
    for a in np.flatnonzero(confidence > 0).tolist():
        found = words.evidence.get(a, []) + behaviour.evidence(a)
        evidence[a] = tuple(sorted(found, key=lambda e: (-e.weight, e.text))[:4])
        themes[a] = _theme(words.seen.get(a, []))
    near = np.where(labelled, 0.0, words.strength * strength)
    return ArtistScores(confidence, near, evidence, themes)
