"""`yawyas moods`, `playlist init/preview/now/publish`, `refresh` and `evaluate` on a demo store."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import yawyas.cli.commands  # noqa: F401  (registers the commands)
from tests.fake_spotify import FakeSpotify
from tests.fake_spotify.fixtures import free_port, write_token_cache
from yawyas.cli.app import app
from yawyas.demo import generate_history, write_export
from yawyas.services import ingest
from yawyas.services.sync import spotify_config
from yawyas.settings import load_config, resolve_paths
from yawyas.store.db import connect

runner = CliRunner()
TZ = "Europe/Madrid"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A year of the default demo listener, imported through the normal path."""
    folder = tmp_path_factory.mktemp("demo")
    write_export(generate_history("default", years=1), folder / "export")
    conn = connect(folder / "yawyas.db")
    ingest.import_paths(conn, [folder / "export"])
    conn.close()
    return folder / "yawyas.db"


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--db", str(db), *args])


def ok_json(result: Result) -> object:
    assert result.exit_code == 0, result.stderr or result.stdout
    return json.loads(result.stdout)


def test_moods_json_lists_the_persons_moods(demo_db: Path) -> None:
    doc = ok_json(run(demo_db, "moods", "--tz", TZ, "--json"))
    assert isinstance(doc, dict)
    moods = {m["mood"]: m for m in doc["moods"]}
    assert {"run", "focus", "party"} <= set(moods)
    assert "kids" not in moods  # the children's songs are theirs, not the person's taste
    assert "Morning Run" in moods["run"]["named_by"]
    everyone = ok_json(run(demo_db, "moods", "--tz", TZ, "--json", "--everyone"))
    assert isinstance(everyone, dict)
    moods = {m["mood"]: m for m in everyone["moods"]}
    example = moods["kids"]["examples"][0]
    assert example["uri"].startswith("spotify:track:")
    assert example["evidence"]


def test_now_json_on_a_weekday_afternoon_is_kids_songs(demo_db: Path) -> None:
    doc = ok_json(
        run(
            demo_db,
            "playlist",
            "now",
            "--tz",
            TZ,
            "--at",
            "2026-10-27 17:30",
            "--size",
            "20",
            "--json",
        )
    )
    assert isinstance(doc, dict)
    assert set(doc) == {"moment", "tracks"}
    assert "Kids songs" in doc["moment"]  # the learned moment that fits 17:30 on a Tuesday
    tracks = doc["tracks"]
    assert len(tracks) == 20
    assert set(tracks[0]) == {"uri", "track_name", "artist_name", "why"}
    in_kids = sum("'Kids songs'" in t["why"] for t in tracks)
    assert in_kids >= 15


def test_now_rejects_a_bad_time(demo_db: Path) -> None:
    result = run(demo_db, "playlist", "now", "--at", "tomorrow at five")
    assert result.exit_code == 2
    assert "not a local time" in result.stderr


def test_init_then_preview(demo_db: Path) -> None:
    result = run(demo_db, "playlist", "init", "--tz", TZ)
    assert result.exit_code == 0, result.stderr
    path = resolve_paths().config_dir / "playlists.toml"
    text = path.read_text()
    assert "[playlists.now]" in text
    assert 'mood = "run"' in text
    again = run(demo_db, "playlist", "init")
    assert again.exit_code == 2
    assert "--force" in again.stderr
    doc = ok_json(run(demo_db, "playlist", "preview", "mood-run", "--tz", TZ, "--json"))
    assert isinstance(doc, dict)
    assert doc["recipe"] == "mood-run"
    assert 20 <= len(doc["tracks"]) <= 50
    assert all(t["why"] for t in doc["tracks"])
    artists = [t["artist_name"] for t in doc["tracks"]]
    assert max(artists.count(a) for a in artists) <= 3  # the starter's max_per_artist
    table = run(demo_db, "playlist", "preview", "mood-run", "--tz", TZ)
    assert table.exit_code == 0
    assert "Why" in table.stdout
    missing = run(demo_db, "playlist", "preview", "nope")
    assert missing.exit_code == 2
    assert "No recipe 'nope'" in missing.stderr


def test_evaluate_json_beats_the_baselines(demo_db: Path) -> None:
    doc = ok_json(run(demo_db, "evaluate", "--tz", TZ, "--json"))
    assert isinstance(doc, dict)
    assert doc["rolling"] is True  # as `playlist now` is used, unless --from-cutoff
    assert doc["every_minutes"] == 15
    assert doc["hit_rate_now"] >= 1.5 * doc["hit_rate_top"]
    assert doc["heldout_plays"] > 100
    assert doc["moments"] >= 3  # learned again from the plays before the cutoff
    assert set(doc["baselines"]) == {"top", "recent", "time_of_week", "recency_frequency", "lately"}
    assert doc["best_baseline"] in doc["baselines"]
    assert doc["lift_over_best"] >= 1.0
    assert len(doc["cutoffs"]) == 4
    assert sum(w["heldout_plays"] for w in doc["cutoffs"]) == doc["heldout_plays"]
    lift = doc["spread"]["lift_over_best"]
    assert lift["min"] <= lift["mean"] <= lift["max"]
    text = run(demo_db, "evaluate", "--tz", TZ)
    assert text.exit_code == 0
    flat = " ".join(text.stdout.split())
    assert f"{doc['moments']} moments" in flat
    assert "now / best baseline" in flat
    assert f"{doc['lift_over_best']:.2f}x" in flat
    assert "every quarter hour" in flat
    ahead = ok_json(run(demo_db, "evaluate", "--tz", TZ, "--from-cutoff", "--json"))
    assert isinstance(ahead, dict)
    assert ahead["rolling"] is False
    assert ahead["every_minutes"] is None
    assert ahead["heldout_plays"] == doc["heldout_plays"]
    # `now` fitted for what each protocol asks: the next quarter hour, or the week ahead
    assert {w["blend"]["horizon"] for w in doc["cutoffs"]} == {"quarter"}
    assert {w["blend"]["horizon"] for w in ahead["cutoffs"]} == {"week"}


