"""What a moment is, as plain frozen dataclasses, and their JSON documents.

Standard library only: the cached path of `yawyas moments` (read the stored documents, render
them) must not pay for importing pandas or scikit-learn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MINUTES_PER_DAY = 1440


@dataclass(frozen=True)
class Window:
    """When a moment happens: on `days` (weekdays the window STARTS on, Monday = 0), from
    `start_minute` to `end_minute` (local minutes after midnight). A window whose end is not
    after its start crosses midnight: Friday 21:00-00:30 holds Saturday 00:10."""

    days: tuple[int, ...]
    start_minute: int
    end_minute: int

    @property
    def crosses_midnight(self) -> bool:
        """True when the window runs past midnight into the next day."""
        return self.end_minute <= self.start_minute

    @property
    def minutes(self) -> int:
        """Length of the window in minutes."""
        return (self.end_minute - self.start_minute) % MINUTES_PER_DAY or MINUTES_PER_DAY

    def contains(self, local: datetime) -> bool:
        """Whether a local wall-clock time falls inside this window (day and time)."""
        minute = local.hour * 60 + local.minute + local.second / 60
        weekday = local.weekday()
        if not self.crosses_midnight:
            return weekday in self.days and self.start_minute <= minute < self.end_minute
        if weekday in self.days and minute >= self.start_minute:
            return True
        return (weekday - 1) % 7 in self.days and minute < self.end_minute

    def describe(self) -> str:
        """'Mon-Fri 17:00-19:00', 'Fri 21:00-00:30', 'Sat, Sun 06:30-07:30'."""
        start, end = clock_text(self.start_minute), clock_text(self.end_minute)
        return f"{days_text(self.days)} {start}-{end}"


@dataclass(frozen=True)
class Ranked:
    """One entry of a top list: a name (with its artist for tracks), plays and their share of
    the moment's plays (or, for playlists, the share of the moment's streams in it)."""

    name: str
    plays: int
    share: float
    artist: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Why a trait was suggested: its kind (playlist, words, genre, time, device, content),
    what was seen, and how much it weighs (0-1)."""

    kind: str
    text: str
    weight: float


@dataclass(frozen=True)
class Trait:
    """What a moment suggests about the person ("weekend runner"), how sure (0-1), and why."""

    name: str
    confidence: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Moment:
    """A recurring listening moment: when, how and what, with its share of the history.

    `name` is the person's own name for it when they gave one in the config file, else
    `generated_name`. Shares are of all plays and all listening time of the history; rates are
    None when nothing is known (skips are often unknown in older exports). This one type is the
    moment everywhere: learned, stored, shown, and used by the playlists; `moment_at` is the one
    rule for which moment holds a local time.
    """

    id: str
    generated_name: str
    windows: tuple[Window, ...]
    sessions: int = 0
    weeks: int = 0
    streams: int = 0
    plays: int = 0
    ms_played: int = 0
    play_share: float = 0.0
    time_share: float = 0.0
    first_played_at: int = 0
    last_played_at: int = 0
    device: str = "mixed"
    device_share: float = 0.0
    content: str = "music"  # "music", "podcasts", "audiobooks" or "mixed"
    shuffle_share: float | None = None
    deliberate_share: float | None = None
    skip_rate: float | None = None
    lift: float = 1.0  # its occasions over what the null model expects (see `significance`)
    active_from: str = ""  # local date (YYYY-MM-DD) of its first occasion: the era it lives in
    active_to: str = ""  # local date of its last occasion
    current: bool = True  # still lived at the end of the history (else a past moment)
    days: int = 0  # distinct local days it happened on
    top_day_share: float = 0.0  # the share of its streams on its busiest day
    occasions: int = 0  # days of its week pattern, week by week, on which it happened
    expected: float = 0.0  # occasions expected by the null model (days and times shuffled)
    z: float = 0.0  # how many standard deviations its occasions beat the null model by
    p_value: float = 1.0  # one-sided p of that (normal approximation)
    top_artists: tuple[Ranked, ...] = ()
    top_tracks: tuple[Ranked, ...] = ()
    top_playlists: tuple[Ranked, ...] = ()
    traits: tuple[Trait, ...] = ()
    name: str = ""
    hidden: bool = False
    audience: str = "you"  # who it is played for: you, kids, someone else, functional
    audience_confidence: float = 1.0  # the share of its plays that have that audience
    audience_evidence: tuple[Evidence, ...] = ()

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.generated_name)

    def contains(self, local: datetime) -> bool:
        """Whether a local wall-clock time falls inside one of the moment's windows."""
        return any(window.contains(local) for window in self.windows)


