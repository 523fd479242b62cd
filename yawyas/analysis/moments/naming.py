"""A moment's name from evidence: "Weekend early mornings · Morning Run" (a playlist that
holds it), "Tue-Thu late nights · Ana Lua & Bea" (artists far likelier in it than elsewhere),
"Weekday nights at the computer" (nothing but its time and device). Names never depend on a
random seed or on the alphabet: ties go to more plays, then more listening time, then to what
was heard first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from yawyas.analysis.moments.describe import Facts
from yawyas.analysis.moments.types import DAY_NAMES, Window, day_run

FULL_DAY_NAMES: Final = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
# (first minute, words): a window is named after the part of the day it mostly falls in
PARTS_OF_DAY: Final = (
    (0, "late nights"),
    (4 * 60, "early mornings"),
    (7 * 60, "mornings"),
    (12 * 60, "middays"),
    (14 * 60, "afternoons"),
    (17 * 60, "evenings"),
    (21 * 60 + 30, "nights"),
    (23 * 60, "late nights"),
)
DEVICE_PHRASES: Final = {
    "speaker": "on the speaker",
    "car": "in the car",
    "desktop": "at the computer",
    "tv": "on the TV",
    "web": "in the browser",
    "console": "on the console",
}
DEVICE_SHARE: Final = 0.6  # a device is named when it plays 60% of the moment
PLAYLIST_SHARE: Final = 0.4
SHOW_SHARE: Final = 0.5
ARTIST_SHARE: Final = 0.35
ALBUM_SHARE: Final = 0.5


def part_of_day(minute: int) -> str:
    """'early mornings', 'evenings', 'late nights'... for a start time (minutes after 00:00)."""
    words = PARTS_OF_DAY[0][1]
    for first, name in PARTS_OF_DAY:
        if minute % 1440 >= first:
            words = name
    return words


def days_phrase(days: Sequence[int]) -> str:
    """'Weekday', 'Weekend', 'Friday', 'Mon/Wed/Fri', 'Tue-Thu', '' (every day)."""
    ds = sorted(set(days))
    if len(ds) == 7 or not ds:
        return ""
    if ds == [0, 1, 2, 3, 4]:
        return "Weekday"
    if ds == [5, 6]:
        return "Weekend"
    if len(ds) == 1:
        return FULL_DAY_NAMES[ds[0]]
    run = day_run(ds)
    if run is not None:
        return f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[1]]}"
    return "/".join(DAY_NAMES[d] for d in ds)


def when_phrase(window: Window) -> str:
    """'Weekend early mornings', 'Friday nights', 'Evenings' (every day): the part of the day
    a third of the way into the window (at most half an hour after its start)."""
    days = days_phrase(window.days)
    part = part_of_day(window.start_minute + min(window.minutes // 3, 30))
    return f"{days} {part}" if days else part.capitalize()


def what_phrase(facts: Facts) -> str:
    """What the moment is, from the strongest evidence: a playlist (or album) that holds much
    of it; else, for podcasts and audiobooks, the show or book; else its characteristic
    artists (far likelier here than in the rest of the history); else nothing but its kind
    ("podcasts") and device ("at the computer"), which `build_name` words on its own."""
    playlist = facts.top_playlists[0] if facts.top_playlists else None
    album = facts.top_albums[0] if facts.top_albums else None
    artists = facts.characteristic
    what = ""
    if playlist is not None and playlist.share >= PLAYLIST_SHARE:
        what = playlist.name
    elif facts.content in ("podcasts", "audiobooks"):
        top = facts.top_artists[0] if facts.top_artists else None
        what = top.name if top is not None and top.share >= SHOW_SHARE else facts.content
    elif album is not None and album.share >= ALBUM_SHARE:
        what = album.name
    elif artists and artists[0].share >= ARTIST_SHARE:
        what = artists[0].name
    elif len(artists) >= 2:
        what = f"{artists[0].name} & {artists[1].name}"
    elif artists:
        what = artists[0].name
    device = facts.device if facts.device_share >= DEVICE_SHARE else None
    phrase = DEVICE_PHRASES.get(device or "")
    if what in ("", "podcasts", "audiobooks"):  # only time, device and kind to go by
        phrase = {**DEVICE_PHRASES, "phone": "on the phone"}.get(device or "")
        what = " ".join(w for w in (what, phrase) if w)
        return what
    return f"{what} {phrase}" if phrase else what


def build_name(facts: Facts) -> str:
    """'<when> · <what>' from the moment's first window and its content; '<when> <device>'
    when nothing but time and device describe it ("Weekday nights at the computer")."""
    when, what = when_phrase(facts.window), what_phrase(facts)
    if not what:
        return when
    if what.startswith(("on the ", "at the ", "in the ")):
        return f"{when} {what}"
    return f"{when} · {what}"


def unique_names(names: Sequence[str], windows: Sequence[Window]) -> list[str]:
    """Names made distinct: a repeated name gets its window's start time."""
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    out = []
    for name, window in zip(names, windows, strict=True):
        if seen[name] > 1:
            start = window.start_minute
            name = f"{name} ({start // 60:02d}:{start % 60:02d})"
        out.append(name)
    return out
