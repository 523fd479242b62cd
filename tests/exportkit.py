"""Small Spotify export fixtures, built in code (shapes from ../shared/spotify/README.md)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

EXTENDED_DIR = "Spotify Extended Streaming History"
ACCOUNT_DIR = "Spotify Account Data"


def ext_row(
    ts: str,
    ms: int = 200_000,
    track: str | None = "Song",
    artist: str | None = "Band",
    uri: str | None = "spotify:track:0000000000000000000001",
    **extra: Any,
) -> dict[str, Any]:
    """One extended-history row with every field Spotify writes (identifiers included)."""
    row: dict[str, Any] = {
        "ts": ts,
        "username": "secret-user",
        "platform": "Android OS 12 API 31 (samsung, SM-G781U)",
        "ms_played": ms,
        "conn_country": "ES",
        "ip_addr_decrypted": "203.0.113.77",
        "user_agent_decrypted": "unknown-agent/1.0",
        "master_metadata_track_name": track,
        "master_metadata_album_artist_name": artist,
        "master_metadata_album_album_name": "Album" if track else None,
        "spotify_track_uri": uri,
        "episode_name": None,
        "episode_show_name": None,
        "spotify_episode_uri": None,
        "reason_start": "clickrow",
        "reason_end": "trackdone",
        "shuffle": False,
        "skipped": None,
        "offline": False,
        "offline_timestamp": 1_700_000_000,
        "incognito_mode": False,
    }
    row.update(extra)
    return row


def episode_row(
    ts: str,
    ms: int = 600_000,
    show: str = "Morning Show ",
    episode: str = "Ep 1",
    uri: str | None = "spotify:episode:000000000000000000000e",
    **extra: Any,
) -> dict[str, Any]:
    return ext_row(
        ts,
        ms,
        track=None,
        artist=None,
        uri=None,
        episode_name=episode,
        episode_show_name=show,
        spotify_episode_uri=uri,
        **extra,
    )


def chapter_row(
    ts: str,
    ms: int = 900_000,
    book: str = "The Long Book",
    chapter: str = "Chapter 1",
    uri: str | None = "spotify:episode:00000000000000000000ch",
    **extra: Any,
) -> dict[str, Any]:
    return ext_row(
        ts,
        ms,
        track=None,
        artist=None,
        uri=None,
        audiobook_title=book,
        audiobook_uri="spotify:show:0000000000000000000book",
        audiobook_chapter_uri=uri,
        audiobook_chapter_title=chapter,
        **extra,
    )


def music_row(
    end: str, artist: str = "Band", track: str = "Song", ms: int = 200_000
) -> dict[str, Any]:
    return {"endTime": end, "artistName": artist, "trackName": track, "msPlayed": ms}


def podcast_row(
    end: str, show: str = "Morning Show", episode: str = "Ep 1", ms: int = 600_000
) -> dict[str, Any]:
    return {"endTime": end, "podcastName": show, "episodeName": episode, "msPlayed": ms}


def audiobook_row(
    end: str, book: str = "The Long Book", chapter: str = "Chapter 1", ms: int = 900_000
) -> dict[str, Any]:
    return {
        "endTime": end,
        "audiobookName": book,
        "chapterName": chapter,
        "authorName": "A. Writer",
        "msPlayed": ms,
    }


def playlists_doc(
    *playlists: tuple[str, list[dict[str, Any]]], modified: str = "2024-05-01"
) -> dict[str, Any]:
    return {
        "playlists": [
            {
                "name": name,
                "lastModifiedDate": modified,
                "description": None,
                "numberOfFollowers": 0,
                "collaborators": [],
                "items": [
                    {
                        "track": t,
                        "episode": None,
                        "audiobook": None,
                        "localTrack": None,
                        "addedDate": "2024-01-01",
                    }
                    for t in tracks
                ],
            }
            for name, tracks in playlists
        ]
    }


def dumps(doc: Any, indent: bool = True) -> bytes:
    """JSON as Spotify writes it: indented (or compact), non-ASCII kept."""
    return json.dumps(doc, indent=2 if indent else None, ensure_ascii=False).encode()


def write(path: Path, doc: Any, indent: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dumps(doc, indent))
    return path


def write_zip(path: Path, files: dict[str, Any]) -> Path:
    """A zip like my_spotify_data.zip: member name -> JSON document (or raw bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, doc in files.items():
            zf.writestr(name, doc if isinstance(doc, bytes) else dumps(doc))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return path
