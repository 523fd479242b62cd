"""The kinds of export files, as reported to the person, and the shared name cleaning."""

from __future__ import annotations

import re
from typing import Any

# Kinds of files, as reported to the person.
EXTENDED_AUDIO = "extended_audio"
EXTENDED_VIDEO = "extended_video"
ACCOUNT_MUSIC = "account_music"
ACCOUNT_PODCAST = "account_podcast"
ACCOUNT_AUDIOBOOK = "account_audiobook"
ACCOUNT_MIXED = "account_mixed"
PLAYLISTS = "playlists"
LIBRARY = "library"
INFERENCES = "inferences"
EMPTY = "empty"
NOT_LISTENING = "not listening data"
# scrobble histories from elsewhere (read by sources/lastfm.py and sources/listenbrainz.py)
LASTFM = "lastfm"
LISTENBRAINZ = "listenbrainz"

STREAM_KINDS = (
    EXTENDED_AUDIO,
    EXTENDED_VIDEO,
    ACCOUNT_MUSIC,
    ACCOUNT_PODCAST,
    ACCOUNT_AUDIOBOOK,
    ACCOUNT_MIXED,
    LASTFM,
    LISTENBRAINZ,
)


# The longest stream a file can record: 2**31 - 1 ms, 24.8 days (real exports top out at a
# few hours). Anything longer, a fraction, a negative number or a value beyond 64 bits (`1e30`)
# is counted as unreadable, so sums over millions of streams can never overflow.
MAX_MS_PLAYED = 2**31 - 1


def valid_ms(value: Any) -> int | None:
    """A `ms_played` / `msPlayed` value as an int, or None when it is not a whole number from
    0 to MAX_MS_PLAYED (booleans, strings, fractions, 1e30 and NaN included)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():  # NaN and infinities too
        return None
    if not 0 <= value <= MAX_MS_PLAYED:
        return None
    return int(value)


def clean_name(value: Any) -> str | None:
    """A name as the store keeps it: stripped, None when empty or missing."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# Names under which Spotify ships listening data: such a file must parse and have a known shape.
LISTENING_NAME = re.compile(
    r"(streaming_?history|endsong|endvideo|playlist\d|yourlibrary|inferences)", re.IGNORECASE
)
