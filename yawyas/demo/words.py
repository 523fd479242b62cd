"""The vocabulary types of the demo world's names, and name pools shared by several genres."""

from __future__ import annotations

from dataclasses import dataclass


def split_words(text: str) -> tuple[str, ...]:
    """The parts of a "|"-separated list, stripped, empty ones dropped."""
    return tuple(part.strip() for part in text.split("|") if part.strip())


@dataclass(frozen=True)
class GenreWords:
    """The vocabulary of one genre."""

    artists: tuple[str, ...]  # hand-picked artist names, used first
    titles: tuple[str, ...]  # hand-picked track titles, used first
    first: tuple[str, ...]  # first half of a generated title
    second: tuple[str, ...]  # second half of a generated title
    given: tuple[str, ...]  # given names for generated solo artists
    family: tuple[str, ...]  # family names for generated solo artists
    bands: tuple[str, ...]  # band name patterns, "{a}" and "{b}" from first/second
    albums: tuple[str, ...]  # album name patterns, "{t}" a title, "{n}" a number
    minutes: tuple[float, float]  # track length range
    joiner: str = " "  # joins title halves (empty for Japanese)
    family_first: bool = False  # "星野 ひかり" rather than "ひかり 星野"
    person_joiner: str = " "
    suffixes: tuple[str, ...] = (
        " - Radio Edit",
        " (Acoustic)",
        " - Live",
        " - Remastered 2011",
        " (Demo)",
    )


EN_GIVEN = split_words(
    "Mara|Jonah|Elsie|Theo|Nora|Felix|Ivy|Caleb|Ruby|Owen|Hazel|Miles|June|Arlo|Stella|Rhys|"
    "Clara|Silas|Maeve|Dorian|Tessa|Quinn|Leo|Iris"
)
EN_FAMILY = split_words(
    "Quinn|Hollis|Marlowe|Avery|Sinclair|Blake|Harlow|Vance|Ellery|Reyes|Calloway|Ashby|Rowe|"
    "Lindqvist|Okafor|Brennan|Castell|Whitlock|Hart|Novak"
)
ES_GIVEN = split_words(
    "Lucía|Carlos|Marta|Diego|Elena|Pablo|Carmen|Javier|Inés|Álvaro|Rocío|Mateo|Nerea|Tomás|Paloma|Iker"
)
ES_FAMILY = split_words(
    "Vega|Morales|Serrano|Ortega|Navarro|Ibarra|Castaño|Quiroga|Salinas|Montero|Aguirre|Peña|Solís"
)
