"""One simulated listening life: day by day, session by session, track by track.

Days are planned in local wall-clock time (home, or wherever the persona travels), turned into UTC
with zoneinfo (so daylight saving is right), then every session is played out as rows. Sessions
compete for the one account in tiers: parties first, then the planted moments, then the other
life events (yawyas.demo.life), and everyday listening fills the time left.
"""

from __future__ import annotations

import hashlib
import math
import random
from bisect import bisect_right
from datetime import date, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

import numpy as np

from yawyas.demo.habits import HOLIDAY_HOURS, Persona, PlantedMoment
from yawyas.demo.life import LifePlanner
from yawyas.demo.names import BOOKS, SHOWS
from yawyas.demo.pickers import picker
from yawyas.demo.plan import ALBUM, BINGE, BOOK, MIX, MOMENT, PLAYLIST, PODCAST, TASTE, Plan
from yawyas.demo.platforms import CLEAN_PLATFORMS, platform_key
from yawyas.demo.world import DAY_S, YEAR_S, World

Row = tuple[int, int, int, str, str, bool, int]
_FIRST_REASONS = ("clickrow", "clickrow", "playbtn", "appload", "clickrow", "playbtn", "uriopen")
_CONTENT_KINDS = {"music": MOMENT, "taste": MOMENT, "podcast": PODCAST, "audiobook": BOOK}


