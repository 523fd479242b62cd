"""Read ListenBrainz listens: the user export's JSON-lines members and the older JSON array.

The user export (Settings > Export, since October 2024) is a zip `listenbrainz_<user>_<unix>.zip`:

    user.json                    {"user_id": ..., "username": ...}       not listens
    listens/<YYYY>/<M>.jsonl     one listen per line, one file a month    (month not zero-padded)
    feedback.jsonl               loved/hated recordings                   not listens
    pinned_recording.jsonl       pins                                     not listens

The caller walks the zip (as it walks Spotify's); each member whose first bytes `sniff` accepts
(the `listens/**.jsonl` ones) is passed whole to `read_listenbrainz`. The months are disjoint, so
a listen is in exactly one member. Before that, the profile page exported one
`<user>_lb-<date>.json` holding a JSON array of listens as the API returns them; that reads too,
as does a saved API answer (`{"payload": {"listens": [...]}}`).

One listen: `listened_at` (unix seconds of the START of the play: an integer, or a number with a
fraction in JSON-lines written by the server's database), `recording_msid` (top level, or in
`track_metadata` / its `additional_info` in older files) and `track_metadata` with `artist_name`,
`track_name`, `release_name`, `additional_info` (`duration_ms` or `duration` in seconds,
`spotify_id` as a URL, `isrc`, `recording_mbid`, ...) and `mbid_mapping` (the server's match:
`recording_mbid`, ...). A listen without `listened_at` is a "playing now" one: skipped, counted.
No SQL here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from yawyas.errors import BadInputError
from yawyas.sources.scrobbles import (
    LISTENBRAINZ,
    MISSING,
    ColumnsBuilder,
    Int64Array,
    ScrobbleColumns,
    gc_paused,
)

_BATCH = 20_000  # lines parsed per orjson call: bounds memory on big files
_MAX_DURATION_MS = 24 * 86_400_000  # ListenBrainz refuses longer durations
_FAR = 2**62 - 1  # a timestamp too large for any real date: counted as implausible
_BOM = b"\xef\xbb\xbf"
_NO_INFO: dict[str, Any] = {}
_SPOTIFY_KEY = re.compile(rb'"(?:ts|endTime|ms_played|msPlayed)"\s*:')
_LISTENED_AT_KEY = re.compile(rb'"listened_at"\s*:')
_TRACK_METADATA_KEY = re.compile(rb'"track_metadata"\s*:')


def _is_listen(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and "listened_at" in obj
        and isinstance(obj.get("track_metadata"), dict)
        and not ({"ts", "endTime", "ms_played", "msPlayed"} & obj.keys())
    )


def sniff(name: str, head: bytes) -> bool:
    """Whether a file whose first bytes are `head` holds ListenBrainz listens.

    Content only (the name is not used): its rows have `listened_at` and `track_metadata`.
    Spotify's rows (`ts` / `endTime`) never match, nor do the export's other members.
    """
    del name
    text = head.removeprefix(_BOM).lstrip()
    if not text.startswith((b"{", b"[")):
        return False
    if text.startswith(b"{") and b"\n" in text:
        try:  # a complete first line of JSON-lines: judge it exactly
            return _is_listen(orjson.loads(text.split(b"\n", 1)[0]))
        except orjson.JSONDecodeError:
            pass  # a document spread over lines (a pretty-printed API answer)
    return bool(
        _LISTENED_AT_KEY.search(text)
        and _TRACK_METADATA_KEY.search(text)
        and not _SPOTIFY_KEY.search(text)
    )


def _seconds(value: Any) -> int | None:
    """UTC seconds of a `listened_at`; MISSING if there is none; None if unreadable."""
    if value is None:
        return int(MISSING)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return None
        # a number no real date has is still a number: implausible, not unreadable
        return math.floor(value) if abs(value) < _FAR else int(math.copysign(_FAR, value))
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return int(text) if len(text) < 18 else _FAR
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return int(parsed.timestamp())
    return None


def _seconds_column(values: list[Any]) -> tuple[Int64Array, int | None]:
    """`_seconds` of each value, and the index of the first unreadable one (or None)."""
    if set(map(type, values)) <= {int, float}:  # the common case, in numpy
        arr = np.array(values, dtype=np.float64)
        if np.isfinite(arr).all():
            return np.clip(np.floor(arr), -_FAR, _FAR).astype(np.int64), None
    out = []
    for i, v in enumerate(values):
        at = _seconds(v)
        if at is None:
            return np.empty(0, dtype=np.int64), i
        out.append(at)
    return np.array(out, dtype=np.int64), None


def _numbers(values: list[Any]) -> npt.NDArray[np.float64]:
    """Each value as a float; NaN where it is not a number (booleans are not numbers)."""
    number = (int, float)
    return np.fromiter(
        (v if type(v) in number else np.nan for v in values), dtype=np.float64, count=len(values)
    )


def _durations_ms(infos: list[dict[str, Any]]) -> Int64Array:
    """Each track's length in ms from `duration_ms`, else `duration` (seconds); -1 if unknown."""
    out = np.full(len(infos), -1, dtype=np.int64)
    for key, scale in (("duration_ms", 1), ("duration", 1000)):
        with np.errstate(invalid="ignore", over="ignore"):
            ms = np.round(_numbers([i.get(key) for i in infos]) * scale)
            use = (out < 0) & (ms > 0) & (ms <= _MAX_DURATION_MS)
        out[use] = ms[use].astype(np.int64)
    return out


def _texts(values: Iterable[Any]) -> list[str | None]:
    return [v if type(v) is str else None for v in values]


