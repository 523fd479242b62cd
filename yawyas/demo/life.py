"""Life beyond the weekly routines: holidays, binge days, parties, occasional sessions, noise.

`LifePlanner` decides them from its own random stream (so a persona without them lives exactly the
rows it always did) and hands the simulation their sessions in two tiers: parties, which push
aside the routines of that night, and the rest, which fit around the routines.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from yawyas.demo.plan import BINGE, MIX, PLAYLIST, TASTE, Plan

if TYPE_CHECKING:
    from yawyas.demo.simulate import Simulation

NOISE_DEVICES = ("phone", "desktop", "web", "tv", "speaker")


class LifePlanner:
    """The life events of one simulation, planned day by day alongside its routines."""

    def __init__(
        self, sim: Simulation, first: date, days: int, trips: dict[int, tuple[str, str]]
    ) -> None:
        self.sim = sim
        self.persona = sim.persona
        self.rng = random.Random(f"yawyas-demo-life|{sim.persona.name}|{sim.seed}")
        self.first, self.days, self.trips = first, days, trips
        self.home = ZoneInfo(sim.persona.timezone)
        self.holidays = self._plan_holidays()
        self.parties = self._plan_parties()  # day index -> playlist index
        self.binges = self._plan_binges()  # day indexes
        self.before_moments: list[Plan] = []  # parties
        self.after_moments: list[Plan] = []  # binges, occasional sessions, noise

    # -- which days --------------------------------------------------------------------------
    def _away(self, index: int) -> bool:
        ordinal = self.first.toordinal() + index
        return ordinal in self.trips or ordinal in self.holidays

    def _plan_holidays(self) -> frozenset[int]:
        """Ordinals of home holiday days: 1-3 weeks, the first of each year in the summer."""
        per_year = self.persona.holidays_per_year
        if per_year <= 0:
            return frozenset()
        rng, first = self.rng, self.first.toordinal()
        last = first + self.days - 1
        found: set[int] = set()
        for year in range(self.first.year, self.first.year + math.ceil(self.days / 365) + 1):
            count = int(per_year) + (rng.random() < per_year % 1)
            for n in range(count):
                if n == 0:
                    begin = date(year, 7, 1).toordinal() + rng.randrange(0, 50)
                else:
                    begin = date(year, 1, 1).toordinal() + rng.randrange(0, 350)
                length = rng.randint(7, 21)
                span = range(begin - 2, begin + length + 2)
                if any(d in self.trips or d in found for d in span):
                    continue
                found.update(d for d in range(begin, begin + length) if first <= d <= last)
        return frozenset(found)

    def _plan_parties(self) -> dict[int, int]:
        """Each party on the first Friday (or Saturday) at home from its drawn day on."""
        found: dict[int, int] = {}
        for fraction, playlist in self.sim.world.parties:
            index = int(fraction * self.days)
            weekday = self.rng.choice((4, 5))
            while index < self.days and (
                (self.first + timedelta(days=index)).weekday() != weekday
                or self._away(index)
                or index in found
            ):
                index += 1
            if index < self.days:
                found[index] = playlist
        return found

    def _plan_binges(self) -> set[int]:
        per_year = self.persona.binges_per_year
        found: set[int] = set()
        if per_year <= 0:
            return found
        years = self.days / 365.25
        count = int(per_year * years) + (self.rng.random() < (per_year * years) % 1)
        for _ in range(count):
            index = self.rng.randrange(self.days)
            if not self._away(index) and index not in self.parties:
                found.add(index)
        return found

    # -- one day -----------------------------------------------------------------------------
    def day(self, index: int, midnight: datetime, away: bool) -> None:
        """Plans the events of day `index` (local `midnight`, naive; `away` on a trip/holiday)."""
        weekday = midnight.weekday()
        playlist = self.parties.get(index)
        if playlist is not None:
            self._party(midnight, playlist)
        if index in self.binges:
            self._binge(midnight, weekday)
        if not away:
            for number, occasional in enumerate(self.persona.occasional):
                era = occasional.active_from * self.days, occasional.active_to * self.days
                if (
                    weekday in occasional.days
                    and era[0] <= index < era[1]
                    and self.rng.random() < occasional.chance
                ):
                    self._occasional(midnight, number)
        noise = self.persona.noise_per_year
        trip = (self.first.toordinal() + index) in self.trips
        if noise > 0 and not trip and self.rng.random() < noise / 365.25:
            self._noise(midnight)

    def _at(self, midnight: datetime, hours: float) -> float:
        return (midnight + timedelta(hours=hours)).replace(tzinfo=self.home).timestamp()

    def _plan(self, start: float, minutes: float, kind: int, device: str, event: str) -> Plan:
        rng, p = self.rng, self.persona
        plan = Plan(start, start + minutes * 60, kind, device, p.home_country)
        plan.event = event
        plan.ip = (
            self.mobile_ip()
            if device == "phone" and rng.random() < 0.5
            else self.sim.home_ip(start, device)
        )
        return plan

    def mobile_ip(self) -> str:
        """An address of the mobile network (documentation range)."""
        return f"198.51.100.{self.rng.randint(1, 254)}"

    def _party(self, midnight: datetime, playlist: int) -> None:
        rng = self.rng
        start = self._at(midnight, rng.uniform(20.5, 22.5))
        plan = self._plan(start, rng.uniform(180, 360), PLAYLIST, "speaker", "party")
        plan.playlist = playlist
        plan.shuffle = rng.random() < 0.6
        self.before_moments.append(plan)

    def _binge(self, midnight: datetime, weekday: int) -> None:
        rng, world = self.rng, self.sim.world
        at = self._at(midnight, rng.uniform(9.5, 15.0))
        artist = world.taste_artist_at(world.month_of(at), rng.random())
        weekend = weekday >= 5
        device = rng.choice(("speaker", "phone") if weekend else ("desktop", "phone"))
        for _ in range(rng.randint(2, 3)):
            minutes = rng.uniform(70, 150)
            plan = self._plan(at, minutes, BINGE, device, "binge")
            plan.source = artist
            self.after_moments.append(plan)
            at = plan.end + rng.uniform(8, 40) * 60

    def _occasional(self, midnight: datetime, number: int) -> None:
        rng = self.rng
        occasional = self.persona.occasional[number]
        start = self._at(midnight, rng.uniform(*occasional.hours))
        device = rng.choice(occasional.devices)
        kind = MIX if occasional.genres else TASTE
        plan = self._plan(start, rng.uniform(*occasional.minutes), kind, device, occasional.id)
        plan.source = number
        plan.shuffle = rng.random() < 0.6
        self.after_moments.append(plan)

    def _noise(self, midnight: datetime) -> None:
        rng = self.rng
        # at any hour, half of them in the small hours
        start = self._at(midnight, rng.uniform(0, 24) if rng.random() < 0.5 else rng.uniform(0, 6))
        plan = self._plan(start, rng.uniform(2, 25), TASTE, rng.choice(NOISE_DEVICES), "noise")
        plan.ip = self.mobile_ip()
        plan.shuffle = rng.random() < 0.5
        self.after_moments.append(plan)
