"""`generate_history`: a persona's simulated life as extended-streaming-history rows."""

from __future__ import annotations

import gc
import math
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from yawyas.demo.catalog import META_FIELDS, TRACK, spotify_id
from yawyas.demo.habits import AUDIENCES, CONTENTS, LIFE_EVENTS
from yawyas.demo.names import BOOKS, GENRES, SHOWS
from yawyas.demo.personas import ALL_PERSONAS, Persona
from yawyas.demo.platforms import PLATFORM_STRINGS
from yawyas.demo.simulate import Row, Simulation
from yawyas.demo.world import DAY_S, YEAR_S
from yawyas.errors import NotFoundError

DEFAULT_END = datetime(2026, 10, 31, 23, 0, tzinfo=UTC)
MAX_YEARS = 18.0  # Spotify's age; beyond it a bigger history listens more each day instead
PILOT_YEARS = 1.0
ELASTICITY = 0.8  # once days fill up, rows grow about as (everyday multiplier) ** 0.8

ROW_FIELDS = (
    "ts",
    "username",
    "platform",
    "ms_played",
    "conn_country",
    "ip_addr",
    "user_agent_decrypted",
    *META_FIELDS,
    "reason_start",
    "reason_end",
    "shuffle",
    "skipped",
    "offline",
    "offline_timestamp",
    "incognito_mode",
)

_DESCRIPTIONS = {
    "Morning Run": "Sábado y domingo, antes del desayuno",
    "Kids songs": "Para la merienda y el baño",
    "Tango Night": "Tandas para practicar",
    "Deep Focus": "no lyrics, no distractions",
    "Night Shift": "ship it",
    "Kitchen Jazz": "料理のBGM",
    "Long Run": "Sunday 15k",
    "Boda de Marta 💃": "¡Todos a la pista!",
}


@dataclass
class DemoHistory:
    """A persona's listening life: the rows Spotify would export, and what was planted in them.

    `streams` are extended-history rows with Spotify's field names, in time order. With
    `write_export(..., quirks=False)` they are written exactly as they are; with quirks=True the
    rows written are `apply_quirks(history).streams`. The ground truth, aligned with `streams`
    (also through `apply_quirks`):

    - `labels[i]`: the id of the planted moment that produced `streams[i]`, or None;
    - `audiences[i]`: who it was played for, one of AUDIENCES: "you" (the listener's own taste),
      "kids", "someone else" (another person on the account), "functional" (sleep sounds...).
      It is decided per session: a moment's or an Occasional's `audience`, the audience of the
      moment whose playlist an everyday session plays, else "you";
    - `events[i]`: the life event behind it: "trip", "holiday", "binge", "party", "noise" or an
      Occasional's id (e.g. "partner"), None for ordinary listening and planted moments.

    `artist_genres` maps every artist name of the demo catalog to its demo genre (a key of
    yawyas.demo.names.GENRES).
    """

    persona: Persona
    streams: list[dict[str, Any]]
    labels: list[str | None]
    playlists: list[dict[str, Any]]
    videos: list[dict[str, Any]] = field(default_factory=list)  # Streaming_History_Video rows
    library: dict[str, Any] = field(default_factory=dict)  # YourLibrary.json
    seed: int = 7
    end: datetime = DEFAULT_END  # the history's "now": no row ends after it
    quirky: bool = False  # True once apply_quirks has been applied
    audiences: list[str] = field(default_factory=list)
    events: list[str | None] = field(default_factory=list)
    artist_genres: dict[str, str] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        """The persona's home timezone."""
        return ZoneInfo(self.persona.timezone)


def resolve_persona(persona: str | Persona) -> Persona:
    """The Persona itself, or the one registered under that name (in ALL_PERSONAS)."""
    if isinstance(persona, Persona):
        _check(persona)
        return persona
    found = ALL_PERSONAS.get(persona)
    if found is None:
        names = ", ".join(sorted(ALL_PERSONAS))
        raise NotFoundError(f"There is no demo persona called {persona!r}; choose one of: {names}.")
    return found


