"""`fit_moments`: segments -> groups -> routines -> facts -> named moments with stable ids.

Groups are what a moment can be about: a content (a dense cluster of listening, found by
`model.content_balls`), a kind (podcasts, audiobooks), a device, or everything. `routines`
finds, per group, the listening that recurs at one time of the week, era by era, against a null
model of the person's own history; the most specific routine wins where several describe the
same streams, and each stream belongs to at most one moment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from yawyas.analysis.common import IntArray, ObjArray, categorize_names
from yawyas.analysis.devices import DEVICE_FAMILIES, build_device_families
from yawyas.analysis.moments.describe import build_facts
from yawyas.analysis.moments.features import (
    CONTENTS,
    Segments,
    build_context_features,
    build_segments,
    build_time_features,
)
from yawyas.analysis.moments.identity import align_previous, content_id, match_ids
from yawyas.analysis.moments.model import ModelParams, content_balls
from yawyas.analysis.moments.naming import build_name, unique_names
from yawyas.analysis.moments.routines import (
    BLOCK_WEEKS,
    Frame,
    Group,
    Routine,
    build_frame,
    choose,
    evaluate_chain,
    find_routines,
    is_routine,
    merge_days,
)
from yawyas.analysis.moments.traits import build_traits
from yawyas.analysis.moments.types import Moment

MIN_GROUP_SEGMENTS = 20
SAME_CONTENT = 0.5  # content balls sharing half the smaller one's segments are one content
MIN_DEVICE_SHARE = 0.01
KIND_SHARE = 0.5  # a segment is of a kind (podcasts, audiobooks) when half its time is
STRONG_LIFT = 4.0  # routines this far above chance, and this sure, leave the null model
STRONG_Z = 8.0
CURRENT_DAYS = 28  # a moment is current when it happened in the last four weeks (or gaps)
_EPOCH = date(1970, 1, 1)


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


def build_groups(
    segments: Segments, time_x: np.ndarray, context_x: np.ndarray, params: ModelParams
) -> list[Group]:
    """What moments can be about: contents, kinds, devices, and all listening."""
    n = len(segments)
    balls: list[np.ndarray] = []
    for ball in content_balls(time_x, context_x, segments, params):
        for i, other in enumerate(balls):  # much the same content: one group
            if (ball & other).sum() >= SAME_CONTENT * min(ball.sum(), other.sum()):
                balls[i] = other | ball
                break
        else:
            balls.append(ball)
    groups = [
        Group(f"content:{i}", 0, ball)
        for i, ball in enumerate(balls)
        if ball.sum() >= MIN_GROUP_SEGMENTS
    ]
    for k, kind in enumerate(CONTENTS[1:3], start=1):
        mask = segments.content[:, k] >= KIND_SHARE
        if mask.sum() >= MIN_GROUP_SEGMENTS:
            groups.append(Group(f"kind:{kind}", 1, mask))
    counts = np.bincount(segments.device, minlength=len(DEVICE_FAMILIES))
    for d, family in enumerate(DEVICE_FAMILIES):
        if counts[d] >= MIN_GROUP_SEGMENTS and MIN_DEVICE_SHARE * n <= counts[d] < 0.97 * n:
            groups.append(Group(f"device:{family}", 2, segments.device == d))
    groups.append(Group("all", 3, np.ones(n, dtype=bool)))
    return groups


def assign(
    segments: Segments, routines: list[Routine], frame: Frame
) -> tuple[list[Routine], IntArray]:
    """Each segment's routine (-1: none), the most specific first; routines left with too
    little of their own (their streams went to more specific ones) are dropped and the
    labels made again."""
    kept = list(routines)
    for _ in range(4):
        labels = np.full(len(segments), -1, dtype=np.int64)
        for i, r in enumerate(kept):
            free = r.members[labels[r.members] < 0]
            labels[free] = i
        still = []
        for i, r in enumerate(kept):
            elsewhere = (labels >= 0) & (labels != i)  # taken by a more specific routine
            mine = replace(r.group, mask=r.group.mask & ~elsewhere)
            again = evaluate_chain(segments, mine, r.days, r.spans, frame)
            if again is not None and is_routine(again, frame):
                still.append(replace(again, group=r.group))
        if len(still) == len(kept):
            return still, labels
        kept = still
    labels = np.full(len(segments), -1, dtype=np.int64)
    for i, r in enumerate(kept):
        free = r.members[labels[r.members] < 0]
        labels[free] = i
    return kept, labels


def _iso(listening_day: int) -> str:
    return (_EPOCH + timedelta(days=listening_day)).isoformat()


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
    if len(segments) == 0:
        return MomentsResult((), np.zeros(0, dtype=np.int64))
    time_x = build_time_features(segments)
    context_x = build_context_features(streams, segments, memberships, seed=params.seed)
    groups = build_groups(segments, time_x, context_x, params)
    # The null model's days and times come from everyday listening: the strongest routines
    # are found first and left out of it, so that listening kept out of their hours by them
    # (everyday music, never at 9:00 on weekdays because work is) does not look like a habit.
    first = build_frame(segments, groups=len(groups))
    strong = np.zeros(len(segments), dtype=bool)
    seasons = find_routines(segments, groups, first, sizes=(BLOCK_WEEKS,))
    for r in choose(seasons, segments, first):
        if r.lift >= STRONG_LIFT and r.z >= STRONG_Z:
            strong[r.members] = True
    frame = build_frame(segments, ~strong, len(groups)) if strong.any() else first
    found = find_routines(segments, groups, frame)
    chosen = merge_days(choose(found, segments, frame), segments, frame)
    routines, seg_labels = assign(segments, chosen, frame)
    facts = build_facts(streams, families, segments, seg_labels, len(routines), memberships, genres)
    # most played first (ties: earliest window), labels renumbered to match
    order = sorted(
        range(len(facts)),
        key=lambda i: (-facts[i].plays, -facts[i].ms_played, facts[i].window.start_minute),
    )
    rank = np.full(len(facts) + 1, -1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    labels = rank[seg_labels[segments.of_stream]]
    facts = [facts[i] for i in order]
    routines = [routines[i] for i in order]
    fresh = [content_id(f) for f in facts]
    if previous is not None:
        before = align_previous(
            streams["played_at"].to_numpy(dtype=np.int64), previous.played_at, previous.labels
        )
        ids = match_ids(labels, before, previous.ids, fresh)
    else:
        ids = match_ids(labels, np.zeros(len(labels), dtype=np.int64), (), fresh)
    names = unique_names([build_name(f) for f in facts], [f.window for f in facts])
    last_day = int(segments.date.max())
    moments = []
    for i, (f, r) in enumerate(zip(facts, routines, strict=True)):
        dates = np.unique(segments.date[seg_labels == order[i]])
        gap = int(np.median(np.diff(dates))) if len(dates) > 1 else CURRENT_DAYS
        moments.append(
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
                lift=r.lift,
                top_artists=f.top_artists,
                top_tracks=f.top_tracks,
                top_playlists=f.top_playlists,
                traits=build_traits(f),
                active_from=_iso(int(dates[0])),
                active_to=_iso(int(dates[-1])),
                current=last_day - int(dates[-1]) <= max(CURRENT_DAYS, 2 * gap),
                days=len(dates),
                top_day_share=r.top_day_share,
                occasions=r.occasions,
                expected=r.expected,
                z=r.z,
                p_value=r.p_value,
            )
        )
    return MomentsResult(moments=tuple(moments), labels=labels)
