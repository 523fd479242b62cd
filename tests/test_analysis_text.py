"""Names compared as people mean them (analysis.text)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from yawyas.analysis.text import fold, song_key, words


def test_fold_case_accents_width_and_punctuation() -> None:
    assert fold("Beyoncé") == "beyonce"
    assert fold("\uff21\uff22\uff23") == "abc"  # full-width letters
    assert fold("Guns N' Roses") == "guns n roses"
    assert fold("Crème  brûlée!") == "creme brulee"
    assert fold("Ёлка") == "елка"


def test_fold_keeps_letters_of_scripts_without_accents() -> None:
    assert fold("うさぎ") == "うさぎ"  # the voicing mark is part of the kana
    assert fold("가나다") == "가나다"
    assert words("童謡 メドレー") == ["童謡", "メドレー"]


def test_song_key_sets_release_decorations_aside() -> None:
    plain = song_key("The Beatles", "Here Comes the Sun")
    assert song_key("the beatles", "Here Comes The Sun - Remastered 2009") == plain
    assert song_key("The Beatles", "Here Comes the Sun (2019 Mix)") != plain  # another mix
    assert song_key("X", "Song (feat. Y)") == song_key("X", "Song") == song_key("X", "Song ft. Y")
    assert song_key("X", "Song [2011 Remaster]") == song_key("X", "Song")
    assert song_key("X", None) == ""
    assert song_key("A", "Song") != song_key("B", "Song")


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