def _check(persona: Persona) -> None:
    """Fails early, in one sentence, on a hand-made persona the demo world cannot play."""
    genres = [g for g, _ in persona.tastes] + [g for m in persona.moments for g in m.genres]
    genres += [g for _, gs in (*persona.extra_playlists, *persona.parties) for g in gs]
    genres += [g for o in persona.occasional for g, _ in o.genres]
    problems = [f"unknown genre {g!r}" for g in genres if g not in GENRES]
    problems += [f"unknown show {s!r}" for s in persona.podcasts if s not in SHOWS]
    books = {book.title for book in BOOKS}
    problems += [f"unknown audiobook {b!r}" for b in persona.audiobooks if b not in books]
    devices = [m.device for m in persona.moments] + [
        d for o in persona.occasional for d in o.devices
    ]
    problems += [f"unknown device {d!r}" for d in devices if d not in PLATFORM_STRINGS]
    audiences = [m.audience for m in persona.moments] + [o.audience for o in persona.occasional]
    problems += [f"unknown audience {a!r}" for a in audiences if a not in AUDIENCES]
    for m in persona.moments:
        if m.content not in CONTENTS:
            problems.append(f"unknown content {m.content!r}")
        if m.content == "music" and not m.genres:
            problems.append(f"moment {m.id!r} without genres")
        if m.content != "music" and m.playlist is not None:
            problems.append(f"moment {m.id!r} with a playlist for {m.content!r} content")
        if m.repeat and (m.content != "music" or m.shuffle):
            problems.append(f"moment {m.id!r} on repeat without an unshuffled playlist")
        if not 0 <= m.active_from < m.active_to <= 1:
            problems.append(f"moment {m.id!r} era {m.active_from}..{m.active_to}")
    for o in persona.occasional:
        if not o.devices or not 0 <= o.active_from < o.active_to <= 1 or o.id in LIFE_EVENTS:
            problems.append(f"occasional {o.id!r} (devices, era or a reserved id)")
    ZoneInfo(persona.timezone)
    if problems:
        raise ValueError(f"persona {persona.name!r} cannot be played: " + ", ".join(problems))


def generate_history(
    persona: str | Persona = "default",
    *,
    seed: int = 7,
    years: float = 3.0,
    n_streams: int | None = None,
    end: datetime | None = None,
) -> DemoHistory:
    """Simulate a persona's listening for `years` up to `end` (default 2026-10-31T23:00Z).

    The same arguments give the same rows, byte for byte. With `n_streams` the history has
    exactly that many rows and `years` is ignored: it covers as many years as the persona needs at
    its usual pace, up to 15, beyond which the persona listens more each day.
    """
    who = resolve_persona(persona)
    if end is None:
        end = DEFAULT_END
    elif end.tzinfo is None:
        end = end.replace(tzinfo=UTC)
    end_s = end.timestamp()
    with _no_gc():
        if n_streams is None:
            if years <= 0:
                raise ValueError("years must be positive")
            return _history(Simulation(who, seed, years, 1.0, end_s).run(), None)
        if n_streams < 1:
            raise ValueError("n_streams must be at least 1")
        return _history(_simulate_rows(who, seed, n_streams, end_s), n_streams)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small containers."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _simulate_rows(who: Persona, seed: int, n_streams: int, end_s: float) -> Simulation:
    """A simulation with at least `n_streams` rows: longer first, then denser days."""
    pilot = Simulation(who, seed, PILOT_YEARS, 1.0, end_s).run()
    if len(pilot.rows) >= n_streams:
        return pilot
    per_year = len(pilot.rows) / PILOT_YEARS
    target = n_streams * 1.03 + 200
    span, mult = target / per_year, 1.0
    if span > MAX_YEARS:
        # tune how much more the persona listens a day on one-year trials (secant steps in
        # log-log space), cheap next to the real run
        span = MAX_YEARS
        need = target / span
        known = (1.0, per_year)
        mult = (need / per_year) ** 2  # rows grow about as the square root of the multiplier
        for _ in range(5):
            got = len(Simulation(who, seed, PILOT_YEARS, mult, end_s).run().rows) / PILOT_YEARS
            if need <= got < need * 1.03:
                break
            slope = math.log(got / known[1]) / math.log(mult / known[0]) if mult != known[0] else 0
            known = (mult, got)
            mult *= (need * 1.01 / got) ** (1 / min(1.0, max(0.2, slope)))
    for _ in range(8):
        sim = Simulation(who, seed, span, mult, end_s).run()
        if len(sim.rows) >= n_streams:
            return sim
        factor = target / max(1, len(sim.rows))
        if span * factor <= MAX_YEARS:
            span *= factor
        else:
            mult *= (factor * span / MAX_YEARS) ** (1 / ELASTICITY)
            span = MAX_YEARS
    raise ValueError(f"could not simulate {n_streams} streams for persona {who.name!r}")


