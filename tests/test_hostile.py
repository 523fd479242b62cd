"""Hostile input, one test per item of issue 14: names that look like markup or carry control
characters, impossible dates, macOS zips, restored backups, read-only stores and absurd numbers,
zip bombs, file permissions, what an anonymised report keeps, nested zips and empty imports,
rates with a partial base, and `--db` typos. Each checks the exit code, the one sentence and,
where it applies, that the store is unchanged."""

from __future__ import annotations

import gc
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

import yawyas.cli.commands  # noqa: F401  (registers the commands)
from tests import exportkit as kit
from yawyas.cli import app, output
from yawyas.demo import generate_history, write_export
from yawyas.services import ingest
from yawyas.services.moments import ensure_moments
from yawyas.services.profile import load_profile
from yawyas.sources.files import MAX_FILE_BYTES
from yawyas.store.db import bump_generation, connect, connect_reader, transaction
from yawyas.store.streams import load_streams

runner = CliRunner()
TZ = "Europe/Madrid"
WIDE = 200  # no folding of long names in tables

TOP_TRACK = "Lover (Remix) [feat. Shawn Mendes]"
ARTISTS = ("[/]", "[bold]Bold[/bold] \x00Nul", "\x1b[31mRed\x1b[0m Escape")
SHOWN_ARTISTS = ("[/]", "[bold]Bold[/bold] Nul", "Red Escape")  # as a terminal shows them
PLAYLIST = "Morning Run [/]"
INFERENCES = [
    "1P_Custom_Indie_Fans",
    "1P_Podcast_Listeners_Health",
    "3P_Custom_Ethnicity_Hispanic",
    "3P_Religion_Christian",
    "3P_Custom_Diabetes_Awareness",
    "1P_Custom_Rock_Fans_2021-03-15",
    "3P_Age_25-34",
    "Android",
    "Spanish_Speakers",
    "3P_Custom_Auto_Intenders",
]


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide consoles, so that tables do not fold the names these tests look for."""
    monkeypatch.setattr(output.console, "width", WIDE)
    monkeypatch.setattr(output.err_console, "width", WIDE)


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--db", str(db), *args])


def digest(path: Path) -> str:
    """The store's content as SQLite gives it (the WAL included), for "unchanged" checks."""
    for query in ("?mode=ro", "?mode=ro&immutable=1"):  # immutable: in a read-only folder
        conn = sqlite3.connect(path.resolve().as_uri() + query, uri=True)
        try:
            lines = "\n".join(conn.iterdump())
        except sqlite3.OperationalError:
            continue
        finally:
            conn.close()
        return hashlib.sha256(lines.encode()).hexdigest()
    raise AssertionError(f"{path} cannot be read")


