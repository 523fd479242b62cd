"""What a moment suggests about the person, with the evidence and a confidence.

Evidence comes from a small multilingual lexicon read in the moment's playlist names, its track,
album and artist names and, where the API gave them, its artists' genres; and from the moment's
shape: its time pattern, device and content. Words match whole words, case-, accent- and
width-folded (`analysis.text.fold`), in any script (scripts written without spaces match inside
a name). Each piece weighs 0-1 and a trait's confidence is 1 - prod(1 - weight) (independent
hints: any strong one is enough, weak ones add up).

Honest evidence: a trait needs a piece from the names unless it is about the shape itself
(commuter, driver, reader, night owl), and such a shape-only trait is said only of a moment
holding SHAPE_MIN_SHARE of the plays. A band's name is one piece of weak evidence, however many
of its tracks and albums carry it: words in artist names count only when two or more artists
carry them, and words in a track or album name that are in its own artist's name do not count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from yawyas.analysis.moments.describe import Facts
from yawyas.analysis.moments.types import Evidence, Trait, Window
from yawyas.analysis.text import fold

MIN_CONFIDENCE: Final = 0.5
SHAPE_MIN_SHARE: Final = 0.03  # a trait from time, device or kind alone needs 3% of the plays


@dataclass(frozen=True)
class Lexicon:
    """A trait's words in several languages; `weak` ones are common in song titles too."""

    trait: str
    words: tuple[str, ...]
    weak: tuple[str, ...] = ()


LEXICON: Final = (
    Lexicon(
        "runner",
        (
            "run",
            "running",
            "runner",
            "runners",
            "jog",
            "jogging",
            "marathon",
            "5k",
            "10k",
            "correr",
            "corriendo",
            "carrera",
            "laufen",
            "joggen",
            "course à pied",
            "corsa",
            "ランニング",
            "ジョギング",
            "マラソン",
            "跑步",
            "달리기",
            "러닝",
        ),
    ),
    Lexicon(
        "parent",
        (
            "kids",
            "children",
            "childrens",
            "niños",
            "ninos",
            "niñas",
            "infantil",
            "infantiles",
            "nursery",
            "lullaby",
            "lullabies",
            "nanas",
            "canción de cuna",
            "toddler",
            "toddlers",
            "enfants",
            "comptines",
            "kinderlieder",
            "子供",
            "こども",
            "子ども",
            "童謡",
            "子守唄",
            "동요",
            "儿歌",
        ),
    ),
    Lexicon(
        "dancer",
        (
            "tango",
            "tangos",
            "milonga",
            "salsa",
            "bachata",
            "kizomba",
            "merengue",
            "lindy",
            "zouk",
            "forró",
            "baile",
            "bailar",
            "ballroom",
            "flamenco",
            "dance class",
            "タンゴ",
            "サルサ",
            "ダンス",
            "탱고",
            "살사",
        ),
        weak=("dance", "dancing", "swing"),
    ),
    Lexicon(
        "deep work",
        (
            "focus",
            "deep work",
            "study",
            "studying",
            "lofi",
            "lo-fi",
            "concentration",
            "concentración",
            "concentrate",
            "estudiar",
            "coding",
            "productivity",
            "集中",
            "作業用",
            "勉強",
            "공부",
            "집중",
        ),
    ),
    Lexicon(
        "commuter",
        ("commute", "commuting", "subway", "metro", "transit", "通勤", "電車", "출근", "지하철"),
        weak=("train", "bus"),
    ),
    Lexicon(
        "gym goer",
        (
            "gym",
            "workout",
            "lifting",
            "fitness",
            "crossfit",
            "entreno",
            "entrenamiento",
            "gimnasio",
            "pesas",
            "cardio",
            "ジム",
            "筋トレ",
            "トレーニング",
            "헬스",
            "운동",
        ),
        weak=("training", "power"),
    ),
    Lexicon(
        "home cook",
        ("cooking", "kitchen", "cocina", "cocinar", "recipes", "料理", "キッチン", "요리", "주방"),
        weak=("dinner", "cena"),
    ),
    Lexicon(
        "night owl",
        ("night shift", "late night", "insomnia", "madrugada", "深夜", "夜更かし", "새벽"),
        weak=("midnight",),
    ),
    Lexicon(
        "driver",
        ("drive", "driving", "road trip", "roadtrip", "conducir", "ドライブ", "드라이브"),
    ),
    Lexicon(
        "host",
        ("bbq", "barbecue", "asado", "backyard", "dinner party", "パーティー", "파티"),
        weak=("party", "fiesta"),
    ),
    Lexicon("slow sundays", ("brunch", "domingo", "日曜", "일요일"), weak=("sunday", "lazy")),
    Lexicon(
        "yoga / meditation",
        ("yoga", "meditation", "mindfulness", "meditación", "瞑想", "ヨガ", "명상"),
    ),
    Lexicon("bedtime ritual", ("sleep", "sleeping", "dormir", "white noise", "睡眠", "수면")),
)
SHAPE_TRAITS: Final = frozenset({"commuter", "driver", "reader", "night owl"})
NAME_KINDS: Final = (
    ("playlist", "playlist"),
    ("track", "track names"),
    ("album", "album names"),
    ("artist", "artist names"),
    ("genre", "genres"),
)
WEEKDAYS: Final = frozenset(range(5))
WEEKEND: Final = frozenset({5, 6})


def _wide(word: str) -> bool:
    """True for scripts written without spaces (CJK, kana, hangul): matched as substrings."""
    return any(ord(c) >= 0x2E80 for c in word)


@lru_cache(maxsize=4096)
def _pattern(word: str) -> tuple[str, bool]:
    """A lexicon word folded, and whether it is matched inside names (no spaces in its script)."""
    wanted = fold(word)
    return wanted, _wide(wanted)


