"""A playlist is a chain of small pure steps: candidates -> score -> filter -> mix ->
diversify -> order -> explain.

Every step takes a pool (a `Pool`: numpy columns of one length, one row per track) and returns
a new one; nothing is changed in place and nothing is read from outside the arguments. The
docstring's first line says what the step keeps. numpy only: `playlist now` starts fast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import scipy.sparse as sps

from yawyas.playlists.listening import DAY_S, BoolArray, FloatArray, IntArray, Listening

RECENCY_HALF_LIFE_DAYS: Final = 120.0
FORGOTTEN_AFTER_DAYS: Final = 120
LONG_TAIL_MAX_PLAYS: Final = 3
BUCKETS: Final = ("familiar", "forgotten", "long_tail")


@dataclass(frozen=True)
class Pool:
    """Candidate tracks as numpy columns of one length (always a `track` column)."""

    columns: Mapping[str, npt.NDArray[Any]]

    def __len__(self) -> int:
        return len(self.columns["track"])

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        return self.columns[name]

    def take(self, rows: npt.ArrayLike) -> Pool:
        """The rows at positions `rows` (an index array or a boolean mask), in that order."""
        index = np.asarray(rows)
        return Pool({k: v[index] for k, v in self.columns.items()})

    def assign(self, **columns: npt.ArrayLike) -> Pool:
        """The pool with columns added or replaced."""
        return Pool({**self.columns, **{k: np.asarray(v) for k, v in columns.items()}})

    @staticmethod
    def of(**columns: npt.ArrayLike) -> Pool:
        """A pool from columns."""
        return Pool({k: np.asarray(v) for k, v in columns.items()})


@dataclass(frozen=True)
class Mix:
    """Shares of the playlist from each bucket (they need not sum to 1; they are normalised)."""

    familiar: float = 0.7
    forgotten: float = 0.15
    long_tail: float = 0.15

    def counts(self, size: int) -> dict[str, int]:
        """How many tracks each bucket should give to a playlist of `size`."""
        shares = np.array([self.familiar, self.forgotten, self.long_tail], dtype=np.float64)
        total = shares.sum()
        if total <= 0:
            shares, total = np.array([1.0, 0.0, 0.0]), 1.0
        raw = shares / total * size
        out = np.floor(raw).astype(np.int64)
        for i in np.argsort(-(raw - out), kind="stable")[: size - int(out.sum())]:
            out[i] += 1
        return {name: int(n) for name, n in zip(BUCKETS, out, strict=True)}


def candidates(
    listening: Listening,
    weights: FloatArray,
    near: BoolArray,
    boost: FloatArray | None = None,
) -> Pool:
    """Keeps the tracks with weighted plays in the neighbourhood, or a boost (taste, seeds).

    `weights` is one weight per play (0 outside the moment or mood), `near` flags the plays
    that count as "in" it, `boost` is one value per track. Columns: track, fit (sum of
    weights, plus boost), fit_plays (near plays), plays (all plays).
    """
    n = listening.n_tracks
    fit = np.bincount(listening.track, weights=weights, minlength=n).astype(np.float64)
    fit_plays = np.bincount(listening.track[near], minlength=n)
    if boost is not None:
        fit = fit + boost
    keep = np.flatnonzero(fit > 0)
    return Pool.of(
        track=keep.astype(np.int64),
        fit=fit[keep],
        fit_plays=fit_plays[keep].astype(np.int64),
        plays=listening.plays_per_track()[keep],
    )


def score(pool: Pool, listening: Listening, now_s: int, *, engagement: bool = True) -> Pool:
    """Keeps every track and adds engagement (completion, deliberate plays, few skips), days
    since the last play, and `score` = fit x engagement (fit alone without `engagement`)."""
    completion, deliberate, skips, last = listening.derived(
        "track engagement", lambda: _engagement(listening)
    )
    t = pool["track"].astype(np.int64)
    weight = (0.5 + 0.5 * completion[t]) * (1.0 + 0.5 * deliberate[t]) * (1.0 - 0.6 * skips[t])
    if not engagement:
        weight = np.ones(len(t))
    out = pool.assign(
        completion=completion[t],
        deliberate=deliberate[t],
        skip_rate=skips[t],
        days_since=(now_s - last[t]) / DAY_S,
        score=pool["fit"].astype(np.float64) * weight,
    )
    return out.take(np.lexsort((out["track"], -out["score"])))


def _engagement(listening: Listening) -> tuple[FloatArray, FloatArray, FloatArray, IntArray]:
    """Per track: completion, deliberate and skip rates of its plays, and its last start."""
    n = listening.n_tracks
    plays = np.maximum(listening.plays_per_track(), 1).astype(np.float64)

    def sums(name: str) -> FloatArray:
        out: FloatArray = listening.play_sums(
            name, n, None, lambda w: getattr(w, name).astype(np.float64)
        )
        return out

    last = np.maximum(listening.last_starts(), 0)
    return sums("completion") / plays, sums("deliberate") / plays, sums("skipped") / plays, last


def drop_recent(pool: Pool, days: int) -> Pool:
    """Keeps the tracks not played in the last `days` days (all of them when days is 0)."""
    if days <= 0:
        return pool
    return pool.take(pool["days_since"] >= days)


def drop_explicit(pool: Pool, explicit: Mapping[int, bool] | None, allow: bool) -> Pool:
    """Keeps the tracks not known to be explicit when `allow` is false (unknown ones stay)."""
    if allow or not explicit:
        return pool
    flags = np.array([explicit.get(int(t), False) for t in pool["track"]], dtype=bool)
    return pool.take(~flags)


def keep_durations(
    pool: Pool,
    duration_ms: Mapping[int, int] | None,
    min_s: float | None,
    max_s: float | None,
) -> Pool:
    """Keeps the tracks whose known duration is within [min_s, max_s] (unknown ones stay)."""
    if not duration_ms or (min_s is None and max_s is None):
        return pool
    secs = np.array([duration_ms.get(int(t), -1) / 1000 for t in pool["track"]])
    ok = secs < 0
    ok |= (secs >= (min_s or 0)) & (secs <= (max_s if max_s is not None else np.inf))
    return pool.take(ok)


def label_buckets(pool: Pool) -> Pool:
    """Keeps every track and names its bucket: familiar favourite (played lately), forgotten
    favourite (often played, quiet for FORGOTTEN_AFTER_DAYS) or long tail (few plays)."""
    plays = pool["plays"].astype(np.int64)
    quiet = pool["days_since"].astype(np.float64) >= FORGOTTEN_AFTER_DAYS
    bucket = np.where(
        plays <= LONG_TAIL_MAX_PLAYS, "long_tail", np.where(quiet, "forgotten", "familiar")
    )
    return pool.assign(bucket=bucket)


def pick_mix(pool: Pool, mix: Mix, size: int) -> Pool:
    """Keeps the best-scored tracks of each bucket in the mix's shares; a bucket short of
    tracks leaves its places to the best of the rest. Order: score descending."""
    wanted = mix.counts(min(size, len(pool)))
    chosen: list[int] = []
    for name in BUCKETS:
        rows = np.flatnonzero(pool["bucket"] == name)
        chosen += rows[: wanted[name]].tolist()
    if len(chosen) < min(size, len(pool)):
        taken = np.zeros(len(pool), dtype=bool)
        taken[chosen] = True
        chosen += np.flatnonzero(~taken)[: min(size, len(pool)) - len(chosen)].tolist()
    return pool.take(np.asarray(sorted(chosen), dtype=np.int64))


def pick_best(pool: Pool, size: int) -> Pool:
    """Keeps the `size` best-scored tracks, whatever their bucket (the pool is by score)."""
    return pool.take(np.arange(min(size, len(pool))))


def cap_artists(pool: Pool, artist: IntArray, max_per_artist: int) -> Pool:
    """Keeps at most `max_per_artist` tracks of each artist, the best-scored first."""
    if max_per_artist <= 0:
        return pool
    codes = artist[pool["track"].astype(np.int64)]
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    first = np.r_[True, sorted_codes[1:] != sorted_codes[:-1]] if len(codes) else np.zeros(0, bool)
    run_start = np.maximum.accumulate(np.where(first, np.arange(len(codes)), 0))
    rank = np.empty(len(codes), dtype=np.int64)
    rank[order] = np.arange(len(codes)) - run_start  # place among the artist's tracks so far
    return pool.take(rank < max_per_artist)


def order_flow(pool: Pool, sim: FloatArray) -> Pool:
    """Keeps every track, ordered for a smooth flow: start from the best-scored, then always
    the unplaced track most co-listened with the last one (ties: the better score).

    `sim` is the co-listening of the pool's tracks, row and column i for pool row i."""
    n = len(pool)
    if n <= 2:
        return pool
    rank_bonus = np.linspace(1e-6, 0.0, n)  # pool is by score: earlier wins ties
    placed = np.zeros(n, dtype=bool)
    path = [0]
    placed[0] = True
    for _ in range(n - 1):
        row = np.where(placed, -np.inf, sim[path[-1]] + rank_bonus)
        path.append(int(np.argmax(row)))
        placed[path[-1]] = True
    return pool.take(np.asarray(path, dtype=np.int64))


