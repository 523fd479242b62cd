"""Read Last.fm scrobble exports: the CSV/TSV layouts the common export tools write.

Last.fm itself offers no download; people use third-party tools. The layouts read here, each
recognised from the file's content (never its name):

- `lastfm-to-csv` (benjaminbenben.com/lastfm-to-csv): no header, `artist,album,track,date`,
  the date as Last.fm shows it in UTC, `20 Nov 2020 09:35` (the tool drops commas and quotes from
  every value; a copy that kept the comma, `"20 Nov 2020, 09:35"`, reads too). Minute precision.
  A header row someone added (`artist,album,track,date`) is accepted.
- `lastfm.ghan.nl` ("Recent Tracks" CSV): header `uts,utc_time,artist,artist_mbid,album,
  album_mbid,track,track_mbid`, every field quoted; `uts` (unix seconds) is the time.
- `lastfmstats.com` CSV: a BOM, `;`-separated, every field quoted, header
  `Artist;Album;AlbumId;Track;Date#<user>`, the date in unix milliseconds.
- `lastexport.py` (`exported_tracks.txt`, the old libre.fm migration script): no header, tab
  separated, unquoted: `uts, track, artist, album, track_mbid, artist_mbid, album_mbid`.

Scrobbles time the START of a play (Spotify's `ts` is its end) and carry no duration. The result
is columnar (`ScrobbleColumns`, see `scrobbles.py`, shared with the ListenBrainz reader). Dates
are parsed in `lastfm_dates.py`; big files go through pyarrow (`lastfm_fast.py`), and through the
row-by-row reader here when pyarrow refuses them, which names the line that is wrong.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any

from yawyas.errors import BadInputError
from yawyas.sources.lastfm_dates import parse_dmy_minutes, parse_int_seconds
from yawyas.sources.lastfm_fast import read_fast
from yawyas.sources.scrobbles import (
    LASTFM,
    ColumnsBuilder,
    ScrobbleColumns,
    gc_paused,
)

_CHUNK = 100_000  # rows parsed per batch: bounds memory while keeping numpy's speed
_BLOCK = 4 << 20  # bytes decoded at a time
_HEAD = 65_536  # bytes read to recognise the layout


# --------------------------------------------------------------------------- text


def _utf8(name: str, data: bytes | memoryview, offset: int, whole: bytes) -> str:
    """Decode UTF-8; a bad byte is bad input named by its line (`offset` locates `data`)."""
    try:
        return str(data, "utf-8")
    except UnicodeDecodeError as exc:
        at = offset + exc.start
        line = whole.count(b"\n", 0, at) + 1
        raise BadInputError(
            f"{name} is not UTF-8 text (line {line} has the byte 0x{whole[at]:02x}):"
            " export it again, or save it as UTF-8."
        ) from exc


def utf8_body(name: str, data: bytes) -> bytes:
    """The file as UTF-8 bytes without a BOM: UTF-8 as it is, UTF-16 with a BOM (Excel's
    "Unicode text") transcoded; anything else is found bad when its block is decoded."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeError as exc:
            raise BadInputError(
                f"{name} starts like UTF-16 text but is not valid UTF-16; save it again as UTF-8."
            ) from exc
    return data.removeprefix(b"\xef\xbb\xbf")


def _text_blocks(name: str, body: bytes) -> Iterator[str]:
    """The text in blocks of whole lines (~4 MB): the file is never one big string."""
    view = memoryview(body)
    start = 0
    while start < len(body):
        end = body.find(b"\n", start + _BLOCK)
        end = len(body) if end < 0 else end + 1
        yield _utf8(name, view[start:end], start, body)
        start = end


# --------------------------------------------------------------------------- layouts


@dataclass(frozen=True)
class Layout:
    """One export tool's file shape."""

    name: str
    delimiter: str
    unquoted: bool  # fields are never quoted: a quote character is part of the value
    width: int
    artist: int
    track: int
    album: int
    date: int
    date_kind: str  # "dmy" (Last.fm display date), "uts" (unix s), "ms" (unix ms)
    mbid: int | None  # the track's MusicBrainz id column
    precision_s: int
    example: str  # what a data row looks like, for error messages


LASTFM_TO_CSV = Layout(
    "lastfm-to-csv", ",", False, 4, 0, 2, 1, 3, "dmy", None, 60,
    "Artist,Album,Track,20 Nov 2020 09:35",
)  # fmt: skip
GHAN = Layout(
    "lastfm.ghan.nl", ",", False, 8, 2, 6, 4, 0, "uts", 7, 1,
    '"1605864900","20 Nov 2020, 09:35","Artist","","Album","","Track",""',
)  # fmt: skip
LASTFMSTATS = Layout(
    "lastfmstats.com", ";", False, 5, 0, 3, 1, 4, "ms", None, 1,
    '"Artist";"Album";"";"Track";"1605864900000"',
)  # fmt: skip
LASTEXPORT = Layout(
    "lastexport.py", "\t", True, 7, 2, 1, 3, 0, "uts", 4, 1,
    "1605864900<TAB>Track<TAB>Artist<TAB>Album<TAB><TAB><TAB>",
)  # fmt: skip
LAYOUTS = (LASTFM_TO_CSV, GHAN, LASTFMSTATS, LASTEXPORT)

