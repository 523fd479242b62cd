"""Someone else on the account: a device whose taste barely overlaps the rest of the account's.

A device is one unit of `Columns` (a platform string without its version numbers: the same
iPad across system updates). Its plays are compared with the plays everywhere else, the
children's music and functional audio already set aside:

- an artist is the device's own when it plays there and (almost) never elsewhere, although its
  plays on the device are enough that, with one taste everywhere, several would have fallen
  elsewhere (an artist played once or twice says nothing and is not counted);
- a device whose counted plays are mostly (OWN_SHARE) by its own artists is someone else's,
  unless those plays come mostly from the account's own playlists (a routine the person keeps
  on one device, such as focus music at the desk), or the device holds much of the listening
  (the account's owner is the one who listens most), or it played on only a few days (a
  one-off is not a person);
- "elsewhere" is judged twice: over the whole history, and over the years the device was
  played in (a phone of ten years ago played that decade's taste, which later devices need not
  share).

The same test then runs on each device at each part of the day (night, morning, afternoon,
evening) and on each kind of device at each part of the day (the living room's speakers,
whichever plays that day), for a shared device that someone else takes over at their own
hours; there only the sessions made of the part's own artists are someone else's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Final

import numpy as np

from yawyas.analysis.audience.columns import Columns, FloatArray, sum_by, unit_label
from yawyas.analysis.devices import DEVICE_FAMILIES
from yawyas.analysis.moments.types import Evidence

OWN_SHARE: Final = 0.65  # of the part's counted plays, by artists played nowhere else
ELSEWHERE_AT_MOST: Final = 0.05  # an own artist's plays elsewhere, of all its plays
EXPECTED_ELSEWHERE: Final = 3.0  # an artist counts when this many plays would fall elsewhere
MIN_PLAYS: Final = 50
MIN_DAYS: Final = 8  # someone else comes back: a part played on fewer days is a one-off
MIN_ARTISTS: Final = 5  # counted artists a part needs to be judged
MAX_SHARE: Final = 0.4  # a part with this share of the plays is the person's own
PLAYLIST_SHARE: Final = 0.5  # own plays from the account's playlists: a routine, not a person
SESSION_OWN: Final = 0.5  # a session of a part of the day is someone else's from this share
DAYPARTS: Final = (
    ("night", 0, 6),
    ("morning", 6, 12),
    ("afternoon", 12, 18),
    ("evening", 18, 24),
)


@dataclass(frozen=True)
class DeviceFinding:
    """A device (or a device at a part of the day) that plays someone else's taste."""

    label: str  # "tablet", "speaker in the evening"
    platforms: tuple[str, ...]
    mask: np.ndarray  # per stream: on this device (at this part of the day)
    confidence: float
    plays: int
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Verdict:
    """Why a part's plays are someone else's: how sure, the evidence, the part's own artists."""

    confidence: float
    evidence: list[Evidence]
    own: np.ndarray  # per artist code