def _rename(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, list):
        return [_rename(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _rename(v, names) for k, v in value.items()}
    return value


def hostile_export(folder: Path) -> Path:
    """The demo listener's export (a year) with its top names replaced by hostile ones: the
    three most listened artists become markup, NUL and an ANSI escape, the top track a real
    name with square brackets, "Morning Run" a playlist name with `[/]`; and Spotify's
    inferences sensitive, dated segments."""
    export = folder / "export"
    write_export(generate_history("default", years=1), export)
    audio = sorted(export.rglob("Streaming_History_Audio_*.json"))
    by_artist: Counter[str] = Counter()
    by_track: Counter[str] = Counter()
    track_name: dict[str, str] = {}
    for path in audio:
        for row in json.loads(path.read_bytes()):
            if row.get("master_metadata_album_artist_name"):
                by_artist[row["master_metadata_album_artist_name"]] += row["ms_played"]
                by_track[row["spotify_track_uri"]] += row["ms_played"]
                track_name[row["spotify_track_uri"]] = row["master_metadata_track_name"]
    names = {a: h for (a, _), h in zip(by_artist.most_common(3), ARTISTS, strict=True)}
    names[track_name[by_track.most_common(1)[0][0]]] = TOP_TRACK
    names["Morning Run"] = PLAYLIST
    for path in export.rglob("*.json"):
        doc = _rename(json.loads(path.read_bytes()), names)
        if path.name == "Inferences.json":
            doc = {"inferences": INFERENCES}
        path.write_text(json.dumps(doc), encoding="utf-8")
    return export


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    export = hostile_export(folder)
    conn = connect(folder / "yawyas.db")
    ingest.import_paths(conn, [export])
    conn.close()
    return folder / "yawyas.db"


def assert_clean(result: Result) -> str:
    """The command succeeded and printed no control character; its stdout."""
    assert result.exit_code == 0, result.output
    for text in (result.stdout, result.stderr):
        assert "\x1b" not in text
        assert "\x00" not in text
        assert "Traceback" not in text
    return result.stdout


# -- 1 and 12: names are printed literally, without control characters ----------------------


def test_names_are_printed_literally_and_safely(hostile_db: Path, tmp_path: Path) -> None:
    # --everyone: one of the three most listened artists sings the kids' songs
    profile = assert_clean(run(hostile_db, "profile", "--tz", TZ, "--everyone"))
    for name in (*SHOWN_ARTISTS, TOP_TRACK):
        assert name in profile, name
    moments = assert_clean(run(hostile_db, "moments", "--tz", TZ))
    assert PLAYLIST in moments
    assert any(name in moments for name in SHOWN_ARTISTS)
    now = assert_clean(run(hostile_db, "playlist", "now", "--tz", TZ, "--at", "2026-10-17 07:00"))
    assert PLAYLIST in now  # the moment's name, in the table's title
    moods = assert_clean(run(hostile_db, "moods", "--tz", TZ))
    assert PLAYLIST in moods
    # JSON and exports keep the data as stored, control characters included
    doc = json.loads(assert_clean(run(hostile_db, "profile", "--json", "--tz", TZ, "--everyone")))
    assert {a["name"] for a in doc["top_artists"][:3]} == set(ARTISTS)
    mine = json.loads(assert_clean(run(hostile_db, "profile", "--json", "--tz", TZ)))
    kids = next(e for e in mine["left_out"] if e["audience"] == "kids")
    assert any(f["name"] in ARTISTS for f in kids["findings"])  # the kids' artist, as stored
    out = tmp_path / "plays.csv"
    assert run(hostile_db, "export", "plays", "--out", str(out)).exit_code == 0
    assert "\x1b[31mRed\x1b[0m Escape" in out.read_text("utf-8")


def test_import_shows_file_names_literally(tmp_path: Path) -> None:
    name = "Streaming_History_Audio_[bold]2025[red]_\x1b[2J.json"
    kit.write(tmp_path / "in" / name, [kit.ext_row("2025-03-01T10:00:00Z", track="[/]")])
    result = run(tmp_path / "s.db", "import", str(tmp_path / "in"))
    out = assert_clean(result)
    assert "Streaming_History_Audio_[bold]2025[red]_.json" in out
    assert "Added 1 streams" in out


# -- 2: implausible dates are skipped at import and left out of what is stored ---------------


def test_implausible_dates_are_skipped_and_never_analysed(tmp_path: Path) -> None:
    good = [kit.ext_row(f"2025-03-{d:02d}T10:00:00Z", uri=None, track=f"T{d}") for d in (1, 2)]
    bad = [
        kit.ext_row("1970-01-01T00:00:00Z", track="Epoch"),
        kit.ext_row("2099-01-01T00:00:00Z", track="Future"),
        kit.ext_row("2007-12-31T23:59:59Z", track="Before Spotify"),
    ]
    kit.write(tmp_path / "in" / "Streaming_History_Audio_2025.json", good + bad)
    account = [
        {"endTime": "1970-01-01 00:00", "artistName": "A", "trackName": "B", "msPlayed": 1},
        {"endTime": "2025-03-05 10:00", "artistName": "A", "trackName": "B", "msPlayed": 60_000},
    ]
    kit.write(tmp_path / "in" / "StreamingHistory_music_0.json", account)
    db = tmp_path / "s.db"
    result = run(db, "import", str(tmp_path / "in"), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["skipped"]["implausible date"] == 4
    assert doc["added"] == 3
    assert doc["store"]["first_played_at"].startswith("2025-03-01")


def test_streams_an_older_yawyas_stored_with_impossible_dates_are_left_out(
    tmp_path: Path,
) -> None:
    write_export(generate_history("default", years=1), tmp_path / "export")
    conn = connect(tmp_path / "s.db")
    ingest.import_paths(conn, [tmp_path / "export"])
    before = ensure_moments(conn, tz=TZ)
    streams = len(load_streams(conn))
    assert len(before.moments) >= 3
    with transaction(conn):  # what an older yawyas let in
        item = conn.execute("SELECT item_id FROM streams LIMIT 1").fetchone()[0]
        for ended_at in (0, 4_070_908_800, 1_000_000_000):  # 1970, 2099, 2001
            conn.execute(
                "INSERT INTO streams (ended_at, item_id, ms_played, source) VALUES (?, ?, ?, 0)",
                (ended_at, item, 200_000),
            )
        bump_generation(conn)
    assert len(load_streams(conn)) == streams
    after = ensure_moments(conn, tz=TZ)
    assert [m.id for m in after.moments] == [m.id for m in before.moments]
    profile = load_profile(conn, tz=TZ)
    assert profile["first_played_at"][:4] == "2025"
    assert profile["last_played_at"][:4] == "2026"
    conn.close()


# -- 3: what macOS and Windows add to a zip is not listening data -------------------------


def test_a_zip_remade_on_a_mac_imports(tmp_path: Path) -> None:
    rows = [kit.ext_row("2025-03-01T10:00:00Z"), kit.ext_row("2025-03-02T10:00:00Z")]
    folder = f"{kit.EXTENDED_DIR}/"
    archive = tmp_path / "my_spotify_data.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(folder + "Streaming_History_Audio_2025.json", json.dumps(rows))
        zf.writestr(f"__MACOSX/{folder}._Streaming_History_Audio_2025.json", b"\x00\x05\x16\x07")
        zf.writestr(f"{folder}._Streaming_History_Audio_2025.json", b"\x00\x05\x16\x07")
        zf.writestr(f"{folder}.DS_Store", b"\x00\x00\x00\x01Bud1")
        zf.writestr("Thumbs.db", b"\xd0\xcf\x11\xe0")
    result = run(tmp_path / "s.db", "import", str(archive), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["added"] == 2
    assert doc["skipped"] == {"not listening data": 4}
    assert not doc["errors"]


# -- 4: a restored backup never reads a newer history's cache ------------------------------


def test_restored_backup_never_reads_a_newer_cache(tmp_path: Path) -> None:
    def export(name: str, day: int, n: int) -> Path:
        rows = [
            kit.ext_row(f"2025-{day:02d}-01T{h:02d}:00:00Z", uri=None, track=f"{name}{h}")
            for h in range(n)
        ]
        return kit.write(tmp_path / name / "Streaming_History_Audio_2025.json", rows)

    base, first, second = export("base", 1, 3), export("first", 2, 7), export("second", 3, 2)
    db = tmp_path / "s.db"
    assert run(db, "import", str(base)).exit_code == 0
    gc.collect()  # the command's connection: closed, as when its process ends
    connect(db).close()  # checkpoints the WAL: the file alone is the store
    shutil.copy(db, tmp_path / "backup.db")
    assert run(db, "import", str(first)).exit_code == 0
    assert json.loads(run(db, "profile", "--json").stdout)["streams"] == 10
    gc.collect()
    shutil.copy(tmp_path / "backup.db", db)  # put the copy back...
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    assert run(db, "import", str(second)).exit_code == 0  # ...and import something else
    assert json.loads(run(db, "profile", "--json").stdout)["streams"] == 5


# -- 5: read-only stores and absurd numbers ------------------------------------------------


def test_absurd_ms_played_is_counted_not_a_crash(tmp_path: Path) -> None:
    ext = [
        kit.ext_row("2025-03-01T10:00:00Z", track="ok"),
        kit.ext_row("2025-03-02T10:00:00Z", ms=1e30, track="float"),  # type: ignore[arg-type]
        kit.ext_row("2025-03-03T10:00:00Z", ms=2**70, track="int"),
        kit.ext_row("2025-03-04T10:00:00Z", ms=-5, track="negative"),
    ]
    kit.write(tmp_path / "in" / "Streaming_History_Audio_2025.json", ext)
    account = [
        {"endTime": "2025-03-05 10:00", "artistName": "A", "trackName": "B", "msPlayed": 1e30},
        {"endTime": "2025-03-05 11:00", "artistName": "A", "trackName": "B", "msPlayed": 2**64},
        {"endTime": "2025-03-05 12:00", "artistName": "A", "trackName": "B", "msPlayed": 9_000},
    ]
    kit.write(tmp_path / "in" / "StreamingHistory_music_0.json", account)
    result = run(tmp_path / "s.db", "import", str(tmp_path / "in"), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["skipped"] == {"unreadable ms_played": 3, "unreadable msPlayed": 2}
    assert doc["added"] == 2


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    write_export(generate_history("default", years=0.3), tmp_path / "export")
    db = tmp_path / "store" / "yawyas.db"
    conn = connect(db)
    ingest.import_paths(conn, [tmp_path / "export"])
    conn.close()
    return db


READERS: tuple[tuple[str, ...], ...] = (
    ("profile", "--tz", TZ),
    ("moments", "--tz", TZ),
    ("moods", "--tz", TZ),
    ("playlist", "now", "--tz", TZ, "--at", "2026-10-17 07:00"),
)


def check_read_only(db: Path, tmp_path: Path) -> None:
    """Readers work on a read-only store; writers say so in one sentence; nothing changes."""
    before = digest(db)
    for args in READERS:
        assert_clean(run(db, *args))
    assert run(db, "export", "plays", "--out", str(tmp_path / "p.csv")).exit_code == 0
    assert run(db, "report", "--out", str(tmp_path / "r.json"), "--tz", TZ).exit_code == 0
    assert json.loads((tmp_path / "r.json").read_text())["profile"]["streams"] > 0
    result = run(db, "import", str(tmp_path / "export"))
    assert result.exit_code == 1
    assert "is read-only" in result.stderr
    assert "not a yawyas store" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3  # one sentence, wrapped
    assert digest(db) == before


def test_a_read_only_store_is_read_and_never_written(
    small_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store's folder and file are not writable (as the owner sees them when they are not
    root: here `os.access` says so, SQLite opens the file with mode=ro)."""
    import yawyas.store.db as db_module

    real_access = os.access

    def no_write(path: Any, mode: int, **kwargs: Any) -> bool:
        if mode & os.W_OK and Path(path).resolve().is_relative_to(small_store.parent):
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(db_module.os, "access", no_write)
    check_read_only(small_store, tmp_path)


@pytest.fixture
def immutable(small_store: Path) -> Iterator[Path]:
    """The store file and its folder made immutable (`chattr +i`, binding root too)."""
    folder = small_store.parent
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("chattr is not installed")
    made = subprocess.run([chattr, "+i", str(small_store)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"chattr +i is not allowed here: {made.stderr.decode().strip()}")
    subprocess.run([chattr, "+i", str(folder)], check=True)
    try:
        yield small_store
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)
        subprocess.run([chattr, "-i", str(small_store)], check=True)


def test_an_immutable_store_is_read_and_never_written(immutable: Path, tmp_path: Path) -> None:
    """A real read-only store: SQLite cannot make its WAL files in the folder (immutable=1)."""
    assert not os.access(immutable, os.W_OK)
    check_read_only(immutable, tmp_path)
    assert sorted(p.name for p in immutable.parent.iterdir()) == ["yawyas.db"]


# -- 6: zip bombs stop at the limit, in bounded memory -------------------------------------


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 9 MB zip whose one member inflates to 2 GB of zeros."""
    path = tmp_path_factory.mktemp("bomb") / "my_spotify_data.zip"
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        name = f"{kit.EXTENDED_DIR}/Streaming_History_Audio_2025.json"
        with zf.open(name, "w", force_zip64=True) as fh:
            for _ in range(2048):
                fh.write(chunk)
    return path


def lying_bomb(bomb: Path, folder: Path) -> Path:
    """The bomb with its member's declared size rewritten to 1 KB in both headers."""
    data = bytearray(bomb.read_bytes())
    with zipfile.ZipFile(bomb) as zf:
        info = zf.infolist()[0]
    real = info.file_size.to_bytes(8, "little")
    for at in [m.start() for m in re.finditer(re.escape(real), data)]:  # the zip64 extras
        data[at : at + 8] = (1024).to_bytes(8, "little")
    path = folder / "lying.zip"
    path.write_bytes(bytes(data))
    return path


def test_a_zip_bomb_is_bad_input_in_bounded_memory(bomb: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    code = (
        "import resource, sys\n"
        "from yawyas.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "    print(f'peak-kb={peak}', file=sys.stderr)\n"
        "    raise\n"
    )
    env = {**os.environ, "YAWYAS_DB": str(db), "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-c", code, "import", str(bomb)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Streaming_History_Audio_2025.json declares 2,048 MB" in done.stderr
    assert f"more than the {MAX_FILE_BYTES // 2**20} MB" in done.stderr
    peak_kb = int(re.search(r"peak-kb=([0-9]+)", done.stderr).group(1))  # type: ignore[union-attr]
    assert peak_kb < 1024 * 1024  # under 1 GB
    # a member that lies about its size stops at what it declared, as a damaged zip
    lying = run(db, "import", str(lying_bomb(bomb, tmp_path)))
    assert lying.exit_code == 2
    assert "the archive looks damaged" in lying.stderr


def test_a_file_packed_with_tiny_values_is_refused_before_parsing(tmp_path: Path) -> None:
    """17 MB of `[0,0,...]` would take ~10 times its size once parsed: refused, store as it was."""
    db = tmp_path / "s.db"
    connect(db).close()
    before = digest(db)
    path = tmp_path / "in" / "Streaming_History_Audio_2025.json"
    path.parent.mkdir()
    path.write_bytes(b"[" + b"0," * (17 * 2**19) + b"0]")
    result = run(db, "import", str(path.parent))
    assert result.exit_code == 2
    assert "in/Streaming_History_Audio_2025.json is not a Spotify export file" in result.stderr
    assert "tiny values" in result.stderr
    assert digest(db) == before


def test_reading_stops_at_the_limit() -> None:
    from yawyas.sources.files import read_capped

    class Endless(io.RawIOBase):
        served = 0

        def readinto(self, buffer: Any) -> int:
            self.served += len(buffer)
            buffer[:] = bytes(len(buffer))
            return len(buffer)

        def readable(self) -> bool:
            return True

    endless = Endless()
    with pytest.raises(Exception, match="inflates past the limit"):
        read_capped(io.BufferedReader(endless), "x.json", declared=10)
    assert endless.served <= MAX_FILE_BYTES + 2 * io.DEFAULT_BUFFER_SIZE


# -- 7: private on disk -----------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_home_store_and_caches_are_owner_only(tmp_path: Path) -> None:
    home = Path(os.environ["YAWYAS_HOME"])  # the test's own home (conftest)
    kit.write(
        tmp_path / "in" / "Streaming_History_Audio_2025.json", [kit.ext_row("2025-03-01T10:00:00Z")]
    )
    old = os.umask(0o022)  # the usual: files 0644, folders 0755
    try:
        assert runner.invoke(app, ["import", str(tmp_path / "in")]).exit_code == 0
        assert runner.invoke(app, ["profile", "--json"]).exit_code == 0
        db = home / "yawyas.db"
        assert mode(home) == 0o700
        assert mode(db) == 0o600
        conn = connect(db)  # while it is open, SQLite keeps its WAL and shared memory
        conn.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
        for suffix in ("-wal", "-shm"):
            assert mode(Path(f"{db}{suffix}")) == 0o600, suffix
        conn.close()
        cache = home / "yawyas.db-cache"
        assert mode(cache) == 0o700
        files = list(cache.iterdir())
        assert {p.suffix for p in files} >= {".arrow", ".json"}
        assert all(mode(p) == 0o600 for p in files), [(p.name, oct(mode(p))) for p in files]
        # a store made by an older yawyas is made private the next time it is written
        os.chmod(db, 0o644)
        connect(db).close()
        assert mode(db) == 0o600
    finally:
        os.umask(old)


# -- 8: what an anonymised report keeps ----------------------------------------------------


def test_anonymised_reports_keep_no_segment_day_or_path(hostile_db: Path, tmp_path: Path) -> None:
    for suffix in (".json", ".html", ".md"):
        out = tmp_path / f"share{suffix}"
        result = run(hostile_db, "report", "--out", str(out), "--anonymize", "--tz", TZ)
        assert result.exit_code == 0, result.output
        text = "".join(p.read_text("utf-8") for p in tmp_path.rglob("share*") if p.is_file())
        assert re.search(r"\b(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]", text) is None
        for segment in INFERENCES:
            assert segment not in text
        for word in ("Health", "Hispanic", "Christian", "Diabetes", "25-34", "Spanish"):
            assert word not in text
        assert str(hostile_db.parent) not in text
    doc = json.loads((tmp_path / "share.json").read_text("utf-8"))
    assert doc["spotify_inferences"] == ["music genre: indie", "podcast listener", "device: phone"]


def test_absolute_paths_stay_out_of_reports_exports_and_the_store(tmp_path: Path) -> None:
    secret = tmp_path / "home-of-jdoe" / "Downloads"
    write_export(generate_history("default", years=0.2), secret, zip_name="my_spotify_data.zip")
    db = tmp_path / "s.db"
    imported = run(db, "import", str(secret / "my_spotify_data.zip"))
    assert imported.exit_code == 0
    as_json = run(db, "import", str(secret / "my_spotify_data.zip"), "--json")
    assert "home-of-jdoe" not in imported.stdout + as_json.stdout
    assert "my_spotify_data.zip:Spotify Account Data/Playlist1.json" in as_json.stdout
    outputs = [tmp_path / "plays.csv", tmp_path / "plays.jsonl", tmp_path / "r.html"]
    assert run(db, "export", "plays", "--out", str(outputs[0])).exit_code == 0
    assert run(db, "export", "plays", "--out", str(outputs[1])).exit_code == 0
    assert run(db, "report", "--out", str(outputs[2])).exit_code == 0
    for path in outputs:
        assert "home-of-jdoe" not in path.read_text("utf-8")
    connect(db).close()
    assert b"home-of-jdoe" not in db.read_bytes()


# -- 9: nested zips are imported; nothing to import is bad input ----------------------------


def test_a_zip_inside_a_zip_is_imported(tmp_path: Path) -> None:
    write_export(generate_history("default", years=0.2), tmp_path / "e", zip_name="inner.zip")
    outer = tmp_path / "download.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.write(tmp_path / "e" / "inner.zip", "my_spotify_data.zip")
    result = run(tmp_path / "s.db", "import", str(outer), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["added"] > 100
    kinds = {f["kind"] for f in doc["files"]}
    assert {"extended_audio", "playlists", "inferences"} <= kinds
    assert all(f["path"].startswith("download.zip:my_spotify_data.zip:") for f in doc["files"])


def test_nothing_to_import_is_bad_input(small_store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "not-spotify"
    kit.write(folder / "Userdata.json", {"username": "someone"})
    (folder / "notes.txt").write_text("hello")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    before = digest(small_store)
    result = run(small_store, "import", str(folder))
    assert result.exit_code == 2
    assert "found 3 files, none of them listening data: notes.txt, scan.pdf, Userdata.json;" in (
        result.stderr
    )
    assert "yawyas needs a Spotify privacy export" in result.stderr
    assert digest(small_store) == before
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(small_store, "import", str(empty))
    assert result.exit_code == 2
    assert "Nothing to import: found no files" in result.stderr


# -- 10: rates say their base; albums follow --top ----------------------------------------


def test_rates_say_their_base_and_albums_follow_top(tmp_path: Path) -> None:
    rows = [
        kit.ext_row(
            f"2025-03-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z",
            uri=f"spotify:track:{i:022d}",
            track=f"Track {i}",
            artist=f"Artist {i % 25}",
            master_metadata_album_album_name=f"Album {i % 25}",
            skipped=(i % 4 == 0) if i < 40 else None,
        )
        for i in range(400)
    ]
    kit.write(tmp_path / "in" / "Streaming_History_Audio_2025.json", rows)
    db = tmp_path / "s.db"
    assert run(db, "import", str(tmp_path / "in")).exit_code == 0
    doc = json.loads(run(db, "profile", "--json").stdout)
    intent = doc["intent"]
    assert (intent["streams"], intent["skip_known"], intent["skip_rate"]) == (400, 40, 0.25)
    text = assert_clean(run(db, "profile", "--top", "20"))
    assert "skipped 25% of the 40 streams that record it" in text
    albums = text.split("Top albums by time")[1].split("Most played artists")[0]
    assert "Album" in albums
    assert len(re.findall(r"Album [0-9]+", albums)) == 20


# -- 11: a typo in --db creates nothing ---------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("profile",),
        ("moments",),
        ("moods",),
        ("playlist", "now"),
        ("evaluate",),
        ("export", "plays", "--out", "plays.csv"),
        ("report", "--out", "r.html"),
    ],
)
def test_a_db_typo_creates_nothing(tmp_path: Path, args: tuple[str, ...]) -> None:
    typo = tmp_path / "no2" / "typo.db"
    result = run(typo, *args)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: There is no yawyas store at {typo}; import your export first, or check --db."
    )
    assert not (tmp_path / "no2").exists()
    with pytest.raises(Exception, match="There is no yawyas store"):
        connect_reader(typo)
