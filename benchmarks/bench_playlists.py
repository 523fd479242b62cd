"""`yawyas playlist now` on a big store: wall time against the target.

python benchmarks/bench_playlists.py                  # 1,000,000 streams (target: 2 s)
python benchmarks/bench_playlists.py --streams 20000 --smoke

The first run fills the store's columnar cache (as any earlier command would); the best of
three runs after it is measured, as the person sees it on every later call.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import export_dir, imported_store, run_measured, verdict, yawyas_cmd


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--streams", type=int, default=1_000_000)
    ap.add_argument("--smoke", action="store_true", help="run, print, check no target")
    args = ap.parse_args()

    db = imported_store(export_dir(args.streams))
    base = [*yawyas_cmd(), "--db", str(db), "playlist", "now", "--tz", "Europe/Madrid"]
    at = ["--at", "2026-10-30 22:00", "--json"]
    run_measured([*base, *at])  # warm the cache
    runs = [run_measured([*base, *at]) for _ in range(3)]
    wall = min(r[0] for r in runs)
    peak = max(r[1] for r in runs)
    text_wall, _, _ = run_measured([*base, "--at", "2026-10-27 17:30"])
    print(f"yawyas playlist now on {args.streams:,} streams (best of 3):")
    print(f"  --json  {wall:6.2f} s   {peak:6.0f} MiB peak")
    print(f"  text    {text_wall:6.2f} s")
    ok = verdict("playlist now wall time", wall, 2.0, "s")
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    raise SystemExit(main())