class Tables:
    """Plays per artist in each cell (a device at a part of the day), and those of them from
    the account's playlists: every part's counts are sums of cells, so judging a part reads
    no stream. Parts found to be someone else's are taken out as they are found."""

    def __init__(self, cols: Columns, free: np.ndarray, in_playlist: np.ndarray) -> None:
        self.cols = cols
        self.free = free.copy()
        self.in_playlist = in_playlist
        self.n_art = len(cols.artists)
        self.hour = cols.minute // 60
        self.daypart = np.searchsorted(np.array([d[2] for d in DAYPARTS]), self.hour, side="right")
        self.cell = cols.unit * len(DAYPARTS) + self.daypart
        self.n_cells = len(cols.units) * len(DAYPARTS)
        self.plays = self.count(free)
        self.listed = self.count(free & in_playlist)

    def count(self, rows: np.ndarray) -> FloatArray:
        """Plays per (cell, artist) of the streams in `rows`."""
        keep = rows & self.cols.play & (self.cols.artist >= 0)
        key = self.cell[keep] * self.n_art + self.cols.artist[keep]
        flat = np.bincount(key, minlength=self.n_cells * self.n_art).astype(np.float64)
        out: FloatArray = flat.reshape(self.n_cells, self.n_art)
        return out

    def take(self, rows: np.ndarray) -> None:
        """The streams in `rows` are someone else's: no longer the person's "elsewhere"."""
        self.plays -= self.count(rows & self.free)
        self.listed -= self.count(rows & self.free & self.in_playlist)
        self.free &= ~rows

    def cells_of(self, units: Sequence[int], dayparts: Sequence[int]) -> list[int]:
        """The cells of these devices at these parts of the day."""
        return [u * len(DAYPARTS) + d for u in units for d in dayparts]

    def rows_of(self, units: Sequence[int], dayparts: Sequence[int]) -> np.ndarray:
        """Per stream: in these devices at these parts of the day, and not yet taken."""
        cells = np.array(self.cells_of(units, dayparts), dtype=np.int64)
        out: np.ndarray = np.isin(self.cell, cells) & self.free
        return out

    def elsewhere_at_the_time(self, part: np.ndarray) -> FloatArray:
        """Plays per artist elsewhere than `part`, between the first and last day of its
        plays: a device of another era is compared with what played in its own years."""
        cols = self.cols
        days = cols.day[part & cols.play]
        if not len(days):
            return np.zeros(self.n_art)
        rows = self.free & ~part & cols.play & (cols.artist >= 0)
        rows &= (cols.day >= days.min()) & (cols.day <= days.max())
        return sum_by(cols.artist[rows], np.ones(int(rows.sum())), self.n_art)


def _judge(
    here: FloatArray,
    there: FloatArray,
    listed_here: FloatArray,
    total_plays: float,
    where: str,
) -> Verdict | None:
    """Whether the plays `here` (per artist) are someone else's, compared with the plays
    `there`; None when they look like the person's own or say too little."""
    n_here, n_there = here.sum(), there.sum()
    if n_here < MIN_PLAYS or n_there <= 0 or n_here >= MAX_SHARE * total_plays:
        return None
    away = n_there / (n_here + n_there)
    counted = (here > 0) & ((here + there) * away >= EXPECTED_ELSEWHERE)
    if counted.sum() < MIN_ARTISTS:
        return None
    own = counted & (there <= ELSEWHERE_AT_MOST * (here + there))
    share = float(here[own].sum() / here[counted].sum())
    if share < OWN_SHARE:
        return None
    own_plays = float(here[own].sum())
    listed = float(listed_here[own].sum() / own_plays) if own_plays else 0.0
    if listed >= PLAYLIST_SHARE:
        return None
    evidence = [
        Evidence(
            "taste",
            f"{share:.0%} of the plays {where} are by {int(own.sum())} artists played on no "
            "other device at the time",
            share,
        ),
        Evidence("share", f"{n_here / total_plays:.0%} of the plays of the account", 0.2),
    ]
    if listed < 0.1:
        evidence.append(Evidence("playlists", "hardly any of it from the account's playlists", 0.3))
    return Verdict(share * (1.0 - listed), evidence, own)


def _verdict(
    tables: Tables,
    cells: list[int],
    rows: Callable[[], np.ndarray],
    total_plays: float,
    where: str,
) -> tuple[Verdict, np.ndarray] | None:
    """`_judge` of a part (its `cells`; its streams from `rows`, read only when the tables
    already say someone else) against everything else, then against what played elsewhere in
    its own years: both must say someone else, and on MIN_DAYS days or more."""
    here = tables.plays[cells].sum(axis=0)
    listed = tables.listed[cells].sum(axis=0)
    if _judge(here, tables.plays.sum(axis=0) - here, listed, total_plays, where) is None:
        return None
    part = rows()
    if len(np.unique(tables.cols.day[part & tables.cols.play])) < MIN_DAYS:
        return None
    verdict = _judge(here, tables.elsewhere_at_the_time(part), listed, total_plays, where)
    return None if verdict is None else (verdict, part)


