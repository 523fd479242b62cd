"""`fit_moments`: segments -> features -> rules -> facts -> named moments with stable ids."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from yawyas.analysis.common import IntArray, ObjArray, categorize_names
from yawyas.analysis.devices import build_device_families
from yawyas.analysis.moments.describe import build_facts
from yawyas.analysis.moments.features import (
    build_context_features,
    build_segments,
    build_time_features,
)
from yawyas.analysis.moments.identity import align_previous, content_id, match_ids
from yawyas.analysis.moments.model import ModelParams, fit_rules
from yawyas.analysis.moments.naming import build_name, unique_names
from yawyas.analysis.moments.traits import build_traits
from yawyas.analysis.moments.types import Moment


@dataclass(frozen=True)
class PreviousMoments:
    """An earlier run, so that moments that persist keep their ids: the end second of each
    stream it saw, its label (index into `ids`, -1 for noise) and the ids."""

    played_at: IntArray
    labels: IntArray
    ids: tuple[str, ...]


@dataclass(frozen=True)
class MomentsResult:
    """The moments (most played first) and each stream's moment: `labels[i]` indexes
    `moments` for row i of the streams given to `fit_moments`, -1 when it fits none."""

    moments: tuple[Moment, ...]
    labels: IntArray

    def stream_ids(self) -> ObjArray:
        """Each stream's moment id, "" for listening that fits no moment."""
        table = np.array([m.id for m in self.moments] + [""], dtype=object)
        out: ObjArray = table[self.labels]
        return out


def fit_moments(
    streams: pd.DataFrame,
    local: pd.DataFrame,
    memberships: Sequence[tuple[str, int]] = (),
    *,
    genres: Mapping[int, Sequence[str]] | None = None,
    previous: PreviousMoments | None = None,
    params: ModelParams | None = None,
) -> MomentsResult:
    """Learn the moments of a history.

    `streams` is shaped like `store.load_streams()` (with `item_id` for playlists and genres to
    count), `local` is `build_local_times(streams, tz)` of the same rows, `memberships` are
    (playlist name, item id) pairs, `genres` maps item ids to their artists' genres where the
    API gave them, and `previous` is the earlier run whose ids persisting moments keep.
    """
    params = params or ModelParams()
    streams = categorize_names(streams, ("artist_name", "track_name", "album_name"))
    families = build_device_families(streams["platform"])
    segments = build_segments(streams, local, families)
    time_x = build_time_features(segments)
    context_x = build_context_features(streams, segments, memberships, seed=params.seed)
    rules, seg_labels = fit_rules(time_x, context_x, segments, params)
    facts = build_facts(streams, families, segments, seg_labels, len(rules), memberships, genres)
    # most played first (ties: earliest window), labels renumbered to match
    order = sorted(
        range(len(facts)),
        key=lambda i: (-facts[i].plays, -facts[i].ms_played, facts[i].window.start_minute),
    )
    rank = np.full(len(facts) + 1, -1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    labels = rank[seg_labels[segments.of_stream]] if len(streams) else np.zeros(0, np.int64)
    facts = [facts[i] for i in order]
    lifts = [rules[i].lift for i in order]
    fresh = [content_id(f) for f in facts]
    if previous is not None:
        before = align_previous(
            streams["played_at"].to_numpy(dtype=np.int64), previous.played_at, previous.labels
        )
        ids = match_ids(labels, before, previous.ids, fresh)
    else:
        ids = match_ids(labels, np.zeros(len(labels), dtype=np.int64), (), fresh)
    names = unique_names([build_name(f) for f in facts], [f.window for f in facts])
    moments = tuple(
        Moment(
            id=ids[i],
            generated_name=names[i],
            windows=(f.window,),
            sessions=f.sessions,
            weeks=f.weeks,
            streams=f.streams,
            plays=f.plays,
            ms_played=f.ms_played,
            play_share=f.play_share,
            time_share=f.time_share,
            first_played_at=f.first_played_at,
            last_played_at=f.last_played_at,
            device=f.device,
            device_share=f.device_share,
            content=f.content,
            shuffle_share=f.shuffle_share,
            deliberate_share=f.deliberate_share,
            skip_rate=f.skip_rate,
            lift=lifts[i],
            top_artists=f.top_artists,
            top_tracks=f.top_tracks,
            top_playlists=f.top_playlists,
            traits=build_traits(f),
        )
        for i, f in enumerate(facts)
    )
    return MomentsResult(moments=moments, labels=labels)
