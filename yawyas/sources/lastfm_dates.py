"""Dates as the scrobble export tools write them, parsed a column at a time: Last.fm's display
dates ("20 Nov 2020 09:35", UTC) with numpy over fixed-width bytes, and unix times. No per-row
strptime: a million dates take a fraction of a second.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from yawyas.sources.scrobbles import MISSING, Int64Array

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
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
    return parse_dmy_matrix(matrix)


def parse_dmy_matrix(matrix: npt.NDArray[np.uint8]) -> tuple[Int64Array, npt.NDArray[np.bool_]]:
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
