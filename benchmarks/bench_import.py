"""Import speed: N streams of demo extended history, against the floor of merely parsing it.

    python benchmarks/bench_import.py                 # 1,000,000 streams (the issue's targets)
    python benchmarks/bench_import.py --streams 20000 --smoke   # CI: runs it, checks nothing

Prints wall time, peak memory of the whole process tree, the ratio import / orjson parse of the
same files, the time of a second import of the same files, and the store's size.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import export_dir, run_measured, verdict, yawyas_cmd

PARSE_ONLY = """
import sys, pathlib, orjson
for p in sorted(pathlib.Path(sys.argv[1]).rglob("*.json")):
    orjson.loads(p.read_bytes())
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--streams", type=int, default=1_000_000)
    ap.add_argument("--smoke", action="store_true", help="run, print, check no target")
    args = ap.parse_args()

    export = export_dir(args.streams)
    size_mb = sum(p.stat().st_size for p in export.rglob("*.json")) / 2**20
    # the floor: a fresh Python that only reads and parses the same files with orjson
    parse_s, parse_mb, _ = run_measured([sys.executable, "-c", PARSE_ONLY, str(export)])
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        cmd = [*yawyas_cmd(), "--db", str(db), "import", str(export), "--json"]
        import_s, import_mb, out = run_measured(cmd)
        streams = orjson.loads(out)["store"]["streams"]
        again_s, _, out2 = run_measured(cmd)
        assert orjson.loads(out2)["added"] == 0
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sqlite3; sqlite3.connect({str(db)!r})"
                ".execute('PRAGMA wal_checkpoint(TRUNCATE)')",
            ],
            check=True,
        )
        store_mb = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*")) / 2**20

    print(f"import of {streams:,} streams ({size_mb:,.0f} MB of JSON) on this machine:")
    print(f"  parse only (orjson)  {parse_s:7.2f} s   {parse_mb:6.0f} MiB peak")
    print(
        f"  yawyas import        {import_s:7.2f} s   {import_mb:6.0f} MiB peak"
        f"   {streams / import_s:,.0f} streams/s"
    )
    print(f"  second import        {again_s:7.2f} s")
    print(f"  store file           {store_mb:7.1f} MB")
    ok = all(
        [
            verdict("import time / parse time", import_s / parse_s, 2.0, "x"),
            verdict("peak memory", import_mb, 600, "MiB"),
            verdict("second import", again_s, 1.0, "s"),
            verdict("store size", store_mb, 150, "MB"),
        ]
    )
    if args.smoke:
        return 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
