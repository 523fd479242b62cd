"""A zone's UTC offsets as a table of instants, for readers of the store that know no zones.

SQLite (and so Datasette, sqlite-utils, duckdb's sqlite reader) has no tz database. The store's
`plays` view finds a stream's offset as the last row of this table at or before its start, which
is exact for every instant the tz database describes (daylight saving and changes of law alike).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

FIRST_YEAR = 1970  # before unix time nobody streamed; earlier instants get 1970's offset
LAST_YEAR = 2100
_STEP = timedelta(hours=12)  # no zone has changed its offset twice within half a day
BEGINNING = -(2**62)  # "since ever": the first row's instant


def build_utc_offsets(
    zone: str, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR
) -> list[tuple[int, int]]:
    """(UTC unix second from which it holds, UTC offset in minutes) of `zone`, in time order.

    The first row holds from the beginning of time (the offset of `first_year`), then one row
    per change of offset up to `last_year`, each found to the second. Raises
    `zoneinfo.ZoneInfoNotFoundError` for an unknown zone name.
    """
    info = ZoneInfo(zone)

    def offset(at: datetime) -> int:
        delta = at.astimezone(info).utcoffset()
        return 0 if delta is None else round(delta.total_seconds() / 60)

    at = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year, 1, 1, tzinfo=UTC)
    current = offset(at)
    rows = [(BEGINNING, current)]
    while at < end:
        nxt = at + _STEP
        value = offset(nxt)
        if value != current:
            low, high = int(at.timestamp()), int(nxt.timestamp())  # offset changes in (low, high]
            while high - low > 1:
                mid = (low + high) // 2
                if offset(datetime.fromtimestamp(mid, UTC)) == current:
                    low = mid
                else:
                    high = mid
            rows.append((high, value))
            current = value
        at = nxt
    return rows
