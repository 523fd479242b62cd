"""Helpers shared by the benchmark scripts: demo data on disk, timing, memory of a process tree."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
OUT = Path(os.environ.get("YAWYAS_BENCH_OUT", ROOT / "out"))


def export_dir(streams: int, persona: str = "default", seed: int = 7) -> Path:
    """A demo export of about `streams` extended-history rows, generated once and cached."""
    from yawyas.demo import generate_history, write_export

    dest = OUT / f"export-{persona}-{streams}-{seed}"
    marker = dest / ".complete"
    if not marker.exists():
        print(f"generating {streams:,} streams into {dest} ...", file=sys.stderr)
        started = time.perf_counter()
        history = generate_history(persona, seed=seed, n_streams=streams)
        write_export(history, dest, account_data=False)
        marker.write_text("ok")
        print(f"  {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return dest


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (Linux /proc)."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run a command; return (wall seconds, peak MiB of its whole process tree, stdout)."""
    started = time.perf_counter()
    # As on a person's machine, Python may cache compiled bytecode (some sandboxes switch it off
    # with PYTHONDONTWRITEBYTECODE, which makes every start recompile yawyas from source).
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**base, **(env or {})}
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return wall, peak / 1024, out


def yawyas_cmd() -> list[str]:
    return [sys.executable, "-m", "yawyas"]


def verdict(
    name: str, value: float, target: float, unit: str = "", lower_is_better: bool = True
) -> bool:
    ok = value <= target if lower_is_better else value >= target
    mark = "ok " if ok else "MISS"
    sign = "<=" if lower_is_better else ">="
    print(f"  [{mark}] {name:<38} {value:>10.2f} {unit:<4} (target {sign} {target:g})")
    return ok


def imported_store(export: Path) -> Path:
    """A store with `export` imported, built once and cached beside it."""
    db = export.parent / f"{export.name}.db"
    if not db.exists():
        print(f"importing {export} into {db} ...", file=sys.stderr)
        subprocess.run(
            [*yawyas_cmd(), "--db", str(db), "import", str(export), "--json"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return db
