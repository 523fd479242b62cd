"""Last.fm parse speed: `read_lastfm` on a lastfm-to-csv file, against the floor of csv.reader.

    python benchmarks/bench_scrobbles.py                  # 1,000,000 rows (target: a few seconds)
    python benchmarks/bench_scrobbles.py --smoke          # 20,000 rows: runs it, checks nothing
    python benchmarks/bench_scrobbles.py --rows 3000 --smoke

The file (simulated, generated once under benchmarks/out/) is what lastfm-to-csv writes: no header,
`artist,album,track,20 Nov 2020 09:35`, newest first, a "now playing" row on top, ~0.5 % double
scrobbles, fifteen-odd years of history for a million rows. Each contender parses the file in a
process of its own (floor and yawyas interleaved, best of --repeat), timed by CPU seconds (wall
too: on a shared machine other processes inflate it), peak memory of the process sampled:

  floor     decode the bytes and iterate csv.reader over them, keeping nothing
  naive     csv.reader + datetime.strptime per row + a set for doubles (one run: it is slow)
  yawyas    read_lastfm: columns, coded names, vectorised dates, doubles collapsed
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, run_measured, verdict

# Each child parses the file once and prints its wall and CPU seconds (CPU time is what the
# ratio uses: this machine may be shared, and other processes' load inflates wall time).
FLOOR = """
import csv, io, json, pathlib, sys, time
data = pathlib.Path(sys.argv[1]).read_bytes()
w, c = time.perf_counter(), time.process_time()
rows = sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
print(json.dumps({"wall": time.perf_counter() - w, "cpu": time.process_time() - c, "rows": rows}))
"""

NAIVE = """
import csv, io, json, pathlib, sys, time
from datetime import datetime, timezone
data = pathlib.Path(sys.argv[1]).read_bytes()
w, c = time.perf_counter(), time.process_time()
seen, kept = set(), []
for artist, album, track, date in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
    if not date:
        continue
    at = int(datetime.strptime(date, "%d %b %Y %H:%M").replace(tzinfo=timezone.utc).timestamp())
    key = (at, artist.strip(), track.strip())
    if key not in seen:
        seen.add(key)
        kept.append((at, key[1], key[2], album.strip() or None))
print(json.dumps({"wall": time.perf_counter() - w, "cpu": time.process_time() - c,
                  "kept": len(kept)}))
"""

YAWYAS = """
import json, pathlib, sys, time
from yawyas.sources.lastfm import read_lastfm
path = pathlib.Path(sys.argv[1])
data = path.read_bytes()
w, c = time.perf_counter(), time.process_time()
cols = read_lastfm(path.name, data)
print(json.dumps({"wall": time.perf_counter() - w, "cpu": time.process_time() - c,
                  "kept": cols.kept, "skipped": cols.skipped}))
