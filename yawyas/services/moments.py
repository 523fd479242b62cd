"""Moments, computed once per history: load -> fit (or reuse the stored run) -> save.

The stored run is reused while the history's generation (bumped by every import or sync that
changes it) and the settings (zone, travel-awareness, model version) are the same; reading it
imports neither pandas nor scikit-learn, so `yawyas moments` answers in well under a second.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final

from yawyas.analysis.moments.types import Moment, apply_overrides, from_document, to_document
from yawyas.store.db import load_generation
from yawyas.store.moments import (
    MomentRun,
    load_moment_run,
    load_stream_labels,
    save_moment_run,
)

if TYPE_CHECKING:
    import pandas as pd

    from yawyas.analysis.common import IntArray
    from yawyas.analysis.moments.fit import MomentsResult, PreviousMoments
    from yawyas.settings import Config

MODEL_VERSION: Final = "3"  # 3: moments have an audience
MIN_STREAMS: Final = 100  # fewer streams cannot hold a moment (8 sessions in 4 weeks)


@dataclass(frozen=True)
class MomentsView:
    """The moments of the store's history, and where they come from."""

    moments: tuple[Moment, ...]
    generation: int
    computed_at: int
    cached: bool  # read from the store rather than computed now
    streams: int  # streams in the history when computed

    @property
    def streams_in_moments(self) -> int:
        """Streams that fit one of the moments (hidden ones included)."""
        return sum(m.streams for m in self.moments)


def run_key(tz: str, travel_aware: bool) -> str:
    """What a stored run depends on besides the history: model version, zone, travel."""
    return f"v{MODEL_VERSION}|{tz}|{'travel' if travel_aware else 'home'}"


def _view(run: MomentRun, cached: bool) -> MomentsView:
    return MomentsView(
        moments=tuple(from_document(json.loads(d)) for d in run.documents),
        generation=run.generation,
        computed_at=run.computed_at,
        cached=cached,
        streams=run.streams,
    )


def ensure_moments(
    conn: sqlite3.Connection, *, tz: str, travel_aware: bool = False, refresh: bool = False
) -> MomentsView:
    """The store's moments: the stored run when it is still current, else computed and saved.

    `refresh` recomputes even a current run (ids of persisting moments stay the same).
    """
    generation = load_generation(conn)
    key = run_key(tz, travel_aware)
    run = load_moment_run(conn)
    if run is not None and not refresh and run.generation == generation and run.key == key:
        return _view(run, cached=True)
    return _compute(conn, generation=generation, key=key, tz=tz, travel_aware=travel_aware)


def _compute(
    conn: sqlite3.Connection, *, generation: int, key: str, tz: str, travel_aware: bool
) -> MomentsView:
    import numpy as np

    from yawyas.store.streams import load_streams

    streams = load_streams(conn)
    played_at = streams["played_at"].to_numpy(dtype=np.int64)
    labels: IntArray = np.full(len(streams), -1, dtype=np.int64)
    moments: tuple[Moment, ...] = ()
    if len(streams) >= MIN_STREAMS:  # fewer: nothing to learn, skip loading scikit-learn
        from yawyas.analysis.moments.fit import PreviousMoments

        before = load_moment_run(conn)
        ended_at, stored = load_stream_labels(conn)
        previous = None
        if before is not None and len(ended_at):
            previous = PreviousMoments(ended_at, stored, before.ids)
        result = _fit(
            conn, streams, tz=tz, travel_aware=travel_aware, previous=previous, audiences=True
        )
        moments, labels = result.moments, result.labels
    save_moment_run(
        conn,
        generation=generation,
        key=key,
        ids=[m.id for m in moments],
        documents=[json.dumps(to_document(m), ensure_ascii=False) for m in moments],
        labels=labels,
        ended_at=played_at,
    )
    return _view(_stored(conn), cached=False)


def _fit(
    conn: sqlite3.Connection,
    streams: pd.DataFrame,
    *,
    tz: str,
    travel_aware: bool,
    previous: PreviousMoments | None = None,
    audiences: bool = False,
) -> MomentsResult:
    """`fit_moments` of `streams` with the store's playlists and genres; with `audiences`, each
    moment gets the audience of most of its streams (the audiences of the whole history, which
    `streams` must be, are kept beside the store for the other commands)."""
    from yawyas.analysis.clock import build_local_times
    from yawyas.analysis.moments.fit import fit_moments
    from yawyas.store.metadata import load_item_genres
    from yawyas.store.spotify import load_playlist_memberships

    local = build_local_times(streams, tz, travel_aware=travel_aware)
    memberships = load_playlist_memberships(conn)
    genres = load_item_genres(conn)
    result = fit_moments(streams, local, memberships, genres=genres, previous=previous)
    if not audiences:
        return result
    from yawyas.analysis.audience.moments import build_moment_audiences
    from yawyas.services.audience import compute_audiences, save_audiences

    learned = compute_audiences(conn, streams, local, memberships=memberships, genres=genres)
    save_audiences(conn, learned, tz=tz, travel_aware=travel_aware)
    found = build_moment_audiences(
        learned.codes,
        result.labels,
        len(result.moments),
        learned.findings,
        [[r.name for r in m.top_artists] for m in result.moments],
    )
    moments = tuple(
        replace(m, audience=a, audience_confidence=c, audience_evidence=e)
        for m, (a, c, e) in zip(result.moments, found, strict=True)
    )
    return replace(result, moments=moments)


