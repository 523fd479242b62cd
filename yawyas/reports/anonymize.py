"""Anonymised reports: the same shape, nothing that names the person or where they were.

`anonymize_report(doc)` returns a copy of a report document (`build_report`) in which:

1. Names. Every artist, track, album, show and playlist name is replaced by a pseudonym of its
   kind: "Artist 1", "Track 4", "Album 2", "Show 1", "Playlist 3". Numbers are given by rank, in
   the order the names first occur in the document: top artists by listening time first (so
   "Artist 1" is the most listened artist of the period), then by plays, taste by year, the
   discovery months, obsessions, forgotten favourites, then the moments; the same for tracks
   (a track or an album is the pair name + artist), albums, shows and playlists. The same name
   is the same pseudonym everywhere in one report; nothing is hashed, so a pseudonym cannot be
   reversed by guessing names, and it means nothing outside its report.
2. Free text (moment names, trait evidence) is scrubbed: every known
   name (the store's artists, tracks, albums, shows, playlists; the document's own names) found
   as a whole word, case-insensitively, longest first, becomes its pseudonym; any remaining
   quoted fragment ('...', "...", curly quotes) that is not a pseudonym becomes a quoted
   ellipsis. Trait names are yawyas's own words and kept.
3. Countries: the `countries` table is emptied and `timezone` becomes "withheld" (a zone names
   a place).
4. Dates: no date finer than the month. Every instant or day (`generated_at`, the period, first
   and last play, the longest session's start, obsession windows, forgotten favourites' first
   and last plays) is cut to "YYYY-MM"; the calendar of daily listening (`daily`) is dropped
   (null). Months (discovery, monthly listening), years (taste by year) and weekly windows of
   moments (weekday + time of day, no date) are kept.

5. Spotify's inferences (advertising segments, often sensitive and often dated) are never kept
   as they are: each becomes one of a few coarse categories, or is left out (`coarse_inferences`).

With `keep_names=True` step 1 and 2 are skipped (names stay), steps 3 to 5 still apply.
Counts, durations, shares, the clock, devices and traits are kept as they are.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

KINDS: Final = ("artist", "track", "album", "show", "playlist")
_LABELS: Final = {
    "artist": "Artist",
    "track": "Track",
    "album": "Album",
    "show": "Show",
    "playlist": "Playlist",
}
_QUOTED: Final = re.compile("'[^']+'|\"[^\"]+\"|\u201c[^\u201d]+\u201d|\u2018[^\u2019]+\u2019")
_PSEUDONYM: Final = re.compile(r"(Artist|Track|Album|Show|Playlist) [0-9]+")
# Free-text names are matched whole: not inside a longer word.
_EDGE_L: Final = r"(?<![\w])"
_EDGE_R: Final = r"(?![\w])"


# Spotify's segments ("1P_Custom_Indie_Fans", "3P_Podcast_Listeners_Health", "Android") become
# coarse categories that say nothing sensitive. A segment is kept only when every word of it is
# known: filler, a music genre, or a device; a podcast or audiobook segment becomes only
# "podcast listener" / "audiobook listener" (its topic is dropped). Anything else (health,
# ethnicity, religion, politics, sexuality, finance, family, age, places, languages, purchase
# intent) and anything with a number in it (dates, ages, incomes) is left out.
_SEGMENT_PREFIX: Final = re.compile(r"^[0-9]+P_", re.IGNORECASE)
_FILLER: Final = frozenset(
    {"custom", "fan", "fans", "lover", "lovers", "listener", "listeners", "enthusiast"}
    | {"enthusiasts", "music", "genre", "affinity", "user", "users", "owner", "owners"}
    | {"streamer", "streamers", "heavy", "and", "of", "the"}
)
_GENRES: Final = frozenset(
    {"rock", "pop", "indie", "jazz", "classical", "electronic", "dance", "metal", "punk"}
    | {"folk", "hiphop", "rap", "soul", "blues", "reggae", "ambient", "lofi", "house", "techno"}
    | {"edm", "rnb", "funk", "disco", "alternative", "instrumental", "acoustic", "soundtrack"}
)
_DEVICES: Final = {
    "android": "phone",
    "ios": "phone",
    "iphone": "phone",
    "mobile": "phone",
    "smartphone": "phone",
    "phone": "phone",
    "desktop": "computer",
    "computer": "computer",
    "laptop": "computer",
    "tablet": "tablet",
    "ipad": "tablet",
    "speaker": "speaker",
    "smart": "speaker",
    "chromecast": "speaker",
    "sonos": "speaker",
    "tv": "TV",
    "console": "game console",
    "playstation": "game console",
    "xbox": "game console",
}


def coarse_inferences(names: Iterable[str]) -> list[str]:
    """Spotify's inference segments as coarse, non-sensitive categories, each once, in order of
    first appearance: "music genre: indie", "podcast listener", "audiobook listener",
    "device: phone". Every other segment is left out (see the comment above)."""
    out: dict[str, None] = {}
    for name in names:
        text = _SEGMENT_PREFIX.sub("", str(name))
        text = re.sub(r"(?i)r&b", "rnb", re.sub(r"(?i)hip[ _-]?hop", "hiphop", text))
        if re.search(r"[0-9]", text):
            continue  # a date, an age, an income band
        words = [w for w in re.split(r"[^a-z]+", text.lower()) if w]
        if not words:
            continue
        if "podcast" in words or "podcasts" in words:
            out["podcast listener"] = None
            continue
        if "audiobook" in words or "audiobooks" in words:
            out["audiobook listener"] = None
            continue
        meaning = [w for w in words if w not in _FILLER]
        if meaning and all(w in _GENRES for w in meaning):
            out[f"music genre: {' '.join(meaning)}"] = None
        elif meaning and all(w in _DEVICES for w in meaning):
            for w in meaning:
                out[f"device: {_DEVICES[w]}"] = None
    return list(out)


def month(value: Any) -> Any:
    """'2024-03-31T01:30:00Z' or '2024-03-31' -> '2024-03'; None stays None."""
    return value[:7] if isinstance(value, str) and len(value) >= 7 else value


class Pseudonyms:
    """Stable pseudonyms by kind, numbered in the order names are first seen."""

    def __init__(self) -> None:
        self._names: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        self._pairs: dict[str, dict[tuple[str, str | None], str]] = {}

    def name(self, kind: str, value: str | None) -> str | None:
        """The pseudonym of `value` as a `kind` ('artist', 'album', 'show', 'playlist')."""
        if value is None:
            return None
        table = self._names[kind]
        if value not in table:
            table[value] = f"{_LABELS[kind]} {len(table) + 1}"
        return table[value]

    def track(self, name: str | None, artist: str | None) -> str | None:
        """The pseudonym of a track: the pair (name, artist), so covers stay distinct."""
        return self.paired("track", name, artist)

    def paired(self, kind: str, name: str | None, artist: str | None) -> str | None:
        """The pseudonym of a track or album: keyed by (name, artist), so namesakes differ."""
        if name is None:
            return None
        table = self._pairs.setdefault(kind, {})
        key = (name, artist)
        if key not in table:
            table[key] = f"{_LABELS[kind]} {len(table) + 1}"
        self._names[kind].setdefault(name, table[key])
        return table[key]

    def lookup(self, value: str) -> str | None:
        """The pseudonym already given to `value` as any kind (artists first), else None."""
        folded = value.casefold()
        for kind in ("playlist", "artist", "album", "show", "track"):
            for name, alias in self._names[kind].items():
                if name.casefold() == folded:
                    return alias
        return None


def _scrubber(
    pseudo: Pseudonyms, known: Mapping[str, Iterable[str]], doc_names: dict[str, set[str]]
) -> Any:
    """A function that replaces every known name in a text by its pseudonym."""
    kind_of: dict[str, str] = {}
    for kind in ("track", "album", "show", "artist", "playlist"):  # later kinds win
        for name in [*known.get(kind, ()), *doc_names.get(kind, ())]:
            if name and name.strip():
                kind_of[name.casefold()] = kind
    if not kind_of:
        pattern = None
    else:
        alternatives = sorted(kind_of, key=len, reverse=True)
        pattern = re.compile(
            _EDGE_L + "(" + "|".join(re.escape(a) for a in alternatives) + ")" + _EDGE_R,
            re.IGNORECASE,
        )

    def replace(match: re.Match[str]) -> str:
        text = match.group(0)
        alias = pseudo.lookup(text)
        if alias is None:
            kind = kind_of[text.casefold()]
            if kind in ("track", "album"):
                alias = pseudo.paired(kind, text.casefold(), None)
            else:
                alias = pseudo.name(kind, text.casefold())
        return alias or "…"

    def scrub(text: str) -> str:
        if pattern is not None:
            text = pattern.sub(replace, text)
        return _QUOTED.sub(
            lambda m: m.group(0) if _PSEUDONYM.fullmatch(m.group(0)[1:-1]) else "“…”", text
        )

    return scrub


def _collect(doc: Mapping[str, Any]) -> dict[str, set[str]]:
    """Every structured name in the document, by kind."""
    p = doc["profile"]
    names: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for key, kind in (("top_artists", "artist"), ("top_shows", "show")):
        for suffix in ("", "_by_plays"):
            names[kind].update(e["name"] for e in p[key + suffix] if e["name"])
    for key, kind in (("top_tracks", "track"), ("top_albums", "album")):
        for suffix in ("", "_by_plays"):
            for e in p[key + suffix]:
                names[kind].add(e["name"] or "")
                names["artist"].add(e["artist"] or "")
    for e in [*p["obsessions"], *p["forgotten_favorites"]]:
        names["track"].add(e["name"] or "")
        names["artist"].add(e["artist"] or "")
    for year in p["taste_by_year"]:
        names["artist"].update(e["name"] or "" for e in year["top_artists"])
    for m in p["discovery"]:
        names["artist"].update(m["artists"])
    for entry in p.get("left_out", []):
        for f in entry["findings"]:
            if f["scope"] in ("artist", "playlist"):
                names[f["scope"]].add(f["name"])
    for moment in doc["moments"]:
        names["artist"].update(e["name"] for e in moment["top_artists"])
        names["playlist"].update(e["name"] for e in moment["top_playlists"])
        for e in moment["top_tracks"]:
            names["track"].add(e["name"])
            names["artist"].add(e["artist"] or "")
    return {k: {n for n in v if n} for k, v in names.items()}


def _rename(doc: dict[str, Any], pseudo: Pseudonyms) -> None:
    """Replace every structured name, in rank order (see the module docstring)."""
    p = doc["profile"]
    for key in ("top_artists", "top_artists_by_plays"):
        for e in p[key]:
            e["name"] = pseudo.name("artist", e["name"])
    for year in p["taste_by_year"]:
        for e in year["top_artists"]:
            e["name"] = pseudo.name("artist", e["name"])
    for m in p["discovery"]:
        m["artists"] = [pseudo.name("artist", a) for a in m["artists"]]
    for key in ("top_tracks", "top_tracks_by_plays", "obsessions", "forgotten_favorites"):
        for e in p[key]:
            e["name"] = pseudo.track(e["name"], e["artist"])
            e["artist"] = pseudo.name("artist", e["artist"])
    for key in ("top_albums", "top_albums_by_plays"):
        for e in p[key]:
            e["name"] = pseudo.paired("album", e["name"], e["artist"])
            e["artist"] = pseudo.name("artist", e["artist"])
    for key in ("top_shows", "top_shows_by_plays"):
        for e in p[key]:
            e["name"] = pseudo.name("show", e["name"])
    for entry in p.get("left_out", []):
        for f in entry["findings"]:
            if f["scope"] in ("artist", "playlist"):
                f["name"] = pseudo.name(f["scope"], f["name"]) or f["scope"]
            elif f["scope"] == "moment":
                f["name"] = "moment"
    for moment in doc["moments"]:
        for e in moment["top_artists"]:
            e["name"] = pseudo.name("artist", e["name"])
        for e in moment["top_tracks"]:
            e["name"] = pseudo.track(e["name"], e["artist"])
            e["artist"] = pseudo.name("artist", e["artist"])
        for e in moment["top_playlists"]:
            e["name"] = pseudo.name("playlist", e["name"])


def _coarsen_dates(p: dict[str, Any]) -> None:
    """Cut every instant and day of the profile to its month."""
    p["generated_at"] = month(p["generated_at"])
    p["period"] = {k: month(v) for k, v in p["period"].items()}
    p["first_played_at"] = month(p["first_played_at"])
    p["last_played_at"] = month(p["last_played_at"])
    p["sessions"]["longest_start"] = month(p["sessions"]["longest_start"])
    if "daily" in p:
        p["daily"] = None
    for e in p.get("sources", []):
        e["first_day"], e["last_day"] = month(e["first_day"]), month(e["last_day"])
    for e in p["obsessions"]:
        e["window_start"], e["window_end"] = month(e["window_start"]), month(e["window_end"])
    for e in p["forgotten_favorites"]:
        e["first_played"], e["last_played"] = month(e["first_played"]), month(e["last_played"])


def anonymize_report(
    doc: Mapping[str, Any],
    *,
    keep_names: bool = False,
    known_names: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, Any]:
    """An anonymised copy of a report document; see the module docstring for exactly what."""
    out: dict[str, Any] = copy.deepcopy(dict(doc))
    known = {k: [str(n) for n in v if n] for k, v in (known_names or {}).items()}
    profile = out["profile"]
    out["generated_at"] = month(out["generated_at"])
    profile["countries"] = []
    profile["timezone"] = "withheld"
    _coarsen_dates(profile)
    inferences = coarse_inferences(out.get("spotify_inferences") or [])
    if not keep_names:
        doc_names = _collect(out)
        pseudo = Pseudonyms()
        _rename(out, pseudo)
        scrub = _scrubber(pseudo, known, doc_names)
        for i, moment in enumerate(out["moments"]):
            moment["id"] = f"moment-{i + 1}"
            moment["name"] = scrub(moment["name"]) or f"Moment {i + 1}"
            for window in moment["windows"]:
                window["text"] = scrub(window["text"])
            for trait in moment["traits"]:
                trait["evidence"] = [scrub(e) for e in trait["evidence"]]
        for entry in profile.get("left_out", []):
            entry["evidence"] = [scrub(e) for e in entry["evidence"]]
            entry["label"] = scrub(entry["label"])
    out["spotify_inferences"] = inferences or (None if not doc.get("spotify_inferences") else [])
    out["privacy"] = {
        "anonymized": True,
        "names": "real" if keep_names else "pseudonyms",
        "countries": False,
        "dates": "month",
    }
    return out
