"""The shareable report: the profile, the moments and Spotify's inferences as one document.

`build_report` assembles plain JSON-ready values (validated by `yawyas/schemas/report.schema.json`,
which references the profile schema); `write_report` writes it as HTML, Markdown or JSON, chosen
by the file's suffix. Moments are an optional input: a list of dicts as the moments service gives
them, normalised here to one documented shape (see `normalize_moment`).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Final

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


def _first(raw: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if raw.get(key) is not None:
            return raw[key]
    return None


def _entry(raw: Any, *, paired: bool = False) -> dict[str, Any]:
    """A top-list entry: a name (and artist for tracks) with optional plays and ms."""
    if not isinstance(raw, Mapping):
        raw = {"name": raw}
    out: dict[str, Any] = {"name": str(_first(raw, "name", "track", "artist", "playlist") or "")}
    if paired:
        artist = _first(raw, "artist", "artist_name")
        out["artist"] = None if artist is None else str(artist)
    out["plays"] = _count(raw.get("plays"))
    out["ms"] = _count(_first(raw, "ms", "ms_played"))
    return out


def _days(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        days = list(value)
        if all(isinstance(d, int) and 0 <= d <= 6 for d in days):  # Monday is 0
            return ", ".join(_WEEKDAYS[d] for d in days)
        return ", ".join(str(d) for d in days)
    return str(value)


def _window(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        return {"days": "", "start": "", "end": "", "text": str(raw), **window_shape({})}
    days = _days(_first(raw, "days", "day", "weekdays"))
    start = str(_first(raw, "start", "start_local", "from") or "")
    end = str(_first(raw, "end", "end_local", "to") or "")
    text = str(raw.get("text") or raw.get("label") or f"{days} {start}{DASH}{end}".strip())
    return {"days": days, "start": start, "end": end, "text": text, **window_shape(raw)}


_DAY_INDEX: Final = {name.casefold(): i for i, name in enumerate(_WEEKDAYS)}
_CLOCK: Final = re.compile(r"^\s*([01]?[0-9]|2[0-4]):([0-5][0-9])\s*$")


def day_numbers(value: Any) -> list[int]:
    """Weekday numbers (Monday = 0) of a window's days in any producer's form: [5, 6],
    ["Sat", "Sun"], "Mon-Fri" (a run, possibly around the week: "Sun-Thu"), "Sat, Sun",
    "every day". Sorted, without repeats; [] for what cannot be read."""
    if value is None:
        return []
    items: list[Any]
    if isinstance(value, str):
        if value.strip().casefold() in ("every day", "daily", "all week"):
            return list(range(7))
        items = [part.strip() for part in re.split(r"[,;/]|\s+and\s+", value) if part.strip()]
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        return []
    found: set[int] = set()
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool) and 0 <= item <= 6:
            found.add(item)
            continue
        text = str(item).strip().casefold()
        ends = [part.strip()[:3] for part in re.split(r"\s*[-\u2013]\s*", text)]
        if len(ends) == 2 and all(e in _DAY_INDEX for e in ends):
            first, last = _DAY_INDEX[ends[0]], _DAY_INDEX[ends[1]]
            found.update((first + i) % 7 for i in range((last - first) % 7 + 1))
        elif text[:3] in _DAY_INDEX:
            found.add(_DAY_INDEX[text[:3]])
    return sorted(found)


def clock_minutes(value: Any) -> int | None:
    """Minutes after midnight of a local time of day ("17:30" -> 1050; "24:00" -> 0)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value % 1440
    match = _CLOCK.match(str(value or ""))
    if match is None:
        return None
    return (int(match.group(1)) * 60 + int(match.group(2))) % 1440