def learn_moments_before(
    conn: sqlite3.Connection,
    config: Config,
    *,
    tz: str,
    before_s: int,
    travel_aware: bool = False,
) -> tuple[Moment, ...]:
    """The moments of the streams that STARTED before `before_s` (UTC s) only, with the
    person's names and hidden flags; computed, never saved (evaluate: what `now` would have
    known at a cutoff)."""
    from yawyas.analysis.common import start_ms
    from yawyas.store.cache import load_history

    streams = load_history(conn)
    streams = streams[start_ms(streams) < before_s * 1000].reset_index(drop=True)
    if len(streams) < MIN_STREAMS:
        return ()
    moments = _fit(conn, streams, tz=tz, travel_aware=travel_aware).moments
    return tuple(apply_overrides(moments, overrides(config)))


def _stored(conn: sqlite3.Connection) -> MomentRun:
    run = load_moment_run(conn)
    if run is None:  # pragma: no cover - just saved in the same connection
        raise RuntimeError("the moments just saved cannot be read back")
    return run


def overrides(config: Config) -> dict[str, Mapping[str, Any]]:
    """The person's `[moments.<id>]` tables from the config file (name, hidden, audience)."""
    table = config.get("moments", default={})
    if not isinstance(table, dict):
        return {}
    return {str(k): v for k, v in table.items() if isinstance(v, dict)}


def load_moments(
    conn: sqlite3.Connection,
    config: Config,
    *,
    tz: str,
    travel_aware: bool = False,
    refresh: bool = False,
) -> MomentsView:
    """`ensure_moments` with the person's own names, hidden flags and audiences from the config.

    When the config labels artists, devices or playlists, each moment's audience is counted
    again from its streams with those labels."""
    from yawyas.services.audience import audience_overrides

    said = audience_overrides(config)  # a bad value stops here, in one sentence
    view = ensure_moments(conn, tz=tz, travel_aware=travel_aware, refresh=refresh)
    moments = view.moments
    if (said.artists or said.devices or said.playlists) and moments:
        moments = _recount_audiences(conn, config, moments, tz=tz, travel_aware=travel_aware)
    return replace(view, moments=tuple(apply_overrides(moments, overrides(config))))


def _recount_audiences(
    conn: sqlite3.Connection,
    config: Config,
    moments: tuple[Moment, ...],
    *,
    tz: str,
    travel_aware: bool,
) -> tuple[Moment, ...]:
    """The moments with the audience of most of their streams under the person's labels."""
    from yawyas.analysis.audience.moments import build_moment_audiences
    from yawyas.services.audience import load_audiences

    codes, _, findings = load_audiences(conn, config, tz=tz, travel_aware=travel_aware)
    _, labels = load_stream_labels(conn)
    if len(labels) != len(codes):  # pragma: no cover - both follow the same history
        return moments
    found = build_moment_audiences(
        codes, labels, len(moments), findings, [[r.name for r in m.top_artists] for m in moments]
    )
    return tuple(
        replace(m, audience=a, audience_confidence=c, audience_evidence=e)
        for m, (a, c, e) in zip(moments, found, strict=True)
    )


def plays_moment_columns(
    conn: sqlite3.Connection, frame: pd.DataFrame, *, tz: str, travel_aware: bool = False
) -> pd.DataFrame:
    """`local_time` and `moment` for the rows of a `store.load_streams()` frame (same index).

    `local_time` is each stream's local START as ISO 8601 with its UTC offset; `moment` its
    moment's id, or None for listening that fits none. Computes the moments when the stored
    ones are not current. Call it before reformatting `played_at`.
    """
    import numpy as np
    import pandas as pd

    from yawyas.analysis.clock import build_local_times
    from yawyas.analysis.moments.export import align_labels, build_local_iso

    local = build_local_times(frame, tz, travel_aware=travel_aware)
    view = ensure_moments(conn, tz=tz, travel_aware=travel_aware)
    ended_at, stored = load_stream_labels(conn)
    played_at = frame["played_at"].to_numpy(dtype=np.int64)
    labels: IntArray = np.full(len(frame), -1, dtype=np.int64)
    if len(frame) and len(ended_at):
        labels = align_labels(played_at, ended_at, stored)
    ids = np.array([m.id for m in view.moments] + [None], dtype=object)
    return pd.DataFrame(
        {"local_time": build_local_iso(local), "moment": ids[labels]}, index=frame.index
    )
