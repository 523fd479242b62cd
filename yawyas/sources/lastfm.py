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
is columnar (`ScrobbleColumns`, see `scrobbles.py`, shared with the ListenBrainz reader).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from yawyas.errors import BadInputError
from yawyas.sources.scrobbles import (
    LASTFM,
    MISSING,
    Coder,
    ColumnsBuilder,
    Int64Array,
    ScrobbleColumns,
    gc_paused,
)

_CHUNK = 100_000  # rows parsed per batch: bounds memory while keeping numpy's speed
_BLOCK = 4 << 20  # bytes decoded at a time
_HEAD = 65_536  # bytes read to recognise the layout


# --------------------------------------------------------------------------- text and dates


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


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_KEYS = np.array([(ord(m[0]) << 16) | (ord(m[1]) << 8) | ord(m[2]) for m in _MONTHS])
_MONTH_ORDER = np.argsort(_MONTH_KEYS)
_MONTH_SORTED = _MONTH_KEYS[_MONTH_ORDER]
# "20 Nov 2020 09:35", "20 Nov 2020, 09:35", "9 Jun 2008 17:16", with optional seconds
_DMY = re.compile(
    r"\s*([0-9]{1,2}) ([A-Za-z]{3}) ([0-9]{4}),? ([0-9]{1,2}):([0-9]{2})(?::[0-9]{2})?\s*"
)
_DIGIT_POS = [0, 1, 7, 8, 9, 10, 12, 13, 15, 16]  # day, year, hour, minute
_PLACEHOLDER = "01 Jan 1970 00:00"


def _normalise_dmy(value: str) -> str | None:
    """A Last.fm date in the fixed 17-character form "DD Mon YYYY HH:MM", or None."""
    m = _DMY.fullmatch(value)
    if m is None:
        return None
    day, mon, year, hour, minute = m.groups()
    return f"{int(day):02d} {mon} {year} {int(hour):02d}:{minute}"


def _fixed_width_dmy(values: Sequence[str]) -> tuple[Int64Array, npt.NDArray[np.bool_]]:
    """UTC seconds of ASCII dates in the exact form "DD Mon YYYY HH:MM", and which read."""
    n = len(values)
    matrix = np.frombuffer("".join(values).encode("ascii"), dtype=np.uint8).reshape(n, 17)
    return _dmy_matrix(matrix)


def _dmy_matrix(matrix: npt.NDArray[np.uint8]) -> tuple[Int64Array, npt.NDArray[np.bool_]]:
    """UTC seconds of dates given as rows of 17 bytes "DD Mon YYYY HH:MM", and which read
    (in slices that stay in the CPU's cache)."""
    n = len(matrix)
    seconds = np.empty(n, dtype=np.int64)
    ok = np.empty(n, dtype=bool)
    for lo in range(0, n, _DATE_SLICE):
        hi = min(n, lo + _DATE_SLICE)
        seconds[lo:hi], ok[lo:hi] = _dmy_slice(matrix[lo:hi])
    return seconds, ok


_DATE_SLICE = 65_536
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)
_DAYS_BEFORE = np.concatenate([[0], np.cumsum(_MONTH_DAYS)[:-1]]).astype(np.int32)
# month names by their three letters, case folded: (c0 & 31) << 10 | (c1 & 31) << 5 | (c2 & 31)
_MONTH_OF = np.zeros(1 << 15, dtype=np.int8)
for _k, _m in enumerate(_MONTHS):
    _MONTH_OF[((ord(_m[0]) & 31) << 10) | ((ord(_m[1]) & 31) << 5) | (ord(_m[2]) & 31)] = _k + 1