def window_shape(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The structured part of a moment's window: `day_numbers` (the weekdays it starts on,
    Monday = 0), `start_minute`, `end_minute` (local minutes after midnight, None when
    unreadable) and `crosses_midnight` (its end is not after its start: it ends the next day)."""
    days = day_numbers(_first(raw, "days", "day", "weekdays"))
    start = _first(raw, "start_minute")
    end = _first(raw, "end_minute")
    start = clock_minutes(start if start is not None else _first(raw, "start", "start_local"))
    end = clock_minutes(end if end is not None else _first(raw, "end", "end_local"))
    crosses = start is not None and end is not None and end <= start
    return {
        "day_numbers": days,
        "start_minute": start,
        "end_minute": end,
        "crosses_midnight": bool(raw.get("crosses_midnight", crosses)) if raw else False,
    }


def _evidence(raw: Any) -> str:
    """'kind: text' for {kind, text, weight} evidence; other mappings joined the same way."""
    if isinstance(raw, Mapping):
        parts = [str(v) for k, v in raw.items() if k != "weight" and v not in (None, "")]
        return ": ".join(parts)
    return str(raw)


def _trait(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raw = {"name": raw}
    evidence = raw.get("evidence") or []
    if isinstance(evidence, str | Mapping):
        evidence = [evidence]
    return {
        "name": str(_first(raw, "name", "trait", "label") or ""),
        "confidence": _number(raw.get("confidence")),
        "evidence": [_evidence(e) for e in evidence],
    }


def normalize_moment(raw: Mapping[str, Any], index: int) -> dict[str, Any]:
    """One moment in the report's shape, tolerant of the producer's key names.

    Shape: id, name, windows [{days, start, end, text}], share_plays, share_ms (0..1 or None),
    plays, ms, top_artists [{name, plays, ms}], top_tracks [{name, artist, plays, ms}],
    top_playlists [{name, plays, ms}], device, skip_rate, traits [{name, confidence, evidence}].
    """
    share = raw.get("share")
    share_plays = _first(raw, "share_plays", "play_share", "plays_share")
    share_ms = _first(raw, "share_ms", "time_share", "ms_share")
    if isinstance(share, Mapping):
        share_plays = share_plays if share_plays is not None else share.get("plays")
        share_ms = share_ms if share_ms is not None else _first(share, "ms", "time")
    elif share is not None and share_plays is None:
        share_plays = share
    windows = raw.get("windows") or ([raw["window"]] if raw.get("window") else [])
    device = _first(raw, "device", "device_family", "family")
    if isinstance(device, Mapping):
        device = _first(device, "family", "name")
    return {
        "id": str(raw.get("id") or f"m{index + 1}"),
        "name": str(raw.get("name") or raw.get("generated_name") or f"Moment {index + 1}"),
        "windows": [_window(w) for w in windows],
        "share_plays": _number(share_plays),
        "share_ms": _number(share_ms),
        "plays": _count(raw.get("plays")),
        "ms": _count(_first(raw, "ms", "ms_played", "listening_ms")),
        "top_artists": [_entry(a) for a in raw.get("top_artists") or []],
        "top_tracks": [_entry(t, paired=True) for t in raw.get("top_tracks") or []],
        "top_playlists": [_entry(p) for p in raw.get("top_playlists") or []],
        "device": None if device is None else str(device),
        "skip_rate": _number(raw.get("skip_rate")),
        "traits": [_trait(t) for t in raw.get("traits") or []],
    }


def _plain(moment: Any) -> Mapping[str, Any]:
    """A moment as a mapping: dicts as they are, dataclasses (frozen or not) as dicts."""
    if dataclasses.is_dataclass(moment) and not isinstance(moment, type):
        plain: dict[str, Any] = dataclasses.asdict(moment)
        return plain
    if isinstance(moment, Mapping):
        return moment
    raise TypeError(f"a moment must be a mapping or a dataclass, not {type(moment).__name__}")


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
    moments: Sequence[Any] | None = None,
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
    shown = [m for m in map(_plain, moments or []) if not m.get("hidden")]
    doc: Report = {
        "report_version": REPORT_VERSION,
        "generated_at": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "privacy": {"anonymized": False, "names": "real", "countries": True, "dates": "day"},
        "profile": json.loads(json.dumps(dict(profile))),
        "moments_available": moments is not None,
        "moments": [normalize_moment(m, i) for i, m in enumerate(shown)],
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


def period_text(doc: Mapping[str, Any]) -> str:
    """The period the report covers, in words."""
    p = doc["profile"]
    since, until = p["period"]["since"], p["period"]["until"]
    first, last = p["first_played_at"], p["last_played_at"]
    start = since or (first[:10] if first else None)
    end = until or (last[:10] if last else None)
    if start is None and end is None:
        return "no listening in this period"
    return f"{start or '…'} to {end or '…'}"


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
