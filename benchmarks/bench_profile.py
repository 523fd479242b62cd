"""`yawyas profile` on a big store: wall time and peak memory against the targets.

python benchmarks/bench_profile.py                  # 1,000,000 streams (targets: 3 s, 1 GB)
python benchmarks/bench_profile.py --streams 20000 --smoke
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
    cache = db.parent / f"{db.name}-cache"
    base = [*yawyas_cmd(), "--db", str(db), "profile", "--tz", "Europe/Madrid"]

    def forget_profiles() -> None:
        for saved in cache.glob("profile.*.json"):
            saved.unlink()

    colds = []
    for _ in range(3):  # the first profile after a change: computed from the streams
        forget_profiles()
        colds.append(run_measured([*base, "--json"]))
    warms = [run_measured([*base, "--json"]) for _ in range(3)]  # the same question again
    cold, cold_peak = min(r[0] for r in colds), max(r[1] for r in colds)
    warm = min(r[0] for r in warms)
    forget_profiles()
    text_wall, _, _ = run_measured(base)
    print(f"yawyas profile on {args.streams:,} streams (best of 3):")
    print(f"  first after a change  {cold:6.2f} s   {cold_peak:6.0f} MiB peak")
    print(f"  asked again           {warm:6.2f} s")
    print(f"  text, first           {text_wall:6.2f} s")
    ok = all(
        [
            verdict("profile wall time, first", cold, 3.0, "s"),
            verdict("profile wall time, again", warm, 3.0, "s"),
            verdict("peak memory", cold_peak, 1024, "MiB"),
        ]
    )
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    raise SystemExit(main())
