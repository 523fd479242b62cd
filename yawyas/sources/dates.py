"""Which dates a play can have: one rule for every source, by its kind.

A stream dated before its source existed, or later than tomorrow, is a broken clock or a broken
file (a 1970 `ts`, a 2099 `endTime`): imports skip such rows, counted as "implausible date", and
the store leaves out any it holds (an older yawyas kept them), so one bad row never skews an
analysis. Spotify launched in October 2008: every Spotify kind (extended history, account data,
the Web API) starts at 2008-01-01. Scrobbles (Last.fm, ListenBrainz) reach back to
Audioscrobbler's start, 2002-01-01.
"""

from __future__ import annotations

import time
from typing import Final

IMPLAUSIBLE_DATE: Final = "implausible date"  # the reason rows are counted under

SPOTIFY_EARLIEST_S: Final = 1_199_145_600  # 2008-01-01T00:00:00Z
SCROBBLE_EARLIEST_S: Final = 1_009_843_200  # 2002-01-01T00:00:00Z
FUTURE_SLACK_S: Final = 86_400  # nothing later than now plus a day
SCROBBLE_KINDS: Final = frozenset({"lastfm", "listenbrainz"})


def plausible_span(kind: str, now: float | None = None) -> tuple[int, int]:
    """The first and last UTC second (inclusive) at which a stream of source `kind` can have
    ended: from the source's start (Spotify kinds 2008-01-01, scrobble kinds 2002-01-01) to
    `now` (default: the clock) plus one day."""
    first = SCROBBLE_EARLIEST_S if kind in SCROBBLE_KINDS else SPOTIFY_EARLIEST_S
    last = int(time.time() if now is None else now) + FUTURE_SLACK_S
    return first, last
