"""Scrobble import speed: `yawyas import` of a Last.fm CSV, against merely parsing it with csv.

    python benchmarks/bench_import_scrobbles.py                   # 1,000,000 rows (the targets)
    python benchmarks/bench_import_scrobbles.py --rows 20000 --smoke   # CI: runs it, checks nothing

The file is bench_scrobbles.py's simulated lastfm-to-csv export (no header, newest first, a "now
playing" row, ~0.5 % double scrobbles; generated once under benchmarks/out/). Each contender is a
process of its own, interleaved, best of --repeat; wall time, CPU time (user + system of the
process and its threads; other work on a shared machine inflates wall time, not this) and peak
memory of the whole process tree:

  floor      a fresh Python that opens the file and iterates csv.reader over it, keeping nothing
  floor+     the same, keeping every row (list(csv.reader(...))): what "parse it" often means
  import     `yawyas import FILE --json` into an empty store: start-up, read, detect, parse,
             map names, dedupe, save in one transaction, report
  again      the same import a second time (the file is known by its fingerprint: adds nothing)
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import run_measured, verdict, yawyas_cmd
from bench_scrobbles import lastfm_to_csv

FLOOR = """
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    for _ in csv.reader(fh):
        pass
"""

FLOOR_KEEP = """
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    rows = list(csv.reader(fh))
"""


class Run:
    """One contender: best wall and CPU seconds, largest peak memory, last output."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.wall = self.cpu = float("inf")
        self.peak_mb = 0.0
        self.out = ""

    def measure(self, cmd: list[str]) -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall, peak, self.out = run_measured(cmd)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        self.wall, self.cpu = min(self.wall, wall), min(self.cpu, cpu)
        self.peak_mb = max(self.peak_mb, peak)

    def line(self) -> str:
        return (
            f"  {self.label:<34} {self.wall:6.2f} s wall {self.cpu:6.2f} s CPU"
            f" {self.peak_mb:6.0f} MiB peak"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", "--streams", type=int, default=None, help="data rows in the file")
    ap.add_argument("--repeat", type=int, default=3, help="runs per contender (best is shown)")
    ap.add_argument("--smoke", action="store_true", help="20,000 rows, run, print, check nothing")
    args = ap.parse_args()
    rows = args.rows or (20_000 if args.smoke else 1_000_000)
    path = lastfm_to_csv(rows)
    size_mb = path.stat().st_size / 2**20

    floor, keep = Run("floor: csv.reader, keeping nothing"), Run("floor+: list(csv.reader)")
    first, again = Run("yawyas import"), Run("yawyas import, again")
    added = 0
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.repeat):  # interleaved, so all see the same load
            floor.measure([sys.executable, "-c", FLOOR, str(path)])
            db = Path(tmp) / f"bench-{k}.db"
            cmd = [*yawyas_cmd(), "--db", str(db), "import", str(path), "--json"]
            first.measure(cmd)
            added = orjson.loads(first.out)["added"]
            again.measure(cmd)
            assert orjson.loads(again.out)["added"] == 0
            for f in Path(tmp).glob(f"bench-{k}.db*"):
                os.remove(f)
        keep.measure([sys.executable, "-c", FLOOR_KEEP, str(path)])  # once: it is slow

    print(f"import of {rows:,} lastfm-to-csv rows ({size_mb:,.0f} MB), best of {args.repeat}:")
    for run in (floor, keep, first, again):
        print(run.line())
    print(f"  added {added:,} plays ({rows / first.wall:,.0f} rows/s)")
    # the target is against parsing into rows (floor+), as the JSON import's floor parses files
    # into objects; against merely iterating the reader it is only told
    print(f"  import / floor (wall, no target)   {first.wall / floor.wall:.2f} x")
    ok = all(
        [
            verdict("import / floor+ (wall)", first.wall / keep.wall, 2.0, "x"),
            verdict("import peak memory", first.peak_mb, 600, "MiB"),
            verdict("import again", again.wall, 1.0, "s"),
        ]
    )
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    raise SystemExit(main())
