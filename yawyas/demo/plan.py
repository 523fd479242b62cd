"""A planned listening session, and the kinds of session the simulation plays."""

from __future__ import annotations

# plan kinds: a planted moment, everyday taste, an album, a playlist, podcasts, an audiobook,
# a binge on one artist, a mix of some genres (an occasional session: someone else's taste...)
MOMENT, TASTE, ALBUM, PLAYLIST, PODCAST, BOOK, BINGE, MIX = range(8)


class Plan:
    """A planned session: when, on what, where, and what it plays.

    `moment` is the index of the planted moment it belongs to (-1 for none); `event` names the
    life event behind it ("trip", "holiday", "binge", "party", "noise" or an Occasional's id;
    None for ordinary listening); `source` is the binge's artist or the Occasional's index;
    `repeat` how many tracks a session on repeat loops.
    """

    __slots__ = (
        "country",
        "device",
        "end",
        "event",
        "incognito",
        "ip",
        "kind",
        "moment",
        "offline",
        "playlist",
        "repeat",
        "shuffle",
        "source",
        "start",
    )

    def __init__(self, start: float, end: float, kind: int, device: str, country: str) -> None:
        self.start = start
        self.end = end
        self.kind = kind
        self.device = device
        self.country = country
        self.moment = -1
        self.playlist = -1
        self.ip = ""
        self.offline = False
        self.shuffle = False
        self.incognito = False
        self.event: str | None = None
        self.source = -1
        self.repeat = 0
