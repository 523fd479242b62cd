"""The real-world mess of Spotify exports, sprinkled at realistic low rates.

A `QuirkPlan` decides everything up front from the history and its seed: which rows are
duplicated or moved, which are damaged and how, how the rows are cut into files. Rows are then
produced file by file (`quirky_rows`), so a million-row export never holds two copies in memory.
Every decision is keyed by the row's index in the clean history, so an exact duplicate stays exact.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from yawyas.demo.catalog import META_FIELDS, spotify_id
from yawyas.demo.history import DemoHistory
from yawyas.demo.platforms import CLEAN_PLATFORMS, ERA_PLATFORMS, ERAS

ROWS_PER_FILE = 13_500  # about 12 MB of indented JSON, like Spotify's files

ZERO_MS, LONG, UNKNOWN, ALL_NULL, ZZ, REASON_EMPTY, REASON_UNKNOWN, OTS_ZERO, OTS_NULL = (
    1 << i for i in range(9)
)
# (bit, share of rows, at least this many rows)
_ROW_QUIRKS = (
    (ZERO_MS, 0.004, 3),
    (LONG, 0.0003, 2),
    (UNKNOWN, 0.001, 2),
    (ALL_NULL, 0.0015, 2),
    (ZZ, 0.002, 2),
    (REASON_EMPTY, 0.002, 2),
    (REASON_UNKNOWN, 0.002, 2),
    (OTS_ZERO, 0.005, 2),
    (OTS_NULL, 0.005, 2),
)
LOCAL_FILE = "spotify:local:Los+Faroles:Demos:Canci%C3%B3n+sin+t%C3%ADtulo:187"
_FAMILY_OF_CLEAN = {text: key for key, text in CLEAN_PLATFORMS.items()}
_BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/58.0.3029.110 Safari/537.36"
)


def rows_per_file(rows: int) -> int:
    """How many rows go in one Streaming_History_Audio file (a few files even when small)."""
    return min(ROWS_PER_FILE, max(500, math.ceil(rows / 3)))


def compact_file(files: int) -> int:
    """Which Streaming_History_Audio file is written as a single line of JSON."""
    return 1 if files > 1 else 0


def _stamp(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


@dataclass
class QuirkPlan:
    """Every quirk decision for one history."""

    order: list[int]  # clean-row index written at each position
    per_file: int
    compact_file: int  # this file is written as one line of JSON
    ms_files: frozenset[int]  # files whose offline_timestamp is in milliseconds
    marks: dict[int, int] = field(default_factory=dict)  # clean index -> quirk bits
    dup_file: dict[int, int] = field(default_factory=dict)  # duplicated index -> its first file
    era_bounds: list[str] = field(default_factory=list)
    null_reason_year: str | None = None
    skipped_null_before: str = ""
    user_agent_before: str = ""
    trailing_show: str | None = None

    @property
    def files(self) -> int:
        """Number of Streaming_History_Audio files."""
        return max(1, math.ceil(len(self.order) / self.per_file))


def plan_quirks(history: DemoHistory) -> QuirkPlan:
    """Decides, from the history's seed, every quirk the export will carry."""
    streams = history.streams
    n = len(streams)
    rng = random.Random(f"yawyas-demo-quirks|{history.persona.name}|{history.seed}|{n}")

    def count(share: float, least: int) -> int:
        return min(n, max(least, round(share * n)))

    order = list(range(n))
    if n > 1:
        for _ in range(count(0.01, 5)):  # out of order within a file
            i = rng.randrange(n - 1)
            j = min(n - 1, i + rng.randint(1, 40))
            order[i], order[j] = order[j], order[i]
        for _ in range(count(0.001, 2)):  # years mixed within a file
            i, j = rng.randrange(n), rng.randrange(n)
            order[i], order[j] = order[j], order[i]
    duplicated = set(rng.sample(range(n), count(0.0025, 3))) if n else set()
    written: list[int] = []
    first_position: dict[int, int] = {}
    for index in order:
        written.append(index)
        if index in duplicated:
            first_position[index] = len(written) - 1
            written.append(index)
    per_file = rows_per_file(len(written))
    files = max(1, math.ceil(len(written) / per_file))
    marks: dict[int, int] = {}
    music = [i for i in range(0, n, max(1, n // 20_000)) if streams[i]["spotify_track_uri"]]
    for bit, share, least in _ROW_QUIRKS:
        pool = music if bit in (UNKNOWN, LONG) and music else range(n)
        for index in rng.sample(pool, min(len(pool), count(share, least))):
            marks[index] = marks.get(index, 0) | bit
    first = _epoch(streams[0]["ts"]) if n else 0.0
    last = _epoch(streams[-1]["ts"]) if n else 1.0
    span = max(1.0, last - first)
    years = sorted({row["ts"][:4] for row in (streams[0], streams[-1])}) if n else []
    podcasts = history.persona.podcasts
    compact = compact_file(files)
    return QuirkPlan(
        order=written,
        per_file=per_file,
        compact_file=compact,
        ms_files=frozenset(f for f in range(files) if f >= files // 2 and f != compact),
        marks=marks,
        dup_file={index: pos // per_file for index, pos in first_position.items()},
        era_bounds=[_stamp(first + span * e / ERAS) for e in range(1, ERAS)],
        null_reason_year=years[0] if len(years) > 1 else None,
        skipped_null_before=_stamp(first + 0.4 * span),
        user_agent_before=_stamp(first + 0.35 * span),
        trailing_show=podcasts[0] if podcasts else None,
    )


def _platform(clean: str, era: int, day: int) -> str:
    key = _FAMILY_OF_CLEAN.get(clean)
    if key is None:
        return clean
    choices = ERA_PLATFORMS[key][era]
    return choices[day % len(choices)]


def quirky_row(plan: QuirkPlan, row: dict[str, Any], index: int, file: int) -> dict[str, Any]:
    """The row as the export writes it: a changed copy, or the row itself when nothing applies."""
    ts: str = row["ts"]
    file = plan.dup_file.get(index, file)
    changes: dict[str, Any] = {}
    platform = _platform(row["platform"], bisect_right(plan.era_bounds, ts), int(ts[8:10]))
    if platform != row["platform"]:
        changes["platform"] = platform
    if ts < plan.user_agent_before:
        web = platform.startswith(("WebPlayer", "web_player"))
        changes["user_agent_decrypted"] = _BROWSER if web else "unknown"
    if ts < plan.skipped_null_before:
        changes["skipped"] = None
    if file in plan.ms_files and row["offline_timestamp"]:
        changes["offline_timestamp"] = row["offline_timestamp"] * 1000 + index * 7919 % 1000
    show = row["episode_show_name"]
    if show is not None and show == plan.trailing_show and file % 2 == 1:
        changes["episode_show_name"] = show + " "
    bits = plan.marks.get(index, 0)
    if bits:
        _damage(row, index, bits, changes)
    if plan.null_reason_year is not None and ts.startswith(plan.null_reason_year):
        changes["reason_start"] = changes["reason_end"] = None
    return {**row, **changes} if changes else row


def _damage(row: dict[str, Any], index: int, bits: int, changes: dict[str, Any]) -> None:
    if bits & ZERO_MS:
        changes["ms_played"] = 0
    if bits & LONG:
        changes["ms_played"] = row["ms_played"] + (38 + index % 150) * 60_000
    if bits & UNKNOWN:
        changes["master_metadata_album_artist_name"] = "Unknown Artist"
        changes["spotify_track_uri"] = None
        changes["master_metadata_album_album_name"] = None if index % 2 else "Unknown Album"
        if index % 2 == 0:
            changes["master_metadata_track_name"] = "Unknown Track"
    if bits & ALL_NULL:
        changes.update(dict.fromkeys(META_FIELDS))
    if bits & ZZ:
        changes["conn_country"] = "ZZ"
    if bits & REASON_EMPTY:
        changes["reason_start" if index % 2 else "reason_end"] = ""
    if bits & REASON_UNKNOWN:
        changes["reason_end" if index % 2 else "reason_start"] = "unknown"
    if bits & OTS_ZERO:
        changes["offline_timestamp"] = 0
    if bits & OTS_NULL:
        changes["offline_timestamp"] = None


def quirky_files(
    history: DemoHistory, plan: QuirkPlan
) -> Iterator[tuple[int, list[dict[str, Any]], list[int]]]:
    """Yields (file index, rows, index of each row in history.streams) of each
    Streaming_History_Audio file, in order."""
    streams, order, per = history.streams, plan.order, plan.per_file
    for file in range(plan.files):
        chunk = order[file * per : (file + 1) * per]
        yield file, [quirky_row(plan, streams[i], i, file) for i in chunk], chunk


def quirky_playlists(history: DemoHistory) -> list[dict[str, Any]]:
    """Playlists with an episode and a local file added to the first one, as real ones have."""
    playlists = [dict(p) for p in history.playlists]
    if playlists:
        first = playlists[0]
        day = first["lastModifiedDate"]
        extra = [
            {
                "track": None,
                "episode": {
                    "episodeName": "Ep. 12: The perfect long run",
                    "showName": "The Long Game",
                    "episodeUri": f"spotify:episode:{spotify_id('episode', 'The Long Game', '11')}",
                },
                "audiobook": None,
                "localTrack": None,
                "addedDate": day,
            },
            {
                "track": None,
                "episode": None,
                "audiobook": None,
                "localTrack": {"uri": LOCAL_FILE},
                "addedDate": day,
            },
        ]
        first["items"] = [*first["items"], *extra]
    return playlists


def apply_quirks(history: DemoHistory) -> DemoHistory:
    """The history as written with quirks=True: its rows in file order, the ground truth
    (labels, audiences, events) still aligned.

    Holds every row in memory twice; for big histories `write_export` streams file by file.
    """
    if history.quirky:
        return history
    plan = plan_quirks(history)
    streams: list[dict[str, Any]] = []
    order: list[int] = []
    for _, rows, indices in quirky_files(history, plan):
        streams.extend(rows)
        order.extend(indices)
    labels, audiences, events = history.labels, history.audiences, history.events
    library = dict(history.library)
    library["other"] = [*library.get("other", []), LOCAL_FILE]
    return replace(
        history,
        streams=streams,
        labels=[labels[i] for i in order],
        audiences=[audiences[i] for i in order] if audiences else [],
        events=[events[i] for i in order] if events else [],
        playlists=quirky_playlists(history),
        library=library,
        quirky=True,
    )
