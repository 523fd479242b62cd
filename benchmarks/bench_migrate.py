"""Migration 0005 (lookup tables, declared foreign keys, the `plays` view) on a store of N
streams, against the floor of copying the streams table once in primary-key order.

    python benchmarks/bench_migrate.py                 # 1,000,000 streams
    python benchmarks/bench_migrate.py --streams 20000 --smoke

The store is made by importing demo history with the migrations before 0005 only, as a store of
an older yawyas; the migration then rebuilds `items`, `streams` and `account_counts` with their
foreign keys and checks every reference once.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, export_dir, verdict

FLOOR_SQL = """
CREATE TABLE streams_copy (
    ended_at INTEGER NOT NULL, item_id INTEGER NOT NULL, ms_played INTEGER NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0, source INTEGER NOT NULL, platform_id INTEGER,
    conn_country TEXT, reason_start INTEGER, reason_end INTEGER, flags INTEGER NOT NULL DEFAULT 0,
    offline_at INTEGER, context_uri TEXT, PRIMARY KEY (ended_at, item_id, ms_played, seq)
) WITHOUT ROWID;
INSERT INTO streams_copy SELECT * FROM streams ORDER BY ended_at, item_id, ms_played, seq;
"""


def old_store(export: Path) -> Path:
    """A store of `export` as yawyas made it before migration 0005 (built once, cached)."""
    from yawyas.services import ingest
    from yawyas.store import migrations
    from yawyas.store.db import connect

    db = OUT / f"{export.name}-before-0005.db"
    if not db.exists():
        print(f"importing {export} into {db} (migrations 0001-0004) ...", file=sys.stderr)
        every = migrations.MIGRATIONS
        migrations.MIGRATIONS = tuple(m for m in every if m[0] < "0005")
        try:
            conn = connect(db)
            ingest.import_paths(conn, [export])
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
        finally:
            migrations.MIGRATIONS = every
    return db


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--streams", type=int, default=1_000_000)
    ap.add_argument("--smoke", action="store_true", help="run, print, check no target")
    args = ap.parse_args()

    from yawyas.store.db import connect

    source = old_store(export_dir(args.streams))
    with tempfile.TemporaryDirectory() as tmp:
        floor_db = Path(tmp) / "floor.db"
        shutil.copy(source, floor_db)
        plain = sqlite3.connect(floor_db, isolation_level=None)
        streams = plain.execute("SELECT count(*) FROM streams").fetchone()[0]
        started = time.perf_counter()
        plain.executescript("BEGIN;" + FLOOR_SQL + "COMMIT;")
        floor_s = time.perf_counter() - started
        plain.close()

        db = Path(tmp) / "yawyas.db"
        shutil.copy(source, db)
        started = time.perf_counter()
        conn = connect(db)
        migrate_s = time.perf_counter() - started
        plays = conn.execute("SELECT count(*) FROM plays").fetchone()[0]
        conn.close()
    assert plays == streams, (plays, streams)

    print(f"migration 0005 of a store of {streams:,} streams on this machine:")
    print(f"  copy streams once (floor)   {floor_s:7.2f} s")
    print(f"  yawyas migration 0005       {migrate_s:7.2f} s")
    ok = all(
        [
            verdict("migration / copy of streams", migrate_s / floor_s, 3.0, "x"),
            verdict("migration time", migrate_s, 10.0, "s"),
        ]
    )
    if args.smoke:
        return 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
