"""Moods from the person's own words, spread over co-listening."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest

from tests.test_playlists_steps import MONDAY, frame
from yawyas.playlists.listening import build_listening
from yawyas.playlists.moods import build_moods, mood_words, spread_labels
from yawyas.playlists.steps import build_colisten


@pytest.mark.parametrize(
    ("text", "moods"),
    [
        ("Morning Run", ["run"]),
        ("Correr 10K", ["run"]),
        ("Laufen am Morgen", ["run"]),
        ("GYM POWER", ["run"]),
        ("Concentración total", ["focus"]),
        ("lo-fi beats to study to", ["focus"]),
        ("Fiesta 💃", ["party"]),
        ("Tango Night", ["party"]),
        ("Canciones para niños", ["kids"]),
        ("Triste", ["sad"]),
        ("Amor de verano", ["love"]),
        ("Domingo Chill", ["chill"]),
        ("Marathon of nothing", []),
        ("Rerun", []),  # whole words only
    ],
)
def test_mood_words_are_multilingual_and_whole_words(text: str, moods: list[str]) -> None:
    assert mood_words(text) == moods


def sessions() -> Any:
    """Run sessions mix 3 'Morning Run' tracks with an unlisted track 'x'; quiet sessions play
    'calm' tracks (in 'Domingo Chill'); 'y' plays alone in its own sessions."""
    rows: list[dict[str, Any]] = []
    for w in range(10):
        t = MONDAY + timedelta(weeks=w, hours=7)
        for k, name in enumerate(["r1", "x", "r2", "r3", "x"]):
            rows.append({"start": t + timedelta(minutes=4 * k), "track": name})
        t = MONDAY + timedelta(weeks=w, days=6, hours=10)
        for k, name in enumerate(["c1", "c2", "c3"]):
            rows.append({"start": t + timedelta(minutes=4 * k), "track": name})
        rows.append({"start": MONDAY + timedelta(weeks=w, days=3, hours=3), "track": "y"})
    rows.append({"start": MONDAY + timedelta(days=2), "track": "Tristeza del Sur"})
    return build_listening(frame(rows), "UTC")


def test_moods_seed_from_playlist_names_and_spread_to_co_listened_tracks() -> None:
    lis = sessions()
    code = {str(n): i for i, n in enumerate(lis.names)}
    playlists = {
        code["r1"]: ["Morning Run"],
        code["r2"]: ["Morning Run"],
        code["r3"]: ["Morning Run"],
        code["c1"]: ["Domingo Chill"],
        code["c2"]: ["Domingo Chill"],
    }
    moods = {m.name: m for m in build_moods(lis, build_colisten(lis), playlists)}
    assert set(moods) == {"run", "chill"}  # 'sad' from one title alone is not their word
    run = {int(t.track): t for t in moods["run"].tracks}
    assert code["x"] in run
    assert run[code["x"]].evidence.startswith("often played next to")
    assert run[code["r1"]].evidence == "in your playlist 'Morning Run'"
    assert run[code["r1"]].score == 1.0
    assert 0 < run[code["x"]].score <= 1
    chill = {int(t.track) for t in moods["chill"].tracks}
    assert code["c3"] in chill
    assert code["x"] not in chill
    assert code["y"] not in run
    assert code["y"] not in chill
    assert moods["run"].named_by == ("Morning Run",)


def test_genres_and_moment_names_add_evidence() -> None:
    lis = sessions()
    code = {str(n): i for i, n in enumerate(lis.names)}
    moods = build_moods(
        lis,
        build_colisten(lis),
        {},
        genres={code["c1"]: ["chillhop"], code["y"]: ["sad indie"]},
        moments=[("Weekend relax", np.array([code["c2"]]))],
    )
    by_name = {m.name: m for m in moods}
    assert "chill" in by_name
    evidence = by_name["chill"].evidence()
    assert evidence[code["c2"]] == "typical of your moment 'Weekend relax'"


def test_no_words_no_moods() -> None:
    lis = sessions()
    assert build_moods(lis, build_colisten(lis), {}) == []


def test_spreading_keeps_seeds_and_decays_with_distance() -> None:
    from scipy import sparse

    # a chain 0 - 1 - 2 - 3, seed on 0
    w = sparse.csr_matrix(
        np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]], dtype=float)
    )
    f = spread_labels(w, np.array([[1.0], [0.0], [0.0], [0.0]]))[:, 0]
    assert f[0] > f[1] > f[2] > f[3] > 0