def moment_at(
    moments: Iterable[Moment], local: datetime, *, device: str | None = None
) -> Moment | None:
    """The moment that holds a local wall-clock time (and a device family, if given): the one
    rule used by `yawyas moments`, `playlist now`, `evaluate`, exports and reports.

    Among the moments whose windows hold `local` (hidden ones excluded), one on `device` wins;
    then the most specific (shortest window), then the most played. None when none fits.
    """
    fits = [m for m in moments if not m.hidden and m.contains(local)]
    if not fits:
        return None

    def key(m: Moment) -> tuple[int, int, int]:
        span = min(w.minutes * len(w.days) for w in m.windows if w.contains(local))
        return (0 if device is None or m.device == device else 1, span, -m.plays)

    return min(fits, key=key)


def apply_overrides(
    moments: Sequence[Moment], overrides: Mapping[str, Mapping[str, Any]]
) -> list[Moment]:
    """The moments with the person's own names, hidden flags and audiences (`[moments.<id>]` in
    the config: `name = "..."`, `hidden = true`, `audience = "kids"`; the audience already
    checked by the caller)."""
    out = []
    for m in moments:
        own = overrides.get(m.id, {})
        name = own.get("name")
        moment = replace(
            m,
            name=str(name) if isinstance(name, str) and name.strip() else m.generated_name,
            hidden=bool(own.get("hidden", False)),
        )
        audience = own.get("audience")
        if isinstance(audience, str) and audience.strip():
            said = Evidence("config", "you said so in config.toml", 1.0)
            moment = replace(
                moment,
                audience=audience.strip().lower().replace("_", " "),
                audience_confidence=1.0,
                audience_evidence=(said,),
            )
        out.append(moment)
    return out


def day_run(days: Sequence[int]) -> tuple[int, int] | None:
    """(first, last) when the days are one run of 3 to 6 days around the week (Sun-Thu), else
    None."""
    ds = set(days)
    if not 3 <= len(ds) <= 6:
        return None
    for first in ds:
        if (first - 1) % 7 not in ds:
            run = [(first + i) % 7 for i in range(len(ds))]
            return (first, run[-1]) if set(run) == ds else None
    return None


def days_text(days: Sequence[int]) -> str:
    """'Mon-Fri', 'Sat, Sun', 'Sun-Thu', 'Mon, Wed, Fri', 'every day'."""
    ds = sorted(set(days))
    if len(ds) == 7:
        return "every day"
    run = day_run(ds)
    if run is not None:
        return f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[1]]}"
    return ", ".join(DAY_NAMES[d] for d in ds)


def clock_text(minute: int) -> str:
    """Minutes after midnight as 'HH:MM'."""
    minute %= MINUTES_PER_DAY
    return f"{minute // 60:02d}:{minute % 60:02d}"


# ----------------------------------------------------------------------------- documents


def _ranked_doc(r: Ranked) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": r.name, "plays": r.plays, "share": round(r.share, 4)}
    if r.artist is not None:
        doc["artist"] = r.artist
    return doc