def test_evaluate_with_a_cutoff_that_leaves_nothing_after_it_is_bad_input(demo_db: Path) -> None:
    before = demo_db.read_bytes()
    for cutoff, says in (("2099-01-01", "plays both before and after"), ("soon", "not a day")):
        result = run(demo_db, "evaluate", "--tz", TZ, "--cutoff", cutoff, "--json")
        assert result.exit_code == 2
        assert says in result.stderr
        assert result.stdout == ""
    for every in ("20", "0", "20160"):
        result = run(demo_db, "evaluate", "--tz", TZ, "--every", every, "--json")
        assert result.exit_code == 2
        assert f"--every {every}: give whole quarter hours" in " ".join(result.stderr.split())
        assert result.stdout == ""
    assert demo_db.read_bytes() == before


@pytest.fixture
def spotify_env(
    fake_spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> FakeSpotify:
    """Spotify at the fake, logged in, knowing every track of the demo store."""
    for name, value in {
        "SPOTIPY_CLIENT_ID": fake_spotify.client_id,
        "SPOTIPY_REDIRECT_URI": f"http://127.0.0.1:{free_port()}/callback",
        "YAWYAS_SPOTIFY_API": fake_spotify.api_url,
        "YAWYAS_SPOTIFY_ACCOUNTS": fake_spotify.accounts_url,
    }.items():
        monkeypatch.setenv(name, value)
    paths = resolve_paths()
    write_token_cache(fake_spotify, spotify_config(paths, load_config(paths.config_file)))
    conn = sqlite3.connect(demo_db)
    uris = [u for (u,) in conn.execute("SELECT uri FROM items WHERE uri LIKE 'spotify:track:%'")]
    conn.close()
    for uri in uris:
        fake_spotify.add_track("t", id=uri.rsplit(":", 1)[1])
    return fake_spotify


def test_publish_dry_run_then_publish_then_refresh(
    spotify_env: FakeSpotify, demo_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "copy.db"
    db.write_bytes(demo_db.read_bytes())
    paths = resolve_paths()
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    (paths.config_dir / "playlists.toml").write_text(
        '[playlists.run]\nname = "Run (yawyas)"\nmood = "run"\nsize = 20\n'
        '[playlists.now]\nname = "Now (yawyas)"\nnow = true\nsize = 20\n'
    )
    dry = ok_json(run(db, "playlist", "publish", "run", "--dry-run", "--tz", TZ, "--json"))
    assert isinstance(dry, list)
    assert dry[0]["created"]
    assert len(dry[0]["added"]) == 20
    assert spotify_env.count("POST", "/v1/me/playlists") == 0

    result = run(db, "playlist", "publish", "--all", "--tz", TZ)
    assert result.exit_code == 0, result.stderr
    assert "Run (yawyas): created, 20 tracks." in result.stdout
    assert spotify_env.count("POST", "/v1/me/playlists") == 2

    refreshed = run(db, "refresh", "--tz", TZ)
    assert refreshed.exit_code == 0, refreshed.stderr
    assert refreshed.stdout == ""
    assert refreshed.stderr == ""
    assert spotify_env.count("POST", "/v1/me/playlists") == 2  # replaced, never made again


def test_refresh_names_a_failing_recipe_and_exits_1(
    spotify_env: FakeSpotify, demo_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "copy.db"
    db.write_bytes(demo_db.read_bytes())
    paths = resolve_paths()
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    (paths.config_dir / "playlists.toml").write_text(
        '[playlists.sad]\nmood = "melancholia"\n[playlists.now]\nnow = true\nsize = 5\n'
    )
    result = run(db, "refresh", "--tz", TZ)
    assert result.exit_code == 1
    assert "sad: No mood 'melancholia'" in result.stderr
    assert spotify_env.count("POST", "/v1/me/playlists") == 1  # the other recipe went on


def test_publish_needs_one_recipe_or_all(demo_db: Path) -> None:
    result = run(demo_db, "playlist", "publish")
    assert result.exit_code == 2
    assert "--all" in result.stderr


def test_every_new_command_has_help_with_an_example() -> None:
    for args in (
        ["moods"],
        ["refresh"],
        ["evaluate"],
        ["playlist", "init"],
        ["playlist", "preview"],
        ["playlist", "now"],
        ["playlist", "publish"],
    ):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0
        assert "Example: yawyas" in result.stdout


def test_an_empty_store_says_what_to_do(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    connect(db).close()  # an empty store (none at all is bad input: tests/test_hostile.py)
    result = run(db, "playlist", "now", "--tz", TZ, "--json")
    assert result.exit_code == 2
    assert "no music plays yet" in result.stderr
    assert result.stdout == ""
    moods_doc = ok_json(run(db, "moods", "--tz", TZ, "--json"))
    assert moods_doc == {"moods": []}
