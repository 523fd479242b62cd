"""`write_export`: a DemoHistory written as Spotify's privacy-export files, folder or zip."""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

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
Package = Literal["both", "extended", "account"]
PACKAGES: tuple[Package, ...] = ("both", "extended", "account")
_AUTHORS = {book.title: book.author for book in BOOKS}


def write_export(
    history: DemoHistory,
    dest: Path,
    *,
    zip_name: str | None = None,
    account_data: bool = True,
    quirks: bool = True,
    package: Package = "both",
    account_days: int | None = 365,
) -> list[Path]:
    """Write the history under `dest` exactly as Spotify delivers it; return the paths written.

    Folders `Spotify Extended Streaming History/` (Streaming_History_Audio_YYYY[-YYYY]_N.json
    and Streaming_History_Video_YYYY-YYYY.json) and `Spotify Account Data/` (Playlist1.json;
    with `account_data` also StreamingHistory_music_N.json, StreamingHistory_podcast_N.json,
    StreamingHistory_audiobook_N.json for the last `account_days` days (None: all of them),
    YourLibrary.json, Inferences.json and a fake Userdata.json). With `zip_name`, one zip
    `dest/zip_name` holds the folders instead. With `quirks`, the rows carry the real exports'
    mess (see yawyas.demo.quirks).

    `package` chooses what Spotify sent: "both" (the default, above), "extended" (the extended
    streaming history folder alone) or "account" (the "Account data" package alone: plays with
    minute-precision UTC `endTime`, names and `msPlayed` only, no URIs and no devices; the
    playlists and library, which do carry track URIs). `account_streams` gives the ground truth
    of the account plays.
    """
    if package not in PACKAGES:
        raise ValueError(f"package must be one of {', '.join(PACKAGES)}, not {package!r}")
    if package == "account" and not account_data:
        raise ValueError("package='account' is the account data: account_data cannot be off")
    if account_days is not None and account_days < 1:
        raise ValueError("account_days must be at least 1 (or None for the whole history)")
    if history.quirky and not quirks:
        raise ValueError("this history already carries quirks; export the clean one")
    dest.mkdir(parents=True, exist_ok=True)
    files = _export_files(
        history,
        account_data=account_data,
        quirks=quirks,
        package=package,
        account_days=account_days,
    )
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
    history: DemoHistory,
    *,
    account_data: bool,
    quirks: bool,
    package: Package,
    account_days: int | None,
) -> Iterator[tuple[str, bytes]]:
    cutoff = _cutoff(history, account_days)
    extended = package != "account"
    account = package != "extended" and account_data
    recent: list[tuple[dict[str, Any], int]] = []
    for file, rows, compact in _audio_files(history, quirks):
        if extended:
            stamps = [row["ts"] for row in rows]
            years = _years_name(stamps, f"{history.end.year}")
            name = f"Streaming_History_Audio_{years}_{file}.json"
            yield f"{EXTENDED_DIR}/{name}", _dumps(rows, compact=compact)
        if account:
            recent.extend((row, -1) for row in rows if row["ts"] >= cutoff)
    if extended and history.videos:
        span = f"{history.videos[0]['ts'][:4]}-{history.videos[-1]['ts'][:4]}"
        name = f"Streaming_History_Video_{span}.json"
        yield f"{EXTENDED_DIR}/{name}", _dumps(history.videos)
    if package == "extended":
        return
    playlists = quirky_playlists(history) if quirks and not history.quirky else history.playlists
    yield f"{ACCOUNT_DIR}/Playlist1.json", _dumps({"playlists": playlists})
    if not account_data:
        return
    for kind, entries in _account_entries(recent).items():
        if not entries and kind != "music":
            continue
        chunks = max(1, math.ceil(len(entries) / ACCOUNT_ROWS_PER_FILE))
        for n in range(chunks):
            chunk = entries[n * ACCOUNT_ROWS_PER_FILE : (n + 1) * ACCOUNT_ROWS_PER_FILE]
            data = _dumps([entry for entry, _ in chunk])
            yield f"{ACCOUNT_DIR}/StreamingHistory_{kind}_{n}.json", data
    library = dict(history.library)
    if quirks and LOCAL_FILE not in library.get("other", []):
        library["other"] = [*library.get("other", []), LOCAL_FILE]
    yield f"{ACCOUNT_DIR}/YourLibrary.json", _dumps(library)
    yield f"{ACCOUNT_DIR}/Inferences.json", _dumps({"inferences": list(history.persona.inferences)})
    yield f"{ACCOUNT_DIR}/Userdata.json", _dumps(_userdata(history))


def _cutoff(history: DemoHistory, account_days: int | None) -> str:
    if account_days is None:
        return ""
    return (history.end - timedelta(days=account_days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def account_streams(
    history: DemoHistory, *, account_days: int | None = 365
) -> list[tuple[str, dict[str, Any], int]]:
    """The plays of the account-data files, each as (kind, entry, index in history.streams).

    `kind` is "music", "podcast" or "audiobook" (the StreamingHistory_<kind>_N.json it goes
    to), `entry` the object written there, in file order. They are what
    `write_export(history, ..., quirks=False)` writes; for the quirky export pass
    `apply_quirks(history)`. `history.labels[index]`, `audiences[index]` and `events[index]`
    are the ground truth of each entry.
    """
    cutoff = _cutoff(history, account_days)
    rows = [(row, i) for i, row in enumerate(history.streams) if row["ts"] >= cutoff]
    return [
        (kind, entry, index)
        for kind, entries in _account_entries(rows).items()
        for entry, index in entries
    ]


def _account_entries(
    rows: list[tuple[dict[str, Any], int]],
) -> dict[str, list[tuple[dict[str, Any], int]]]:
    """StreamingHistory_{music,podcast,audiobook} entries of (row, index) pairs: the same plays,
    minute precision, an exact duplicate once."""
    found: dict[str, list[tuple[dict[str, Any], int]]] = {
        "music": [],
        "podcast": [],
        "audiobook": [],
    }
    seen: set[tuple[Any, ...]] = set()
    for row, index in sorted(rows, key=lambda pair: pair[0]["ts"]):
        key = (row["ts"], row["ms_played"], row["spotify_track_uri"], row["spotify_episode_uri"])
        if key in seen:
            continue  # an exact duplicate in the extended history is one play here
        seen.add(key)
        ts = row["ts"]
        end_time = f"{ts[:10]} {ts[11:16]}"
        if row["master_metadata_track_name"] is not None:
            entry = {
                "endTime": end_time,
                "artistName": row["master_metadata_album_artist_name"],
                "trackName": row["master_metadata_track_name"],
                "msPlayed": row["ms_played"],
            }
            found["music"].append((entry, index))
        elif row["episode_name"] is not None:
            entry = {
                "endTime": end_time,
                "podcastName": row["episode_show_name"],
                "episodeName": row["episode_name"],
                "msPlayed": row["ms_played"],
            }
            found["podcast"].append((entry, index))
        elif row["audiobook_title"] is not None:
            entry = {
                "endTime": end_time,
                "audiobookName": row["audiobook_title"],
                "chapterName": row["audiobook_chapter_title"],
                "authorName": _AUTHORS.get(row["audiobook_title"], ""),
                "msPlayed": row["ms_played"],
            }
            found["audiobook"].append((entry, index))
    return found


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