class Simulation:
    """Simulates `span_years` of a persona's listening up to `end_s` (epoch seconds, UTC)."""

    def __init__(
        self, persona: Persona, seed: int, span_years: float, everyday_mult: float, end_s: float
    ) -> None:
        self.persona = persona
        self.seed = seed
        self.span_years = span_years
        self.everyday_mult = everyday_mult
        key = f"yawyas-demo|{persona.name}|{seed}"
        self.rng = random.Random(key)
        np_seed = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")
        self.np_rng = np.random.default_rng(np_seed)
        self.t1 = end_s
        self.t0 = end_s - span_years * YEAR_S
        self.world = World(persona, self.rng, self.t0, self.t1)
        self.catalog = self.world.catalog
        self.playlists = self.world.playlists
        # (end epoch s, ms_played, item, reason_start, reason_end, skipped, session index)
        self.rows: list[Row] = []
        self.sessions: list[Plan] = []
        self._last_end = 0
        self._pod_state: dict[str, list[int]] = {}
        self._home_ips: dict[tuple[int, bool], str] = {}
        self._device_names = [device for device, _ in persona.everyday_devices]
        self._device_cum = list(accumulate(weight for _, weight in persona.everyday_devices))
        # per weekday, the local hours covered by some moment's window
        self._windows: list[list[tuple[float, float]]] = [[] for _ in range(7)]
        for moment in persona.moments:
            for day in moment.days:
                if moment.crosses_midnight:
                    self._windows[day].append((moment.start_hour, 24.0))
                    self._windows[(day + 1) % 7].append((0.0, moment.end_hour))
                else:
                    self._windows[day].append((moment.start_hour, moment.end_hour))
        self._book_state = [0, 0, 0]

    # -- planning days ---------------------------------------------------------------------------
    def _plan_trips(self, first: date, days: int) -> dict[int, tuple[str, str]]:
        p, rng = self.persona, self.rng
        trips: dict[int, tuple[str, str]] = {}
        if not p.travel:
            return trips
        for year in range(math.ceil(days / 365.25)):
            count = int(p.trips_per_year) + (rng.random() < p.trips_per_year % 1)
            for _ in range(count):
                begin = year * 365 + rng.randrange(0, 360)
                length = rng.randint(5, 9)
                span = range(begin - 2, begin + length + 2)
                if begin + length >= days or any(first.toordinal() + d in trips for d in span):
                    continue
                place = rng.choice(p.travel)
                for d in range(begin, begin + length):
                    trips[first.toordinal() + d] = place
        return trips

    def home_ip(self, when: float, device: str) -> str:
        """The home connection's address that year (documentation ranges only: RFC 5737/3849)."""
        year = int((when - self.t0) / YEAR_S)
        v6 = device in ("desktop", "speaker", "tv") and when > self.t0 + 0.55 * (self.t1 - self.t0)
        found = self._home_ips.get((year, v6))
        if found is None:
            h = hashlib.blake2b(f"{self.persona.username}|{year}".encode(), digest_size=6).digest()
            found = (
                f"2001:db8:{h[0] << 8 | h[1]:x}:{h[2] << 8 | h[3]:x}::{h[4] << 8 | h[5]:x}"
                if v6
                else f"192.0.2.{1 + h[0] % 254}"
            )
            self._home_ips[(year, v6)] = found
        return found

    def _everyday_device(self, weekday: int, hour: float, away: bool) -> str:
        if away or hour < 7 or hour >= 23.5:
            return "phone"
        device = self._device_names[
            bisect_right(self._device_cum, self.rng.random() * self._device_cum[-1])
        ]
        if not self.persona.devices_follow_workdays:
            return device
        workday = weekday < 5 and 8 <= hour < 19
        if device in ("desktop", "web") and not workday and self.rng.random() < 0.7:
            return "phone"
        if device in ("speaker", "tv") and workday and self.rng.random() < 0.7:
            return "desktop"
        return device

    def _life(
        self, first: date, days: int, trips: dict[int, tuple[str, str]]
    ) -> LifePlanner | None:
        """The planner of the persona's life events, or None when it lives none."""
        p = self.persona
        rates = (p.holidays_per_year, p.binges_per_year, p.noise_per_year)
        lively = bool(p.occasional or p.parties) or max(rates) > 0
        return LifePlanner(self, first, days, trips) if lively else None

    def plan(self) -> list[Plan]:
        """Every session of the history, in time order, none overlapping."""
        p, rng = self.persona, self.rng
        home = ZoneInfo(p.timezone)
        first = datetime.fromtimestamp(self.t0, home).date()
        days = (datetime.fromtimestamp(self.t1, home).date() - first).days + 1
        trips = self._plan_trips(first, days)
        life = self._life(first, days, trips)
        holidays = life.holidays if life is not None else frozenset()
        zones = {tz: ZoneInfo(tz) for tz, _ in p.travel}
        lam = p.everyday_sessions * self.everyday_mult**0.7
        counts = self.np_rng.poisson(lam, size=days).tolist()
        hour_cum = list(accumulate(p.everyday_hours))
        holiday_cum = list(accumulate(HOLIDAY_HOURS))
        stretch = self.everyday_mult**0.3
        moments: list[Plan] = []
        everyday: list[Plan] = []
        for i in range(days):
            day = first + timedelta(days=i)
            midnight = datetime(day.year, day.month, day.day)
            trip = trips.get(day.toordinal())
            holiday = trip is None and day.toordinal() in holidays
            tz = zones[trip[0]] if trip else home
            # one zoneinfo lookup a day: the wall clock is a plain offset unless the day has a
            # daylight-saving change, when each start is localised on its own
            day_start = midnight.replace(tzinfo=tz).timestamp()
            day_end = (midnight + timedelta(hours=23, minutes=59)).replace(tzinfo=tz).timestamp()
            steady = day_end - day_start == 86_340
            country = trip[1] if trip else p.home_country
            weekday = day.weekday()
            windows = (
                self._day_windows(weekday, i, days)
                if p.eras_shape_windows
                else self._windows[weekday]
            )
            at_home = trip is None and not holiday
            if at_home:
                for index, moment in enumerate(p.moments):
                    if (
                        weekday in moment.days
                        and i >= moment.active_from * days
                        and i < moment.active_to * days
                        and rng.random() < moment.probability
                    ):
                        progress = _progress(moment, i, days)
                        moments.append(self._plan_moment(index, moment, midnight, home, progress))
            cum = holiday_cum if holiday else hour_cum
            for _ in range(counts[i] if trip is None else max(1, counts[i] - 1)):
                hour = bisect_right(cum, rng.random() * cum[-1]) + rng.random()
                in_window = at_home and any(a <= hour < b for a, b in windows)
                if in_window and rng.random() < p.window_quiet:
                    continue
                start = (
                    day_start + hour * 3600
                    if steady
                    else (midnight + timedelta(hours=hour)).replace(tzinfo=tz).timestamp()
                )
                device = self._everyday_device(weekday, hour, not at_home)
                plan = self._plan_everyday(start, device, country, trip, stretch)
                everyday.append(plan)
                if trip is not None:
                    plan.event = "trip"
                    if trips.get(day.toordinal() - 1) is None:
                        plan.offline = rng.random() < 0.5  # on the plane
                elif holiday and life is not None:
                    plan.event = "holiday"
                    plan.ip = life.mobile_ip()
            if life is not None:
                life.day(i, midnight, not at_home)
        if life is None:
            return self._resolve([moments], everyday)
        return self._resolve([life.before_moments, moments, life.after_moments], everyday)

    def _day_windows(self, weekday: int, index: int, days: int) -> list[tuple[float, float]]:
        """The local hours of day `index` inside the window of a moment living then (drifted)."""
        found: list[tuple[float, float]] = []
        for moment in self.persona.moments:
            if not moment.active_from * days <= index < moment.active_to * days:
                continue
            start = moment.start_hour + moment.drift_hours * _progress(moment, index, days)
            for back in (-1, 0, 1):  # the window of tomorrow, today, yesterday
                if (weekday - back) % 7 not in moment.days:
                    continue
                a, b = start - 24 * back, start + moment.hours - 24 * back
                if a < 24 and b > 0:
                    found.append((max(0.0, a), min(24.0, b)))
        return found

    def _plan_moment(
        self, index: int, moment: PlantedMoment, midnight: datetime, tz: ZoneInfo, progress: float
    ) -> Plan:
        rng = self.rng
        window = moment.hours * 3600
        length = min(rng.uniform(*moment.minutes) * 60, window - 180)
        room = window - length - 60
        if moment.start_spread is not None:
            room = min(room, moment.start_spread * 3600)
        offset = rng.uniform(60, max(61.0, room))
        opens = moment.start_hour + moment.drift_hours * progress
        start = (midnight + timedelta(hours=opens, seconds=offset)).replace(tzinfo=tz)
        closes = midnight + timedelta(hours=opens + moment.hours)
        end = min(start.timestamp() + length, closes.replace(tzinfo=tz).timestamp() - 60)
        kind = _CONTENT_KINDS[moment.content]
        plan = Plan(start.timestamp(), end, kind, moment.device, self.persona.home_country)
        plan.moment = index
        plan.playlist = self.world.moment_playlist.get(index, -1)
        plan.shuffle = moment.shuffle
        plan.repeat = moment.repeat
        plan.offline = rng.random() < moment.offline_rate
        plan.ip = (
            f"198.51.100.{rng.randint(1, 254)}"
            if moment.device in ("phone", "car") and rng.random() < 0.7
            else self.home_ip(plan.start, moment.device)
        )
        return plan

    def _plan_everyday(
        self, start: float, device: str, country: str, trip: tuple[str, str] | None, stretch: float
    ) -> Plan:
        p, rng = self.persona, self.rng
        u = rng.random()
        if p.podcasts and u < p.podcast_share:
            kind, minutes = PODCAST, rng.uniform(15, 60)
        else:
            kind = ALBUM if u < 0.3 else PLAYLIST if u < 0.42 else TASTE
            minutes = min(150.0, max(4.0, rng.lognormvariate(math.log(16), 0.6) * stretch))
        plan = Plan(start, start + minutes * 60, kind, device, country)
        if kind == PLAYLIST:
            extra = len(self.playlists) - len(self.world.moment_playlist)
            own = rng.random() < 0.75 and extra > 0
            plan.playlist = (
                rng.randrange(len(self.world.moment_playlist), len(self.playlists))
                if own
                else rng.randrange(len(self.playlists))
            )
        plan.shuffle = kind in (TASTE, PLAYLIST) and rng.random() < 0.6
        plan.incognito = rng.random() < 0.004
        plan.offline = device == "phone" and rng.random() < 0.01
        if trip is not None:
            plan.ip = f"203.0.113.{rng.randint(1, 254)}"
        elif device == "phone" and rng.random() < 0.5:
            plan.ip = f"198.51.100.{rng.randint(1, 254)}"
        else:
            plan.ip = self.home_ip(start, device)
        return plan

    def _resolve(self, tiers: list[list[Plan]], everyday: list[Plan]) -> list[Plan]:
        """Keeps tier by tier the sessions that overlap none kept before, then fits everyday
        sessions around them, and cuts each session short where the next one begins."""
        kept: list[Plan] = []
        starts: list[float] = []
        for tier in tiers:
            tier.sort(key=lambda plan: plan.start)
            for plan in tier:
                i = bisect_right(starts, plan.start)
                if i > 0 and plan.start < kept[i - 1].end + 120:
                    continue
                if i < len(kept) and kept[i].start < plan.end + 120:
                    continue
                kept.insert(i, plan)
                starts.insert(i, plan.start)
        free: list[Plan] = []
        for plan in everyday:
            i = bisect_right(starts, plan.start) - 1
            if i >= 0 and plan.start < kept[i].end + 120:
                continue
            if i + 1 < len(kept) and kept[i + 1].start - plan.start < 180:
                continue
            free.append(plan)
        plans = sorted(kept + free, key=lambda plan: plan.start)
        result: list[Plan] = []
        for i, plan in enumerate(plans):
            following = plans[i + 1].start - 30 if i + 1 < len(plans) else self.t1
            plan.end = min(plan.end, following, self.t1)
            if self.t0 <= plan.start and plan.end - plan.start > 60:
                result.append(plan)
        return result

    # -- playing sessions ------------------------------------------------------------------------
    def run(self) -> Simulation:
        """Plays every planned session into rows; returns self."""
        for plan in self.plan():
            session = len(self.sessions)
            self.sessions.append(plan)
            if plan.kind == PODCAST:
                self._podcasts(plan, session)
            elif plan.kind == BOOK:
                self._audiobook(plan, session)
            else:
                self._music(plan, session)
        return self

    def _emit(self, start: float, ms: int, item: int, rs: str, re: str, skip: bool, s: int) -> None:
        end = max(int(start + ms / 1000), self._last_end + 1)
        self._last_end = end
        self.rows.append((end, ms, item, rs, re, skip, s))

    def _first_reason(self, plan: Plan) -> str:
        if plan.device in ("speaker", "tv") and self.rng.random() < 0.3:
            return "remote"
        if plan.kind == MOMENT:
            return "clickrow" if self.rng.random() < 0.6 else "playbtn"
        return self.rng.choice(_FIRST_REASONS)

    def _music(self, plan: Plan, session: int) -> None:
        rng, cat = self.rng, self.catalog
        r = rng.random
        pick = picker(self, plan)
        skip_base = self.persona.moments[plan.moment].skip_rate if plan.kind == MOMENT else 0.22
        if plan.kind == MIX:
            skip_base = self.persona.occasional[plan.source].skip_rate
        elif plan.kind == BINGE:
            skip_base = 0.06
        t, end = plan.start, plan.end
        rs = self._first_reason(plan)
        again = -1
        durations, biases = cat.duration_ms, cat.skip_bias
        emit = self.rows.append
        last_end = self._last_end
        while t < end - 25:
            item = again if again >= 0 else pick()
            again = -1
            duration = durations[item]
            u = r()
            chance = skip_base * biases[item]
            skip = False
            if u < chance:
                v = r()
                seconds = 1.5 + 18 * r() if v < 0.6 else 20 + 40 * r() if v < 0.9 else 60 + 90 * r()
                ms = min(int(seconds * 1000), duration - 2000)
                re, skip = "fwdbtn", True
            elif u < chance + 0.012:
                ms, re, again = int(duration * 0.5 * r()) + 1500, "backbtn", item
            else:
                ms, re = duration - int(400 * r()), "trackdone"
            if t + ms / 1000 > end:
                ms, re, skip = int((end - t) * 1000), "endplay", False
                if ms < 4000:
                    break
                v = r()
                if v < 0.06:
                    re = "unexpected-exit-while-paused" if v < 0.04 else "logout"
            stop = int(t + ms / 1000)
            last_end = stop if stop > last_end else last_end + 1
            emit((last_end, ms, item, rs, re, skip, session))
            if re not in ("trackdone", "fwdbtn", "backbtn"):
                break
            t += ms / 1000 + (0.2 + 1.5 * r() if r() > 0.03 else 30 + 570 * r())
            rs = re
        self._last_end = last_end

    def _podcasts(self, plan: Plan, session: int) -> None:
        p, rng, cat = self.persona, self.rng, self.catalog
        if not p.podcasts:
            return
        weights = [1.0 / (i + 1) for i in range(len(p.podcasts))]
        show = rng.choices(p.podcasts, weights)[0]
        t, end = plan.start, plan.end
        rs = "appload" if rng.random() < 0.3 else "clickrow" if rng.random() < 0.6 else "playbtn"
        first_release = self.t0 - 60 * DAY_S
        while t < end - 30:
            period = SHOWS[show].every_days * DAY_S
            latest = int((t - first_release) // period)
            state = self._pod_state.get(show)
            if state is None or state[0] < latest - 6 or state[0] > latest:
                state = [latest - rng.randint(0, 2), 0]
                self._pod_state[show] = state
            item = cat.episode(show, state[0], first_release + state[0] * period)
            remaining = cat.duration_ms[item] - state[1]
            room = int((end - t) * 1000)
            skip = False
            if state[1] == 0 and rng.random() < 0.05:
                ms, re, skip = 5000 + int(55_000 * rng.random()), "fwdbtn", True
                state[:] = [state[0] + 1, 0]
            elif remaining <= room:
                ms, re = remaining, "trackdone"
                state[:] = [state[0] + 1, 0]
            else:
                ms, re = room, "endplay"
                state[1] += room
            if ms < 4000:
                break
            self._emit(t, ms, item, rs, re, skip, session)
            if re == "endplay":
                break
            t += ms / 1000 + 0.5 + 2 * rng.random()
            rs = re
            if state[0] > latest:
                show = rng.choices(p.podcasts, weights)[0]

    def _audiobook(self, plan: Plan, session: int) -> None:
        cat, rng = self.catalog, self.rng
        titles = [book.title for book in BOOKS]
        reading = [titles.index(title) for title in self.persona.audiobooks]
        if not reading:
            return
        t, end = plan.start, plan.end
        rs = "appload" if rng.random() < 0.4 else "playbtn"
        state = self._book_state
        while t < end - 30:
            book = reading[state[0] % len(reading)]
            item = cat.chapter(book, state[1])
            remaining = cat.duration_ms[item] - state[2]
            room = int((end - t) * 1000)
            if remaining <= room:
                ms, re = remaining, "trackdone"
                state[1], state[2] = state[1] + 1, 0
                if state[1] >= BOOKS[book].chapters:
                    state[0], state[1] = state[0] + 1, 0
            else:
                ms, re = room, "endplay"
                state[2] += room
            if ms < 4000:
                break
            self._emit(t, ms, item, rs, re, False, session)
            if re == "endplay":
                break
            t += ms / 1000 + 1 + rng.random()
            rs = re

    def platform(self, device: str) -> str:
        """The clean `platform` string of one of the persona's devices."""
        p = self.persona
        return CLEAN_PLATFORMS[platform_key(device, p.phone_os, p.desktop_os)]


def _progress(moment: PlantedMoment, index: int, days: int) -> float:
    """How far day `index` is through the moment's era, 0 to 1 (0 without drift)."""
    if not moment.drift_hours:
        return 0.0
    first, last = moment.active_from * days, moment.active_to * days
    return min(1.0, max(0.0, (index - first) / max(1.0, last - first)))
