"""The moments of real people's histories: what `yawyas moments` finds in each export given.

    python benchmarks/bench_moments_real.py ~/exports/alice ~/exports/bob.zip
    python benchmarks/bench_moments_real.py DIR --tz America/Chicago
    python benchmarks/bench_moments_real.py --smoke      # CI: a generated messy demo history

Each path (an export folder or zip, as `yawyas import` takes it) is imported into a scratch
store outside the repository; its moments are learned and printed with their era (first and
last day), distinct weeks and days, the share of their busiest day, and what the null model
gave (occasions seen vs expected, z). Without --tz the zone is inferred: the dominant
connection country's zone when it keeps one clock, else (the US, Brazil...) the country's zone
that puts the quietest hour of the person's listening nearest 05:00. Only figures are printed
from the data besides the moment names (which carry artist names): use --no-names to leave them
out when sharing the output.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import run_measured, yawyas_cmd

TARGET_S = 15.0  # learning moments cold, even for a lifetime of 1,000,000 streams


def infer_zone(db: Path) -> str:
    """The likely home zone of a store's listener (see the module docstring)."""
    import numpy as np

    from yawyas.analysis.clock import build_local_times, country_zones
    from yawyas.store.db import connect
    from yawyas.store.streams import load_streams

    conn = connect(db)
    streams = load_streams(conn)
    conn.close()
    countries = streams["conn_country"].astype(object)
    known = countries[countries.notna() & (countries != "ZZ")]
    if known.empty:
        return "UTC"
    country = str(known.value_counts().index[0])
    zones = country_zones(country)
    if len(zones) <= 1:
        return zones[0] if zones else "UTC"
    best, best_gap = zones[0], 99.0
    for zone in zones[:12]:
        local = build_local_times(streams, zone)
        hours = local["local_start"].dt.hour.to_numpy()
        counts = np.bincount(hours, minlength=24)
        quiet = int(np.argmin(np.convolve(np.r_[counts, counts[:2]], np.ones(3), "valid")[:24]))
        gap = min(abs(quiet + 1 - 5), 24 - abs(quiet + 1 - 5))
        if gap < best_gap:
            best, best_gap = zone, gap
    return best


def smoke_export(dest: Path) -> Path:
    """A small messy demo export, for the CI run."""
    from yawyas.demo import generate_history, write_export

    write_export(generate_history("messy", seed=3, years=1), dest)
    return dest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path, help="export folders or zips")
    ap.add_argument("--tz", help="the listeners' zone (default: inferred per history)")
    ap.add_argument("--no-names", action="store_true", help="print figures only")
    ap.add_argument("--smoke", action="store_true", help="run on a generated history")
    ap.add_argument("--streams", type=int, help="ignored (the smoke runner passes it)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = list(args.paths)
        if args.smoke:
            paths = [smoke_export(Path(tmp) / "messy")]
        if not paths:
            ap.error("give at least one export folder or zip (or --smoke)")
        for n, path in enumerate(paths, 1):
            db = Path(tmp) / f"history{n}.db"
            cmd = [*yawyas_cmd(), "--db", str(db), "import", str(path), "--json"]
            _, _, out = run_measured(cmd)
            imported = json.loads(out)["store"]
            zone = args.tz or infer_zone(db)
            cold_s, cold_mb, out = run_measured(
                [*yawyas_cmd(), "--db", str(db), "moments", "--tz", zone, "--json"]
            )
            doc = json.loads(out)
            label = f"history {n}" if args.no_names else str(path)
            first, last = imported["first_played_at"][:10], imported["last_played_at"][:10]
            print(
                f"{label}: {imported['streams']:,} streams {first}..{last}, zone {zone}: "
                f"{len(doc['moments'])} moments holding {doc['streams_in_moments']:,} streams "
                f"({cold_s:.1f} s, {cold_mb:.0f} MiB)"
            )
            for i, m in enumerate(doc["moments"], 1):
                sig = m["significance"]
                name = f"moment {i}" if args.no_names else m["name"]
                windows = "; ".join(w["text"] for w in m["windows"])
                print(
                    f"  {name} [{windows}] {m['active_from']}..{m['active_to']}"
                    f"{'' if m['current'] else ' (past)'}: {m['play_share']:.1%} of plays,"
                    f" {m['weeks']} weeks, {m['days']} days, top day {m['top_day_share']:.1%},"
                    f" occasions {sig['occasions']} vs {sig['expected']} expected, z {sig['z']}"
                )
            verdict = "ok " if cold_s <= TARGET_S else "MISS"
            print(f"  [{verdict}] learned in {cold_s:.1f} s (target <= {TARGET_S:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