"""

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_SYLLABLES = [
    "ka", "lo", "mi", "ren", "sa", "to", "vel", "qu", "an", "dor", "é", "ø", "ss", "li", "nu",
    "the ", "and ", "光", "夜", "ra", "zo", "bel", "gr", "ist", "on", "ya", "ko", "ü", "ma", "el",
]  # fmt: skip


def _names(rng: np.random.Generator, count: int, prefix: str) -> list[str]:
    """Distinct made-up names of realistic lengths (some non-ASCII)."""
    out = []
    for i in range(count):
        parts = rng.choice(_SYLLABLES, size=int(rng.integers(2, 7)))
        out.append(f"{''.join(parts).strip().title()} {prefix}{i}")
    return out


def lastfm_to_csv(rows: int, seed: int = 7) -> Path:
    """A simulated lastfm-to-csv export of `rows` data rows, generated once and cached."""
    dest = OUT / f"lastfm-to-csv-{rows}-{seed}.csv"
    if dest.exists():
        return dest
    print(f"generating {rows:,} scrobbles into {dest} ...", file=sys.stderr)
    rng = np.random.default_rng(seed)
    n_artists = max(20, rows // 60)
    artists = _names(rng, n_artists, "")
    albums = _names(rng, n_artists * 3, "LP ")
    tracks = _names(rng, n_artists * 12, "")
    # newest first: gaps of a song's length, now and then hours apart
    gaps = np.where(
        rng.random(rows) < 0.01, rng.integers(3_600, 43_200, rows), rng.integers(150, 330, rows)
    )
    end = np.datetime64("2025-06-01T12:00", "s").astype(np.int64)
    started = end - np.cumsum(gaps)
    double = rng.random(rows) < 0.005  # a double scrobble repeats the row before it
    artist = rng.zipf(1.3, rows) % n_artists
    track = (artist * 12 + rng.integers(0, 12, rows)) % len(tracks)
    album = (artist * 3 + rng.integers(0, 3, rows)) % len(albums)
    for arr in (started, artist, track, album):
        arr[1:][double[1:]] = arr[:-1][double[1:]]
    minutes = started.astype("datetime64[s]").astype("datetime64[m]")
    day = minutes.astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    year = month.astype("datetime64[Y]").astype(np.int64) + 1970
    month_no = (month.astype(np.int64) % 12).tolist()
    day_no = (day - month.astype("datetime64[D]")).astype(np.int64) + 1
    minute_of_day = (minutes - day.astype("datetime64[m]")).astype(np.int64)
    lines = [f"{artists[0]},{albums[0]},{tracks[0]},"]  # the "now playing" row: no date
    for a, b, t, d, m, y, mm in zip(
        artist.tolist(), album.tolist(), track.tolist(), day_no.tolist(), month_no,
        year.tolist(), minute_of_day.tolist(), strict=True,
    ):  # fmt: skip
        lines.append(
            f"{artists[a]},{albums[b]},{tracks[t]},"
            f"{d:02d} {_MONTHS[m]} {y} {mm // 60:02d}:{mm % 60:02d}"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.rename(dest)
    return dest


class Contender:
    """One way of parsing the file: its best wall and CPU seconds and peak memory over runs."""

    def __init__(self, script: str, path: Path) -> None:
        self.script, self.path = script, path
        self.wall = self.cpu = float("inf")
        self.peak_mb = 0.0
        self.result: dict[str, Any] = {}

    def run(self) -> None:
        _, peak, out = run_measured([sys.executable, "-c", self.script, str(self.path)])
        self.result = json.loads(out)
        self.wall = min(self.wall, self.result["wall"])
        self.cpu = min(self.cpu, self.result["cpu"])
        self.peak_mb = max(self.peak_mb, peak)

    def line(self, label: str) -> str:
        return (
            f"  {label:<24} {self.cpu:6.2f} s CPU {self.wall:6.2f} s wall {self.peak_mb:6.0f} MiB"
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
    floor, ours, naive = (Contender(script, path) for script in (FLOOR, YAWYAS, NAIVE))
    for _ in range(args.repeat):  # interleaved, so both see the same load
        floor.run()
        ours.run()
    naive.run()  # once: it is slow
    assert floor.result["rows"] == rows + 1, floor.result  # the data rows + "now playing"
    assert ours.result["kept"] == naive.result["kept"], (ours.result, naive.result)

    print(f"read_lastfm on {rows:,} lastfm-to-csv rows ({size_mb:,.0f} MB), best of {args.repeat}:")
    print(floor.line("floor: csv.reader only"))
    print(naive.line("naive: + strptime, set") + "  (1 run)")
    print(ours.line("yawyas read_lastfm") + f"  {rows / ours.cpu:,.0f} rows/s")
    print(f"  kept {ours.result['kept']:,} plays; skipped {ours.result['skipped']}")
    per_million = 1_000_000 / rows
    ok = all(
        [
            verdict("read_lastfm / csv.reader floor (CPU)", ours.cpu / floor.cpu, 3.0, "x"),
            verdict("read_lastfm / naive strptime (CPU)", ours.cpu / naive.cpu, 0.5, "x"),
            verdict("read_lastfm CPU s per 1M rows", ours.cpu * per_million, 3.0, "s"),
            verdict("read_lastfm peak memory", ours.peak_mb, 500, "MiB"),
        ]
    )
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    raise SystemExit(main())
