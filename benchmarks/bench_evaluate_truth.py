"""Where `playlist now` wins and loses on the demo listeners, by the simulation's ground truth.

python benchmarks/bench_evaluate_truth.py                 # the 4 personas, seed 7
python benchmarks/bench_evaluate_truth.py --seeds 7 8 9
python benchmarks/bench_evaluate_truth.py --streams 3000 --smoke

`yawyas evaluate` judges `now` on every held-out play; the simulation knows which planted moment
(or none: everyday listening) made each one. Per history this splits the hit rates of `now` and
of the time-of-week baseline (the best baseline on every persona) by what made the plays, as
`evaluate --from-cutoff` computes them (the last 28 days in 4 weekly windows, each predicted
whole from the plays before it), and sets the everyday part against a floor it cannot beat:
the share of the held-out everyday plays that the best 50 songs, chosen knowing those plays,
would hold (`hindsight`).
`needed` is the everyday hit rate `now` would need for 1.1 x the best baseline if it matched
the better of itself and the time of week in every moment; needed / hindsight above 1 means
1.1 x is out of reach for that history whatever `now` does.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import verdict
from bench_evaluate import PERSONAS, demo_store

EVERYDAY = "(everyday)"
TARGET = 1.1
SIZE = 50


def planted_labels(persona: str, seed: int, streams: int | None) -> dict[int, str]:
    """Per stream start (UTC s, as the playlists layer computes it): what made it."""
    import pandas as pd

    from yawyas.demo import generate_history

    history = generate_history(persona, seed=seed, n_streams=streams)
    ends = pd.to_datetime([r["ts"] for r in history.streams], utc=True).as_unit("s")
    out: dict[int, str] = {}
    for end, row, label in zip(
        ends.astype("int64").tolist(), history.streams, history.labels, strict=True
    ):
        out.setdefault((end * 1000 - int(row["ms_played"])) // 1000, label or EVERYDAY)
    return out


@dataclass(frozen=True)
class Split:
    per: dict[str, np.ndarray]  # per label: held-out plays, hits of now, hits of the time of week
    plays: int
    now: float
    best: str
    best_rate: float
    hindsight: float
    needed: float


def split(persona: str, seed: int, streams: int | None) -> Split:
    """Hits of `now` and the time of week per label, the pooled baselines, the hindsight floor."""
    from yawyas.demo import PERSONAS as KNOWN
    from yawyas.playlists.backtest import fit_blend
    from yawyas.playlists.blend import SLOT_MIN, slot_of, slot_time
    from yawyas.playlists.evaluate import (
        evaluate_window,
        holdout_windows,
        time_of_week_tracks,
    )
    from yawyas.playlists.generate import Context, now_recipe, select
    from yawyas.services.moments import learn_moments_before
    from yawyas.services.playlists import build_context, cutoff_seconds
    from yawyas.settings import Config
    from yawyas.store.db import connect

    tz = KNOWN[persona].timezone
    labels = planted_labels(persona, seed, streams)
    conn = connect(demo_store(persona, seed, streams))
    config = Config(path=Path("config.toml"))
    ctx = build_context(conn, tz, with_moods=False, config=config, with_moments=False)
    lis = ctx.listening
    first = cutoff_seconds(lis, tz, None, 28)
    per: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(3))  # plays, now, time of week
    baselines: Counter[str] = Counter()
    everyday: list[int] = []
    held_total = 0
    for start, end in holdout_windows(lis, first, None, 4):
        learned = learn_moments_before(conn, config, tz=tz, before_s=start)
        moments = tuple(m for m in learned if not m.hidden)
        train = lis.before(start)
        blend = fit_blend(train, moments, start, SIZE)
        window = evaluate_window(
            lis, replace(ctx, moments=moments), start, end, blend=blend, rolling=False
        )
        baselines.update(window.hits)
        held_total += window.heldout_plays
        now_ctx = Context(listening=train, playlists=ctx.playlists, moments=moments, blend=blend)
        held = np.flatnonzero((lis.start_s >= start) & (lis.start_s < end))
        slots = slot_of(lis.weekday[held], lis.minute[held])
        for slot in np.unique(slots).tolist():
            chosen, _ = select(now_recipe(SIZE), now_ctx, now_s=start, at=slot_time(slot))
            now_set = set(chosen["track"].tolist())
            tow = set(time_of_week_tracks(train, slot * SLOT_MIN + SLOT_MIN // 2, SIZE).tolist())
            for i in held[slots == slot].tolist():
                label = labels.get(int(lis.start_s[i]), "(unmatched)")
                track = int(lis.track[i])
                per[label] += (1, track in now_set, track in tow)
                if label == EVERYDAY:
                    everyday.append(track)
    conn.close()
    best = max((b for b in baselines if b != "now"), key=lambda b: baselines[b])
    counts = Counter(everyday)
    hindsight = sum(n for _, n in counts.most_common(SIZE)) / len(everyday) if everyday else 0.0
    moment_hits = sum(max(v[1], v[2]) for k, v in per.items() if k != EVERYDAY)
    needed = (TARGET * baselines[best] - moment_hits) / len(everyday) if everyday else 0.0
    return Split(
        per=dict(per),
        plays=held_total,
        now=baselines["now"] / max(held_total, 1),
        best=best,
        best_rate=baselines[best] / max(held_total, 1),
        hindsight=hindsight,
        needed=needed,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--streams", type=int, default=None, help="rows per history (default: 3 years)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[7])
    ap.add_argument("--smoke", action="store_true", help="one persona; print, check no target")
    args = ap.parse_args()
    personas = PERSONAS[:1] if args.smoke else PERSONAS
    print("now and the time of week by what made the held-out plays (last 28 days, 4 windows):")
    worst = 0.0
    for persona in personas:
        for seed in args.seeds:
            doc = split(persona, seed, args.streams)
            plays = doc.plays
            print(
                f"{persona} {seed}: {plays} plays, now {doc.now:.3f}, best baseline"
                f" {doc.best} {doc.best_rate:.3f}"
            )
            for label, (n, now, tow) in sorted(doc.per.items(), key=lambda kv: -kv[1][0]):
                print(
                    f"  {label:<20} {n:>5.0f} ({n / max(plays, 1):>4.0%})"
                    f"  now {now / n:.3f}  time of week {tow / n:.3f}"
                )
            hindsight, needed = doc.hindsight, doc.needed
            ratio = needed / hindsight if hindsight else float("inf")
            worst = max(worst, ratio)
            print(
                f"  everyday: hindsight best {SIZE} songs {hindsight:.3f}; needed for"
                f" {TARGET} x {needed:.3f}; needed / hindsight {ratio:.2f}"
            )
    # a diagnostic, not a speed or quality gate: it says whether 1.1 x is reachable at all
    verdict("1.1 x within reach: needed / hindsight", worst, 1.0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
