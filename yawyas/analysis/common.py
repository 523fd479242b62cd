"""Shared building blocks for the analysis modules: what a play is, and names as integer codes.

Every analysis works on integer codes rather than strings: a name column is factorised once (or is
already categorical, see `categorize_names`), and groups are counted with `numpy.bincount`.
"""

from __future__ import annotations

import heapq
import threading
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

PLAY_MIN_MS: Final = 30_000
"""A stream is a play when it lasted at least this long (Spotify's own 30-second rule)."""

NAME_COLUMNS: Final = ("track_name", "artist_name", "album_name")
LABEL_COLUMNS: Final = ("kind", "platform", "conn_country", "reason_start", "reason_end")

IntArray = npt.NDArray[np.integer[Any]]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[Any]  # object arrays of names (str, or None where a name is missing)


def play_mask(streams: pd.DataFrame) -> BoolArray:
    """True for the streams that count as plays (ms_played >= 30,000)."""
    ms: IntArray = streams["ms_played"].to_numpy(dtype=np.int64)
    return ms >= PLAY_MIN_MS


def ms_played(streams: pd.DataFrame) -> IntArray:
    """The `ms_played` column as an int64 array."""
    return streams["ms_played"].to_numpy(dtype=np.int64)


def start_ms(streams: pd.DataFrame) -> IntArray:
    """UTC start of each stream in unix milliseconds: the end (`played_at`) minus `ms_played`."""
    end: IntArray = streams["played_at"].to_numpy(dtype=np.int64) * 1000
    return end - ms_played(streams)


def end_ms(streams: pd.DataFrame) -> IntArray:
    """UTC end of each stream in unix milliseconds."""
    end: IntArray = streams["played_at"].to_numpy(dtype=np.int64) * 1000
    return end


def time_order(streams: pd.DataFrame, starts: IntArray) -> IntArray:
    """Positions that put `starts` (the streams' start times) in ascending order."""
    return sort_times(starts, streams["played_at"].to_numpy(dtype=np.int64))


def sort_times(starts: IntArray, ends: IntArray) -> IntArray:
    """Positions that put `starts` in ascending order, fast when rows come in `ends` order.

    Stores usually hand rows over by `played_at` (the end); starts are then almost sorted and a
    stable (merge) sort finishes in a few passes, while shuffled rows are faster with quicksort.
    """
    nearly_sorted = len(ends) < 2 or bool((ends[1:] >= ends[:-1]).all())
    order: IntArray = np.argsort(starts, kind="stable" if nearly_sorted else "quicksort")
    return order


def order_within_groups(codes: IntArray, order: IntArray) -> IntArray:
    """`order` (positions, e.g. in time order) stably regrouped by `codes` (all >= 0).

    The result lists the positions of code 0 first, then code 1..., each group keeping the order
    it had in `order`. A least-significant-digit radix sort on 16-bit digits: numpy sorts uint16
    stably by counting, so each pass is linear.
    """
    top = int(codes.max(initial=0))
    shift = 0
    while True:
        digit = ((codes[order] >> shift) & 0xFFFF).astype(np.uint16)
        order = order[np.argsort(digit, kind="stable")]
        shift += 16
        if top >> shift == 0:
            return order


