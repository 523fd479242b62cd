"""`yawyas moments` on a big store: learning them (cold), then reading them back (warm).

    python benchmarks/bench_moments.py                   # 1,000,000 streams (20 s, 2 GB; 1 s)
    python benchmarks/bench_moments.py --streams 20000 --smoke   # CI: runs it, checks nothing

The demo listener's history is generated and imported once (cached in benchmarks/out); each run
works on a fresh copy of that store: the first `yawyas moments --refresh` really learns the
moments (even where an earlier command saved them in the store) and the next ones read them
back. Prints wall time and peak memory of the whole process tree against the targets.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import export_dir, imported_store, run_measured, verdict, yawyas_cmd

TZ = "Europe/Madrid"


def fresh_copy(db: Path, dest: Path) -> Path:
    """A consistent copy of a store (SQLite's backup, so the WAL is included)."""
    source, target = sqlite3.connect(db), sqlite3.connect(dest)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return dest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--streams", type=int, default=1_000_000)
    ap.add_argument("--smoke", action="store_true", help="run, print, check no target")
    args = ap.parse_args()

    db = imported_store(export_dir(args.streams))
    with tempfile.TemporaryDirectory() as tmp:
        copy = fresh_copy(db, Path(tmp) / "bench.db")
        cmd = [*yawyas_cmd(), "--db", str(copy), "moments", "--tz", TZ, "--json"]
        # --refresh: learn even when the store already holds this history's moments
        cold_s, cold_mb, out = run_measured([*cmd, "--refresh"])
        doc = json.loads(out)
        assert doc["cached"] is False
        warm = [run_measured(cmd) for _ in range(3)]
        assert all(json.loads(w[2])["cached"] for w in warm)
        warm_s = min(w[0] for w in warm)
        warm_mb = max(w[1] for w in warm)

    streams = doc["streams"]
    covered = doc["streams_in_moments"] / max(streams, 1)
    print(f"yawyas moments on {streams:,} streams ({len(doc['moments'])} moments, {covered:.0%} of")
    print("the streams in one):")
    for m in doc["moments"]:
        print(f"    {m['windows'][0]['text']:<26} {m['name']}")
    print(f"  cold (learn and save)   {cold_s:7.2f} s   {cold_mb:6.0f} MiB peak")
    print(f"  warm (best of 3)        {warm_s:7.2f} s   {warm_mb:6.0f} MiB peak")
    ok = all(
        [
            verdict("cold wall time", cold_s, 20.0, "s"),
            verdict("cold peak memory", cold_mb, 2048, "MiB"),
            verdict("warm wall time", warm_s, 1.0, "s"),
        ]
    )
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    raise SystemExit(main())
