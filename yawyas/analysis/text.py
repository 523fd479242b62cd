"""Names compared as people mean them: case-, accent- and width-folded, punctuation and
release decorations ("- Remastered 2011", "(feat. X)") set aside. Standard library only.

`fold` is for matching words and names; `song_key` is one song's identity across the ways its
plays are named (a Spotify export, account data, a Last.fm scrobble), where no URI or ISRC ties
them together.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Release decorations that do not make another song: remasters, edits, mono/stereo versions,
# and the featured artists some sources put in the title and others in the artist.
_DECORATION = re.compile(
    r"""\s*(?:
        [-\u2013\u2014]\s*(?:\d{4}\s+)?(?:remaster(?:ed)?|re-?master(?:ed)?|mono|stereo|
            single\s+version|radio\s+edit|album\s+version|original\s+mix)\b.*$
      | [(\[]\s*(?:\d{4}\s+)?(?:remaster(?:ed)?|re-?master(?:ed)?|mono|stereo|single\s+version|
            radio\s+edit|album\s+version)[^)\]]*[)\]]
      | [(\[]\s*(?:feat\.?|ft\.?|featuring|with)\s[^)\]]*[)\]]
      | \s(?:feat\.?|ft\.?|featuring)\s.*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
_LAST_ACCENTED = "\u0530"  # letters below this (Latin, Greek, Cyrillic) lose their accents


@lru_cache(maxsize=262_144)
def fold(text: str) -> str:
    """Lower case, accents and widths folded (NFKD), punctuation as single spaces, trimmed:
    'Beyoncé' -> 'beyonce', a full-width A -> 'a', 'Guns N' Roses' -> 'guns n roses'.
    Scripts without case (Japanese, Korean) keep their letters."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept: list[str] = []
    base = ""
    for c in decomposed:
        if unicodedata.combining(c):
            if base < _LAST_ACCENTED:  # accents on Latin, Greek, Cyrillic letters go
                continue
        else:
            base = c
        kept.append(c)  # a kana's voicing mark is part of the letter: it stays
    bare = unicodedata.normalize("NFC", "".join(kept))
    return _NOT_WORD.sub(" ", bare.casefold().replace("_", " ")).strip()


def words(text: str) -> list[str]:
    """The folded words of a text, for whole-word matching in any script."""
    return fold(text).split()


def song_key(artist: str | None, title: str | None) -> str:
    """One song's identity by name: folded artist and title without release decorations
    ('Song - Remastered 2011' and 'Song (feat. X)' are 'Song'); '' when there is no title."""
    if not title:
        return ""
    plain = _DECORATION.sub("", title) or title
    return f"{fold(artist or '')}\x1f{fold(plain)}"