def local_years(local: pd.DataFrame) -> IntArray:
    """Calendar year of each row's local start (through a per-day table: no per-row calendar)."""
    days = local["local_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    if len(days) == 0:
        return np.zeros(0, dtype=np.int64)
    first = int(days.min())
    table = np.arange(first, int(days.max()) + 1).astype("datetime64[D]").astype("datetime64[Y]")
    years: IntArray = table.astype(np.int64)[days - first] + 1970
    return years


def _clean_names(uniques: pd.Index) -> tuple[IntArray, ObjArray] | None:
    """For each unique name, its code after trimming and merging (-1 for blank), and the names;
    None when every name is already clean (the usual case)."""
    names = np.asarray(uniques, dtype=object)
    stripped = np.array([str(n).strip() for n in names], dtype=object)
    if len(names) == 0 or (not (stripped == "").any() and (stripped == names).all()):
        return None
    merged_any, clean = pd.factorize(stripped)
    merged = np.asarray(merged_any, dtype=np.int64)
    blank = np.asarray(clean == "", dtype=bool)
    if blank.any():
        blank_code = int(np.flatnonzero(blank)[0])
        merged = np.where(merged == blank_code, -1, merged - (merged > blank_code))
        clean = clean[~blank]
    return merged, np.asarray(clean, dtype=object)


# Categories already cleaned, by identity: a categorical's categories object is shared by every
# slice of it, so `categorize_names` output is checked once, not once per analysis.
# Each entry keeps the names as an object array too, which saves converting them again.
_CLEAN_CATEGORIES: dict[int, tuple[weakref.ref[pd.Index], ObjArray]] = {}
_CLEAN_LOCK = threading.Lock()


def name_codes(values: pd.Series) -> tuple[IntArray, ObjArray]:
    """Codes and names of a text column: surrounding spaces trimmed, null and blank as -1.

    Names that differ only by surrounding whitespace (a show with a trailing space in some rows)
    share a code. Works on str, object and categorical columns; costs one factorisation at most,
    and nothing per row for a categorical column whose categories are already clean.
    """
    categorical = isinstance(values.dtype, pd.CategoricalDtype)
    if categorical:
        raw = values.cat.codes.to_numpy(dtype=np.int64)
        uniques = pd.Index(values.cat.categories)
        known = _known_clean(values.cat.categories)
        if known is not None:
            return raw, known
    else:
        codes_any, uniques = pd.factorize(values, use_na_sentinel=True)
        raw = np.asarray(codes_any, dtype=np.int64)
    cleaned = _clean_names(uniques)
    if cleaned is None:
        names = np.asarray(uniques, dtype=object)
        if categorical:
            _remember_clean(values.cat.categories, names)
        return raw, names
    merged, names = cleaned
    lookup = np.append(merged, -1)  # position -1 (a null row) maps to -1
    codes: IntArray = lookup[raw]
    return codes, names


def _known_clean(categories: pd.Index) -> ObjArray | None:
    """The names of categories known to be clean, else None."""
    with _CLEAN_LOCK:
        entry = _CLEAN_CATEGORIES.get(id(categories))
    if entry is not None and entry[0]() is categories:
        return entry[1]
    return None


def _remember_clean(categories: pd.Index, names: ObjArray) -> None:
    with _CLEAN_LOCK:  # categorize_names may call this from several threads
        for key in [k for k, (ref, _) in _CLEAN_CATEGORIES.items() if ref() is None]:
            del _CLEAN_CATEGORIES[key]
        _CLEAN_CATEGORIES[id(categories)] = (weakref.ref(categories), names)


def label_codes(values: pd.Series) -> tuple[IntArray, ObjArray]:
    """Codes and labels of a short label column, kept verbatim (null as -1, "" kept as a label)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        raw = values.cat.codes.to_numpy(dtype=np.int64)
        uniques = pd.Index(values.cat.categories)
    else:
        codes_any, uniques = pd.factorize(values, use_na_sentinel=True)
        raw = np.asarray(codes_any, dtype=np.int64)
    return raw, np.asarray(uniques.astype(object), dtype=object)


def with_missing(names: ObjArray) -> ObjArray:
    """`names` with None appended, so that indexing it with code -1 gives None."""
    out = np.empty(len(names) + 1, dtype=object)
    out[: len(names)] = names
    out[len(names)] = None
    return out


def categorize_names(
    streams: pd.DataFrame,
    columns: Sequence[str] = NAME_COLUMNS + LABEL_COLUMNS,
    *,
    threads: int = 2,
) -> pd.DataFrame:
    """The streams with the given text columns as categoricals (names trimmed, blank as null).

    Factorising a million strings is the costliest step of most analyses; doing it once here
    lets every later `name_codes`/`label_codes` call on the result read the codes for free.
    Columns that are already categorical with clean names are kept as they are. Same rows, same
    index; other columns are passed through. Large frames are factorised on `threads` threads
    (pyarrow's hashing runs without the GIL).
    """
    todo = [
        c for c in streams.columns if c in columns and (c in NAME_COLUMNS or c in LABEL_COLUMNS)
    ]

    def encode(column: str) -> tuple[IntArray, ObjArray]:
        series = streams[column]
        return name_codes(series) if column in NAME_COLUMNS else label_codes(series)

    if threads > 1 and len(todo) > 1 and len(streams) >= 100_000:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            encoded = dict(zip(todo, pool.map(encode, todo), strict=True))
    else:
        encoded = {column: encode(column) for column in todo}
    out = {}
    for column in streams.columns:
        series = streams[column]
        if column not in encoded:
            out[column] = series
            continue
        codes, names = encoded[column]
        if isinstance(series.dtype, pd.CategoricalDtype) and (
            column in LABEL_COLUMNS or _known_clean(series.cat.categories) is not None
        ):
            out[column] = series  # already categorical, with nothing to trim or merge
            continue
        series = pd.Series(
            pd.Categorical.from_codes(codes, categories=pd.Index(names, dtype=object)),
            index=streams.index,
            name=column,
        )
        if column in NAME_COLUMNS:
            _remember_clean(series.cat.categories, names)
        out[column] = series
    return pd.DataFrame(out, index=streams.index, copy=False)


def group_sums(
    codes: IntArray, n_groups: int, ms: IntArray, plays: BoolArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Per group: streams, plays and ms_played (rows with code -1 are ignored)."""
    shifted = codes + 1  # bin 0 collects the -1 rows, dropped below
    streams = np.bincount(shifted, minlength=n_groups + 1)[1:].astype(np.int64)
    play_count = np.bincount(shifted, weights=plays, minlength=n_groups + 1)[1:].astype(np.int64)
    # bincount's float64 weights are exact for sums below 2**53 ms (285,000 years).
    total_ms = np.bincount(shifted, weights=ms, minlength=n_groups + 1)[1:].astype(np.int64)
    return streams, play_count, total_ms


def pair_codes(first: IntArray, second: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Group codes for pairs (first, second); -1 where `first` is -1 (`second` may be -1).

    Returns (row codes, first code of each group, second code of each group). Equal pairs share
    a code and different pairs never do, but some groups may have no row (count them and drop the
    empty ones). Most firsts (a track name) come with one second (its artist): their group is the
    first's own code, and only the rows of firsts seen with several seconds are hashed.
    """
    valid = np.flatnonzero(first >= 0)
    row = np.full(len(first), -1, dtype=np.int64)
    if len(valid) == 0:
        return row, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    f, s = first[valid], second[valid]
    n_first = int(f.max()) + 1
    width = int(s.max()) + 2
    if n_first * width <= len(valid) + 65_536:
        # Few possible pairs (years x artists): one group per possible pair.
        cells = np.arange(n_first * width)
        row[valid] = f * width + (s + 1)
        return row, cells // width, cells % width - 1
    # One second per first, as left by fancy assignment (whichever write wins); rows that
    # disagree with it reveal the firsts seen with several seconds.
    seen = np.zeros(n_first, dtype=np.int64)
    seen[f] = s
    mixed_first = np.zeros(n_first, dtype=bool)
    mixed_first[f[s != seen[f]]] = True
    several = mixed_first[f]
    codes = f.copy()
    pairs = np.zeros(0, dtype=np.int64)
    if several.any():
        codes_any, uniques_any = pd.factorize(f[several] * width + (s[several] + 1))
        codes[several] = n_first + np.asarray(codes_any, dtype=np.int64)
        pairs = np.asarray(uniques_any, dtype=np.int64)
    row[valid] = codes
    first_of = np.concatenate([np.arange(n_first), pairs // width])
    second_of = np.concatenate([seen, pairs % width - 1])
    return row, first_of, second_of


def top_positions(
    primary: IntArray, names: Sequence[ObjArray], n: int, *, eligible: BoolArray | None = None
) -> list[int]:
    """Positions of the `n` best groups: `primary` descending, ties broken by the names in order.

    `names` holds one array per tie-break column (e.g. track names, then artist names); a
    missing name sorts as "". Only the candidates that tie or beat the n-th largest value reach
    the Python sort, so the cost stays linear in the number of groups.
    """
    positions = np.flatnonzero(eligible) if eligible is not None else np.arange(len(primary))
    if n <= 0 or len(positions) == 0:
        return []
    values = primary[positions]
    if len(positions) > n:
        threshold = np.partition(values, len(values) - n)[len(values) - n]
        positions = positions[values >= threshold]

    def key(p: int) -> tuple[int, tuple[str, ...]]:
        return -int(primary[p]), tuple(c[p] if isinstance(c[p], str) else "" for c in names)

    return heapq.nsmallest(n, (int(p) for p in positions), key=key)
