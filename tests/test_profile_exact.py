"""Every headline figure of the profile agrees exactly with an independent count from the raw
export files: streams, plays, listening time, the clock in a given timezone, top artists."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from yawyas.demo import generate_history, write_export
from yawyas.reports.summary import build_profile
from yawyas.services import ingest
from yawyas.store.db import connect
from yawyas.store.streams import load_streams


def _s(v: Any) -> str | None:
    return (str(v).strip() or None) if v is not None else None


def independent_streams(folder: Path) -> list[tuple[int, int, str | None, str]]:
    """(end UTC s, ms_played, artist of music or None, kind) per stream, from the raw files,
    with the dedupe rules of the import written again from scratch."""
    extended: dict[tuple[Any, ...], dict[str, Any]] = {}
    account: dict[tuple[Any, ...], int] = Counter()
    for path in sorted(folder.rglob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, list) or not doc:
            continue
        if "ts" in doc[0]:
            for r in doc:
                uri = (
                    r.get("spotify_track_uri")
                    or r.get("spotify_episode_uri")
                    or r.get("audiobook_chapter_uri")
                )
                names = (
                    _s(r["master_metadata_album_artist_name"]),
                    _s(r["master_metadata_track_name"]),
                    _s(r.get("episode_show_name")),
                    _s(r.get("episode_name")),
                )
                extended[(r["ts"], uri or names, r["ms_played"])] = r
        elif "endTime" in doc[0]:
            per_file: Counter[tuple[Any, ...]] = Counter()
            for r in doc:
                creator = r.get("artistName") or r.get("podcastName") or r.get("audiobookName")
                title = r.get("trackName") or r.get("episodeName") or r.get("chapterName")
                per_file[(r["endTime"], _s(creator), _s(title), r["msPlayed"])] += 1
            for key, n in per_file.items():
                account[key] = max(account[key], n)
    out = []
    covered: Counter[tuple[Any, ...]] = Counter()
    for r in extended.values():
        end = int(datetime.fromisoformat(r["ts"]).timestamp())
        is_music = bool(r["spotify_track_uri"] or r["master_metadata_track_name"])
        artist = _s(r["master_metadata_album_artist_name"]) if is_music else None
        out.append((end, r["ms_played"], artist, "track" if is_music else "other"))
        creator = artist if is_music else _s(r.get("episode_show_name"))
        title = _s(r["master_metadata_track_name"]) if is_music else _s(r.get("episode_name"))
        minute = datetime.fromtimestamp(end, UTC).strftime("%Y-%m-%d %H:%M")
        covered[(minute, creator, title, r["ms_played"])] += 1
    for (minute, creator, title, ms), n in account.items():
        end = int(datetime.strptime(minute, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).timestamp())
        for _ in range(max(0, n - covered[(minute, creator, title, ms)])):
            out.append((end, ms, creator, "track"))  # the demo's account data is music only
    return out


@pytest.mark.parametrize(
    ("persona", "tz"), [("default", "Europe/Madrid"), ("tokyo", "America/New_York")]
)
def test_profile_agrees_with_an_independent_count(tmp_path: Path, persona: str, tz: str) -> None:
    history = generate_history(persona, years=1.5)
    folder = tmp_path / "export"
    write_export(history, folder, quirks=True, account_data=True)
    conn = connect(tmp_path / "s.db")
    ingest.import_paths(conn, [folder])
    doc = build_profile(load_streams(conn), tz=tz)

    truth = independent_streams(folder)
    assert doc["streams"] == len(truth)
    assert doc["plays"] == sum(1 for _, ms, _, _ in truth if ms >= 30_000)
    assert doc["listening_ms"] == sum(ms for _, ms, _, _ in truth)

    zone = ZoneInfo(tz)
    clock = [[0] * 24 for _ in range(7)]
    for end, ms, _, _ in truth:
        if ms >= 30_000:
            start = datetime.fromtimestamp(end - ms / 1000, UTC).astimezone(zone)
            clock[start.weekday()][start.hour] += 1
    assert doc["clock"] == clock

    by_artist: Counter[str] = Counter()
    for _, ms, artist, kind in truth:
        if kind == "track" and artist:
            by_artist[artist] += ms
    expected = sorted(by_artist.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    assert [(a["name"], a["ms"]) for a in doc["top_artists"]] == expected
