"""The shareable report: the profile, the moments and Spotify's inferences as one document.

`build_report` assembles plain JSON-ready values (validated by `yawyas/schemas/report.schema.json`,
which references the profile schema); `write_report` writes it as HTML, Markdown or JSON, chosen
by the file's suffix. Moments are an optional input: `Moment`s, or their documents as
`analysis.moments.types.to_document` writes them (the one shape; see `report_moment`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Final

from yawyas.analysis.moments.types import Moment, to_document
from yawyas.errors import BadInputError

REPORT_VERSION: Final = 1
DASH: Final = "\u2013"  # shown for a missing value
_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FORMATS: Final = {".html": "html", ".htm": "html", ".md": "markdown", ".json": "json"}

Report = dict[str, Any]


def load_report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a report; it `$ref`s `profile.schema.json`."""
    text = resources.files("yawyas").joinpath("schemas", "report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def report_format(path: Path) -> str:
    """'html', 'markdown' or 'json' from the suffix of `path`; BadInputError for any other."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BadInputError(
            f"The report file {path.name!r} has no known suffix: "
            "end it in .html, .md or .json to choose the format."
        )
    return fmt


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else round(number, 6)


def _count(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _ranked(raw: Mapping[str, Any], *, paired: bool = False) -> dict[str, Any]:
    """A top-list entry of a moment document: name (and artist for tracks) and plays."""
    out: dict[str, Any] = {"name": str(raw["name"])}
    if paired:
        artist = raw.get("artist")
        out["artist"] = None if artist is None else str(artist)
    out["plays"] = _count(raw.get("plays"))
    out["ms"] = None  # moments rank by plays; their listening time is not split per entry
    return out


def _window(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A window of a moment document in the report's shape: days as text and as numbers
    (Monday = 0), local start and end ("HH:MM" and minutes), whether it crosses midnight."""
    numbers = [_WEEKDAYS.index(d) for d in raw["days"]]
    start, end = str(raw["start"]), str(raw["end"])
    days = ", ".join(raw["days"])
    return {
        "days": days,
        "start": start,
        "end": end,
        "text": str(raw.get("text") or f"{days} {start}{DASH}{end}"),
        "day_numbers": numbers,
        "start_minute": clock_minutes(start),
        "end_minute": clock_minutes(end),
        "crosses_midnight": bool(raw["crosses_midnight"]),
    }


def clock_minutes(text: str) -> int | None:
    """Minutes after midnight of 'HH:MM' (24:00 is 1440); None when unreadable."""
    match = _CLOCK.match(text)
    if match is None:
        return None
    minutes = int(match.group(1)) * 60 + int(match.group(2))
    return minutes if minutes <= 1440 else None


_CLOCK: Final = re.compile(r"^\s*([01]?[0-9]|2[0-4]):([0-5][0-9])\s*$")


def _trait(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A trait with its evidence as 'kind: text' lines."""
    return {
        "name": str(raw["name"]),
        "confidence": _number(raw.get("confidence")),
        "evidence": [f"{e['kind']}: {e['text']}" for e in raw.get("evidence") or []],
    }


def report_moment(doc: Mapping[str, Any]) -> dict[str, Any]:
    """One moment, as `analysis.moments.types.to_document` writes it (the one documented
    shape), in the report's shape: id, name, windows [{days, start, end, text, day_numbers,
    start_minute, end_minute, crosses_midnight}], share_plays, share_ms (0..1), plays, ms,
    top_artists [{name, plays, ms}], top_tracks [{name, artist, plays, ms}], top_playlists
    [{name, plays, ms}], device, skip_rate, traits [{name, confidence, evidence}], audience
    (who it is played for: you, kids, someone else, functional)."""
    return {
        "id": str(doc["id"]),
        "name": str(doc["name"]),
        "windows": [_window(w) for w in doc["windows"]],
        "share_plays": _number(doc["play_share"]),
        "share_ms": _number(doc["time_share"]),
        "plays": _count(doc["plays"]),
        "ms": _count(doc["ms_played"]),
        "top_artists": [_ranked(a) for a in doc["top_artists"]],
        "top_tracks": [_ranked(t, paired=True) for t in doc["top_tracks"]],
        "top_playlists": [_ranked(p) for p in doc["top_playlists"]],
        "device": str(doc["device"]),
        "skip_rate": _number(doc.get("skip_rate")),
        "traits": [_trait(t) for t in doc["traits"]],
        "audience": str(doc.get("audience", "you")),
    }


def _as_document(moment: Moment | Mapping[str, Any]) -> Mapping[str, Any]:
    return to_document(moment) if isinstance(moment, Moment) else moment


def select_moments(
    moments: Sequence[Mapping[str, Any]], period: Mapping[str, str | None]
) -> list[Mapping[str, Any]]:
    """The moments active in a profile's `period` ({since, until}: local days or None).

    A moment with `first_played_at`/`last_played_at` (UTC seconds) is kept when that span
    overlaps the period, with a day's slack for the zone; one without them is kept.
    """
    since, until = period.get("since"), period.get("until")
    start = None if since is None else datetime.fromisoformat(since).replace(tzinfo=UTC)
    end = None if until is None else datetime.fromisoformat(until).replace(tzinfo=UTC)
    slack = 2 * 86_400
    kept = []
    for m in moments:
        first, last = m.get("first_played_at"), m.get("last_played_at")
        if isinstance(last, int) and start is not None and last < start.timestamp() - slack:
            continue
        if isinstance(first, int) and end is not None and first > end.timestamp() + slack:
            continue
        kept.append(m)
    return kept


def build_report(
    profile: Mapping[str, Any],
    *,
    moments: Sequence[Moment | Mapping[str, Any]] | None = None,
    inferences: Sequence[str] | None = None,
    anonymize: bool = False,
    keep_names: bool = False,
    known_names: Mapping[str, Iterable[str]] | None = None,
    now: datetime | None = None,
) -> Report:
    """The report document: `profile` (from `build_profile`), moments and inferences.

    `moments` None means moments were not available (the report says so); an empty list means
    none were found; a moment with `hidden` true (the person hid it) is left out. `inferences`
    are Spotify's own segments (`store.load_inferences`); None or empty means Inferences.json
    was not imported. With `anonymize`, the document goes through
    `yawyas.reports.anonymize.anonymize_report` (see there for exactly what is dropped);
    `known_names` maps a kind ("artist", "track", "album", "show", "playlist", "country") to
    every such name in the store, so free text (moment names, evidence) can be scrubbed too.
    `keep_names` requires `anonymize`.
    """
    if keep_names and not anonymize:
        raise BadInputError("--keep-names only applies together with --anonymize; add it.")
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    shown = [m for m in map(_as_document, moments or []) if not m.get("hidden")]
    doc: Report = {
        "report_version": REPORT_VERSION,
        "generated_at": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "privacy": {"anonymized": False, "names": "real", "countries": True, "dates": "day"},
        "profile": json.loads(json.dumps(dict(profile))),
        "moments_available": moments is not None,
        "moments": [report_moment(m) for m in shown],
        "spotify_inferences": list(inferences) if inferences else None,
    }
    if anonymize:
        from yawyas.reports.anonymize import anonymize_report

        doc = anonymize_report(doc, keep_names=keep_names, known_names=known_names or {})
    return doc


def yawyas_traits(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every trait the moments suggest, once, with the moments that suggest it (best first)."""
    found: dict[str, dict[str, Any]] = {}
    for moment in doc.get("moments", []):
        for trait in moment["traits"]:
            key = trait["name"].casefold()
            entry = found.setdefault(
                key, {"name": trait["name"], "confidence": None, "moments": []}
            )
            entry["moments"].append(moment["name"])
            conf = trait["confidence"]
            if conf is not None and (entry["confidence"] is None or conf > entry["confidence"]):
                entry["confidence"] = conf
    return sorted(found.values(), key=lambda t: -(t["confidence"] or 0.0))


