"""Shared building blocks for the analysis modules: what a play is, and names as integer codes.

Every analysis works on integer codes rather than strings: a name column is factorised once (or is
already categorical, see `categorize_names`), and groups are counted with `numpy.bincount`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

PLAY_MIN_MS: Final = 30_000
"""A stream is a play when it lasted at least this long (Spotify's own 30-second rule)."""

NAME_COLUMNS: Final = ("track_name", "artist_name", "album_name")
LABEL_COLUMNS: Final = ("kind", "platform", "conn_country", "reason_start", "reason_end")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]


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


def name_codes(values: pd.Series) -> tuple[IntArray, ObjArray]:
    """Codes and names of a text column: surrounding spaces trimmed, null and blank as -1.

    Names that differ only by surrounding whitespace (a show with a trailing space in some rows)
    share a code. Works on str, object and categorical columns; costs one factorisation at most.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        raw = values.cat.codes.to_numpy(dtype=np.int64)
        uniques = pd.Index(values.cat.categories)
    else:
        codes_any, uniques = pd.factorize(values, use_na_sentinel=True)
        raw = np.asarray(codes_any, dtype=np.int64)
    names = np.asarray(uniques.astype(object), dtype=object)
    stripped = np.array([str(n).strip() for n in names], dtype=object)
    if len(stripped) == 0:
        return raw, stripped
    # Re-factorise the (few) cleaned uniques, then map each row's code through that table.
    merged_any, clean = pd.factorize(stripped)
    merged = np.asarray(merged_any, dtype=np.int64)
    blank = np.asarray(clean == "", dtype=bool)
    if blank.any():
        blank_code = int(np.flatnonzero(blank)[0])
        merged = np.where(merged == blank_code, -1, merged - (merged > blank_code))
        clean = clean[~blank]
    lookup = np.append(merged, -1)  # position -1 (a null row) maps to -1
    codes: IntArray = lookup[raw]
    return codes, np.asarray(clean, dtype=object)


def label_codes(values: pd.Series) -> tuple[IntArray, ObjArray]:
    """Codes and labels of a short label column, kept verbatim (null as -1, "" kept as a label)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        raw = values.cat.codes.to_numpy(dtype=np.int64)
        uniques = pd.Index(values.cat.categories)
    else:
        codes_any, uniques = pd.factorize(values, use_na_sentinel=True)
        raw = np.asarray(codes_any, dtype=np.int64)
    return raw, np.asarray(uniques.astype(object), dtype=object)


def categorize_names(streams: pd.DataFrame) -> pd.DataFrame:
    """The streams with every text column as a categorical (names trimmed, blank as null).

    Factorising a million strings is the costliest step of most analyses; doing it once here lets
    every later `name_codes`/`label_codes` call read the codes for free. Same rows, same index.
    """
    out = {}
    for column in streams.columns:
        series = streams[column]
        if column in NAME_COLUMNS:
            codes, names = name_codes(series)
        elif column in LABEL_COLUMNS:
            codes, names = label_codes(series)
        else:
            out[column] = series
            continue
        out[column] = pd.Series(
            pd.Categorical.from_codes(codes, categories=pd.Index(names, dtype=object)),
            index=streams.index,
            name=column,
        )
    return pd.DataFrame(out, index=streams.index)


def group_sums(
    codes: IntArray, n_groups: int, ms: IntArray, plays: BoolArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Per group: streams, plays and ms_played (rows with code -1 are ignored)."""
    keep = codes >= 0
    c = codes[keep]
    streams = np.bincount(c, minlength=n_groups).astype(np.int64)
    play_count = np.bincount(c, weights=plays[keep], minlength=n_groups).astype(np.int64)
    # bincount's float64 weights are exact for sums below 2**53 ms (285,000 years).
    total_ms = np.bincount(c, weights=ms[keep], minlength=n_groups).astype(np.int64)
    return streams, play_count, total_ms


def pair_codes(first: IntArray, second: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Group codes for pairs (first, second); -1 where `first` is -1 (`second` may be -1).

    Returns (row codes, first code of each group, second code of each group).
    """
    width = int(second.max(initial=-1)) + 2
    key = np.where(first >= 0, first * width + (second + 1), -1)
    codes_any, uniques_any = pd.factorize(key[key >= 0])
    row = np.full(len(key), -1, dtype=np.int64)
    row[key >= 0] = np.asarray(codes_any, dtype=np.int64)
    uniques = np.asarray(uniques_any, dtype=np.int64)
    return row, uniques // width, uniques % width - 1


def top_positions(
    primary: IntArray, names: Sequence[ObjArray], n: int, *, eligible: BoolArray | None = None
) -> list[int]:
    """Positions of the `n` best groups: `primary` descending, ties broken by the names in order.

    `names` holds one array per tie-break column (e.g. track names, then artist names), null as
    "". Only the candidates that tie or beat the n-th largest value reach the Python sort, so the
    cost stays linear in the number of groups.
    """
    positions = np.flatnonzero(eligible) if eligible is not None else np.arange(len(primary))
    if n <= 0 or len(positions) == 0:
        return []
    values = primary[positions]
    if len(positions) > n:
        threshold = np.partition(values, len(values) - n)[len(values) - n]
        positions = positions[values >= threshold]

    def key(p: int) -> tuple[int, tuple[str, ...]]:
        return -int(primary[p]), tuple("" if c[p] is None else str(c[p]) for c in names)

    return sorted((int(p) for p in positions), key=key)[:n]
