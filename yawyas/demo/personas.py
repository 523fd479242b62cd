"""Who the synthetic listeners are: their timezone, devices, taste and the moments they live."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

WEEKDAYS = (0, 1, 2, 3, 4)
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)

# Relative chance of an everyday (unplanned) session starting in each local hour, 0..23.
DAY_PERSON_HOURS = (
    0.25, 0.12, 0.06, 0.04, 0.04, 0.1, 0.35, 0.8, 1.0, 0.8, 0.8, 0.9,
    1.0, 1.0, 0.9, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.4, 1.0, 0.6,
)  # fmt: skip
NIGHT_OWL_HOURS = (
    0.9, 0.7, 0.45, 0.2, 0.08, 0.04, 0.05, 0.2, 0.5, 0.6, 0.7, 0.8,
    0.9, 0.9, 0.9, 0.9, 1.0, 1.1, 1.2, 1.3, 1.5, 1.6, 1.6, 1.3,
)  # fmt: skip


@dataclass(frozen=True)
class PlantedMoment:
    """A recurring moment the persona lives: the ground truth that yawyas should find again.

    `days` are the weekdays (0=Monday) on which the window STARTS; a window that crosses midnight
    (`end_hour <= start_hour`, e.g. 21 to 0.5) runs into the next morning, so a stream at 00:10 on
    a Saturday belongs to the Friday window. Hours are local wall-clock time in the persona's
    timezone.
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
    content: str = "music"  # "music", "podcast" or "audiobook"
    shuffle: bool = False
    skip_rate: float = 0.1  # chance a track is skipped with the forward button
    probability: float = 0.85  # chance the moment happens on one of its days
    minutes: tuple[float, float] = (30.0, 90.0)  # how long one session lasts
    active_from: float = 0.0  # fraction of the history after which the habit exists
    offline_rate: float = 0.0  # share of sessions played from downloads
    playlist_size: tuple[int, int] = (40, 70)

    @property
    def crosses_midnight(self) -> bool:
        """True when the window runs past midnight into the next day."""
        return self.end_hour <= self.start_hour

    @property
    def hours(self) -> float:
        """Length of the window in hours."""
        return (self.end_hour - self.start_hour) % 24 or 24.0

    def contains(self, local: datetime) -> bool:
        """Whether a local wall-clock time falls inside this moment's window (day and hour)."""
        hour = local.hour + local.minute / 60 + local.second / 3600
        weekday = local.weekday()
        if not self.crosses_midnight:
            return weekday in self.days and self.start_hour <= hour < self.end_hour
        if weekday in self.days and hour >= self.start_hour:
            return True
        return (weekday - 1) % 7 in self.days and hour < self.end_hour


@dataclass(frozen=True)
class Persona:
    """A synthetic listener: where they live, what they play, on what, and when."""

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


DEFAULT = Persona(
    name="default",
    description=(
        "Lucía, a parent in Madrid: weekend runs, kids' songs after nursery, tango on Fridays, "
        "salsa on Wednesdays, lo-fi for deep work and podcasts on the commute."
    ),
    timezone="Europe/Madrid",
    home_country="ES",
    username="demo-lucia",
    moments=(
        PlantedMoment(
            id="weekend_run",
            description="Weekend early mornings, Morning Run playlist on the phone",
            days=(5, 6),
            start_hour=6.5,
            end_hour=7.5,
            device="phone",
            playlist="Morning Run",
            trait="weekend runner",
            genres=("running",),
            shuffle=True,
            skip_rate=0.15,
            minutes=(35, 55),
        ),
        PlantedMoment(
            id="kids_songs",
            description="Weekday late afternoons, Kids songs on the living-room speaker",
            days=WEEKDAYS,
            start_hour=17.0,
            end_hour=19.0,
            device="speaker",
            playlist="Kids songs",
            trait="parent",
            genres=("kids",),
            skip_rate=0.08,
            minutes=(20, 50),
            active_from=0.12,
            playlist_size=(30, 45),
        ),
        PlantedMoment(
            id="friday_tango",
            description="Friday nights until after midnight, Tango Night on the speaker",
            days=(4,),
            start_hour=21.0,
            end_hour=0.5,
            device="speaker",
            playlist="Tango Night",
            trait="dancer",
            genres=("tango",),
            skip_rate=0.04,
            probability=0.8,
            minutes=(70, 150),
            playlist_size=(60, 90),
        ),
        PlantedMoment(
            id="wednesday_salsa",
            description="Wednesday evenings, Salsa practice on the phone",
            days=(2,),
            start_hour=20.5,
            end_hour=22.0,
            device="phone",
            playlist="Salsa",
            trait="dancer",
            genres=("salsa",),
            shuffle=True,
            skip_rate=0.1,
            probability=0.75,
            minutes=(45, 80),
            playlist_size=(30, 45),
        ),
        PlantedMoment(
            id="deep_focus",
            description="Weekday mornings at the desktop, Deep Focus lo-fi with few skips",
            days=WEEKDAYS,
            start_hour=9.0,
            end_hour=12.0,
            device="desktop",
            playlist="Deep Focus",
            trait="deep work",
            genres=("focus",),
            shuffle=True,
            skip_rate=0.02,
            probability=0.75,
            minutes=(40, 100),
            playlist_size=(80, 120),
        ),
        PlantedMoment(
            id="commute_podcasts",
            description="Weekday commute, podcasts on the phone",
            days=WEEKDAYS,
            start_hour=8.0,
            end_hour=8.75,
            device="phone",
            playlist=None,
            trait="commuter",
            content="podcast",
            probability=0.75,
            minutes=(25, 40),
        ),
    ),
    tastes=(
        ("latin_pop", 0.25),
        ("pop", 0.22),
        ("indie", 0.18),
        ("rock", 0.07),
        ("tango", 0.05),
        ("salsa", 0.04),
        ("focus", 0.03),
        ("kpop", 0.06),
        ("vpop", 0.03),
        ("jpop", 0.03),
        ("kids", 0.02),
    ),
    everyday_sessions=2.6,
    podcasts=(
        "Code & Coffee",
        "La Tertulia del Lunes",
        "Ciencia en 20 Minutos",
        "The Morning Brief",
    ),
    extra_playlists=(
        ("Domingo Chill", ("indie", "focus")),
        ("Boda de Marta 💃", ("latin_pop", "salsa", "pop")),
    ),
    travel=(
        ("Europe/Lisbon", "PT"),
        ("Europe/London", "GB"),
        ("America/Mexico_City", "MX"),
        ("Asia/Tokyo", "JP"),
    ),
    inferences=(
        "1P_Custom_Running_Enthusiasts",
        "1P_Custom_Parents_Young_Children",
        "3P_Custom_Latin_Dance",
        "1P_Podcast_Listeners_Technology",
        "2P_Custom_Productivity_Seekers",
        "1P_Custom_Commuters",
        "3P_Custom_Auto_Intenders",
        "Android",
        "Spanish_Speakers",
    ),
    birthdate="1989-04-12",
)