_GHAN_HEADER = (
    "uts", "utc_time", "artist", "artist_mbid", "album", "album_mbid", "track", "track_mbid",
)  # fmt: skip
_LASTFM_TO_CSV_HEADERS = {("artist", "album", "track", "date"), ("artist", "album", "name", "date")}
_DATE_SHAPE = re.compile(r"\s*[0-9]{1,2} [A-Za-z]{3} [0-9]{4},? [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?\s*")
_UTS_SHAPE = re.compile(r"[0-9]{9,11}")
_SNIFF_ROWS = 5
_LINE_BREAK = re.compile(r"\r\n?|\n")
_DATE_KINDS = {
    "dmy": "dates like 20 Nov 2020 09:35",
    "uts": "dates in unix seconds",
    "ms": "dates in unix milliseconds",
}


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _header_layout(line: str) -> Layout | None:
    """The layout whose header this line is, if it is one."""
    for delim in (",", ";", "\t"):
        fields = tuple(f.strip().lower() for f in _split(line, delim))
        if fields == _GHAN_HEADER:
            return GHAN if delim == "," else _with_delimiter(GHAN, delim)
        if (
            len(fields) == 5
            and fields[:4] == ("artist", "album", "albumid", "track")
            and fields[4].startswith("date")
        ):
            return LASTFMSTATS if delim == ";" else _with_delimiter(LASTFMSTATS, delim)
        if delim == "," and fields in _LASTFM_TO_CSV_HEADERS:
            return LASTFM_TO_CSV
    return None


def _with_delimiter(layout: Layout, delimiter: str) -> Layout:
    return replace(layout, delimiter=delimiter)


def _headerless_layout(lines: list[str], strict: bool) -> Layout | None:
    """The headerless layout (lastfm-to-csv or lastexport.py) the first data line fits.

    `strict` (sniffing): every line given must fit too. lastfm-to-csv also needs a date in
    one of them (its first row may be the dateless "now playing" one).
    """

    def tab_fits(line: str) -> bool:
        fields = line.split("\t")
        return len(fields) == 7 and bool(_UTS_SHAPE.fullmatch(fields[0].strip()))

    def csv_fits(row: list[str]) -> bool:
        return len(row) == 4 and (not row[3].strip() or bool(_DATE_SHAPE.fullmatch(row[3])))

    if tab_fits(lines[0]):
        return LASTEXPORT if not strict or all(map(tab_fits, lines)) else None
    rows = [_split(ln, ",") for ln in lines]
    if not csv_fits(rows[0]) or (strict and not all(map(csv_fits, rows))):
        return None
    return LASTFM_TO_CSV if any(csv_fits(r) and r[3].strip() for r in rows) else None


def _detect(text: str, complete: bool, strict: bool) -> tuple[Layout, bool] | None:
    """(layout, has a header row) from the first lines of a file, or None if none fits."""
    lines = _LINE_BREAK.split(text)  # what csv calls a line end (not str.splitlines's many)
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the head may end inside a line
    lines = [ln for ln in lines if ln.strip()][:_SNIFF_ROWS]
    if not lines:
        return None
    header = _header_layout(lines[0])
    if header is not None:
        return header, True
    layout = _headerless_layout(lines, strict)
    return (layout, False) if layout is not None else None


def _head_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    return head.decode("utf-8-sig", errors="replace")


def sniff(name: str, head: bytes) -> bool:
    """Whether a file whose first bytes are `head` is a Last.fm export in a layout we read.

    Content only (the name is not used): JSON files never match, nor does a CSV whose header
    or first rows fit none of the layouts.
    """
    del name
    text = _head_text(head).lstrip()
    if not text or text[0] in "[{":
        return False
    return _detect(text, complete=False, strict=True) is not None


_SCROBBLE_WORDS = re.compile(r"artist", re.IGNORECASE)
_TRACK_WORDS = re.compile(r"track|title|song|name", re.IGNORECASE)


def looks_like(head: bytes) -> bool:
    """Whether a file that `sniff` refuses still looks like scrobbles: its first line fits a
    layout (a later one may be damaged), or its first line names an artist and a track (a
    layout we do not read). Such a file is read, so that what is wrong with it is said,
    rather than skipped as "not listening data"."""
    text = _head_text(head).lstrip()
    if not text or text[0] in "[{":
        return False
    if _detect(text, complete=False, strict=False) is not None:
        return True
    first = _LINE_BREAK.split(text, maxsplit=1)[0]
    return bool(_SCROBBLE_WORDS.search(first) and _TRACK_WORDS.search(first))


