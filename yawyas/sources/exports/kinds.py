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