def to_document(m: Moment) -> dict[str, Any]:
    """The moment as a JSON-ready dict (what `yawyas moments --json` prints per moment)."""
    return {
        "id": m.id,
        "name": m.name,
        "generated_name": m.generated_name,
        "hidden": m.hidden,
        "windows": [
            {
                "days": [DAY_NAMES[d] for d in w.days],
                "start": clock_text(w.start_minute),
                "end": clock_text(w.end_minute),
                "crosses_midnight": w.crosses_midnight,
                "text": w.describe(),
            }
            for w in m.windows
        ],
        "sessions": m.sessions,
        "weeks": m.weeks,
        "streams": m.streams,
        "plays": m.plays,
        "ms_played": m.ms_played,
        "play_share": round(m.play_share, 4),
        "time_share": round(m.time_share, 4),
        "first_played_at": m.first_played_at,
        "last_played_at": m.last_played_at,
        "device": m.device,
        "device_share": round(m.device_share, 4),
        "content": m.content,
        "shuffle_share": _round(m.shuffle_share),
        "deliberate_share": _round(m.deliberate_share),
        "skip_rate": _round(m.skip_rate),
        "lift": round(m.lift, 2),
        "active_from": m.active_from,
        "active_to": m.active_to,
        "current": m.current,
        "days": m.days,
        "top_day_share": round(m.top_day_share, 4),
        "significance": {
            "test": "occasions vs the same sessions with their days and start times shuffled",
            "occasions": m.occasions,
            "expected": round(m.expected, 2),
            "z": round(m.z, 2),
            "p": float(f"{m.p_value:.3g}"),
        },
        "top_artists": [_ranked_doc(r) for r in m.top_artists],
        "top_tracks": [_ranked_doc(r) for r in m.top_tracks],
        "top_playlists": [_ranked_doc(r) for r in m.top_playlists],
        "traits": [
            {
                "name": t.name,
                "confidence": round(t.confidence, 2),
                "evidence": [
                    {"kind": e.kind, "text": e.text, "weight": round(e.weight, 2)}
                    for e in t.evidence
                ],
            }
            for t in m.traits
        ],
        "audience": m.audience,
        "audience_confidence": round(m.audience_confidence, 3),
        "audience_evidence": [
            {"kind": e.kind, "text": e.text, "weight": round(e.weight, 2)}
            for e in m.audience_evidence
        ],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _ranked(docs: Iterable[Mapping[str, Any]]) -> tuple[Ranked, ...]:
    return tuple(
        Ranked(str(d["name"]), int(d["plays"]), float(d["share"]), d.get("artist")) for d in docs
    )


def from_document(doc: Mapping[str, Any]) -> Moment:
    """A moment back from `to_document` (the stored form)."""
    windows = tuple(
        Window(
            days=tuple(DAY_NAMES.index(d) for d in w["days"]),
            start_minute=_minutes(w["start"]),
            end_minute=_minutes(w["end"]),
        )
        for w in doc["windows"]
    )
    traits = tuple(
        Trait(
            name=str(t["name"]),
            confidence=float(t["confidence"]),
            evidence=tuple(
                Evidence(str(e["kind"]), str(e["text"]), float(e["weight"])) for e in t["evidence"]
            ),
        )
        for t in doc["traits"]
    )
    return Moment(
        id=str(doc["id"]),
        generated_name=str(doc["generated_name"]),
        windows=windows,
        sessions=int(doc["sessions"]),
        weeks=int(doc["weeks"]),
        streams=int(doc["streams"]),
        plays=int(doc["plays"]),
        ms_played=int(doc["ms_played"]),
        play_share=float(doc["play_share"]),
        time_share=float(doc["time_share"]),
        first_played_at=int(doc["first_played_at"]),
        last_played_at=int(doc["last_played_at"]),
        device=str(doc["device"]),
        device_share=float(doc["device_share"]),
        content=str(doc["content"]),
        shuffle_share=doc.get("shuffle_share"),
        deliberate_share=doc.get("deliberate_share"),
        skip_rate=doc.get("skip_rate"),
        lift=float(doc["lift"]),
        active_from=str(doc["active_from"]),
        active_to=str(doc["active_to"]),
        current=bool(doc["current"]),
        days=int(doc["days"]),
        top_day_share=float(doc["top_day_share"]),
        occasions=int(doc["significance"]["occasions"]),
        expected=float(doc["significance"]["expected"]),
        z=float(doc["significance"]["z"]),
        p_value=float(doc["significance"]["p"]),
        top_artists=_ranked(doc["top_artists"]),
        top_tracks=_ranked(doc["top_tracks"]),
        top_playlists=_ranked(doc["top_playlists"]),
        traits=traits,
        audience=str(doc.get("audience", "you")),  # documents of older versions: "you"
        audience_confidence=float(doc.get("audience_confidence", 1.0)),
        audience_evidence=tuple(
            Evidence(str(e["kind"]), str(e["text"]), float(e["weight"]))
            for e in doc.get("audience_evidence", ())
        ),
    )


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)
