"""What a music session plays next: its playlist, the persona's taste, one artist, a mix."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import TYPE_CHECKING

from yawyas.demo.plan import ALBUM, BINGE, MIX, Plan

if TYPE_CHECKING:
    from yawyas.demo.simulate import Simulation


def picker(sim: Simulation, plan: Plan) -> Callable[[], int]:
    """The function that draws the next track of a music session."""
    rng, cat = sim.rng, sim.catalog
    if plan.playlist >= 0:
        tracks = sim.playlists[plan.playlist].available(plan.start)
        if plan.repeat > 0:
            order = _loop(sim, tracks, plan.repeat)
        elif plan.shuffle:
            order = rng.sample(tracks, len(tracks))
        else:
            at = rng.randrange(len(tracks)) if rng.random() < 0.7 else 0
            order = tracks[at:] + tracks[:at]
        position = [-1]

        def from_playlist() -> int:
            position[0] = (position[0] + 1) % len(order)
            return order[position[0]]

        return from_playlist
    if plan.kind == BINGE:
        return _binge_picker(sim, plan.source)
    if plan.kind == MIX:
        return _mix_picker(sim, plan.source)
    month = sim.world.month_of(plan.start)
    obsession = sim.world.obsession_at(plan.start)
    album: list[int] = []
    if plan.kind == ALBUM:
        albums = cat.artist_albums[sim.world.taste_artist(month)]
        album = list(albums[min(len(albums) - 1, int(rng.random() ** 2 * len(albums)))])
        album.reverse()
    last = [-1]
    r = rng.random
    cum = sim.world.month_cum(month)
    total = cum[-1]
    artists = sim.world.taste_artists
    track_cums, by_artist = cat.artist_track_cum, cat.artist_tracks

    def from_taste() -> int:
        if album:
            track = album.pop()
        elif obsession >= 0 and r() < 0.3:
            track = obsession
        else:
            for _ in range(2):  # a second draw when the first repeats the last track
                artist = artists[bisect_right(cum, r() * total)]
                tcum = track_cums[artist]
                track = by_artist[artist][bisect_right(tcum, r() * tcum[-1])]
                if track != last[0]:
                    break
        last[0] = track
        return track

    return from_taste


def _loop(sim: Simulation, tracks: list[int], count: int) -> list[int]:
    """The few tracks a session on repeat loops: mostly the usual ones, in order."""
    if sim.rng.random() < 0.75 or len(tracks) <= count:
        return tracks[:count]
    return sim.rng.sample(tracks, count)


def _binge_picker(sim: Simulation, artist: int) -> Callable[[], int]:
    """One artist for hours: one album on a loop, or the whole discography in order."""
    albums = sim.catalog.artist_albums[artist]
    at = min(len(albums) - 1, int(sim.rng.random() ** 2 * len(albums)))
    if sim.rng.random() < 0.5:
        order = list(albums[at])
    else:
        order = [track for album in albums[at:] + albums[:at] for track in album]
    position = [-1]

    def from_artist() -> int:
        position[0] = (position[0] + 1) % len(order)
        return order[position[0]]

    return from_artist


def _mix_picker(sim: Simulation, number: int) -> Callable[[], int]:
    """Tracks of an occasional session's own genres (someone else's taste, kids' songs)."""
    artists, cum = sim.world.mix(sim.persona.occasional[number].genres)
    total = cum[-1]
    r = sim.rng.random
    track_cums, by_artist = sim.catalog.artist_track_cum, sim.catalog.artist_tracks

    def from_mix() -> int:
        artist = artists[bisect_right(cum, r() * total)]
        tcum = track_cums[artist]
        return by_artist[artist][bisect_right(tcum, r() * tcum[-1])]

    return from_mix
