"""How well `playlist now` predicts what the demo listeners play: `yawyas evaluate` on each.

python benchmarks/bench_evaluate.py                 # the 4 personas, as `yawyas demo` builds them
python benchmarks/bench_evaluate.py --seeds 7 8 9   # more lives of each persona
python benchmarks/bench_evaluate.py --streams 3000 --smoke

Per persona and seed: the hit rate of the 50-track `now` playlist on the last 28 days (learned
from the plays before them, moments included), of the overall top 50 and of the 50 most recently
played tracks, and now / top 50 against the target (>= 1.5).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, run_measured, verdict, yawyas_cmd

PERSONAS = ("default", "night_owl", "tokyo", "sydney")


def demo_store(persona: str, seed: int, streams: int | None) -> Path:
    """A demo listener's store (3 years, or about `streams` rows), built once and cached."""
    from yawyas.demo import generate_history, write_export
    from yawyas.services import ingest
    from yawyas.store.db import connect

    size = "3y" if streams is None else str(streams)
    folder = OUT / f"evaluate-{persona}-{size}-{seed}"
    db = folder / "yawyas.db"
    if not (folder / ".complete").exists():
        print(f"building the {persona} demo store (seed {seed}) ...", file=sys.stderr)
        history = generate_history(persona, seed=seed, n_streams=streams)
        write_export(history, folder / "export")
        conn = connect(db)
        ingest.import_paths(conn, [folder / "export"])
        conn.close()
        (folder / ".complete").write_text("ok")
    return db


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--streams", type=int, default=None, help="rows per history (default: 3 years)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[7])
    ap.add_argument("--smoke", action="store_true", help="one persona; print, check no target")
    args = ap.parse_args()

    from yawyas.demo import PERSONAS as KNOWN

    personas = PERSONAS[:1] if args.smoke else PERSONAS
    print("yawyas evaluate on the demo listeners (last 28 days held out, 50 tracks):")
    print(
        f"  {'persona':<10} {'seed':>4} {'moments':>7} {'now':>6} {'top 50':>6} "
        f"{'recent':>6} {'now/top':>7} {'time':>6}"
    )
    lifts = []
    for persona in personas:
        for seed in args.seeds:
            db = demo_store(persona, seed, args.streams)
            tz = KNOWN[persona].timezone
            wall, _, out = run_measured(
                [*yawyas_cmd(), "--db", str(db), "evaluate", "--tz", tz, "--json"]
            )
            doc = json.loads(out)
            lifts.append(doc["lift_over_top"])
            print(
                f"  {persona:<10} {seed:>4} {doc['moments']:>7} {doc['hit_rate_now']:>6.3f} "
                f"{doc['hit_rate_top']:>6.3f} {doc['hit_rate_recent']:>6.3f} "
                f"{doc['lift_over_top']:>7.2f} {wall:>5.1f}s"
            )
    ok = verdict("lowest now / top 50", min(lifts), 1.5, "x", lower_is_better=False)
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    raise SystemExit(main())
