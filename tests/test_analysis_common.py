"""Building blocks: name codes, pair codes, top ordering, categorised frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from yawyas.analysis.common import (
    categorize_names,
    name_codes,
    order_within_groups,
    pair_codes,
    play_mask,
    sort_times,
    start_ms,
    top_positions,
)


def decoded(values: pd.Series) -> list[str | None]:
    codes, names = name_codes(values)
    return [None if c < 0 else str(names[c]) for c in codes]


def test_name_codes_trim_and_merge_on_every_dtype() -> None:
    raw = ["Show ", "Show", None, "  ", "", "Other", " Show"]
    expected = ["Show", "Show", None, None, None, "Other", "Show"]
    for series in (
        pd.Series(raw, dtype="str"),
        pd.Series(raw, dtype=object),
        pd.Series(raw, dtype="category"),
    ):
        assert decoded(series) == expected
        _, names = name_codes(series)
        assert sorted(names) == ["Other", "Show"]


def test_categorize_names_keeps_rows_and_values() -> None:
    frame = pd.DataFrame(
        {
            "played_at": [3, 1],
            "track_name": ["  a", "b"],
            "kind": ["track", None],
            "shuffle": pd.array([True, None], dtype="boolean"),
        },
        index=[7, 9],
    )
    out = categorize_names(frame)
    assert list(out.index) == [7, 9]
    assert list(out["track_name"].astype(object)) == ["a", "b"]
    assert out["kind"].isna().tolist() == [False, True]
    assert out["shuffle"].dtype == "boolean"
    assert decoded(out["track_name"]) == ["a", "b"]


@settings(max_examples=120, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-1, 6), st.integers(-1, 4)), max_size=40),
    st.sampled_from([1, 100_003]),  # 100_003: too many possible pairs for the dense table
)
def test_pair_codes_number_each_distinct_pair(pairs: list[tuple[int, int]], scale: int) -> None:
    pairs = [(f * scale if f >= 0 else -1, s * scale if s >= 0 else -1) for f, s in pairs]
    first = np.array([p[0] for p in pairs], dtype=np.int64)
    second = np.array([p[1] for p in pairs], dtype=np.int64)
    codes, first_of, second_of = pair_codes(first, second)
    code_of: dict[tuple[int, int], int] = {}
    for (f, s), code in zip(pairs, codes, strict=True):
        if f < 0:
            assert code == -1
        else:
            assert (first_of[code], second_of[code]) == (f, s)
            assert code_of.setdefault((f, s), int(code)) == code  # equal pairs, one code
    assert len(set(code_of.values())) == len(code_of)  # different pairs, different codes


def test_pair_codes_sparse_and_mixed() -> None:
    # Far-apart codes force the hash path; track 5 is seen with two artists.
    first = np.array([5, 100_000, 5, 5, -1, 100_000], dtype=np.int64)
    second = np.array([0, 90_000, 1, 0, 3, 90_000], dtype=np.int64)
    codes, first_of, second_of = pair_codes(first, second)
    assert codes[0] == codes[3] != codes[2]
    assert codes[1] == codes[5]
    assert codes[4] == -1
    used = sorted({int(c) for c in codes if c >= 0})
    assert sorted((int(first_of[c]), int(second_of[c])) for c in used) == [
        (5, 0),
        (5, 1),
        (100_000, 90_000),
    ]


def test_top_positions_orders_by_value_then_names() -> None:
    values = np.array([5, 9, 5, 5, 1], dtype=np.int64)
    names = np.array(["b", "z", "a", None, "c"], dtype=object)
    artists = np.array(["x", "x", "y", "x", "x"], dtype=object)
    assert top_positions(values, [names], 10) == [1, 3, 2, 0, 4]
    assert top_positions(values, [names, artists], 2) == [1, 3]
    assert top_positions(values, [names], 3, eligible=values < 9) == [3, 2, 0]
    assert top_positions(values, [names], 0) == []


def test_plays_and_starts() -> None:
    frame = pd.DataFrame({"played_at": [100, 100], "ms_played": [29_999, 30_000]})
    assert play_mask(frame).tolist() == [False, True]
    assert start_ms(frame).tolist() == [70_001, 70_000]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 50)), max_size=50),
    st.sampled_from([1, 70_001, 5_000_000_011]),  # one, two and three 16-bit digits
)
def test_order_within_groups_is_a_stable_regrouping(
    items: list[tuple[int, int]], scale: int
) -> None:
    codes = np.array([c * scale for c, _ in items], dtype=np.int64)
    times = np.array([t for _, t in items], dtype=np.int64)
    by_time = np.argsort(times, kind="stable")
    order = order_within_groups(codes, by_time)
    expected = sorted(range(len(items)), key=lambda i: (codes[i], times[i], i))
    assert order.tolist() == expected


def test_sort_times_either_way() -> None:
    starts = np.array([5, 1, 3, 2], dtype=np.int64)
    assert sort_times(starts, np.array([9, 9, 10, 11])).tolist() == [1, 3, 2, 0]  # ends sorted
    assert sort_times(starts, np.array([9, 8, 10, 11])).tolist() == [1, 3, 2, 0]  # shuffled


def test_unclean_categories_are_trimmed_every_time() -> None:
    series = pd.Series(["Show ", "Show ", "Other"], dtype="category")
    for _ in range(2):  # the second call must not trust the first
        assert decoded(series) == ["Show", "Show", "Other"]
    out = categorize_names(pd.DataFrame({"artist_name": series}))
    assert list(out["artist_name"].astype(object)) == ["Show", "Show", "Other"]
    clean = pd.Series(["a", "b", "a"], dtype="category")
    kept = categorize_names(pd.DataFrame({"artist_name": clean}))["artist_name"]
    assert kept.cat.categories is clean.cat.categories  # clean already: passed through
    assert decoded(kept) == ["a", "b", "a"]