def _history(sim: Simulation, keep: int | None) -> DemoHistory:
    """Turns a finished simulation into rows (the last `keep` of them, or all)."""
    rows = sim.rows if keep is None else sim.rows[max(0, len(sim.rows) - keep) :]
    persona = sim.persona
    meta = sim.catalog.meta
    clock = [f"T{h:02d}:{m:02d}:{s:02d}Z" for h in range(24) for m in range(60) for s in range(60)]
    first_day = rows[0][0] // 86_400 if rows else 0
    last_day = rows[-1][0] // 86_400 if rows else 0
    dates = [
        datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%d")
        for day in range(first_day, last_day + 1)
    ]
    by_session = [
        {
            "platform": sim.platform(plan.device),
            "conn_country": plan.country,
            "ip_addr": plan.ip,
            "shuffle": plan.shuffle,
            "offline": plan.offline,
            "incognito_mode": plan.incognito,
        }
        for plan in sim.sessions
    ]
    moments = [persona.moments[p.moment].id if p.moment >= 0 else None for p in sim.sessions]
    audiences = _audiences(sim)
    events = [plan.event for plan in sim.sessions]
    blank: dict[str, Any] = dict.fromkeys(ROW_FIELDS)
    blank["username"] = persona.username
    templates = [blank | dict(zip(META_FIELDS, m, strict=True)) for m in meta]
    streams: list[dict[str, Any]] = []
    append = streams.append
    for end_s, ms, item, rs, re, skip, s in rows:
        row = templates[item].copy()  # much faster than a 25-key dict literal
        row["ts"] = dates[end_s // 86_400 - first_day] + clock[end_s % 86_400]
        row.update(by_session[s])
        row["ms_played"] = ms
        row["reason_start"] = rs
        row["reason_end"] = re
        row["skipped"] = skip
        row["offline_timestamp"] = end_s - ms // 1000
        append(row)
    labels = [moments[row[6]] for row in rows]
    cat = sim.catalog
    return DemoHistory(
        persona=persona,
        streams=streams,
        labels=labels,
        audiences=[audiences[row[6]] for row in rows],
        events=[events[row[6]] for row in rows],
        artist_genres=dict(zip(cat.artist_names, cat.artist_genre, strict=True)),
        playlists=_playlists(sim),
        videos=_videos(sim, len(streams)),
        library=_library(sim, rows),
        seed=sim.seed,
        end=datetime.fromtimestamp(sim.t1, UTC),
    )


def _audiences(sim: Simulation) -> list[str]:
    """Who each session was played for (see DemoHistory)."""
    persona = sim.persona
    by_playlist = {
        playlist: persona.moments[moment].audience
        for moment, playlist in sim.world.moment_playlist.items()
    }
    by_event = {occasional.id: occasional.audience for occasional in persona.occasional}
    found: list[str] = []
    for plan in sim.sessions:
        if plan.moment >= 0:
            found.append(persona.moments[plan.moment].audience)
        elif plan.event in by_event:
            found.append(by_event[plan.event])
        else:
            found.append(by_playlist.get(plan.playlist, "you"))
    return found


def _day(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%d")


def _track_json(meta: tuple[str | None, ...]) -> dict[str, Any]:
    return {"trackName": meta[0], "artistName": meta[1], "albumName": meta[2], "trackUri": meta[3]}


def _playlists(sim: Simulation) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    meta = sim.catalog.meta
    for playlist in sim.playlists:
        items = [
            {
                "track": _track_json(meta[track]),
                "episode": None,
                "audiobook": None,
                "localTrack": None,
                "addedDate": _day(added),
            }
            for track, added in zip(playlist.tracks, playlist.added, strict=True)
        ]
        collaborators = ["demo-marta"] if playlist.name.startswith("Boda") else []
        followers = int(sum(ord(c) for c in playlist.name) % 4 == 0)
        found.append(
            {
                "name": playlist.name,
                "lastModifiedDate": _day(max(playlist.added)),
                "description": _DESCRIPTIONS.get(playlist.name),
                "numberOfFollowers": followers,
                "collaborators": collaborators,
                "items": items,
            }
        )
    return found


def _library(sim: Simulation, rows: list[Row]) -> dict[str, Any]:
    """YourLibrary.json: the tracks played through most often are the saved ones."""
    cat = sim.catalog
    kind = cat.kind
    rows = rows[-60_000:]  # what is saved reflects the recent years
    done = Counter(row[2] for row in rows if row[4] == "trackdone" and kind[row[2]] == TRACK)
    skipped = Counter(row[2] for row in rows if row[5] and kind[row[2]] == TRACK)
    top = [item for item, _ in done.most_common(min(500, max(30, len(done) // 12)))]
    tracks = [
        {
            "artist": cat.meta[t][1],
            "album": cat.meta[t][2],
            "track": cat.meta[t][0],
            "uri": cat.meta[t][3],
        }
        for t in top
    ]
    albums: dict[str, dict[str, Any]] = {}
    artists: dict[str, dict[str, Any]] = {}
    for t in top[:80]:
        artist, album = cat.meta[t][1] or "", cat.meta[t][2] or ""
        albums.setdefault(album, {"artist": artist, "album": album, "uri": cat.album_uri[t] or ""})
    for t in top[:40]:
        artist = cat.meta[t][1] or ""
        artists.setdefault(
            artist, {"name": artist, "uri": f"spotify:artist:{spotify_id('artist', artist)}"}
        )
    shows = [
        {"name": show, "publisher": SHOWS[show].publisher, "uri": uri}
        for show, uri in sorted(cat.shows.items())
    ]
    banned = [
        {
            "artist": cat.meta[t][1],
            "album": cat.meta[t][2],
            "track": cat.meta[t][0],
            "uri": cat.meta[t][3],
        }
        for t, _ in skipped.most_common(3)
    ]
    return {
        "tracks": tracks,
        "albums": list(albums.values())[:25],
        "shows": shows,
        "episodes": [],
        "bannedTracks": banned,
        "artists": list(artists.values())[:20],
        "bannedArtists": [],
        "other": [],
    }


def _videos(sim: Simulation, rows: int) -> list[dict[str, Any]]:
    """A few rows of a video podcast, watched on the phone or the TV in the evening."""
    rng = sim.rng
    tz = ZoneInfo(sim.persona.timezone)
    count = max(3, min(200, rows // 2500))
    show = "Kitchen Table Talks"
    start = max(sim.t0, sim.t1 - 3 * YEAR_S)
    videos: list[dict[str, Any]] = []
    for when in sorted(rng.uniform(start, sim.t1 - DAY_S) for _ in range(count)):
        local = datetime.fromtimestamp(when, tz)
        evening = local.replace(hour=20, minute=rng.randrange(60), second=rng.randrange(60))
        begin = evening.timestamp()
        number = int((begin - start) / (14 * DAY_S))
        item = sim.catalog.episode(show, number, start + number * 14 * DAY_S)
        ms = min(sim.catalog.duration_ms[item], int(rng.uniform(3, 40) * 60_000))
        end_s = int(begin + ms / 1000)
        m = sim.catalog.meta[item]
        device = "tv" if rng.random() < 0.5 else "phone"
        row: dict[str, Any] = dict.fromkeys(ROW_FIELDS)
        row.update(
            ts=(datetime.fromtimestamp(end_s, UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            username=sim.persona.username,
            platform=sim.platform(device),
            ms_played=ms,
            conn_country=sim.persona.home_country,
            ip_addr=f"192.0.2.{1 + number % 254}",
            episode_name=m[4],
            episode_show_name=m[5],
            spotify_episode_uri=m[6],
            reason_start="clickrow",
            reason_end="trackdone" if ms == sim.catalog.duration_ms[item] else "endplay",
            shuffle=False,
            skipped=False,
            offline=False,
            offline_timestamp=end_s - ms // 1000,
            incognito_mode=False,
        )
        videos.append(row)
    return videos
