"""The fast path of the Last.fm reader: pyarrow's CSV reader (C++, on every core) and numpy,
giving exactly what the row-by-row reader in `lastfm.py` gives, or nothing when a file needs
that reader's care (it then names the line that is wrong). A million rows in about a second.
"""

from __future__ import annotations

import csv
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from yawyas.sources.lastfm_dates import parse_dmy_matrix, parse_dmy_minutes
from yawyas.sources.scrobbles import (
    LASTFM,
    MISSING,
    Coder,
    ColumnsBuilder,
    Int64Array,
    ScrobbleColumns,
)

if TYPE_CHECKING:
    from yawyas.sources.lastfm import Layout


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


def read_fast(
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
        seconds, ok = parse_dmy_matrix(matrix)
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
