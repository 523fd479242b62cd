"""The starter playlists.toml: written by tomli-w, so any moment name reads back as it was."""

from __future__ import annotations

import tomllib

from hypothesis import given
from hypothesis import strategies as st

from yawyas.playlists.recipes import starter_recipes

NAMES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30
)


def test_names_with_newlines_quotes_and_control_characters_round_trip() -> None:
    names = ['Sat "run"\nnight', "tab\there", "bell\x07\x00nul", "back\\slash", "[x] = 1"]
    text = starter_recipes([(f"m{i}", n) for i, n in enumerate(names)], ["run"])
    doc = tomllib.loads(text)["playlists"]
    assert [doc[f"m{i}"]["name"] for i in range(len(names))] == [f"{n} (yawyas)" for n in names]
    assert doc["mood-run"] == {"name": "Run (yawyas)", "mood": "run", "size": 50}
    assert "# skip_played_within_days = 7" in text


def test_a_moment_id_with_a_dot_stays_one_table() -> None:
    doc = tomllib.loads(starter_recipes([("a.b", "Dotted")], []))["playlists"]
    assert doc["a.b"]["moment"] == "a.b"


@given(st.lists(st.tuples(NAMES, NAMES), max_size=5), st.lists(NAMES, max_size=3))
def test_any_names_round_trip(moments: list[tuple[str, str]], moods: list[str]) -> None:
    doc = tomllib.loads(starter_recipes(moments, moods))["playlists"]
    assert [r["moment"] for r in doc.values() if "moment" in r] == [m for m, _ in moments]
    assert [r["name"] for r in doc.values() if "moment" in r] == [
        f"{n} (yawyas)" for _, n in moments
    ]
    assert [r["mood"] for r in doc.values() if "mood" in r] == moods
