"""Last.fm and ListenBrainz histories through `yawyas import`: detection, storage, one history
without doubles (with each other and with Spotify's exports, in both orders), bad input.

Every file is written here with made-up names; none comes from a real export.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import yawyas.cli.commands  # noqa: F401  (registers the commands)
from tests import exportkit as kit
from tests import scrobblekit as sk
from tests.fake_spotify import FakeSpotify
from tests.test_import import dump
from yawyas.cli import app
from yawyas.errors import BadInputError
from yawyas.services import ingest
from yawyas.services.export import write_plays
from yawyas.services.profile import load_profile
from yawyas.services.scrobbles import ASSUMED_MS, drop_covered_scrobbles
from yawyas.sources.spotify_models import AlbumRef, ArtistRef, RecentPlay, TrackInfo
from yawyas.store.db import connect, transaction
from yawyas.store.dimensions import Dimensions
from yawyas.store.spotify import save_api_plays
from yawyas.store.streams import load_streams, load_totals

EXT = kit.EXTENDED_DIR
ACC = kit.ACCOUNT_DIR
T0 = sk.utc("2024-03-04 08:00:00")  # a Monday
URI_SONG = "spotify:track:0000000000000000000001"  # kit.ext_row's default track: Band - Song
SONG_URL = "https://open.spotify.com/track/0000000000000000000001"


def plays_of(conn: sqlite3.Connection) -> list[tuple[int, str, str, int, str]]:
    """(start, artist, track, ms_played, source) of every stream, in start order."""
    f = load_streams(conn)
    starts = f["played_at"] - f["ms_played"] // 1000
    rows = zip(starts, f["artist_name"], f["track_name"], f["ms_played"], f["source"], strict=True)
    return sorted((int(s), str(a), str(t), int(m), str(src)) for s, a, t, m, src in rows)


def import_all(conn: sqlite3.Connection, *paths: Path, **kw: object) -> ingest.ImportReport:
    return ingest.import_paths(conn, list(paths), **kw)  # type: ignore[arg-type]


HISTORY: list[sk.Play] = [
    (T0 + 0, "Loud Band", "Opening", "Live at Home"),
    (T0 + 241, "Loud Band", "Second Song", "Live at Home"),
    (T0 + 3_600 * 30 + 17, "Quiet Duo", "Lullaby", None),
    (T0 + 86_400 * 5 + 59, "Café Tacuba", "Eres", "Cuatro Caminos"),
]


# --------------------------------------------------------------------------- detection


LAYOUTS = {
    "lastfm-to-csv": ("scrobbles.csv", sk.lastfm_to_csv, 60),
    "lastfm.ghan.nl": ("recenttracks-someone-1718000000.csv", sk.ghan_csv, 1),
    "lastfmstats.com": ("lastfmstats-someone.csv", sk.lastfmstats_csv, 1),
    "lastexport.py": ("exported_tracks.txt", sk.lastexport_txt, 1),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_folder_holding_a_scrobble_export_imports_it(
    tmp_path: Path, conn: sqlite3.Connection, layout: str
) -> None:
    name, write, precision = LAYOUTS[layout]
    folder = tmp_path / "my music"
    sk.write(folder / "old" / name, write(HISTORY))
    sk.write(folder / "README.txt", b"Exported with a tool.\n")
    sk.write(folder / "budget.csv", b"month,amount\n2024-01,12\n")
    report = import_all(conn, folder)
    kinds = {Path(f.name).name: (f.kind, f.status) for f in report.files}
    assert kinds == {
        name: ("lastfm", "imported"),
        "README.txt": ("not listening data", "skipped"),
        "budget.csv": ("not listening data", "skipped"),
    }
    assert report.added == len(HISTORY)
    expected = [
        (start - start % precision, artist, track, ASSUMED_MS, "lastfm")
        for start, artist, track, _ in HISTORY
    ]
    assert plays_of(conn) == expected
    frame = load_streams(conn)
    assert set(frame["kind"]) == {"track"}
    assert frame["album_name"].isna().sum() == 1  # "Lullaby" has none
    assert load_totals(conn).plays == len(HISTORY)  # a scrobble is a play


def test_the_now_playing_row_is_skipped_and_counted(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    path = sk.write(
        tmp_path / "scrobbles.csv",
        sk.lastfm_to_csv(HISTORY, now_playing=(0, "Loud Band", "Encore", None)),
    )
    report = import_all(conn, path)
    (f,) = report.files
    assert (f.rows, f.added, dict(f.skipped)) == (5, 4, {"no date (now playing)": 1})


def test_a_listenbrainz_export_zip_imports_its_listens_members(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    listens = [
        sk.listen(T0, "Loud Band", "Opening", "Live at Home", duration_ms=187_000),
        sk.listen(T0 + 400, "Band", "Song", spotify_id=SONG_URL),
        sk.listen(T0 + 86_400 * 40, "Quiet Duo", "Lullaby", duration=95),  # seconds
        sk.listen(T0 + 86_400 * 41, "Short Band", "Intro", duration_ms=12_000),
    ]
    path = sk.listenbrainz_zip(tmp_path / "listenbrainz_someone_1718000000.zip", listens, {})
    # the same Spotify track, from a Spotify export
    kit.write(
        tmp_path / "spotify" / "Streaming_History_Audio_2023.json",
        [kit.ext_row("2023-06-01T10:00:00Z", ms=201_000)],
    )
    report = import_all(conn, path, tmp_path / "spotify")
    kinds = sorted(
        (f.name.split(".zip:")[1] if ".zip:" in f.name else Path(f.name).name, f.kind)
        for f in report.files
    )
    assert kinds == [
        ("Streaming_History_Audio_2023.json", "extended_audio"),
        ("feedback.jsonl", "not listening data"),
        ("listens/2024/3.jsonl", "listenbrainz"),
        ("listens/2024/4.jsonl", "listenbrainz"),
        ("pinned_recording.jsonl", "not listening data"),
        ("user.json", "not listening data"),
    ]
    assert plays_of(conn)[1:] == [
        (T0, "Loud Band", "Opening", 187_000, "listenbrainz"),  # its own duration
        # a Spotify track: the Spotify item, and the length of its completed plays
        (T0 + 400, "Band", "Song", 201_000, "listenbrainz"),
        (T0 + 86_400 * 40, "Quiet Duo", "Lullaby", 95_000, "listenbrainz"),
        (T0 + 86_400 * 41, "Short Band", "Intro", 30_000, "listenbrainz"),  # a play: >= 30 s
    ]
    frame = load_streams(conn)
    assert frame["item_id"].iloc[0] == frame["item_id"].iloc[2]  # one item, Spotify's
    assert frame["uri"].iloc[2] == URI_SONG


def test_the_older_listenbrainz_json_array(tmp_path: Path, conn: sqlite3.Connection) -> None:
    import json

    listens = [sk.listen(start, a, t, al) for start, a, t, al in HISTORY]
    path = sk.write(tmp_path / "someone_lb-2024-06-01.json", json.dumps(listens).encode())
    report = import_all(conn, path)
    assert [(f.kind, f.added) for f in report.files] == [("listenbrainz", 4)]


def test_spotify_files_are_never_read_as_listens(tmp_path: Path, conn: sqlite3.Connection) -> None:
    folder = tmp_path / "everything"
    kit.write(
        folder / EXT / "Streaming_History_Audio_2024.json",
        [kit.ext_row("2024-05-01T10:00:00Z", track='{"listened_at": 1, "track_metadata": {}}')],
    )
    kit.write(folder / ACC / "StreamingHistory_music_0.json", [kit.music_row("2024-05-02 10:00")])
    sk.write(folder / "listens" / "2024" / "5.jsonl", sk.jsonl([sk.listen(T0, "A", "B")]))
    report = import_all(conn, folder)
    assert sorted(f.kind for f in report.files) == [
        "account_music",
        "extended_audio",
        "listenbrainz",
    ]


# --------------------------------------------------------------------------- one history


def both_orders(
    tmp_path: Path, first: list[Path], second: list[Path]
) -> tuple[sqlite3.Connection, sqlite3.Connection]:
    """Two stores: `first` then `second` imported, and the other way round."""
    a = connect(tmp_path / "a.db")
    import_all(a, *first)
    import_all(a, *second)
    b = connect(tmp_path / "b.db")
    import_all(b, *second)
    import_all(b, *first)
    return a, b


def test_double_scrobbles_across_overlapping_exports_are_one_play(tmp_path: Path) -> None:
    # two exports of the same account, a year apart: the second overlaps the first; one is
    # lastfm-to-csv (the minute), the other lastfm.ghan.nl (the second), and repeats a row
    early = HISTORY[:3]
    late = [*HISTORY[1:], HISTORY[3]]
    one = sk.write(tmp_path / "2024" / "scrobbles.csv", sk.lastfm_to_csv(early))
    two = sk.write(tmp_path / "2025" / "recenttracks.csv", sk.ghan_csv(late))
    a, b = both_orders(tmp_path, [one], [two])
    assert dump(a) == dump(b)
    # one play each, and the copy kept is the one that knows the second
    assert plays_of(a) == [(s, ar, t, ASSUMED_MS, "lastfm") for s, ar, t, _ in HISTORY]
    again = import_all(a, one.parent, two.parent)
    assert again.added == 0


def test_the_same_listens_in_listenbrainz_and_lastfm_are_one_play(tmp_path: Path) -> None:
    listens = [sk.listen(s, a, t, al, duration_ms=200_000 + k) for k, (s, a, t, al) in
               enumerate(HISTORY)]  # fmt: skip
    lb = sk.listenbrainz_zip(tmp_path / "lb" / "listenbrainz_someone.zip", listens, {})
    # Last.fm names it differently in case and accents: the same song by song_key
    renamed = [(s, a.upper(), t, al) for s, a, t, al in HISTORY]
    renamed[3] = (HISTORY[3][0], "Cafe Tacuba", "Eres", None)
    lastfm = sk.write(tmp_path / "lfm" / "scrobbles.csv", sk.lastfm_to_csv(renamed))
    a, b = both_orders(tmp_path, [lb], [lastfm])
    assert dump(a) == dump(b)
    # the ListenBrainz copy is kept: it knows the duration
    assert plays_of(a) == [
        (s, ar, t, 200_000 + k, "listenbrainz") for k, (s, ar, t, _) in enumerate(HISTORY)
    ]


def spotify_weeks(
    tmp_path: Path, kind: str
) -> tuple[Path, list[sk.Play], list[tuple[int, str, str]]]:
    """Two weeks of Spotify plays (extended history or account data) and the scrobbles a
    Last.fm account made of the same weeks: most of the same plays (a few seconds off,
    differently named), some from elsewhere. Returns (export folder, scrobbles, what the
    history must hold: (start, artist, track) of each play)."""
    spotify: list[tuple[int, str, str, int]] = []  # start, artist, track, ms
    scrobbles: list[sk.Play] = []
    expected: list[tuple[int, str, str]] = []
    for day in range(14):
        base = T0 + day * 86_400
        for k in range(6):
            start = base + k * 260
            remastered = ("Beyoncé", f"Song {k} - Remastered 2011")
            artist, track = remastered if k % 2 else ("Band", f"Tune {k}")
            spotify.append((start, artist, track, 230_000))
            # account data knows the minute of the end: its stream starts that much earlier
            shown = start if kind == "extended" else (start + 230) // 60 * 60 - 230
            expected.append((shown, artist, track))
            if k != 5:  # the scrobbler missed one play a day
                plain = ("Beyonce", f"Song {k}") if k % 2 else (artist, track)
                scrobbles.append((start + 3 + k * 11, *plain, None))
        # listened elsewhere: not on Spotify, scrobbled; one is the same song two hours later
        scrobbles.append((base + 7_200, "Band", "Tune 0", None))
        scrobbles.append((base + 9_000, "Radio Band", "On Air", None))
        expected += [(base + 7_200, "Band", "Tune 0"), (base + 9_000, "Radio Band", "On Air")]
    folder = tmp_path / "spotify"
    if kind == "extended":
        uris: dict[tuple[str, str], str] = {}
        rows = [
            kit.ext_row(
                sk.iso(s + ms // 1000),
                ms=ms,
                track=t,
                artist=a,
                uri=uris.setdefault((a, t), f"spotify:track:{len(uris) + 10:022d}"),
            )
            for s, a, t, ms in spotify
        ]
        kit.write(folder / EXT / "Streaming_History_Audio_2024.json", rows)
    else:
        rows = [kit.music_row(sk.minute_text(s + ms // 1000), a, t, ms) for s, a, t, ms in spotify]
        kit.write(folder / ACC / "StreamingHistory_music_0.json", rows)
    return folder, scrobbles, sorted(expected)


@pytest.mark.parametrize("kind", ["extended", "account"])
@pytest.mark.parametrize("layout", ["lastfm-to-csv", "lastfm.ghan.nl"])
def test_scrobbles_of_spotify_plays_are_the_spotify_streams_in_both_orders(
    tmp_path: Path, kind: str, layout: str
) -> None:
    folder, scrobbles, expected = spotify_weeks(tmp_path, kind)
    name, write, _ = LAYOUTS[layout]
    csv_path = sk.write(tmp_path / "lastfm" / name, write(scrobbles))
    a, b = both_orders(tmp_path, [folder], [csv_path])
    assert dump(a) == dump(b)
    held = plays_of(a)
    spotify_source = "extended_audio" if kind == "extended" else "account_music"
    assert sum(1 for p in held if p[4] == spotify_source) == 14 * 6
    assert sum(1 for p in held if p[4] == "lastfm") == 14 * 2  # only those Spotify lacks
    # the Spotify streams win: the history is exactly the plays, each once
    assert [(s, ar, t) for s, ar, t, _, _ in held] == expected
    for store in (a, b):
        again = import_all(store, folder, csv_path.parent)
        assert again.added == 0
        assert again.replaced_scrobbles == 0


def test_scrobbles_first_then_spotify_drops_the_scrobbles_it_holds(tmp_path: Path) -> None:
    folder, scrobbles, _ = spotify_weeks(tmp_path, "extended")
    conn = connect(tmp_path / "s.db")
    import_all(conn, sk.write(tmp_path / "lastfm" / "scrobbles.csv", sk.lastfm_to_csv(scrobbles)))
    assert load_totals(conn).streams == len(scrobbles)
    report = import_all(conn, folder)
    assert report.replaced_scrobbles == 14 * 5
    assert load_totals(conn).streams == 14 * 6 + 14 * 2


def test_a_known_duration_comes_whatever_the_order(tmp_path: Path) -> None:
    # Spotify knows how long "Tune 0" is (its completed plays); the scrobbles of other days
    # take that length, whichever came first
    rows = [
        kit.ext_row(sk.iso(T0 + k * 600), ms=ms, track="Tune 0", artist="Band", uri=URI_SONG)
        for k, ms in enumerate((180_000, 181_000, 240_000))
    ] + [kit.ext_row(sk.iso(T0 + 4_000), ms=5_000, track="Tune 0", artist="Band", uri=URI_SONG,
                     reason_end="fwdbtn")]  # fmt: skip
    kit.write(tmp_path / "spotify" / "Streaming_History_Audio_2024.json", rows)
    scrobbles = [(T0 + 86_400 * d, "Band", "Tune 0", None) for d in range(30, 33)]
    lfm = sk.write(tmp_path / "lfm" / "scrobbles.csv", sk.ghan_csv(scrobbles))
    a, b = both_orders(tmp_path, [tmp_path / "spotify"], [lfm])
    assert dump(a) == dump(b)
    assert [p[3] for p in plays_of(a) if p[4] == "lastfm"] == [181_000] * 3


def test_an_api_play_is_kept_and_the_scrobble_of_it_goes(tmp_path: Path) -> None:
    conn = connect(tmp_path / "api.db")
    lfm = sk.write(tmp_path / "scrobbles.csv", sk.ghan_csv([(T0, "Band", "Song", None)]))
    import_all(conn, lfm)
    track = TrackInfo(
        uri=URI_SONG, id=URI_SONG.rsplit(":", 1)[1], name="Song",
        artists=(ArtistRef("Band", "b", "spotify:artist:b"),),
        album=AlbumRef("Album", "a", "spotify:album:a", "album", "2020", "year", 10),
        duration_ms=200_000, explicit=False, isrc=None, is_local=False,
    )  # fmt: skip
    with transaction(conn):
        played_at = (T0 + 200) * 1000
        added, _ = save_api_plays(conn, Dimensions(conn), [RecentPlay(played_at, track, None)])
        assert added == 1  # a scrobble never stands in for Spotify's own stream
        assert drop_covered_scrobbles(conn, T0 + 200, T0 + 200) == 1
    assert [p[4] for p in plays_of(conn)] == ["api"]


# --------------------------------------------------------------------------- what comes out


def test_export_and_profile_name_the_sources(tmp_path: Path, conn: sqlite3.Connection) -> None:
    sk.write(tmp_path / "in" / "scrobbles.csv", sk.lastfm_to_csv(HISTORY[:2]))
    sk.write(
        tmp_path / "in" / "listens" / "2024" / "3.jsonl",
        sk.jsonl([sk.listen(T0 + 86_400 * 3, "Other", "Thing")]),
    )
    kit.write(tmp_path / "in" / EXT / "Streaming_History_Audio_2024.json",
              [kit.ext_row("2024-03-20T10:00:00Z")])  # fmt: skip
    import_all(conn, tmp_path / "in")
    write_plays(conn, tmp_path / "plays.csv")
    sources = pd.read_csv(tmp_path / "plays.csv")["source"].tolist()
    assert sorted(sources) == ["extended_audio", "lastfm", "lastfm", "listenbrainz"]
    profile = load_profile(conn, tz="UTC")
    assert profile["sources"] == [
        {"source": "lastfm", "streams": 2, "plays": 2, "ms": 2 * ASSUMED_MS,
         "first_day": "2024-03-04", "last_day": "2024-03-04"},
        {"source": "listenbrainz", "streams": 1, "plays": 1, "ms": ASSUMED_MS,
         "first_day": "2024-03-07", "last_day": "2024-03-07"},
        {"source": "extended_audio", "streams": 1, "plays": 1, "ms": 200_000,
         "first_day": "2024-03-20", "last_day": "2024-03-20"},
    ]  # fmt: skip
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(tmp_path / "store.db"), "profile", "--tz", "UTC"])
    assert result.exit_code == 0, result.output
    assert "From Last.fm 2024-03-04 to 2024-03-04 (2), ListenBrainz" in " ".join(
        result.output.replace("│", " ").split()
    )


# --------------------------------------------------------------------------- bad input

GOOD = sk.lastfm_to_csv(HISTORY)
BAD = {
    "unknown layout": (
        "scrobbles-processed.csv",
        b"index,artist,album,track,timestamp,datetime\n0,A,B,C,1,2020-01-01\n",
        "is not a Last.fm export we can read",
    ),
    "unreadable date": (
        "scrobbles.csv",
        GOOD + b"Loud Band,,Third,31 Feb 2021 10:00\n",
        "line 5: the date '31 Feb 2021 10:00' cannot be read",
    ),
    "unreadable uts": (
        "recenttracks.csv",
        sk.ghan_csv(HISTORY) + b'"yesterday","","A","","","","B",""\n',
        "line 6: the date 'yesterday' cannot be read",
    ),
    "broken JSON line": (
        "listens/2024/3.jsonl",
        sk.jsonl([sk.listen(T0, "A", "B")])
        + b'{"listened_at": 17\n'
        + sk.jsonl([sk.listen(T0 + 300, "A", "C")]),
        "line 2 is not valid JSON",
    ),
    "unreadable listened_at": (
        "listens/2024/3.jsonl",
        sk.jsonl([sk.listen(T0, "A", "B"), sk.listen("soon", "A", "C")]),  # type: ignore[arg-type]
        "line 2: the date 'soon' cannot be read",
    ),
    "a row of the wrong width": (
        "scrobbles.csv",
        GOOD + b"Loud Band,Third,31 Feb 2021 10:00\n",
        "line 5 has 3 fields where the lastfm-to-csv layout has 4",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_names_file_and_line_and_leaves_the_store_as_it_was(
    tmp_path: Path, conn: sqlite3.Connection, case: str
) -> None:
    import_all(conn, sk.write(tmp_path / "before" / "old.csv", sk.lastfm_to_csv(HISTORY[:1])))
    before = dump(conn)
    name, data, message = BAD[case]
    folder = tmp_path / "run"
    kit.write(
        folder / EXT / "Streaming_History_Audio_2024.json", [kit.ext_row("2024-06-01T10:00:00Z")]
    )
    sk.write(folder / "lb" / name, data)
    with pytest.raises(BadInputError, match=re.escape(message)) as err:
        import_all(conn, folder)
    assert name.rsplit("/", 1)[-1] in err.value.message
    assert dump(conn) == before
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "store.db"), "import", str(folder)])
    assert result.exit_code == 2
    assert dump(conn) == before
    report = import_all(conn, folder, keep_going=True)
    assert report.added == 1
    assert [Path(f.name).name for f in report.errors] == [name.rsplit("/", 1)[-1]]


def test_a_csv_named_directly_must_be_scrobbles(tmp_path: Path, conn: sqlite3.Connection) -> None:
    path = sk.write(tmp_path / "budget.csv", b"month,amount\n2024-01,12\n")
    with pytest.raises(BadInputError, match=r"budget\.csv is not a Last\.fm export"):
        import_all(conn, path)
    with pytest.raises(BadInputError, match=r"notes\.pdf is neither"):
        import_all(conn, sk.write(tmp_path / "notes.pdf", b"%PDF"))


# --------------------------------------------------------------------------- with the Web API


def test_a_sync_keeps_its_play_drops_the_scrobble_of_it_and_lends_its_duration(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection, tmp_path: Path
) -> None:
    from yawyas.services import sync as core

    band = fake_spotify.add_artist("Band")
    track = fake_spotify.add_track("Song", [band], duration_ms=204_000)
    start = int(time.time()) - 3_600
    scrobbles = [(start, "BAND", "Song", None), (start - 86_400, "Band", "Song", None)]
    import_all(conn, sk.write(tmp_path / "scrobbles.csv", sk.ghan_csv(scrobbles)))
    fake_spotify.add_play(track, (start + 204) * 1000)  # played_at: the end of the play

    assert core.sync(spotify_client, conn).streams_added == 1
    # the API's play is kept, the scrobble of it is not; the other scrobble of the song now
    # lasts as long as Spotify says the track does
    assert [(p[0], p[3], p[4]) for p in plays_of(conn)] == [
        (start - 86_400, 204_000, "lastfm"),
        (start, 204_000, "api"),
    ]


def test_an_isrc_links_a_listen_to_the_spotify_track_and_enrich_lends_durations(
    fake_spotify: FakeSpotify, spotify_client: Any, conn: sqlite3.Connection, tmp_path: Path
) -> None:
    from yawyas.services import sync as core

    band = fake_spotify.add_artist("Band")
    track = fake_spotify.add_track("Song", [band], duration_ms=187_000, isrc="QZFAK2400001")
    kit.write(
        tmp_path / "spotify" / "Streaming_History_Audio_2023.json",
        [kit.ext_row("2023-06-01T10:00:00Z", ms=5_000, uri=track.uri, reason_end="fwdbtn")],
    )
    lfm = sk.write(tmp_path / "lfm" / "scrobbles.csv", sk.ghan_csv([(T0, "Band", "Song", None)]))
    import_all(conn, tmp_path / "spotify", lfm)
    assert load_streams(conn)["ms_played"].tolist() == [5_000, ASSUMED_MS]  # a skip: unknown
    core.enrich(spotify_client, conn)  # the track's ISRC and duration are now known
    listens = [sk.listen(T0 + 900, "The Band", "Song (Live)", isrc="QZFAK2400001")]
    import_all(conn, sk.write(tmp_path / "lb" / "listens" / "2024" / "3.jsonl", sk.jsonl(listens)))
    frame = load_streams(conn)
    assert frame["uri"].iloc[2] == track.uri  # the listen is the Spotify track, by its ISRC
    assert frame["ms_played"].tolist()[1:] == [187_000, 187_000]  # enrich's duration


def test_a_listen_from_listenbrainz_spotify_importer_is_timed_by_its_end(tmp_path: Path) -> None:
    # ListenBrainz's Spotify importer times a listen by the API's played_at: the end of the
    # play. With the Spotify track's id it is the Spotify stream; a plain scrobble so late is
    # another play.
    end = T0 + 240
    kit.write(
        tmp_path / "spotify" / "Streaming_History_Audio_2024.json",
        [kit.ext_row(sk.iso(end), ms=240_000, uri=URI_SONG)],
    )
    listens = [sk.listen(end + 1, "Band", "Song", spotify_id=SONG_URL, duration_ms=240_000)]
    lb = sk.write(tmp_path / "lb" / "listens" / "2024" / "3.jsonl", sk.jsonl(listens))
    a, b = both_orders(tmp_path, [tmp_path / "spotify"], [lb])
    assert dump(a) == dump(b)
    assert [p[4] for p in plays_of(a)] == ["extended_audio"]
    lfm = sk.write(tmp_path / "lfm" / "x.csv", sk.ghan_csv([(end + 1, "Band", "Song", None)]))
    import_all(a, lfm)
    assert [p[4] for p in plays_of(a)] == ["extended_audio", "lastfm"]