@lru_cache(maxsize=262_144)
def _spaced(text: str) -> str:
    return f" {fold(text)} "


def matches(text: str, word: str) -> bool:
    """Whether a lexicon word or phrase occurs in a name: whole words, folded (case, accents,
    width); inside the name for scripts written without spaces."""
    wanted, wide = _pattern(word)
    if not wanted:
        return False
    if wide:
        return wanted in _spaced(text)
    return f" {wanted} " in _spaced(text)


def _found(
    names: Sequence[tuple[str, float, str | None]], words: Sequence[str], kind: str
) -> tuple[list[str], float, int]:
    """The lexicon words seen in these names, the share of the moment they cover, and how
    many names carry them. A track's or album's words that are in its own artist's name are
    the band's name again, not evidence."""
    seen: list[str] = []
    share = 0.0
    carriers = 0
    for text, weight, artist in names:
        hits = [w for w in words if matches(text, w)]
        if artist is not None and kind in ("track", "album"):
            hits = [w for w in hits if not matches(artist, w)]
        if hits:
            share += weight
            carriers += 1
            seen += [w for w in hits if w not in seen]
    return seen, min(share, 1.0), carriers


def _name_evidence(facts: Facts, lexicon: Lexicon) -> list[Evidence]:
    out = []
    for kind, label in NAME_KINDS:
        names = facts.names.get(kind, [])
        for words, strength in ((lexicon.words, 1.0), (lexicon.weak, 0.5)):
            if not words:
                continue
            if kind == "playlist":
                for text, share, _ in names:
                    if any(matches(text, w) for w in words):
                        weight = strength * 0.9 * share**0.5
                        out.append(
                            Evidence("playlist", f'playlist "{text}" ({share:.0%} of it)', weight)
                        )
                continue
            seen, share, carriers = _found(names, words, kind)
            if kind == "artist" and carriers < 2:
                continue  # one band's name is no evidence on its own
            if seen and share > 0:
                cap = 0.7 if kind == "genre" else 0.6
                weight = strength * min(cap, 1.5 * share)
                quoted = ", ".join(f'"{w}"' for w in seen[:3])
                text = f"{quoted} in {label} ({share:.0%} of plays)"
                out.append(Evidence("genre" if kind == "genre" else "words", text, weight))
    return out


def _starts_in(window: Window, first_hour: float, last_hour: float) -> bool:
    start = window.start_minute / 60
    if first_hour <= last_hour:
        return first_hour <= start < last_hour
    return start >= first_hour or start < last_hour


def _shape_evidence(facts: Facts, trait: str) -> list[Evidence]:
    """Evidence from when, on what and what kind of listening the moment is."""
    w = facts.window
    days = set(w.days)
    device = facts.device if facts.device_share >= 0.6 else None
    weekdays = bool(days) and days <= WEEKDAYS
    weekend = bool(days) and days <= WEEKEND
    when = w.describe()
    commute_hours = _starts_in(w, 6, 9.5) or _starts_in(w, 16.5, 19.5)
    by_trait: dict[str, tuple[bool, float, str, str]] = {
        "commuter": (
            weekdays and commute_hours,
            0.55 if facts.content == "podcasts" or device == "car" else 0.25,
            "time",
            when,
        ),
        "driver": (device == "car", 0.7, "device", "played in the car"),
        "reader": (facts.content == "audiobooks", 0.8, "content", "audiobooks"),
        "night owl": (_starts_in(w, 22.5, 4), 0.6, "time", when),
        "deep work": (
            weekdays and _starts_in(w, 8, 18) and device == "desktop",
            0.35,
            "time",
            f"{when} at the computer",
        ),
        "runner": (_starts_in(w, 5, 9) or weekend, 0.15, "time", when),
        "parent": (_starts_in(w, 16, 20) or weekend, 0.1, "time", when),
        "dancer": (_starts_in(w, 19, 2), 0.1, "time", when),
        "home cook": (
            device == "speaker" and _starts_in(w, 17, 21),
            0.15,
            "time",
            f"{when} on the speaker",
        ),
        "host": (weekend and device == "speaker", 0.2, "time", f"{when} on the speaker"),
        "slow sundays": (weekend and _starts_in(w, 9, 13), 0.2, "time", when),
    }
    found = by_trait.get(trait)
    if found is None or not found[0]:
        return []
    return [Evidence(found[2], found[3], found[1])]


def build_traits(facts: Facts) -> tuple[Trait, ...]:
    """The traits this moment suggests, most confident first (confidence >= 0.5)."""
    traits = []
    names = [lex.trait for lex in LEXICON] + ["reader"]
    lexicons = {lex.trait: lex for lex in LEXICON}
    for trait in names:
        lexicon = lexicons.get(trait)
        from_names = _name_evidence(facts, lexicon) if lexicon else []
        if not from_names and (trait not in SHAPE_TRAITS or facts.play_share < SHAPE_MIN_SHARE):
            continue
        evidence = sorted(
            from_names + _shape_evidence(facts, trait), key=lambda e: (-e.weight, e.text)
        )
        if not evidence:
            continue
        doubt = 1.0
        for e in evidence:
            doubt *= 1.0 - min(max(e.weight, 0.0), 0.99)
        confidence = 1.0 - doubt
        if confidence < MIN_CONFIDENCE:
            continue
        name = trait
        if trait == "runner" and facts.window.days and set(facts.window.days) <= WEEKEND:
            name = "weekend runner"
        traits.append(Trait(name, round(confidence, 3), tuple(evidence[:4])))
    return tuple(sorted(traits, key=lambda t: (-t.confidence, t.name)))
