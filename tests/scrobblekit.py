"""Small scrobble histories, built in code: made-up names, in the layouts the export tools write
(see yawyas/sources/lastfm.py and listenbrainz.py for the shapes)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# one scrobble: (start in UTC seconds, artist, track, album or None)
Play = tuple[int, str, str, str | None]


def utc(text: str) -> int:
    """UTC seconds of 'YYYY-MM-DD HH:MM[:SS]'."""
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def iso(seconds: int) -> str:
    """Spotify's `ts`: 'YYYY-MM-DDTHH:MM:SSZ'."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def minute_text(seconds: int) -> str:
    """Account data's `endTime`: 'YYYY-MM-DD HH:MM'."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M")


def display(seconds: int) -> str:
    """Last.fm's display date, as lastfm-to-csv writes it: '03 Feb 2021 21:07'."""
    d = datetime.fromtimestamp(seconds, UTC)
    return f"{d.day:02d} {_MONTHS[d.month - 1]} {d.year} {d.hour:02d}:{d.minute:02d}"


def _newest_first(plays: list[Play]) -> list[Play]:
    return sorted(plays, key=lambda p: -p[0])


def lastfm_to_csv(plays: list[Play], now_playing: Play | None = None) -> bytes:
    """benjaminbenben's lastfm-to-csv: no header, artist,album,track,date; newest first; the
    tool drops commas and quotes from values; the "now playing" row has no date."""
    lines = []
    if now_playing is not None:
        lines.append(f"{now_playing[1]},{now_playing[3] or ''},{now_playing[2]},")
    for start, artist, track, album in _newest_first(plays):
        lines.append(f"{artist},{album or ''},{track},{display(start)}")
    return ("\n".join(lines) + "\n").encode()


def ghan_csv(plays: list[Play]) -> bytes:
    """lastfm.ghan.nl's "Recent Tracks" CSV: a header, every field quoted, unix seconds."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(
        ["uts", "utc_time", "artist", "artist_mbid", "album", "album_mbid", "track", "track_mbid"]
    )
    for start, artist, track, album in _newest_first(plays):
        day = datetime.fromtimestamp(start, UTC)
        shown = f"{day.day:02d} {_MONTHS[day.month - 1]} {day.year}, {day:%H:%M}"
        writer.writerow([start, shown, artist, "", album or "", "", track, ""])
    return buf.getvalue().encode()


def lastfmstats_csv(plays: list[Play], user: str = "someone") -> bytes:
    """lastfmstats.com: a BOM, ';'-separated, quoted, dates in unix milliseconds."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["Artist", "Album", "AlbumId", "Track", f"Date#{user}"])
    for start, artist, track, album in _newest_first(plays):
        writer.writerow([artist, album or "", "", track, start * 1000])
    return b"\xef\xbb\xbf" + buf.getvalue().encode()


def lastexport_txt(plays: list[Play]) -> bytes:
    """lastexport.py's exported_tracks.txt: tab separated, unquoted, no header."""
    lines = [
        f"{start}\t{track}\t{artist}\t{album or ''}\t\t\t"
        for start, artist, track, album in _newest_first(plays)
    ]
    return ("\n".join(lines) + "\n").encode()


def listen(
    start: int | None, artist: str, track: str, album: str | None = None, **info: Any
) -> dict[str, Any]:
    """One ListenBrainz listen as the user export writes it."""
    return {
        "listened_at": start,
        "recording_msid": f"00000000-0000-4000-8000-{_crc(artist, track):012d}",
        "track_metadata": {
            "artist_name": artist,
            "track_name": track,
            "release_name": album,
            "additional_info": {"submission_client": "a scrobbler", **info},
        },
    }


def _crc(artist: str, track: str) -> int:
    return zlib.crc32(f"{artist}|{track}".encode())


def jsonl(listens: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(x, ensure_ascii=False).encode() + b"\n" for x in listens)


def listenbrainz_zip(path: Path, listens: list[dict[str, Any]], extra: dict[str, bytes]) -> Path:
    """The user export: user.json, listens/YYYY/M.jsonl per month, feedback and pins."""
    months: dict[str, list[dict[str, Any]]] = {}
    for x in sorted(listens, key=lambda x: x["listened_at"] or 0):
        d = datetime.fromtimestamp(x["listened_at"] or 0, UTC)
        months.setdefault(f"listens/{d.year}/{d.month}.jsonl", []).append(x)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("user.json", json.dumps({"user_id": 1, "username": "someone"}))
        for name, rows in months.items():
            zf.writestr(name, jsonl(rows))
        zf.writestr("feedback.jsonl", b'{"recording_msid": "x", "score": 1}\n')
        zf.writestr("pinned_recording.jsonl", b"")
        for name, data in extra.items():
            zf.writestr(name, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return path


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