def _foreign_sessions(cols: Columns, part: np.ndarray, own: np.ndarray) -> np.ndarray:
    """The streams of `part` in sessions whose plays are mostly by `own` artists."""
    rows = np.flatnonzero(part)
    out = np.zeros(cols.n, dtype=bool)
    if not len(rows):
        return out
    artist = cols.artist[rows]
    mine = own[np.maximum(artist, 0)] & (artist >= 0)
    _, inverse = np.unique(cols.session[rows], return_inverse=True)
    weight = cols.weight[rows]
    share = np.bincount(inverse, weights=weight * mine) / np.bincount(inverse, weights=weight)
    out[rows] = share[inverse] >= SESSION_OWN
    return out


def build_someone_else(
    cols: Columns, taken: np.ndarray, playlists: Mapping[int, Sequence[str]]
) -> list[DeviceFinding]:
    """The devices (and devices at a part of the day) whose plays are someone else's taste;
    `taken` marks the streams already given an audience (children's, functional)."""
    free = ~taken
    total_plays = float(cols.play[free].sum())
    if total_plays <= 0:
        return []
    listed_items = np.fromiter(playlists, dtype=np.int64, count=len(playlists))
    in_playlist = np.isin(cols.item, listed_items) & (cols.item >= 0)
    tables = Tables(cols, free, in_playlist)
    per_unit = tables.plays.reshape(len(cols.units), len(DAYPARTS), -1).sum(axis=(1, 2))
    units = np.flatnonzero(per_unit > 0).tolist()
    family_of = [
        int(np.bincount(cols.family[cols.unit == u]).argmax()) if per_unit[u] > 0 else 0
        for u in range(len(cols.units))
    ]
    labels = {u: unit_label(cols, u, DEVICE_FAMILIES[family_of[u]]) for u in units}
    every = list(range(len(DAYPARTS)))
    found: list[DeviceFinding] = []
    for unit in units:
        where = f"on the {labels[unit]}"
        cells = tables.cells_of([unit], every)
        judged = _verdict(tables, cells, partial(tables.rows_of, [unit], every), total_plays, where)
        if judged is None:
            continue
        verdict, part = judged
        tables.take(part)  # someone else's now: no longer "elsewhere" for the others
        found.append(_finding(cols, labels[unit], part, verdict, cols.unit_platforms[unit]))
    parts: list[tuple[list[int], int, str]] = [
        ([u], d, _at(labels[u], name)) for u in units for d, (name, _, _) in enumerate(DAYPARTS)
    ]
    for family in sorted({family_of[u] for u in units}):
        members = [u for u in units if family_of[u] == family]
        parts += [
            (members, d, _at(DEVICE_FAMILIES[family], name))
            for d, (name, _, _) in enumerate(DAYPARTS)
        ]
    for members, daypart, label in parts:
        cells = tables.cells_of(members, [daypart])
        rows = partial(tables.rows_of, members, [daypart])
        judged = _verdict(tables, cells, rows, total_plays, f"on the {label}")
        if judged is None:
            continue
        verdict, part = judged
        foreign = _foreign_sessions(cols, part, verdict.own)
        if cols.play[foreign].sum() < MIN_PLAYS:
            continue
        tables.take(foreign)
        platforms = tuple(p for u in members for p in cols.unit_platforms[u])
        found.append(_finding(cols, label, foreign, verdict, platforms))
    return found


def _at(device: str, daypart: str) -> str:
    return f"{device} at night" if daypart == "night" else f"{device} in the {daypart}"


def _finding(
    cols: Columns,
    label: str,
    mask: np.ndarray,
    verdict: Verdict,
    platforms: tuple[str, ...],
) -> DeviceFinding:
    return DeviceFinding(
        label=label,
        platforms=platforms,
        mask=mask,
        confidence=round(float(verdict.confidence), 3),
        plays=int(cols.play[mask].sum()),
        evidence=tuple(verdict.evidence),
    )