def space_artists(pool: Pool, artist: IntArray) -> Pool:
    """Keeps every track; moves a track that follows one by the same artist to the first place
    further on where it does not (artist spacing), keeping the order otherwise."""
    rows = list(range(len(pool)))
    codes = artist[pool["track"].astype(np.int64)]
    out: list[int] = []
    waiting: list[int] = []
    for r in rows:
        waiting.append(r)
        progressed = True
        while waiting and progressed:
            progressed = False
            for i, w in enumerate(waiting):
                if not out or codes[out[-1]] != codes[w]:
                    out.append(waiting.pop(i))
                    progressed = True
                    break
    out += waiting  # only one artist left: nothing to space
    return pool.take(np.asarray(out, dtype=np.int64))


def explain(
    pool: Pool,
    where: str,
    playlists: Mapping[int, Sequence[str]],
    evidence: Mapping[int, str] | None = None,
    *,
    buckets: bool = True,
) -> Pool:
    """Keeps every track and adds its `why`: plays in the moment or mood, the person's own
    playlists holding it, the source's evidence, and (with `buckets`) its bucket."""
    whys: list[str] = []
    columns = ("track", "fit_plays", "plays", "bucket", "days_since", "skip_rate")
    rows = zip(*(pool[c].tolist() for c in columns), strict=True)
    for track, fit_plays, plays, bucket, days_since, skip_rate in rows:
        parts: list[str] = []
        said = evidence.get(track) if evidence else None
        if fit_plays:
            times = "once" if fit_plays == 1 else f"{fit_plays} times"
            parts.append(f"played {times} {where}".rstrip())
        elif plays and not said:
            parts.append(f"played {plays} times in all")
        names = playlists.get(track, ())
        if names:
            parts.append("in " + ", ".join(f"'{n}'" for n in names[:2]))
        if said and not (names and said.startswith("in your playlist")):
            parts.append(said)
        if not buckets:
            pass
        elif bucket == "forgotten":
            parts.append(f"a forgotten favourite, quiet for {int(days_since)} days")
        elif bucket == "long_tail":
            parts.append("less played, from the same neighbourhood")
        if skip_rate == 0 and plays >= 3:
            parts.append("never skipped")
        whys.append("; ".join(parts))
    return pool.assign(why=whys)


