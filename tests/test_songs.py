"""Songs, not URIs: names-only histories make playlists like any other, one song never appears
twice, URIs come from what the person has, seed artists are matched as people write them, and
`now`'s blend is kept in the store until the history changes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests import exportkit as kit
from tests.test_playlists_steps import MONDAY, frame
from yawyas.analysis.text import song_key
from yawyas.demo import generate_history, write_export
from yawyas.errors import NotFoundError
from yawyas.playlists import backtest
from yawyas.playlists.generate import Context, Playlist, build_playlist, now_recipe
from yawyas.playlists.listening import build_listening
from yawyas.playlists.recipes import Recipe
from yawyas.services import ingest
from yawyas.services.playlists import build_context, build_now, evaluate_history
from yawyas.settings import Config
from yawyas.store.db import connect, load_generation
from yawyas.store.songs import load_track_names

TZ = "Europe/Madrid"


def _keys(playlist: Playlist) -> list[str]:
    return [song_key(t.artist_name, t.track_name) for t in playlist.tracks]


def test_one_song_under_two_uris_a_remaster_and_a_name_alone_is_one_song() -> None:
    rows: list[dict[str, Any]] = []
    for day in range(30):
        start = MONDAY + timedelta(days=day, hours=9)
        rows.append({"start": start, "track": "Luz", "artist": "Alba", "item_id": 1})
        rows.append({"start": start + timedelta(minutes=4), "track": "other", "item_id": 2})
    # the same song released again (another URI) as a remaster, and played by name alone
    later = MONDAY + timedelta(days=31, hours=9)
    rows.append({"start": later, "track": "Luz - Remastered 2011", "artist": "ALBA", "item_id": 3})
    rows.append(
        {"start": later + timedelta(days=1), "track": "Luz", "artist": "Álba", "item_id": 4}
    )
    streams = frame(rows)
    uris = streams["uri"].astype(object).tolist()
    uris[-2] = "spotify:track:SecondReleaseOfLuz0000"
    uris[-1] = None
    streams["uri"] = pd.Series(uris, dtype="category")
    lis = build_listening(streams, "UTC")
    assert lis.n_tracks == 2
    (luz,) = [i for i, n in enumerate(lis.names) if str(n) == "Luz"]
    assert int((lis.track == luz).sum()) == 32  # every play of it, whatever named it
    assert str(lis.uris[luz]) == uris[0]  # the URI its plays used most
    playlist = build_playlist(now_recipe(10), Context(lis), at=datetime(2026, 3, 2, 9, 0))
    assert len(playlist.tracks) == 2
    assert len(set(_keys(playlist))) == 2


def test_tracks_sharing_an_isrc_are_one_song() -> None:
    rows = [
        {"start": MONDAY + timedelta(hours=h), "track": "Hymn" if h % 2 else "Himno",
         "artist": "Coro", "item_id": 10 + h % 2}
        for h in range(20)
    ]  # fmt: skip
    streams = frame(rows)
    assert build_listening(streams, "UTC").n_tracks == 2
    merged = build_listening(streams, "UTC", recordings={11: 10, 10: 10})
    assert merged.n_tracks == 1


@pytest.fixture(scope="module")
def account_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """A year of the default listener as the "Account data" package alone: names, no URIs
    in the plays (the library and playlists do carry URIs)."""
    folder = tmp_path_factory.mktemp("account")
    write_export(generate_history("default", years=1), folder / "export", package="account")
    conn = connect(folder / "yawyas.db")
    ingest.import_paths(conn, [folder / "export"])
    assert conn.execute("SELECT count(*) FROM streams WHERE source = 0").fetchone()[0] == 0
    yield conn
    conn.close()


def test_a_names_only_history_gives_full_playlists(account_db: sqlite3.Connection) -> None:
    ctx = build_context(account_db, TZ, config=Config(path=Path("none.toml")))
    assert ctx.listening.n_tracks > 200
    assert ctx.moments  # learned from names and times alone
    at = datetime(2026, 10, 27, 17, 30)
    for when in (at, at + timedelta(days=1, hours=-2), at + timedelta(days=3, hours=4)):
        _, playlist = build_now(ctx, when, 50)
        assert len(playlist.tracks) == 50
        assert all(t.why for t in playlist.tracks)
        assert len(set(_keys(playlist))) == 50
    # URIs from the person's own playlists and library, matched by name
    known: dict[str, str] = {}
    for _, uri, artist, title in load_track_names(account_db):
        known.setdefault(song_key(artist, title), uri)
    lis = ctx.listening
    matched = [i for i in range(lis.n_tracks) if str(lis.keys[i]) in known]
    assert len(matched) > 100
    assert all(lis.uris[i] == known[str(lis.keys[i])] for i in matched)
    assert not any(lis.uris[i] for i in range(lis.n_tracks) if str(lis.keys[i]) not in known)
    moods = {m.name for m in ctx.moods}
    assert {"run", "kids"} <= moods
    for mood in ctx.moods:
        playlist = build_playlist(Recipe(key="m", name="m", mood=mood.name, size=30), ctx)
        assert len(set(_keys(playlist))) == len(playlist.tracks) > 0


def test_evaluate_works_on_a_names_only_history(account_db: sqlite3.Connection) -> None:
    result = evaluate_history(account_db, TZ, windows=2)
    assert result.heldout_plays > 100
    assert result.now > result.top
    assert result.lift_over_best >= 1.0


def test_no_song_twice_in_any_playlist_of_a_full_export(tmp_path: Path) -> None:
    write_export(generate_history("night_owl", years=1), tmp_path / "export")
    conn = connect(tmp_path / "yawyas.db")
    ingest.import_paths(conn, [tmp_path / "export"])
    ctx = build_context(conn, "America/New_York", config=Config(path=tmp_path / "none.toml"))
    start = datetime(2026, 10, 26)
    for hours in range(0, 7 * 24, 5):
        _, playlist = build_now(ctx, start + timedelta(hours=hours), 50)
        assert len(set(_keys(playlist))) == len(playlist.tracks)
    for m in ctx.moments:
        playlist = build_playlist(Recipe(key="m", name="m", moment=m.id), ctx)
        assert len(set(_keys(playlist))) == len(playlist.tracks)


def test_seed_artists_match_as_people_write_them() -> None:
    rows = [
        {"start": MONDAY + timedelta(hours=h), "track": f"song {h % 3}", "artist": "Beyoncé"}
        for h in range(12)
    ] + [
        {"start": MONDAY + timedelta(hours=20 + h), "track": "x", "artist": "Other"}
        for h in range(3)
    ]
    ctx = Context(build_listening(frame(rows), "UTC"))
    playlist = build_playlist(
        Recipe(key="b", name="b", seed_artists=("BEYONCE",), size=5, max_per_artist=0), ctx
    )
    assert {t.artist_name for t in playlist.tracks} >= {"Beyoncé"}
    with pytest.raises(NotFoundError, match=r"no artist 'Beyonse'.*did you mean 'Beyoncé'"):
        build_playlist(Recipe(key="b", name="b", seed_artists=("Beyonse",)), ctx)
    with pytest.raises(NotFoundError, match=r"no artist 'Zeppelin'.*check its spelling"):
        build_playlist(Recipe(key="b", name="b", seed_artists=("Zeppelin",)), ctx)


def test_the_blend_is_kept_until_the_history_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        kit.ext_row(
            (datetime(2026, 1, 5, 9) + timedelta(days=d, minutes=4 * k)).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
            track=f"Song {(d // 10 + k) % 9}",
            uri=f"spotify:track:{(d // 10 + k) % 9:022d}",
        )
        for d in range(120)
        for k in range(4)
    ]
    export = kit.write(
        tmp_path / "a" / kit.EXTENDED_DIR / "Streaming_History_Audio_2026.json", rows
    )
    conn = connect(tmp_path / "yawyas.db")
    ingest.import_paths(conn, [export])
    fits: list[int] = []
    real_fit = backtest.fit_blend

    def counted(*args: Any, **kwargs: Any) -> Any:
        fits.append(1)
        return real_fit(*args, **kwargs)

    monkeypatch.setattr("yawyas.services.playlists.fit_blend", counted)
    at = datetime(2026, 5, 6, 9, 0)
    config = Config(path=tmp_path / "none.toml")
    first = build_now(build_context(conn, "UTC", config=config), at, 5)[1]
    assert len(fits) == 1
    stored = conn.execute("SELECT zone, generation FROM now_blends").fetchall()
    assert stored == [("UTC", load_generation(conn))]
    again = build_now(build_context(conn, "UTC", config=config), at, 5)[1]
    assert len(fits) == 1  # read back from the store
    assert again.uris == first.uris
    build_now(build_context(conn, "Asia/Tokyo", config=config), at, 5)
    assert len(fits) == 2  # another zone, another blend
    more = [kit.ext_row("2026-05-05T10:00:00Z", track="Song 1", uri=f"spotify:track:{1:022d}")]
    ingest.import_paths(
        conn,
        [kit.write(tmp_path / "b" / kit.EXTENDED_DIR / "Streaming_History_Audio_x.json", more)],
    )
    build_now(build_context(conn, "UTC", config=config), at, 5)
    assert len(fits) == 3  # the history changed: tuned again
