"""What a synthetic listener is made of: planted moments, occasional sessions, the persona itself.

Every option that makes a life messier (eras, drift, varying content, other audiences, sessions
on repeat, binges, parties, holidays, another person on the account, noise) defaults to off, so
a persona that does not ask for it lives exactly the same rows as before the option existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

WEEKDAYS = (0, 1, 2, 3, 4)
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)

# Who a stream is for: the listener's own taste, children, another person on the account, or
# functional audio (sleep, rain, white noise, meditation). `DemoHistory.audiences` holds one a row.
AUDIENCES = ("you", "kids", "someone else", "functional")
CONTENTS = ("music", "taste", "podcast", "audiobook")
# The life events `DemoHistory.events` names (besides each Occasional's own id).
LIFE_EVENTS = ("trip", "holiday", "binge", "party", "noise")

# Relative chance of an everyday (unplanned) session starting in each local hour, 0..23.
DAY_PERSON_HOURS = (
    0.25, 0.12, 0.06, 0.04, 0.04, 0.1, 0.35, 0.8, 1.0, 0.8, 0.8, 0.9,
    1.0, 1.0, 0.9, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.4, 1.0, 0.6,
)  # fmt: skip
NIGHT_OWL_HOURS = (
    0.9, 0.7, 0.45, 0.2, 0.08, 0.04, 0.05, 0.2, 0.5, 0.6, 0.7, 0.8,
    0.9, 0.9, 0.9, 0.9, 1.0, 1.1, 1.2, 1.3, 1.5, 1.6, 1.6, 1.3,
)  # fmt: skip
# On holiday: late mornings, long afternoons, late nights.
HOLIDAY_HOURS = (
    0.4, 0.25, 0.1, 0.03, 0.02, 0.02, 0.02, 0.04, 0.12, 0.4, 0.9, 1.1,
    1.1, 1.0, 0.9, 0.9, 0.9, 1.0, 1.1, 1.2, 1.3, 1.3, 1.1, 0.8,
)  # fmt: skip


@dataclass(frozen=True)
class PlantedMoment:
    """A recurring moment the persona lives: the ground truth that yawyas should find again.

    `days` are the weekdays (0=Monday) on which the window STARTS; a window that crosses midnight
    (`end_hour <= start_hour`, e.g. 21 to 0.5) runs into the next morning, so a stream at 00:10 on
    a Saturday belongs to the Friday window. Hours are local wall-clock time in the persona's
    timezone.

    The habit lives from `active_from` to `active_to` (fractions of the history's days); over that
    era its window moves linearly by `drift_hours` (see `window_at`). `content` "music" plays the
    moment's playlist, "taste" whatever the persona likes that month (a routine of hours and
    device, not of music), "podcast" and "audiobook" their shows and books. With `repeat` > 0 a
    session loops that many tracks of the playlist for its whole length (sleep sounds overnight).
    `start_spread` (hours) makes sessions begin within that long after the window opens, instead
    of anywhere in it. `audience` is who the streams are for (one of AUDIENCES).
    """

    id: str
    description: str
    days: tuple[int, ...]
    start_hour: float
    end_hour: float
    device: str
    playlist: str | None
    trait: str
    genres: tuple[str, ...] = ()  # where the playlist's music comes from
    content: str = "music"  # one of CONTENTS
    shuffle: bool = False
    skip_rate: float = 0.1  # chance a track is skipped with the forward button
    probability: float = 0.85  # chance the moment happens on one of its days
    minutes: tuple[float, float] = (30.0, 90.0)  # how long one session lasts
    active_from: float = 0.0  # fraction of the history after which the habit exists
    offline_rate: float = 0.0  # share of sessions played from downloads
    playlist_size: tuple[int, int] = (40, 70)
    active_to: float = 1.0  # fraction of the history after which the habit has stopped
    drift_hours: float = 0.0  # how far the window moves (later if positive) over the era
    audience: str = "you"
    repeat: int = 0  # tracks looped for the whole session (0: no repeat)
    start_spread: float | None = None  # sessions start within this many hours of the opening

    @property
    def crosses_midnight(self) -> bool:
        """True when the window runs past midnight into the next day."""
        return self.end_hour <= self.start_hour

    @property
    def hours(self) -> float:
        """Length of the window in hours."""
        return (self.end_hour - self.start_hour) % 24 or 24.0

    def window_at(self, progress: float) -> tuple[float, float]:
        """(start, end) local hours of the window at `progress` in [0, 1] through its era.

        Without drift it is (start_hour, end_hour) all along; both ends are taken modulo 24.
        """
        shift = self.drift_hours * min(1.0, max(0.0, progress))
        return ((self.start_hour + shift) % 24, (self.end_hour + shift) % 24)

    def contains(self, local: datetime) -> bool:
        """Whether a local wall-clock time falls inside this moment's window (day and hour).

        The window is the undrifted one, (start_hour, end_hour).
        """
        hour = local.hour + local.minute / 60 + local.second / 3600
        weekday = local.weekday()
        if not self.crosses_midnight:
            return weekday in self.days and self.start_hour <= hour < self.end_hour
        if weekday in self.days and hour >= self.start_hour:
            return True
        return (weekday - 1) % 7 in self.days and hour < self.end_hour


@dataclass(frozen=True)
class Occasional:
    """Sessions on random days, not a weekly habit: another person on the account, children's
    songs at a random weekend hour...

    On each of `days` (at home: not abroad, not on holiday) within its era, a session happens with
    `chance`, starting at a uniform local time between `hours`, on one of `devices`, playing
    `genres` (weighted; empty: the persona's own taste that month). Its streams carry
    `DemoHistory.events[i] == id` and `audiences[i] == audience`.
    """

    id: str
    description: str
    days: tuple[int, ...]
    chance: float
    hours: tuple[float, float]
    devices: tuple[str, ...]
    genres: tuple[tuple[str, float], ...] = ()
    audience: str = "you"
    minutes: tuple[float, float] = (20.0, 90.0)
    active_from: float = 0.0
    active_to: float = 1.0
    skip_rate: float = 0.2


@dataclass(frozen=True)
class Persona:
    """A synthetic listener: where they live, what they play, on what, and when.

    The life-event options (all off by default): `binges_per_year` days of one artist for hours;
    `parties`, one night each (3 to 6 hours on the speaker) with its own playlist; home
    `holidays_per_year` of one to three weeks with no routines and holiday hours (`travel` is
    trips abroad); `occasional` sessions on random days; `noise_per_year` one-off sessions at any
    hour on any device. `window_quiet` is how surely everyday listening stays out of moment
    windows; with `eras_shape_windows` that quiet follows each moment's era and drift (the original
    personas keep their windows quiet for the whole history). Without `devices_follow_workdays`
    everyday sessions take any device at any hour (the phone still at night).
    """

    name: str
    description: str
    timezone: str
    home_country: str
    moments: tuple[PlantedMoment, ...]
    username: str
    tastes: tuple[tuple[str, float], ...]  # everyday genres and their weights
    phone_os: str = "android"  # "android" or "ios"
    desktop_os: str = "windows"  # "windows" or "mac"
    everyday_sessions: float = 2.0  # unplanned sessions a day, on average
    everyday_devices: tuple[tuple[str, float], ...] = (
        ("phone", 0.6),
        ("desktop", 0.25),
        ("speaker", 0.1),
        ("web", 0.03),
        ("tv", 0.02),
    )
    everyday_hours: tuple[float, ...] = DAY_PERSON_HOURS
    podcasts: tuple[str, ...] = ()  # show names, most listened first
    podcast_share: float = 0.08  # share of everyday sessions that are podcasts
    audiobooks: tuple[str, ...] = ()  # book titles in reading order
    extra_playlists: tuple[tuple[str, tuple[str, ...]], ...] = ()  # name, genres
    travel: tuple[tuple[str, str], ...] = ()  # (timezone, country) of places they visit
    trips_per_year: float = 1.5
    inferences: tuple[str, ...] = ()  # Spotify's advertising segments for them
    birthdate: str = "1990-01-01"
    occasional: tuple[Occasional, ...] = ()
    binges_per_year: float = 0.0
    parties: tuple[tuple[str, tuple[str, ...]], ...] = ()  # one party each: playlist, genres
    holidays_per_year: float = 0.0
    noise_per_year: float = 0.0
    window_quiet: float = 0.85
    eras_shape_windows: bool = False
    devices_follow_workdays: bool = True  # desktop on workdays, speaker and TV after work