NIGHT_OWL = Persona(
    name="night_owl",
    description=(
        "Marcus, a developer in New York: codes to synthwave late at night (past midnight), "
        "podcasts offline on the subway, jazz for Sunday brunch."
    ),
    timezone="America/New_York",
    home_country="US",
    username="demo-marcus",
    phone_os="ios",
    desktop_os="mac",
    moments=(
        PlantedMoment(
            id="late_night_code",
            description="Tue-Thu nights past midnight, Night Shift synthwave at the desk",
            days=(1, 2, 3),
            start_hour=23.0,
            end_hour=2.0,
            device="desktop",
            playlist="Night Shift",
            trait="night owl",
            genres=("synthwave",),
            shuffle=True,
            skip_rate=0.06,
            probability=0.8,
            minutes=(60, 150),
            playlist_size=(50, 80),
        ),
        PlantedMoment(
            id="subway_commute",
            description="Weekday subway mornings, downloaded podcasts on the phone",
            days=WEEKDAYS,
            start_hour=8.25,
            end_hour=9.0,
            device="phone",
            playlist=None,
            trait="commuter",
            content="podcast",
            offline_rate=0.7,
            minutes=(25, 40),
        ),
        PlantedMoment(
            id="sunday_brunch",
            description="Sunday late mornings, Sunday Brunch Jazz on the kitchen speaker",
            days=(6,),
            start_hour=10.5,
            end_hour=12.5,
            device="speaker",
            playlist="Sunday Brunch Jazz",
            trait="slow sundays",
            genres=("jazz",),
            skip_rate=0.05,
            probability=0.8,
            minutes=(60, 110),
        ),
    ),
    tastes=(
        ("hiphop", 0.3),
        ("indie", 0.2),
        ("rock", 0.15),
        ("pop", 0.15),
        ("synthwave", 0.1),
        ("jazz", 0.05),
        ("kpop", 0.05),
    ),
    everyday_sessions=2.2,
    everyday_hours=NIGHT_OWL_HOURS,
    podcasts=("The Morning Brief", "History Hour", "Code & Coffee"),
    extra_playlists=(("Gym-ish", ("hiphop",)), ("Rainy Day", ("indie", "jazz"))),
    travel=(("America/Los_Angeles", "US"), ("Europe/London", "GB"), ("America/Mexico_City", "MX")),
    inferences=(
        "1P_Custom_Night_Owls",
        "1P_Podcast_Listeners_News",
        "3P_Custom_Tech_Professionals",
        "1P_Custom_Commuters",
        "3P_Custom_Coffee_Lovers",
        "iOS",
    ),
    birthdate="1992-09-30",
)