# --------------------------------------------------------------------------- reading


class _Rows:
    """The CSV reader over a file's text, remembering how many reader rows came before."""

    def __init__(self, name: str, body: bytes, layout: Layout) -> None:
        self.name, self.body, self.layout = name, body, layout
        self.reader = self._reader()
        self.consumed = 0  # reader rows handed out so far (blank ones included)

    def _reader(self) -> Any:
        lines = itertools.chain.from_iterable(
            io.StringIO(block, newline="") for block in _text_blocks(self.name, self.body)
        )
        return csv.reader(
            lines,
            delimiter=self.layout.delimiter,
            quoting=csv.QUOTE_NONE if self.layout.unquoted else csv.QUOTE_MINIMAL,
        )

    def take(self, count: int) -> list[list[str]]:
        """The next `count` rows (fewer at the end); unreadable CSV is bad input."""
        try:
            rows = list(itertools.islice(self.reader, count))
        except csv.Error as exc:
            raise BadInputError(
                f"{self.name} line {self.reader.line_num} cannot be read as CSV ({exc}):"
                " the file looks damaged."
            ) from exc
        self.consumed += len(rows)
        return rows

    def line_of(self, reader_row: int) -> int:
        """The line on which the reader's row number `reader_row` (0-based) ends."""
        again = self._reader()
        for i, _ in enumerate(again):
            if i == reader_row:
                break
        return int(again.line_num)


def _blank(row: list[str]) -> bool:
    return not any(f.strip() for f in row)


def read_lastfm(name: str, data: bytes, *, now: float | None = None) -> ScrobbleColumns:
    """Read one Last.fm export file (any layout in LAYOUTS) into columns.

    `name` is what the person sees (used in messages). Rows without a date, with a date before
    2002 or after `now` (default: the clock) + 1 day, or without artist or track are skipped and
    counted; double scrobbles (same start at the layout's precision, artist and track) are one
    play. A file in no known layout, a row with the wrong number of fields, an unreadable
    date or bytes that are not UTF-8 are bad input, named by file and line.
    """
    body = utf8_body(name, data)
    cut = body.find(b"\n", _HEAD)
    head = body if cut < 0 else body[: cut + 1]
    head_text = _utf8(name, head, 0, body)
    if not head_text.strip() and cut < 0:
        raise BadInputError(f"{name} is empty: it holds no scrobbles.")
    found = _detect(head_text, complete=True, strict=False)
    if found is None:
        raise BadInputError(
            f"{name} is not a Last.fm export we can read: expected lastfm-to-csv rows"
            f" ({LASTFM_TO_CSV.example}), or the header of lastfm.ghan.nl, lastfmstats.com"
            " or lastexport.py."
        )
    layout, has_header = found
    with gc_paused():
        fast = read_fast(body, layout, has_header, now)
        if fast is not None:
            return fast
        return _read_rows(name, _Rows(name, body, layout), has_header, now)


def _read_rows(name: str, rows: _Rows, has_header: bool, now: float | None) -> ScrobbleColumns:
    layout = rows.layout
    if has_header:
        while True:  # the header is the first non-blank row
            first = rows.take(1)
            if not first or not _blank(first[0]):
                break
    builder = ColumnsBuilder(LASTFM, layout.name, layout.precision_s, now)
    while chunk := rows.take(_CHUNK):
        start = rows.consumed - len(chunk)
        positions: list[int] | None = None  # reader row of each kept row, if blanks were dropped
        if set(map(len, chunk)) != {layout.width}:
            kept: list[list[str]] = []
            positions = []
            for i, r in enumerate(chunk):
                if len(r) == layout.width:
                    kept.append(r)
                    positions.append(start + i)
                elif not _blank(r):
                    raise BadInputError(
                        f"{name} line {rows.line_of(start + i)} has {len(r)}"
                        f" field{'s' * (len(r) != 1)} where the {layout.name} layout has"
                        f" {layout.width} ({layout.example}): the file looks damaged or cut off."
                    )
            chunk = kept
            if not chunk:
                continue

        dates = [r[layout.date] for r in chunk]
        if layout.date_kind == "dmy":
            started, bad = parse_dmy_minutes(dates)
        else:
            started, bad = parse_int_seconds(dates, 1000 if layout.date_kind == "ms" else 1)
        if bad is not None:
            at = positions[bad] if positions is not None else start + bad
            raise BadInputError(
                f"{name} line {rows.line_of(at)}: the date {dates[bad]!r} cannot be read"
                f" (a {layout.name} file has {_DATE_KINDS[layout.date_kind]})."
            )
        builder.add(
            started,
            map(itemgetter(layout.artist), chunk),
            map(itemgetter(layout.track), chunk),
            map(itemgetter(layout.album), chunk),
            mbids=None if layout.mbid is None else map(itemgetter(layout.mbid), chunk),
        )
    return builder.finish()
