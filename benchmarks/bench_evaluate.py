"""How well `playlist now` predicts what people play: `yawyas evaluate` on each history.

python benchmarks/bench_evaluate.py                   # the 4 personas as `yawyas demo` builds them
python benchmarks/bench_evaluate.py --seeds 7 8 9     # more lives of each persona
python benchmarks/bench_evaluate.py EXPORT_DIR... --tz UTC --windows 8 --holdout-days 56
python benchmarks/bench_evaluate.py --streams 3000 --smoke
python benchmarks/bench_evaluate.py --from-cutoff EXPORT_DIR...   # each week whole, a week ahead
python benchmarks/bench_evaluate.py --every 30 EXPORT_DIR...   # now remade every 30 minutes

Per history: the hit rate of the 50-track `now` playlist and of every baseline (overall top,
most recent, same time of the week, ACT-R recency and frequency, plays halving every week) over
the held-out days (by default the last 28, in 4 weekly windows, each learned from the plays
before it; every quarter hour judged with the plays before it, as `playlist now` is used, or
with `--from-cutoff` the whole window from its start), the best baseline, now / best, and the
spread of now / best over the windows. Export directories given as arguments are imported once
into a store under the benchmark folder. The target: now at least 1.1 x the best baseline on
every persona.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, run_measured, verdict, yawyas_cmd

PERSONAS = ("default", "night_owl", "tokyo", "sydney")
BASELINES = ("top", "recent", "time_of_week", "recency_frequency", "lately")


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


def export_store(export: Path) -> Path:
    """A store with the export directory `export` imported, built once per path."""
    from yawyas.services import ingest
    from yawyas.store.db import connect

    tag = hashlib.sha256(str(export.resolve()).encode()).hexdigest()[:10]
    folder = OUT / f"evaluate-export-{tag}"
    db = folder / "yawyas.db"
    if not (folder / ".complete").exists():
        print(f"importing {export} ...", file=sys.stderr)
        folder.mkdir(parents=True, exist_ok=True)
        conn = connect(db)
        ingest.import_paths(conn, [export])
        conn.close()
        (folder / ".complete").write_text("ok")
    return db


def evaluate(db: Path, tz: str, args: argparse.Namespace) -> tuple[dict[str, Any], float]:
    command = [*yawyas_cmd(), "--db", str(db), "evaluate", "--tz", tz, "--json"]
    command += ["--windows", str(args.windows), "--holdout-days", str(args.holdout_days)]
    command.append("--from-cutoff" if args.from_cutoff else "--rolling")
    command += ["--every", str(args.every)]
    wall, _, out = run_measured(command)
    return json.loads(out), wall


def show(label: str, doc: dict[str, Any], wall: float) -> None:
    spread = doc["spread"]["lift_over_best"]
    rates = " ".join(f"{doc['baselines'][b]:>7.3f}" for b in BASELINES)
    print(
        f"  {label:<16} {doc['heldout_plays']:>6} {doc['moments']:>3} {doc['hit_rate_now']:>6.3f}"
        f" {rates}  {doc['best_baseline']:<17} {doc['lift_over_best']:>5.2f}"
        f"  {spread['min']:>4.2f}-{spread['max']:<4.2f} {wall:>5.1f}s"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("exports", nargs="*", type=Path, help="export directories to evaluate too")
    ap.add_argument("--tz", default="UTC", help="the zone of the export directories")
    ap.add_argument("--streams", type=int, default=None, help="rows per history (default: 3 years)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[7])
    ap.add_argument("--windows", type=int, default=4, help="held-out windows (cutoffs)")
    ap.add_argument("--holdout-days", type=int, default=28)
    ap.add_argument("--no-personas", action="store_true", help="only the export directories")
    ap.add_argument(
        "--from-cutoff",
        action="store_true",
        help="judge each window whole from its cutoff (default: each quarter hour with the"
        " plays before it)",
    )
    ap.add_argument(
        "--every",
        type=int,
        default=15,
        help="minutes between two remakes of now (30: as `yawyas schedule` refreshes it)",
    )
    ap.add_argument("--smoke", action="store_true", help="one persona; print, check no target")
    args = ap.parse_args()

    from yawyas.demo import PERSONAS as KNOWN

    personas = () if args.no_personas else PERSONAS[:1] if args.smoke else PERSONAS
    print(
        f"yawyas evaluate (the last {args.holdout_days} days held out in {args.windows} windows,"
        + (
            " each whole from its cutoff,"
            if args.from_cutoff
            else " each quarter hour judged with the plays before it,"
            if args.every == 15
            else f" each quarter hour judged with the plays before now was last made (every"
            f" {args.every} minutes),"
        )
        + " 50 tracks; hit rates):"
    )
    names = " ".join(f"{b[:7]:>7}" for b in BASELINES)
    print(
        f"  {'history':<16} {'plays':>6} {'mom':>3} {'now':>6} {names}  {'best baseline':<17}"
        f" {'now/b':>5}  {'windows':<9} {'time':>6}"
    )
    persona_lifts: list[float] = []
    for persona in personas:
        for seed in args.seeds:
            doc, wall = evaluate(
                demo_store(persona, seed, args.streams), KNOWN[persona].timezone, args
            )
            persona_lifts.append(doc["lift_over_best"])
            show(f"{persona} {seed}", doc, wall)
    export_lifts: list[float] = []
    for export in args.exports:
        doc, wall = evaluate(export_store(export), args.tz, args)
        export_lifts.append(doc["lift_over_best"])
        show(export.name[:16], doc, wall)
    for label, lifts in (("personas", persona_lifts), ("exports", export_lifts)):
        if lifts:
            print(
                f"  now / best baseline over the {label}: median {statistics.median(lifts):.2f},"
                f" range {min(lifts):.2f}-{max(lifts):.2f}"
            )
    ok = True
    if persona_lifts:
        ok = verdict("lowest now / best baseline", min(persona_lifts), 1.1, "x", False)
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    raise SystemExit(main())