TOKYO = Persona(
    name="tokyo",
    description=(
        "Haruka in Tokyo: the same weekday evening hours are the gym (phone, shuffle, workout "
        "music) on Mon/Wed/Fri and cooking (kitchen speaker, jazz) on Tue/Thu."
    ),
    timezone="Asia/Tokyo",
    home_country="JP",
    username="demo-haruka",
    desktop_os="mac",
    moments=(
        PlantedMoment(
            id="gym",
            description="Mon/Wed/Fri 18:00-20:00, Gym Power on the phone, shuffled, many skips",
            days=(0, 2, 4),
            start_hour=18.0,
            end_hour=20.0,
            device="phone",
            playlist="Gym Power",
            trait="gym goer",
            genres=("gym",),
            shuffle=True,
            skip_rate=0.18,
            minutes=(45, 90),
        ),
        PlantedMoment(
            id="cooking",
            description="Tue/Thu 18:00-20:00, Kitchen Jazz on the kitchen speaker",
            days=(1, 3),
            start_hour=18.0,
            end_hour=20.0,
            device="speaker",
            playlist="Kitchen Jazz",
            trait="home cook",
            genres=("jazz",),
            skip_rate=0.04,
            minutes=(40, 80),
        ),
        PlantedMoment(
            id="train_podcasts",
            description="Weekday train mornings, podcasts on the phone",
            days=WEEKDAYS,
            start_hour=7.5,
            end_hour=8.25,
            device="phone",
            playlist=None,
            trait="commuter",
            content="podcast",
            probability=0.8,
            minutes=(25, 40),
        ),
    ),
    tastes=(
        ("jpop", 0.45),
        ("kpop", 0.15),
        ("pop", 0.15),
        ("indie", 0.1),
        ("vpop", 0.05),
        ("jazz", 0.05),
        ("gym", 0.05),
    ),
    everyday_sessions=2.0,
    podcasts=("東京ビジネス通信", "夜のラジオ", "Code & Coffee"),
    extra_playlists=(("週末ドライブ", ("jpop", "pop")),),
    travel=(("Asia/Seoul", "KR"), ("Asia/Ho_Chi_Minh", "VN"), ("Pacific/Honolulu", "US")),
    inferences=(
        "1P_Custom_Fitness_Enthusiasts",
        "1P_Custom_Home_Cooks",
        "3P_Custom_Japanese_Pop_Fans",
        "1P_Custom_Commuters",
        "Android",
    ),
    birthdate="1995-02-03",
)

SYDNEY = Persona(
    name="sydney",
    description=(
        "Jack in Sydney (southern-hemisphere daylight saving): drives to work with rock in the "
        "car, long Sunday runs, Saturday barbecues, an audiobook at bedtime."
    ),
    timezone="Australia/Sydney",
    home_country="AU",
    username="demo-jack",
    phone_os="ios",
    moments=(
        PlantedMoment(
            id="drive_to_work",
            description="Weekday mornings in the car, Drive playlist over Android Auto",
            days=WEEKDAYS,
            start_hour=7.0,
            end_hour=7.75,
            device="car",
            playlist="Drive",
            trait="driver",
            genres=("rock",),
            shuffle=True,
            skip_rate=0.12,
            probability=0.8,
            minutes=(25, 40),
        ),
        PlantedMoment(
            id="sunday_long_run",
            description="Sunday early mornings, Long Run playlist on the phone",
            days=(6,),
            start_hour=6.0,
            end_hour=8.0,
            device="phone",
            playlist="Long Run",
            trait="weekend runner",
            genres=("running",),
            shuffle=True,
            skip_rate=0.15,
            minutes=(60, 110),
        ),
        PlantedMoment(
            id="saturday_bbq",
            description="Saturday afternoons, Backyard BBQ on the speaker",
            days=(5,),
            start_hour=16.0,
            end_hour=19.0,
            device="speaker",
            playlist="Backyard BBQ",
            trait="host",
            genres=("pop", "rock"),
            shuffle=True,
            skip_rate=0.1,
            probability=0.7,
            minutes=(90, 170),
            playlist_size=(60, 90),
        ),
        PlantedMoment(
            id="bedtime_audiobook",
            description="Most nights at bedtime, an audiobook on the phone",
            days=(0, 1, 2, 3, 6),
            start_hour=22.0,
            end_hour=23.0,
            device="phone",
            playlist=None,
            trait="reader",
            content="audiobook",
            probability=0.75,
            minutes=(20, 45),
        ),
    ),
    tastes=(
        ("rock", 0.3),
        ("indie", 0.25),
        ("pop", 0.2),
        ("hiphop", 0.1),
        ("vpop", 0.05),
        ("jpop", 0.05),
        ("running", 0.05),
    ),
    everyday_sessions=1.8,
    podcasts=("The Long Game", "History Hour"),
    podcast_share=0.1,
    audiobooks=(
        "The Lighthouse Keeper's Daughter",
        "A Short History of Rivers",
        "Quiet Machines",
    ),
    extra_playlists=(("Arvo Chill", ("indie",)),),
    travel=(("Pacific/Auckland", "NZ"), ("Asia/Singapore", "SG"), ("Asia/Ho_Chi_Minh", "VN")),
    inferences=(
        "1P_Custom_Running_Enthusiasts",
        "1P_Custom_Audiobook_Listeners",
        "3P_Custom_Auto_Owners",
        "3P_Custom_Outdoor_Entertaining",
        "iOS",
    ),
    birthdate="1986-11-21",
)

PERSONAS: dict[str, Persona] = {p.name: p for p in (DEFAULT, NIGHT_OWL, TOKYO, SYDNEY)}