def _add(
    builder: ColumnsBuilder, name: str, listens: list[Any], place: Callable[[int], str]
) -> None:
    """Feed one batch of parsed listens to the builder, column by column (`place(i)` names
    the i-th listen in messages: its line, or its position in an array)."""
    tms: list[Any] = [x.get("track_metadata") if type(x) is dict else None for x in listens]
    for i, tm in enumerate(tms):
        if type(tm) is not dict:
            raise BadInputError(
                f"{name} {place(i)} is not a ListenBrainz listen (it has no track_metadata)."
            )
    at = [x.get("listened_at") for x in listens]
    started, bad = _seconds_column(at)
    if bad is not None:
        raise BadInputError(
            f"{name} {place(bad)}: the date {at[bad]!r} cannot be read"
            " (listened_at should be unix seconds)."
        )
    infos = [i if type(i := tm.get("additional_info")) is dict else _NO_INFO for tm in tms]
    maps = [m if type(m := tm.get("mbid_mapping")) is dict else _NO_INFO for tm in tms]
    builder.add(
        started,
        _texts(tm.get("artist_name") for tm in tms),
        _texts(tm.get("track_name") for tm in tms),
        _texts(tm.get("release_name") for tm in tms),
        duration_ms=_durations_ms(infos),
        spotify_ids=_texts(i.get("spotify_id") or i.get("origin_url") for i in infos),
        isrcs=_texts(i.get("isrc") for i in infos),
        # the MBID submitted with the listen, else the server's match
        mbids=_texts(i.get("recording_mbid") for i in infos),
        mbids_else=_texts(m.get("recording_mbid") for m in maps),
        msids=_texts(
            x.get("recording_msid") or tm.get("recording_msid") or i.get("recording_msid")
            for x, tm, i in zip(listens, tms, infos, strict=True)
        ),
    )


def _line_place(line_indexes: list[int], i: int) -> str:
    return f"line {line_indexes[i] + 1}"


def _row_place(first: int, i: int) -> str:
    return f"row {first + i + 1}"


def _broken(name: str, line: int, exc: orjson.JSONDecodeError, last: bool) -> BadInputError:
    col = getattr(exc, "colno", 0)
    why = (
        "the file looks cut off; download the export again"
        if last and "unexpected end" in str(exc).lower()
        else "the file is damaged; download the export again"
    )
    return BadInputError(f"{name} line {line} is not valid JSON (column {col}): {why}.")


def _read_lines(builder: ColumnsBuilder, name: str, data: bytes) -> None:
    """JSON-lines: parse a batch of lines at once; on failure, find the broken line."""
    lines = data.split(b"\n")
    for lo in range(0, len(lines), _BATCH):
        numbers = [i for i in range(lo, min(lo + _BATCH, len(lines))) if not _blank(lines[i])]
        batch = [lines[i] for i in numbers]
        try:
            listens = orjson.loads(b"[" + b",".join(batch) + b"]")
        except orjson.JSONDecodeError:
            listens = None
        if not isinstance(listens, list) or len(listens) != len(batch):
            listens = []
            for i in numbers:  # the slow way, to name the line
                try:
                    listens.append(orjson.loads(lines[i]))
                except orjson.JSONDecodeError as exc:
                    last = all(_blank(ln) for ln in lines[i + 1 :])
                    raise _broken(name, i + 1, exc, last) from exc
        _add(builder, name, listens, partial(_line_place, numbers))


def _blank(line: bytes) -> bool:
    return not line or line.isspace()


def read_listenbrainz(name: str, data: bytes, *, now: float | None = None) -> ScrobbleColumns:
    """Read one ListenBrainz file (an export's `listens/YYYY/M.jsonl` member, or an older
    export's JSON array of listens) into columns.

    `name` is what the person sees (used in messages). Listens without `listened_at` (playing
    now), dated before 2002 or after `now` (default: the clock) + 1 day, or without artist or
    track are skipped and counted; listens with the same start, artist and track are one. A
    line of broken JSON, a row that is not a listen or an unreadable `listened_at` is bad
    input, named by file and line (or by position in an array).
    """
    with gc_paused():
        return _read(name, data, now)


def _read(name: str, data: bytes, now: float | None) -> ScrobbleColumns:
    body = data.removeprefix(_BOM)
    text = body.lstrip()
    if not text:
        raise BadInputError(f"{name} is empty: it holds no listens.")
    doc: Any = None
    if not text.startswith((b"[", b"{")):
        raise BadInputError(f"{name} is not ListenBrainz listens: it is not JSON.")
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if text.startswith(b"["):
            cut_off = "unexpected end" in str(exc).lower()
            raise _broken(name, getattr(exc, "lineno", 0), exc, cut_off) from exc
        # more than one line of JSON: JSON-lines, read below
    if isinstance(doc, dict) and isinstance(doc.get("payload"), dict):
        doc = doc["payload"].get("listens")
        if not isinstance(doc, list):
            raise BadInputError(f"{name} is a ListenBrainz API answer without listens.")
    if isinstance(doc, list):
        builder = ColumnsBuilder(LISTENBRAINZ, "listenbrainz-json-array", 1, now)
        for lo in range(0, len(doc), _BATCH):
            _add(builder, name, doc[lo : lo + _BATCH], partial(_row_place, lo))
    else:
        builder = ColumnsBuilder(LISTENBRAINZ, "listenbrainz-jsonl", 1, now)
        if doc is not None:  # a file of one line (after any blank ones)
            line = body[: len(body) - len(text)].count(b"\n")
            _add(builder, name, [doc], partial(_line_place, [line]))
        else:
            _read_lines(builder, name, body)
    return builder.finish()