def render_json(doc: Mapping[str, Any]) -> str:
    """The report as pretty JSON text (UTF-8, non-ASCII kept)."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def write_report(doc: Mapping[str, Any], path: Path) -> list[Path]:
    """Write the report in the format of `path`'s suffix; returns every file written.

    Markdown also writes its charts as SVG files in `<stem>_files/` beside it.
    """
    fmt = report_format(path)
    if path.parent and not path.parent.exists():
        raise BadInputError(f"The folder {str(path.parent)!r} does not exist; create it first.")
    if fmt == "json":
        path.write_text(render_json(doc), encoding="utf-8")
        return [path]
    if fmt == "html":
        from yawyas.reports.html import render_html

        path.write_text(render_html(doc), encoding="utf-8")
        return [path]
    from yawyas.reports.markdown import write_markdown

    return write_markdown(doc, path)


def fmt_hours(ms: int | float | None) -> str:
    """Listening time as hours with one decimal ("12.5 h"), or a dash."""
    return DASH if ms is None else f"{ms / 3_600_000:,.1f} h"


def fmt_share(share: float | None) -> str:
    """A share 0..1 as a percentage ("42%"), or a dash."""
    return DASH if share is None else f"{share * 100:.0f}%"


def fmt_count(value: int | None) -> str:
    """A count with thousands separators, or a dash."""
    return DASH if value is None else f"{value:,}"


TOP_LISTS: Final = (
    ("top_artists", "Top artists", False),
    ("top_tracks", "Top tracks", True),
    ("top_albums", "Top albums", True),
    ("top_shows", "Top shows", False),
)


def build_known_names(streams: Any, playlists: Iterable[str] = ()) -> dict[str, list[str]]:
    """Every name in a streams frame (and the given playlist names), by kind, for scrubbing.

    Shows are the `artist_name` of episodes; countries the `conn_country` codes.
    """

    def distinct(values: Any) -> list[str]:
        return sorted({str(v) for v in values.dropna().unique() if str(v).strip()})

    episodes = streams["kind"].astype(str) == "episode"
    return {
        "artist": distinct(streams.loc[~episodes, "artist_name"].astype(object)),
        "show": distinct(streams.loc[episodes, "artist_name"].astype(object)),
        "track": distinct(streams["track_name"].astype(object)),
        "album": distinct(streams["album_name"].astype(object)),
        "playlist": sorted({p for p in playlists if p and p.strip()}),
        "country": distinct(streams["conn_country"].astype(object)),
    }


def taste_bars(year: Mapping[str, Any]) -> list[tuple[str, float]]:
    """(artist, hours) bars of one `taste_by_year` entry."""
    return [(e["name"], e["ms"] / 3_600_000) for e in year["top_artists"]]


def top_table(
    entries: Sequence[Mapping[str, Any]], paired: bool
) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of a top list (rank, name, artist when paired, time, plays), for any
    renderer."""
    headers = ["#", "name", *(["artist"] if paired else []), "listening time", "plays"]
    rows = [
        [
            i + 1,
            e["name"],
            *([e["artist"]] if paired else []),
            fmt_hours(e["ms"]),
            fmt_count(e["plays"]),
        ]
        for i, e in enumerate(entries)
    ]
    return headers, rows
