"""Whose listening is it: the audiences against the simulation's truth, and their cost.

    python benchmarks/bench_audience.py                    # 5 households, 1,000,000 streams
    python benchmarks/bench_audience.py --streams 20000 --smoke   # CI: runs it, checks nothing

Quality: households (the `household` demo persona, seeds the rules were not tuned on) are
written as real exports and imported; each stream's audience is compared with the
simulation's (`DemoHistory.audiences`): per-stream F1 of `kids`, `someone else` and
`functional`, beside the strongest simple baseline, the lexicon alone (an artist is children's
music or functional audio when the words of its playlists, albums, tracks and genres say so, as
the moments' traits read them, with no look at how or with what it is played; no device is
anyone else's). Single-person histories (no_routine: trap band names; night_owl: late nights)
give the share of streams wrongly taken away from the person.

Speed: `build_audiences` on the benchmark store's whole history (what a cold `yawyas moments`
adds to its learning), best of three, against the 2 s target.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import export_dir, imported_store, verdict

from yawyas.analysis.audience import AUDIENCES, build_audiences
from yawyas.analysis.audience.columns import build_columns
from yawyas.analysis.audience.content import build_words
from yawyas.analysis.audience.lexicon import (
    FUNCTIONAL_GENRES,
    FUNCTIONAL_WORDS,
    KIDS_GENRES,
    KIDS_WORDS,
)
from yawyas.analysis.clock import build_local_times
from yawyas.demo import generate_history, write_export
from yawyas.services import ingest
from yawyas.store.cache import load_history
from yawyas.store.db import connect
from yawyas.store.metadata import load_item_genres
from yawyas.store.spotify import load_playlist_memberships
from yawyas.store.streams import load_streams

OTHERS = ("kids", "someone else", "functional")
WORDS_ALONE = 0.3  # the baseline's bar: an artist whose names carry the words this strongly


def fresh_copy(db: Path, dest: Path) -> Path:
    """A consistent copy of a store (SQLite's backup, so the WAL is included)."""
    source, target = sqlite3.connect(db), sqlite3.connect(dest)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return dest


def lived(persona: str, seed: int, years: float, folder: Path):  # type: ignore[no-untyped-def]
    """(frame, memberships, zone, truth per stream) of a simulated life, imported."""
    history = generate_history(persona, seed=seed, years=years)
    write_export(history, folder / "export")
    conn = connect(folder / "yawyas.db")
    ingest.import_paths(conn, [folder / "export"], workers=0)
    frame = load_streams(conn)
    planted = {}
    for row, audience in zip(history.streams, history.audiences, strict=True):
        uri = row["spotify_track_uri"] or row["spotify_episode_uri"] or row["audiobook_chapter_uri"]
        end = datetime.strptime(row["ts"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        planted[(int(end.timestamp()), uri, int(row["ms_played"]))] = audience
    keys = zip(frame["played_at"], frame["uri"], frame["ms_played"], strict=True)
    truth = np.array([planted.get((int(e), u, int(m))) for e, u, m in keys], dtype=object)
    memberships = load_playlist_memberships(conn)
    conn.close()
    return frame, memberships, history.persona.timezone, truth


def ours(frame, memberships, tz):  # type: ignore[no-untyped-def]
    found = build_audiences(frame, build_local_times(frame, tz), memberships=memberships)
    return np.array(AUDIENCES, dtype=object)[found.codes]


def words_alone(frame, memberships, tz):  # type: ignore[no-untyped-def]
    """The baseline: the lexicon's words in an artist's names, nothing else."""
    cols = build_columns(frame, build_local_times(frame, tz))
    playlists: dict[int, list[str]] = {}
    for name, item in memberships:
        playlists.setdefault(item, []).append(name)
    kids = build_words(cols, KIDS_WORDS, KIDS_GENRES, playlists, {}).strength
    functional = build_words(cols, FUNCTIONAL_WORDS, FUNCTIONAL_GENRES, playlists, {}).strength
    per_artist = np.full(len(cols.artists) + 1, "you", dtype=object)
    per_artist[:-1][functional >= WORDS_ALONE] = "functional"
    per_artist[:-1][(kids >= WORDS_ALONE) & (kids >= functional)] = "kids"
    return per_artist[cols.artist]


def f1(got: np.ndarray, want: np.ndarray, audience: str) -> float:
    known = np.array([w is not None for w in want])
    g, w = (got == audience) & known, (want == audience) & known
    hits = int((g & w).sum())
    if not hits:
        return 0.0
    precision, recall = hits / g.sum(), hits / w.sum()
    return float(2 * precision * recall / (precision + recall))


def spread(values: list[float]) -> str:
    return f"{statistics.mean(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--streams", type=int, default=1_000_000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[41, 42, 43, 44, 45])
    ap.add_argument("--years", type=float, default=1.5)
    ap.add_argument("--smoke", action="store_true", help="run, print, check no target")
    args = ap.parse_args()
    seeds = args.seeds[:1] if args.smoke else args.seeds
    years = 0.5 if args.smoke else args.years

    scores: dict[str, dict[str, list[float]]] = {
        m: {a: [] for a in OTHERS} for m in ("yawyas", "words")
    }
    alone: dict[str, dict[str, list[float]]] = {"yawyas": {}, "words": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            frame, memberships, tz, truth = lived("household", seed, years, Path(tmp) / f"h{seed}")
            for method, label in (("yawyas", ours), ("words", words_alone)):
                got = label(frame, memberships, tz)
                for audience in OTHERS:
                    scores[method][audience].append(f1(got, truth, audience))
        for persona in ("no_routine", "night_owl"):
            for seed in seeds:
                folder = Path(tmp) / f"{persona}{seed}"
                frame, memberships, tz, _ = lived(persona, seed, years, folder)
                for method, label in (("yawyas", ours), ("words", words_alone)):
                    taken = float((label(frame, memberships, tz) != "you").mean())
                    alone[method].setdefault(persona, []).append(taken)

    print(f"Households (seeds {', '.join(map(str, seeds))}, {years:g} years): per-stream F1")
    print("mean (min-max)           yawyas                 lexicon alone")
    for audience in OTHERS:
        print(
            f"  {audience:<22} {spread(scores['yawyas'][audience]):<22} "
            f"{spread(scores['words'][audience])}"
        )
    print("One person's history: share of streams taken from them (mean, max)")
    for persona in ("no_routine", "night_owl"):
        y, w = alone["yawyas"][persona], alone["words"][persona]
        print(
            f"  {persona:<22} {statistics.mean(y):.4f}, {max(y):.4f}"
            f"{'':<8} {statistics.mean(w):.4f}, {max(w):.4f}"
        )

    db = imported_store(export_dir(args.streams))
    scratch = tempfile.TemporaryDirectory()
    conn = connect(fresh_copy(db, Path(scratch.name) / "bench.db"))  # the cached store stays
    history = load_history(conn)
    local = build_local_times(history, "Europe/Madrid")
    memberships, genres = load_playlist_memberships(conn), load_item_genres(conn)
    times = []
    for _ in range(1 if args.smoke else 3):
        started = time.perf_counter()
        found = build_audiences(history, local, memberships=memberships, genres=genres)
        times.append(time.perf_counter() - started)
    labelled = {a: int((found.codes == i).sum()) for i, a in enumerate(AUDIENCES)}
    best = min(times)
    print(f"Labelling {len(history):,} streams: {best:.2f} s (best of {len(times)}); {labelled}")

    ok = True
    ok &= verdict(f"labelling {len(history):,} streams", best, 2.0, "s")
    for audience in OTHERS:
        ok &= verdict(
            f"household F1, {audience} (worst seed)",
            min(scores["yawyas"][audience]),
            0.9,
            lower_is_better=False,
        )
    for persona in ("no_routine", "night_owl"):
        ok &= verdict(f"{persona}: share not theirs", max(alone["yawyas"][persona]), 0.005)
    conn.close()
    scratch.cleanup()
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    raise SystemExit(main())
