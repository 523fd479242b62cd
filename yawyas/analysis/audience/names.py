"""Lexicon words in many names at once, by the rule of `analysis.moments.traits.matches`.

A word or phrase matches a name when it occurs in it as whole words, both folded
(`analysis.text.fold`: case, accents, width, punctuation); a word of a script written without
spaces (CJK, kana, hangul) matches inside the name. Each distinct name is folded once and its
words looked up in a set, so tens of thousands of names take milliseconds, not the seconds of
asking `matches` word by word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from yawyas.analysis.text import fold


def _wide(word: str) -> bool:
    return any(ord(c) >= 0x2E80 for c in word)


class WordFinder:
    """The words of a lexicon, ready to be looked for in names."""

    def __init__(self, words: Iterable[str]) -> None:
        self.single: dict[str, str] = {}
        self.phrases: list[tuple[str, str]] = []
        self.inside: list[tuple[str, str]] = []
        for word in words:
            folded = fold(word)
            if not folded:
                continue
            if _wide(folded):
                self.inside.append((folded, word))
            elif " " in folded:
                self.phrases.append((f" {folded} ", word))
            else:
                self.single.setdefault(folded, word)

    def find(self, name: str) -> tuple[str, ...]:
        """The lexicon words in one name (as written in the lexicon), in lexicon order of kind:
        single words, phrases, words matched inside."""
        folded = fold(name)
        if not folded:
            return ()
        found = [self.single[t] for t in dict.fromkeys(folded.split()) if t in self.single]
        if self.phrases:
            spaced = f" {folded} "
            found += [word for phrase, word in self.phrases if phrase in spaced]
        found += [word for part, word in self.inside if part in folded]
        return tuple(dict.fromkeys(found))

    def find_all(self, names: Sequence[object]) -> list[tuple[str, ...]]:
        """`find` of each name (None or a float NaN: no words)."""
        return [self.find(n) if isinstance(n, str) else () for n in names]
