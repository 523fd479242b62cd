"""Property tests: import order, splitting files and re-importing never change the store."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import exportkit as kit
from tests.test_import import dump
from yawyas.services import ingest
from yawyas.store.db import connect

TRACKS = [("Band", "Song"), ("Band", "Other"), ("Grupo", "Canción"), ("", "")]
minutes = st.integers(min_value=0, max_value=40)
ms_values = st.sampled_from([0, 29_999, 30_000, 200_000])


@st.composite
def ext_rows(draw: st.DrawFn) -> dict[str, Any]:
    minute, second = draw(minutes), draw(st.integers(0, 59))
    artist, track = draw(st.sampled_from(TRACKS))
    uri = draw(st.sampled_from([None, f"spotify:track:{track or 'x'}"]))
    return kit.ext_row(
        f"2024-02-01T10:{minute:02d}:{second:02d}Z",
        draw(ms_values),
        track=track or None,
        artist=artist or None,
        uri=uri,
        shuffle=draw(st.sampled_from([None, True, False])),
    )


@st.composite
def account_rows(draw: st.DrawFn) -> dict[str, Any]:
    artist, track = draw(st.sampled_from(TRACKS[:3]))
    return kit.music_row(f"2024-02-01 10:{draw(minutes):02d}", artist, track, draw(ms_values))


def chunks(rows: list[Any], cuts: list[int]) -> list[list[Any]]:
    bounds = sorted({min(c, len(rows)) for c in cuts} | {0, len(rows)})
    return [rows[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def import_files(tmp: Path, name: str, files: list[tuple[str, list[Any]]]) -> list[Any]:
    folder = tmp / name
    conn = connect(tmp / f"{name}.db")
    for i, (kind, rows) in enumerate(files):
        stem = "Streaming_History_Audio" if kind == "ext" else "StreamingHistory_music"
        path = kit.write(folder / f"{i:03d}" / f"{stem}_{i}.json", rows)
        ingest.import_paths(conn, [path])
    result = dump(conn)
    conn.close()
    return result


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ext=st.lists(ext_rows(), max_size=25),
    acc=st.lists(account_rows(), max_size=25),
    cuts=st.lists(st.integers(0, 25), max_size=4),
    order=st.randoms(use_true_random=False),
)
def test_order_splitting_and_reimport_do_not_change_the_store(
    tmp_path_factory: Any, ext: list[Any], acc: list[Any], cuts: list[int], order: Any
) -> None:
    tmp = tmp_path_factory.mktemp("prop")
    whole = [("ext", ext), ("acc", acc)]
    reference = import_files(tmp, "whole", [f for f in whole if f[1]])

    # extended history split anywhere; account data split only between different keys
    acc_sorted = sorted(
        acc, key=lambda r: (r["endTime"], r["artistName"], r["trackName"], r["msPlayed"])
    )
    groups = [
        list(g)
        for _, g in itertools.groupby(
            acc_sorted, key=lambda r: (r["endTime"], r["artistName"], r["trackName"], r["msPlayed"])
        )
    ]
    split: list[tuple[str, list[Any]]] = [("ext", part) for part in chunks(ext, cuts)]
    split += [("acc", [r for g in part for r in g]) for part in chunks(groups, cuts)]
    order.shuffle(split)
    assert import_files(tmp, "split", split) == reference

    # the same files again, in another order, change nothing
    again = split + whole
    order.shuffle(again)
    assert import_files(tmp, "again", [f for f in again if f[1]]) == reference
