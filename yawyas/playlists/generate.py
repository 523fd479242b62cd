"""From a recipe to a playlist: the per-play weights of its source, then the chain of steps.

Sources: a moment (a weekly window: days and local hours), a mood, "now", seed tracks or
artists. Each gives one weight per play (recency-discounted) and a boost per track; the steps do
the rest.

"now" is a blend of signals (recency, frequency, ACT-R activation, co-listening, everyday taste,
time of week, the moment that holds the time, the usual device then), weighed by what predicted
the person's own past best (see `blend`): the context's blend, or one fitted on its history.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, TypeVar

import numpy as np
import numpy.typing as npt

from yawyas.analysis.moments.types import Moment, Window
from yawyas.errors import NotFoundError

if TYPE_CHECKING:
    import scipy.sparse as sps

from yawyas.playlists import steps
from yawyas.playlists.backtest import fit_blend
from yawyas.playlists.blend import Blend
from yawyas.playlists.listening import (
    DAY_S,
    BoolArray,
    FloatArray,
    IntArray,
    Listening,
    fold_name,
)
from yawyas.playlists.moods import Mood
from yawyas.playlists.recipes import Recipe

ARTIST_SHARE: Final = 0.6
LATELY_SHARE: Final = 0.2
LATELY_HALF_LIFE_DAYS: Final = 14.0
EVERYDAY_HALF_LIFE_DAYS: Final = 90.0  # how fast everyday taste moves on (artists, tracks)
EVERYDAY_ARTIST_SHARE: Final = 0.7  # of everyday taste drawn by artist, the rest by track
DAY_NAMES: Final = (
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
)


def window_holds(window: Window, weekday: IntArray, minute: IntArray) -> BoolArray:
    """Per element: whether that local weekday and minute of the day fall in the window (a
    window that crosses midnight holds the small hours of the day after its days)."""
    on_day = np.isin(weekday, window.days)
    start, end = window.start_minute, window.end_minute
    if not window.crosses_midnight:
        out: BoolArray = on_day & (minute >= start) & (minute < end)
        return out
    day_before = np.isin((weekday - 1) % 7, window.days)
    out = (on_day & (minute >= start)) | (day_before & (minute < end))
    return out


def moment_holds(moment: Moment, weekday: IntArray, minute: IntArray) -> BoolArray:
    """Per element: whether that local weekday and minute fall in one of the moment's windows."""
    out = np.zeros(np.shape(weekday), dtype=bool)
    for window in moment.windows:
        out |= window_holds(window, weekday, minute)
    return out


