"""`write_export`: a DemoHistory written as Spotify's privacy-export files, folder or zip."""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson

from yawyas.demo.history import DemoHistory
from yawyas.demo.names import BOOKS
from yawyas.demo.quirks import (
    LOCAL_FILE,
    compact_file,
    plan_quirks,
    quirky_files,
    quirky_playlists,
    rows_per_file,
)

EXTENDED_DIR = "Spotify Extended Streaming History"
ACCOUNT_DIR = "Spotify Account Data"
ACCOUNT_ROWS_PER_FILE = 10_000
_AUTHORS = {book.title: book.author for book in BOOKS}


def write_export(
    history: DemoHistory,
    dest: Path,
    *,
    zip_name: str | None = None,
    account_data: bool = True,
    quirks: bool = True,
) -> list[Path]:
    """Write the history under `dest` exactly as Spotify delivers it; return the paths written.

    Folders `Spotify Extended Streaming History/` (Streaming_History_Audio_YYYY[-YYYY]_N.json
    and Streaming_History_Video_YYYY-YYYY.json) and `Spotify Account Data/` (Playlist1.json;
    with `account_data` also StreamingHistory_music_N.json, StreamingHistory_podcast_N.json,
    StreamingHistory_audiobook_N.json for the last 12 months, YourLibrary.json, Inferences.json
    and a fake Userdata.json). With `zip_name`, one zip `dest/zip_name` holds both folders
    instead. With `quirks`, the rows carry the real exports' mess (see yawyas.demo.quirks).
    """
    if history.quirky and not quirks:
        raise ValueError("this history already carries quirks; export the clean one")
    dest.mkdir(parents=True, exist_ok=True)
    files = _export_files(history, account_data=account_data, quirks=quirks)
    if zip_name is None:
        written: list[Path] = []
        for name, data in files:
            path = dest / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
        return written
    target = dest / zip_name
    stamp = history.end.timetuple()[:6]  # fixed entry times: the same seed gives the same zip
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in files:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data, compresslevel=1)
    return [target]


def _dumps(value: Any, *, compact: bool = False) -> bytes:
    return orjson.dumps(value) if compact else orjson.dumps(value, option=orjson.OPT_INDENT_2)


def _years_name(stamps: list[str], fallback: str) -> str:
    """The "2019" or "2019-2021" of a file's name: the years most of its rows belong to."""
    years = sorted(stamp[:4] for stamp in stamps)
    if not years:
        return fallback
    cut = len(years) // 50
    low, high = years[cut], years[len(years) - 1 - cut]
    return low if low == high else f"{low}-{high}"


def _audio_files(
    history: DemoHistory, quirks: bool
) -> Iterator[tuple[int, list[dict[str, Any]], bool]]:
    """(file index, rows, compact) of each Streaming_History_Audio file."""
    if quirks and not history.quirky:
        plan = plan_quirks(history)
        for file, rows, _ in quirky_files(history, plan):
            yield file, rows, file == plan.compact_file
        return
    streams = history.streams
    per = rows_per_file(len(streams))
    files = max(1, math.ceil(len(streams) / per))
    for file in range(files):
        yield (
            file,
            streams[file * per : (file + 1) * per],
            history.quirky and file == compact_file(files),
        )


def _export_files(
    history: DemoHistory, *, account_data: bool, quirks: bool
) -> Iterator[tuple[str, bytes]]:
    cutoff = (history.end - timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recent: list[dict[str, Any]] = []
    for file, rows, compact in _audio_files(history, quirks):
        stamps = [row["ts"] for row in rows]
        years = _years_name(stamps, f"{history.end.year}")
        name = f"Streaming_History_Audio_{years}_{file}.json"
        yield f"{EXTENDED_DIR}/{name}", _dumps(rows, compact=compact)
        if account_data:
            recent.extend(row for row in rows if row["ts"] >= cutoff)
    if history.videos:
        span = f"{history.videos[0]['ts'][:4]}-{history.videos[-1]['ts'][:4]}"
        name = f"Streaming_History_Video_{span}.json"
        yield f"{EXTENDED_DIR}/{name}", _dumps(history.videos)
    playlists = quirky_playlists(history) if quirks and not history.quirky else history.playlists
    yield f"{ACCOUNT_DIR}/Playlist1.json", _dumps({"playlists": playlists})
    if not account_data:
        return
    yield from _account_history(recent)
    library = dict(history.library)
    if quirks and LOCAL_FILE not in library.get("other", []):
        library["other"] = [*library.get("other", []), LOCAL_FILE]
    yield f"{ACCOUNT_DIR}/YourLibrary.json", _dumps(library)
    yield f"{ACCOUNT_DIR}/Inferences.json", _dumps({"inferences": list(history.persona.inferences)})
    yield f"{ACCOUNT_DIR}/Userdata.json", _dumps(_userdata(history))


def _account_history(rows: list[dict[str, Any]]) -> Iterator[tuple[str, bytes]]:
    """StreamingHistory_{music,podcast,audiobook}_N.json: the same plays, minute precision."""
    music: list[dict[str, Any]] = []
    podcast: list[dict[str, Any]] = []
    audiobook: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for row in sorted(rows, key=lambda r: r["ts"]):
        key = (row["ts"], row["ms_played"], row["spotify_track_uri"], row["spotify_episode_uri"])
        if key in seen:
            continue  # an exact duplicate in the extended history is one play here
        seen.add(key)
        ts = row["ts"]
        end_time = f"{ts[:10]} {ts[11:16]}"
        if row["master_metadata_track_name"] is not None:
            music.append(
                {
                    "endTime": end_time,
                    "artistName": row["master_metadata_album_artist_name"],
                    "trackName": row["master_metadata_track_name"],
                    "msPlayed": row["ms_played"],
                }
            )
        elif row["episode_name"] is not None:
            podcast.append(
                {
                    "endTime": end_time,
                    "podcastName": row["episode_show_name"],
                    "episodeName": row["episode_name"],
                    "msPlayed": row["ms_played"],
                }
            )
        elif row["audiobook_title"] is not None:
            audiobook.append(
                {
                    "endTime": end_time,
                    "audiobookName": row["audiobook_title"],
                    "chapterName": row["audiobook_chapter_title"],
                    "authorName": _AUTHORS.get(row["audiobook_title"], ""),
                    "msPlayed": row["ms_played"],
                }
            )
    for kind, entries in (("music", music), ("podcast", podcast), ("audiobook", audiobook)):
        if not entries and kind != "music":
            continue
        chunks = max(1, math.ceil(len(entries) / ACCOUNT_ROWS_PER_FILE))
        for n in range(chunks):
            chunk = entries[n * ACCOUNT_ROWS_PER_FILE : (n + 1) * ACCOUNT_ROWS_PER_FILE]
            yield f"{ACCOUNT_DIR}/StreamingHistory_{kind}_{n}.json", _dumps(chunk)


def _userdata(history: DemoHistory) -> dict[str, Any]:
    """A fake Userdata.json: the importer must skip it and never store any of it."""
    persona = history.persona
    first = min((row["ts"] for row in history.streams), default="2020-01-01")
    return {
        "username": persona.username,
        "email": f"{persona.username}@example.com",
        "country": persona.home_country,
        "createdFromFacebook": False,
        "facebookUid": None,
        "birthdate": persona.birthdate,
        "gender": "neutral",
        "postalCode": None,
        "mobileNumber": None,
        "mobileOperator": None,
        "mobileBrand": None,
        "creationTime": first[:10],
    }