def play_pairs(listening: Listening) -> tuple[IntArray, IntArray]:
    """(a, b): the tracks of every two plays one right after the other in a session (a != b)."""
    a, b, second = _pairs(listening.whole)
    if listening.origin is None:
        return a, b
    k = int(np.searchsorted(second, len(listening.track), side="left"))
    return a[:k], b[:k]  # the first plays of a history: the first of its pairs


def _pairs(whole: Listening) -> tuple[IntArray, IntArray, IntArray]:
    """`play_pairs` of a whole history, and the position of each pair's second play."""

    def compute() -> tuple[IntArray, IntArray, IntArray]:
        same = whole.session[1:] == whole.session[:-1]
        second = np.flatnonzero(same) + 1
        a, b = whole.track[second - 1], whole.track[second]
        differ = a != b
        return a[differ], b[differ], second[differ]

    return whole.derived("play pairs", compute)


INDEX_PAIRS_AFTER: Final = 16


def pairs_from(
    listening: Listening, tracks: IntArray, *, forward: bool
) -> tuple[IntArray, IntArray]:
    """(a, b): the pairs of `play_pairs` whose first song (`forward`; else second) is one of
    `tracks`, a that song and b the other, over these plays only; for a whole history, or when
    those songs have a good part of all the pairs, all the pairs (weigh them by a: they cost
    nothing to give). For the first plays of a history asked again and again (`evaluate` and
    the back-tests ask every quarter hour; after INDEX_PAIRS_AFTER asks), the pairs are
    indexed by song once for the whole history, so that asking for a few songs costs as much
    as their pairs."""
    whole = listening.whole
    if listening.origin is None or listening.asks("pairs from") <= INDEX_PAIRS_AFTER:
        a, b = play_pairs(listening)
        return (a, b) if forward else (b, a)

    def index() -> tuple[IntArray, IntArray, IntArray, IntArray]:
        a, b, second = _pairs(whole)
        key = a if forward else b
        order = np.argsort(key, kind="stable")
        starts = np.searchsorted(key[order], np.arange(whole.n_tracks + 1))
        return starts, (a if forward else b)[order], (b if forward else a)[order], second[order]

    starts, first, other, second = whole.derived(("pairs from", forward), index)
    tracks = np.asarray(tracks, dtype=np.int64)
    if not len(tracks):
        return tracks, tracks
    if int((starts[tracks + 1] - starts[tracks]).sum()) * 4 > len(first):  # many: all pairs
        a, b = play_pairs(listening)
        return (a, b) if forward else (b, a)
    lo, hi = starts[tracks], starts[tracks + 1]
    lengths = hi - lo
    at = np.repeat(lo - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(
        int(lengths.sum())
    )
    at = at[second[at] < len(listening.track)]  # pairs within these plays
    return first[at], other[at]


def co_listening(listening: Listening, tracks: IntArray) -> FloatArray:
    """Dense co-listening of `tracks` (i, j: how often tracks[i] and tracks[j] played one
    after the other in a session); numpy only, for a playlist's few dozen tracks."""
    k = len(tracks)
    slot = np.full(listening.n_tracks, -1, dtype=np.int64)
    slot[tracks] = np.arange(k)
    a, b = play_pairs(listening)
    sa, sb = slot[a], slot[b]
    both = (sa >= 0) & (sb >= 0)
    out = np.zeros((k, k), dtype=np.float64)
    np.add.at(out, (sa[both], sb[both]), 1.0)
    return out + out.T


def neighbours_of(listening: Listening, tracks: IntArray) -> FloatArray:
    """Per track: how often it played right before or after one of `tracks` in a session."""
    is_seed = np.zeros(listening.n_tracks, dtype=bool)
    is_seed[tracks] = True
    a, b = play_pairs(listening)
    n = listening.n_tracks
    after = np.bincount(b[is_seed[a]], minlength=n).astype(np.float64)
    out: FloatArray = after + np.bincount(a[is_seed[b]], minlength=n)
    return out


def build_colisten(listening: Listening) -> sps.csr_matrix:
    """Track x track co-listening as a sparse matrix (symmetric, zero diagonal), for moods."""
    import scipy.sparse as sps

    n = listening.n_tracks
    a, b = play_pairs(listening)
    data = np.ones(2 * len(a), dtype=np.float64)
    m = sps.coo_matrix((data, (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(n, n))
    return m.tocsr()
