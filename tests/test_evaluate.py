"""`evaluate`: the `now` playlist's hit rate on held-out plays against two baselines."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.framekit import moment
from tests.test_playlists_steps import MONDAY, frame, weekly
from yawyas.demo import PERSONAS, generate_history, write_export
from yawyas.errors import BadInputError
from yawyas.playlists.evaluate import evaluate, recent_tracks, top_tracks
from yawyas.playlists.generate import Context
from yawyas.playlists.listening import DAY_S, build_listening
from yawyas.playlists.steps import build_colisten
from yawyas.services import ingest
from yawyas.services.moments import learn_moments_before
from yawyas.services.playlists import evaluate_history
from yawyas.settings import Config
from yawyas.store.db import connect


def context_of(streams: Any, tz: str = "UTC") -> Context:
    lis = build_listening(streams, tz)
    return Context(lis, build_colisten(lis))


def test_a_weekly_routine_is_predicted_almost_perfectly() -> None:
    ctx = context_of(weekly(30))
    result = evaluate(ctx.listening, ctx, size=8)
    assert result.now >= 0.95
    assert result.now >= result.top
    assert result.heldout_plays == 4 * 19 + 1  # the last 28 days, both ends in
    doc = result.as_dict()
    assert set(doc) >= {"hit_rate_now", "hit_rate_top", "hit_rate_recent", "lift_over_top"}


def test_a_history_without_routine_is_never_below_the_top_baseline() -> None:
    rng = np.random.default_rng(5)
    rows = [
        {
            "start": MONDAY + timedelta(minutes=int(m)),
            "track": f"t{int(k)}",
            "artist": f"a{int(k) % 7}",
        }
        for m, k in zip(
            np.sort(rng.uniform(0, 200 * 1440, 4000)), rng.zipf(1.6, 4000) % 300, strict=True
        )
    ]
    ctx = context_of(frame(rows))
    result = evaluate(ctx.listening, ctx)
    assert result.now >= result.top
    # with a moment that holds nothing special, the everyday taste serves the other hours
    weekly_moment = moment("m", "Mon, Wed evenings", ((0, 2), 17 * 60, 19 * 60))
    result = evaluate(ctx.listening, replace(ctx, moments=(weekly_moment,)))
    assert result.moments == 1
    assert result.now >= result.top


def test_baselines() -> None:
    rows = [
        {"start": MONDAY + timedelta(hours=h), "track": t}
        for h, t in enumerate(["a", "b", "a", "c", "a", "b", "d"])
    ]
    lis = build_listening(frame(rows), "UTC")
    name = {str(n): i for i, n in enumerate(lis.names)}
    assert top_tracks(lis, 2).tolist() == [name["a"], name["b"]]
    assert recent_tracks(lis, 3).tolist() == [name["d"], name["b"], name["a"]]


def test_a_cutoff_with_nothing_after_it_is_bad_input() -> None:
    ctx = context_of(weekly(3))
    with pytest.raises(BadInputError, match="plays both before and after"):
        evaluate(ctx.listening, ctx, cutoff_s=ctx.listening.end_s + DAY_S)


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_demo_personas(tmp_path: Path, persona: str) -> None:
    """Each demo listener as `yawyas demo` builds it (3 years, seed 7), evaluated as
    `yawyas evaluate` does (the last 4 weeks, each learned from the plays before it, every
    quarter hour judged with the plays before it, as `playlist now` is used): `now` beats the
    overall top 50 by 1.5 times and the best baseline by 1.1 times, learning its moments from
    the plays before each cutoff only. (Judged a whole week ahead from each cutoff, the time of
    the week holds what a 50-track playlist can hold in the personas' moments: see the
    README.)"""
    write_export(generate_history(persona), tmp_path / "export")
    conn = connect(tmp_path / "yawyas.db")
    ingest.import_paths(conn, [tmp_path / "export"])
    tz = PERSONAS[persona].timezone
    result = evaluate_history(conn, tz)
    assert result.now >= 1.5 * result.top
    assert result.now >= result.recent
    assert result.best_baseline == "time_of_week"
    assert result.lift_over_best >= 1.1
    assert result.moments >= 2

    learned = learn_moments_before(
        conn, Config(path=tmp_path / "none.toml"), tz=tz, before_s=result.cutoff_s
    )
    assert len({m.id for m in learned}) == result.moments
    # nothing of the held-out weeks was seen: every moment ends with a stream that started
    # before the cutoff
    assert max(m.last_played_at for m in learned) < result.cutoff_s + 3 * 3600