T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """Everything the steps read, built once per history (see `build_context` in service)."""

    listening: Listening
    colisten: sps.csr_matrix | None = None  # needed by moods only
    playlists: Mapping[int, Sequence[str]] = field(default_factory=dict)  # track -> names
    explicit: Mapping[int, bool] = field(default_factory=dict)  # track -> explicit, if known
    duration_ms: Mapping[int, int] = field(default_factory=dict)  # track -> duration, if known
    moods: Sequence[Mood] = ()
    moments: Sequence[Moment] = ()  # the person's moments, hidden ones left out
    blend: Blend | Callable[[], Blend] | None = None  # `now`'s weights (None: fit them here)
    _derived: dict[Hashable, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What `compute` derives from this context, computed once per `key`. (What holds the
        listening, as `now`'s signals do, is kept here rather than on the listening: a cycle
        there would keep every history `evaluate` cuts alive until the garbage collector
        runs.)"""
        if key not in self._derived:
            self._derived[key] = compute()
        out: T = self._derived[key]
        return out

    def now_blend(self, now_s: int, size: int) -> Blend:
        """The blend `now` uses: the context's (made on first use when it is a function), else
        fitted on the plays before `now_s` (once per history)."""
        if isinstance(self.blend, Blend):
            return self.blend
        if self.blend is not None:
            return self.blend()
        moments = tuple(self.moments)
        lis = self.listening
        return lis.derived(
            ("blend", moments, now_s, size),
            lambda: fit_blend(lis, moments, now_s + 1, size, horizon="quarter"),
        )


@dataclass(frozen=True)
class Pick:
    """One chosen track and why."""

    uri: str
    track_name: str
    artist_name: str
    why: str
    score: float
    bucket: str


@dataclass(frozen=True)
class Playlist:
    """A generated playlist: its recipe, what it was drawn from, and its tracks in order."""

    key: str
    name: str
    source: str
    tracks: tuple[Pick, ...]

    @property
    def uris(self) -> list[str]:
        return [t.uri for t in self.tracks]


def recency(listening: Listening, now_s: int, half_life_days: float) -> FloatArray:
    """One weight per play: 1 now, halving every `half_life_days` before `now_s`."""

    return listening.derived(
        ("recency", now_s, half_life_days), lambda: listening.halving(now_s, half_life_days)
    )


def taste_boost(listening: Listening, fit: FloatArray, now_s: int) -> FloatArray:
    """Per track: a share of its artist's fit (by the track's share of the artist's plays), and
    of the last weeks' listening, so a moment's favourite artists and a current obsession
    count too (and an hour with no plays near it is not empty)."""
    n = listening.n_tracks
    n_artists = int(listening.artist.max()) + 1 if n else 0
    plays = listening.plays_per_track().astype(np.float64)
    artist_fit = np.bincount(listening.artist, weights=fit, minlength=n_artists)
    artist_plays = np.bincount(listening.artist, weights=plays, minlength=n_artists)
    by_artist = artist_fit[listening.artist] * plays / np.maximum(artist_plays[listening.artist], 1)
    lately = np.bincount(
        listening.track, weights=recency(listening, now_s, LATELY_HALF_LIFE_DAYS), minlength=n
    ).astype(np.float64)
    scale = float(fit.sum()) or 1.0  # a quiet hour still gets what is played lately
    lately *= scale / max(float(lately.sum()), 1e-12)
    out: FloatArray = ARTIST_SHARE * by_artist + LATELY_SHARE * lately
    return out


def moment_weights(listening: Listening, moment: Moment) -> FloatArray:
    """One weight per play: 1 inside one of the moment's windows, fading to 0 within an hour."""
    out = np.zeros(len(listening.track), dtype=np.float64)
    for window in moment.windows:
        start, end = window.start_minute, window.end_minute
        length = (end - start) % 1440 or 1440
        centre = (start + length // 2) % 1440
        for day in window.days:
            delta = (listening.minute - centre + 720) % 1440 - 720
            anchor = (listening.weekday * 1440 + listening.minute - delta) // 1440 % 7
            outside = np.maximum(np.abs(delta) - length / 2, 0)
            w = np.clip(1 - outside / 60, 0, 1) * (anchor == day)
            out = np.maximum(out, w)
    return out


def everyday_mask(listening: Listening, moments: Sequence[Moment]) -> BoolArray:
    """Per play: True when its local start falls in no moment's window (everyday listening)
    and it is the person's own (`listening.mine`: not the kids', not someone else's).
    Computed once per history and moments (`Listening.per_play`); read-only."""
    moments = tuple(moments)

    def compute(whole: Listening) -> BoolArray:
        out = np.ones(len(whole.track), dtype=bool)
        if whole.mine is not None:
            out &= whole.mine
        for m in moments:
            out &= ~moment_holds(m, whole.weekday, whole.minute)
        return out

    return listening.per_play(("everyday", moments), compute)


def everyday_taste(listening: Listening, moments: Sequence[Moment], now_s: int) -> FloatArray:
    """Per track: its share of the everyday plays (`everyday_mask`) before `now_s`,
    recency-weighted (EVERYDAY_HALF_LIFE_DAYS before `now_s`); sums to 1, or 0 everywhere
    without such plays. (Its sums are brought up to date from the last time asked:
    `Listening.play_sums`.)

    EVERYDAY_ARTIST_SHARE of it goes by artist: the artist's recent share spread over the
    artist's tracks as the whole history prefers them, so a newly loved artist brings its
    favourite tracks even before each of them is played again; the rest by the track itself."""
    moments = tuple(moments)
    lis = listening.before(now_s)

    def within(whole: Listening) -> FloatArray:
        out: FloatArray = everyday_mask(whole, moments).astype(np.float64)
        return out

    key = ("everyday", moments)
    recent = lis.halving_sums(now_s, EVERYDAY_HALF_LIFE_DAYS, key, within=within)
    all_time = lis.play_sums(key, lis.n_tracks, None, within)
    n_artists = int(lis.artist.max()) + 1 if lis.n_tracks else 0
    artist_recent = np.bincount(lis.artist, weights=recent, minlength=n_artists)
    artist_all = np.bincount(lis.artist, weights=all_time, minlength=n_artists)
    share_within = all_time / np.maximum(artist_all[lis.artist], 1.0)
    share = (
        EVERYDAY_ARTIST_SHARE * artist_recent[lis.artist] * share_within
        + (1 - EVERYDAY_ARTIST_SHARE) * recent
    )
    total = float(share.sum())
    out: FloatArray = share / total if total > 0 else share
    return out


class EverydayEvidence(Mapping[int, str]):
    """The why of a track of everyday taste, worded only for the tracks asked for: its plays,
    else its artist's, outside moments in the last EVERYDAY_HALF_LIFE_DAYS days."""

    def __init__(self, listening: Listening, everyday: BoolArray, now_s: int) -> None:
        days = int(EVERYDAY_HALF_LIFE_DAYS)
        lately = everyday & (listening.start_s >= now_s - days * DAY_S)
        n = listening.n_tracks
        self._tracks = np.bincount(listening.track[lately], minlength=n)
        n_artists = int(listening.artist.max()) + 1 if n else 0
        self._artists = np.bincount(listening.artist, weights=self._tracks, minlength=n_artists)
        self._listening = listening
        self._tail = f"in the last {days} days outside your moments"

    def __getitem__(self, track: int) -> str:
        plays = int(self._tracks[track])
        if plays:
            return f"{_plays(plays)} {self._tail}"
        artist_plays = int(self._artists[self._listening.artist[track]])
        if artist_plays:
            return f"its artist: {_plays(artist_plays)} {self._tail}"
        raise KeyError(track)

    def __iter__(self) -> Iterator[int]:
        has = self._artists[self._listening.artist] > 0
        return iter(np.flatnonzero(has).tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(self._artists[self._listening.artist] > 0))


def _plays(n: int) -> str:
    return "1 play" if n == 1 else f"{n} plays"


def when_words(weekday: int, minute: int) -> str:
    """'around 17:00 on Tuesdays' for the why of a `now` playlist."""
    return f"around {minute // 60:02d}:{minute % 60:02d} on {DAY_NAMES[weekday]}"


def moment_words(moment: Moment) -> str:
    """'in Weekend run (Sat, Sun 06:30-07:30)'; 'and 1 more' for a moment of several windows."""
    first = moment.windows[0].describe() if moment.windows else ""
    more = f" and {len(moment.windows) - 1} more" if len(moment.windows) > 1 else ""
    return f"in {moment.name} ({first}{more})"


def moment_named(moments: Sequence[Moment], key: str) -> Moment:
    """The moment whose id or name is `key` (any case)."""
    wanted = key.strip().casefold()
    for m in moments:
        if wanted in (m.id.casefold(), m.name.casefold()):
            return m
    known = ", ".join(m.id for m in moments) or "none found"
    raise NotFoundError(f"No moment {key!r} (moments: {known}).")


def find_mood(moods: Sequence[Mood], key: str) -> Mood:
    """The mood named `key` (any case)."""
    wanted = key.strip().casefold()
    for m in moods:
        if m.name == wanted:
            return m
    known = ", ".join(m.name for m in moods) or "none found"
    raise NotFoundError(f"No mood {key!r} in your history (moods: {known}).")


@dataclass(frozen=True)
class Source:
    """What a recipe's source gives the steps: one weight and a "near" flag per play (the
    plays the why counts), a boost per track, words for the why, and per-track evidence."""

    weights: FloatArray
    near: npt.NDArray[np.bool_]
    boost: FloatArray | None
    where: str
    evidence: Mapping[int, str]
    engagement: bool = True  # scores are weighed by engagement (`now`'s blend is not)
    buckets: bool = True  # the why names forgotten and long-tail tracks


def build_source(recipe: Recipe, ctx: Context, now_s: int, at: datetime | None) -> Source:
    """The recipe's source as per-play weights (recency-discounted) and per-track boosts."""
    lis = ctx.listening
    if recipe.now:
        when = at or datetime.fromtimestamp(now_s)
        from yawyas.playlists.now import now_source

        return now_source(ctx, now_s, when, recipe.size)
    fresh = recency(lis, now_s, steps.RECENCY_HALF_LIFE_DAYS)
    if recipe.moment:
        moment = moment_named(ctx.moments, recipe.moment)
        inside = moment_weights(lis, moment)
        w = inside * fresh
        fit = np.bincount(lis.track, weights=w, minlength=lis.n_tracks).astype(np.float64)
        return Source(w, inside >= 1, taste_boost(lis, fit, now_s), moment_words(moment), {})
    if recipe.mood:
        mood = find_mood(ctx.moods, recipe.mood)
        scores = mood.scores(lis.n_tracks)[lis.track]
        return Source(scores * fresh, scores > 0, None, "in all", mood.evidence())
    seeds = _seed_tracks(recipe, lis)
    if not len(seeds):
        raise NotFoundError(
            f"None of recipe {recipe.key!r}'s seed tracks or artists is in your history."
        )
    boost = steps.neighbours_of(lis, seeds)
    boost = boost / max(float(boost.max()), 1.0)
    boost[seeds] += 1.0
    evidence = {int(t): "one of the recipe's seeds" for t in seeds}
    per_play = boost[lis.track]
    return Source(per_play * fresh, per_play > 0, None, "with or next to the seeds", evidence)


def _seed_tracks(recipe: Recipe, lis: Listening) -> np.ndarray:
    """The songs of the recipe's seed tracks (by URI) and seed artists (names folded: case,
    accents and punctuation do not matter); an artist not in the history is a NotFoundError
    that suggests the nearest names."""
    uris = set(recipe.seed_tracks)
    folded = [fold_name(a) for a in lis.artists.tolist()]
    shown = dict(zip(folded, (str(a) for a in lis.artists.tolist()), strict=True))
    wanted = {fold_name(a): a for a in recipe.seed_artists}
    for key, name in wanted.items():
        if key not in shown:
            hint = _did_you_mean(key, shown)
            raise NotFoundError(f"Recipe {recipe.key!r}: no artist {name!r} in your history{hint}")
    hit = [i for i in range(lis.n_tracks) if lis.uris[i] in uris or folded[i] in wanted]
    return np.asarray(hit, dtype=np.int64)


def _did_you_mean(key: str, shown: Mapping[str, str]) -> str:
    """'; did you mean 'X' or 'Y'?' for the artists whose folded names are nearest `key`."""
    import difflib

    close = difflib.get_close_matches(key, list(shown), n=3, cutoff=0.6)
    if not close:
        return "; check its spelling."
    names = [f"{shown[c]!r}" for c in close]
    return f"; did you mean {' or '.join(names)}?"


def select(
    recipe: Recipe, ctx: Context, *, now_s: int | None = None, at: datetime | None = None
) -> tuple[steps.Pool, Source]:
    """The tracks of the recipe's playlist (a pool, best-scored first) and its source: every
    step up to the choice of tracks, before their order and why."""
    lis = ctx.listening
    if not lis.n_tracks:
        raise NotFoundError(
            "The store holds no music plays yet: import your Spotify export first "
            "(yawyas import PATH), or sync."
        )
    now_s = lis.end_s + 1 if now_s is None else now_s  # just after the last play: all count
    source = build_source(recipe, ctx, now_s, at)
    pool = steps.candidates(lis, source.weights, source.near, source.boost)
    pool = steps.score(pool, lis, now_s, engagement=source.engagement)
    pool = steps.drop_recent(pool, recipe.skip_played_within_days)
    pool = steps.drop_explicit(pool, ctx.explicit, recipe.explicit)
    pool = steps.keep_durations(pool, ctx.duration_ms, recipe.min_duration_s, recipe.max_duration_s)
    pool = steps.cap_artists(pool, lis.artist, recipe.max_per_artist)
    pool = steps.label_buckets(pool)
    if recipe.mix is None:
        pool = steps.pick_best(pool, recipe.size)
    else:
        pool = steps.pick_mix(pool, recipe.mix, recipe.size)
    return pool, source


def build_playlist(
    recipe: Recipe, ctx: Context, *, now_s: int | None = None, at: datetime | None = None
) -> Playlist:
    """The playlist of `recipe` from the history in `ctx`, as of `now_s` (default: just after
    the last play), for the local datetime `at` when the recipe is `now`."""
    lis = ctx.listening
    pool, source = select(recipe, ctx, now_s=now_s, at=at)
    pool = steps.order_flow(pool, steps.co_listening(lis, pool["track"]))
    pool = steps.space_artists(pool, lis.artist)
    pool = steps.explain(pool, source.where, ctx.playlists, source.evidence, buckets=source.buckets)
    columns = (pool[c].tolist() for c in ("track", "why", "score", "bucket"))
    tracks = tuple(
        Pick(
            uri=str(lis.uris[track]),
            track_name=str(lis.names[track]),
            artist_name=str(lis.artists[track]),
            why=str(why),
            score=round(float(score), 4),
            bucket=str(bucket),
        )
        for track, why, score, bucket in zip(*columns, strict=True)
    )
    return Playlist(recipe.key, recipe.name, source.where, tracks)


def now_recipe(size: int) -> Recipe:
    """The recipe behind `yawyas playlist now`."""
    return Recipe(
        key="now", name="Right now (yawyas)", now=True, size=size, mix=None, max_per_artist=0
    )