def _dmy_slice(a: npt.NDArray[np.uint8]) -> tuple[Int64Array, npt.NDArray[np.bool_]]:
    d = a[:, _DIGIT_POS].astype(np.int32) - 48
    ok = (d.view(np.uint32) <= 9).all(axis=1)  # a byte below '0' wraps round: not a digit
    ok &= (a[:, 2] == 32) & (a[:, 6] == 32) & (a[:, 11] == 32) & (a[:, 14] == 58)
    low = a[:, 3:6] | 0x20
    ok &= ((low >= 97) & (low <= 122)).all(axis=1)
    c = low.astype(np.int32) & 31
    month = _MONTH_OF[(c[:, 0] << 10) | (c[:, 1] << 5) | c[:, 2]].astype(np.int32)
    ok &= month > 0
    month0 = np.maximum(month - 1, 0)
    day = d[:, 0] * 10 + d[:, 1]
    year = d[:, 2] * 1000 + d[:, 3] * 100 + d[:, 4] * 10 + d[:, 5]
    hour = d[:, 6] * 10 + d[:, 7]
    minute = d[:, 8] * 10 + d[:, 9]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    after_feb = (month0 >= 2) & leap
    ok &= (day >= 1) & (day <= _MONTH_DAYS[month0] + ((month0 == 1) & leap))
    ok &= (hour < 24) & (minute < 60)
    # days since 1970-01-01 (proleptic Gregorian): whole years, then months, then days
    y = year - 1
    days = (
        (year - 1970) * 365 + (y // 4 - 492) - (y // 100 - 19) + (y // 400 - 4)
        + _DAYS_BEFORE[month0] + after_feb + day - 1
    )  # fmt: skip
    seconds = days.astype(np.int64) * 86_400 + hour * 3_600 + minute * 60
    return seconds, ok


def parse_dmy_minutes(values: Sequence[str]) -> tuple[Int64Array, int | None]:
    """UTC seconds of Last.fm display dates ("20 Nov 2020 09:35", English month names).

    Empty values give MISSING. Returns the seconds and the index of the first unreadable
    value (None if all read). The common fixed-width form is parsed with numpy, no per-row
    strptime; other spellings ("9 Jun 2008, 17:16") are normalised by a regular expression.
    """
    fixed = list(values)
    empty: list[int] = []
    retry: list[int] = []
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    odd = np.flatnonzero(lengths != 17).tolist()
    if not "".join(values).isascii():
        odd = sorted({*odd, *(i for i, v in enumerate(values) if not v.isascii())})
    for i in odd:
        (retry if values[i].strip() else empty).append(i)
        fixed[i] = _PLACEHOLDER
    seconds, ok = _fixed_width_dmy(fixed)
    retry = sorted([*retry, *np.flatnonzero(~ok).tolist()])
    if retry:
        normalised: list[str] = []
        for i in retry:
            norm = _normalise_dmy(values[i])
            if norm is None:
                return np.empty(0, dtype=np.int64), i
            normalised.append(norm)
        again, ok_again = _fixed_width_dmy(normalised)
        if not ok_again.all():
            return np.empty(0, dtype=np.int64), retry[int(np.flatnonzero(~ok_again)[0])]
        seconds[retry] = again
    if empty:
        seconds[empty] = MISSING
    return seconds, None


def parse_int_seconds(values: Sequence[str], divisor: int = 1) -> tuple[Int64Array, int | None]:
    """Whole numbers (unix seconds, or milliseconds with divisor 1000) -> UTC seconds.

    Empty values give MISSING; returns the index of the first value that is not a number.
    """
    blanks = [i for i, v in enumerate(values) if not v or v.isspace()]
    vals: Sequence[str] = values
    if blanks:
        filled = list(values)
        for i in blanks:
            filled[i] = "0"
        vals = filled
    try:
        out = np.array(vals, dtype=np.int64)
    except (ValueError, OverflowError):  # find the culprit the slow way
        numbers = []
        for i, v in enumerate(vals):
            try:
                number = int(v)
            except ValueError:
                return np.empty(0, dtype=np.int64), i
            numbers.append(max(1 - 2**62, min(number, 2**62 - 1)))  # absurd: implausible
        out = np.array(numbers, dtype=np.int64)
    if divisor != 1:
        out //= divisor
    if blanks:
        out[blanks] = MISSING
    return out, None


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
        fast = _read_fast(body, layout, has_header, now)
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


# --------------------------------------------------------------------------- the fast path


def _after_header(body: bytes) -> bytes | None:
    """The file after its header row (the first non-blank line), or None if the header is odd
    (a quote in it could hide a line break: the row-by-row reader then decides)."""
    start = len(body) - len(body.lstrip(b" \t\r\n"))
    m = _LINE_BREAK_BYTES.search(body, start)
    header = body[start : m.start() if m else len(body)]
    if b'"' in header and header.count(b'"') % 2:
        return None
    return body[m.end() :] if m else b""


_LINE_BREAK_BYTES = re.compile(rb"\r\n?|\n")


def _read_fast(
    body: bytes, layout: Layout, has_header: bool, now: float | None
) -> ScrobbleColumns | None:
    """The file's columns parsed by pyarrow's CSV reader (in C++, on every core), the same as
    `_read_rows` gives; None when pyarrow refuses the file or a value needs the slow path's
    care (a damaged row, an unreadable date, bytes that are not UTF-8): the row-by-row reader
    then reads it and names the line."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    data = _after_header(body) if has_header else body
    if data is None:
        return None
    names = [str(i) for i in range(layout.width)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=layout.delimiter,
                quote_char=False if layout.unquoted else '"',
                double_quote=True,
                escape_char=False,
                # a line break inside a value needs quotes: without any, parse in parallel
                newlines_in_values=not layout.unquoted and b'"' in data,
                ignore_empty_lines=True,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except pa.ArrowException:
        return None
    if table.num_rows == 0:
        return None
    columns = [c.combine_chunks() for c in table.columns]
    del table
    limit = csv.field_size_limit()  # the row-by-row reader refuses longer fields: it decides
    if any(len(c) and int(_bytes_of(c)[0].max()) > limit for c in columns):
        return None
    started = _fast_dates(columns[layout.date], layout)
    if started is None:
        return None
    builder = ColumnsBuilder(LASTFM, layout.name, layout.precision_s, now)
    builder.add_coded(
        started,
        _coded(columns[layout.artist], builder.artists),
        _coded(columns[layout.track], builder.tracks),
        _coded(columns[layout.album], builder.albums),
        mbids=None if layout.mbid is None else _coded(columns[layout.mbid], builder.mbids),
    )
    del columns
    pa.default_memory_pool().release_unused()  # give the parse's memory back before saving
    return builder.finish()


def _bytes_of(strings: Any) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint8]]:
    """(length of each value, the values' bytes back to back) of a pyarrow string array,
    read from its buffers (no copy, no pyarrow.compute: its first call costs a quarter of a
    second)."""
    _, offsets_buffer, data_buffer = strings.buffers()
    offsets = np.frombuffer(
        offsets_buffer, dtype=np.int32, count=len(strings) + 1, offset=strings.offset * 4
    )
    raw = (
        np.frombuffer(data_buffer, dtype=np.uint8)
        if data_buffer is not None
        else np.zeros(0, np.uint8)
    )
    return np.diff(offsets), raw[offsets[0] : offsets[-1]]


def _coded(column: Any, coder: Coder) -> Int64Array:
    """A pyarrow string column as codes of `coder` (each distinct value cleaned once)."""
    encoded = column.dictionary_encode()
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return coder.code_dictionary(encoded.dictionary.to_pylist(), indices)


def _fast_dates(dates: Any, layout: Layout) -> Int64Array | None:
    """UTC seconds of a pyarrow string column of dates (MISSING where empty), or None when a
    date needs the row-by-row reader (which names the line of an unreadable one)."""
    lengths, raw = _bytes_of(dates)
    empty = lengths == 0
    if layout.date_kind != "dmy":
        out = _whole_numbers(lengths, raw)
        if out is None:
            return None
        if layout.date_kind == "ms":
            out //= 1000
        out[empty] = MISSING
        return out
    out = np.full(len(lengths), MISSING, dtype=np.int64)
    fixed = lengths == 17
    if fixed.any():
        # values of 17 bytes and empty ones lie back to back in the data: one matrix
        if (fixed | empty).all():
            matrix = raw.reshape(-1, 17)
        else:
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])[fixed]
            matrix = raw[starts[:, None] + np.arange(17)]
        seconds, ok = _dmy_matrix(matrix)
        rows = np.flatnonzero(fixed)
        out[rows[ok]] = seconds[ok]
        retry = rows[~ok]
    else:
        retry = np.empty(0, dtype=np.int64)
    retry = np.union1d(retry, np.flatnonzero(~fixed & ~empty))
    if len(retry):
        values = dates.take(retry).to_pylist()
        again, bad = parse_dmy_minutes(values)
        if bad is not None:
            return None
        out[retry] = again
    return out


def _whole_numbers(lengths: npt.NDArray[np.int32], raw: npt.NDArray[np.uint8]) -> Int64Array | None:
    """Values of ASCII digits (at most 18) as numbers, 0 where empty; None if any value is
    something else (a sign, a space: the row-by-row reader decides)."""
    n = len(lengths)
    width = int(lengths.max()) if n else 0
    if width > 18:
        return None
    digits = raw.astype(np.int64) - 48
    if len(digits) and not (digits.view(np.uint64) <= 9).all():
        return None
    # right-align every value in an n x width matrix of digits, then weigh the columns
    matrix = np.zeros((n, width), dtype=np.int64)
    row = np.repeat(np.arange(n), lengths)
    first = np.repeat(np.cumsum(lengths) - lengths, lengths)
    column = width - np.repeat(lengths, lengths) + (np.arange(len(digits)) - first)
    matrix[row, column] = digits
    weights = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    out: Int64Array = matrix @ weights if width else np.zeros(n, dtype=np.int64)
    return out
