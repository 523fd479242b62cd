"""Account data (`StreamingHistory_music_N.json` and kin): plays to the minute, by name."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from yawyas.sources.dates import IMPLAUSIBLE_DATE, plausible_span
from yawyas.sources.exports.kinds import (
    ACCOUNT_AUDIOBOOK,
    ACCOUNT_MIXED,
    ACCOUNT_MUSIC,
    ACCOUNT_PODCAST,
    clean_name,
    valid_ms,
)

# --------------------------------------------------------------------------- account data

ACCOUNT_KEYS = {  # kind -> (creator key, title key)
    ACCOUNT_MUSIC: ("artistName", "trackName"),
    ACCOUNT_MIXED: ("artistName", "trackName"),
    ACCOUNT_PODCAST: ("podcastName", "episodeName"),
    ACCOUNT_AUDIOBOOK: ("audiobookName", "chapterName"),
}
_EPOCH_DAY = datetime(1970, 1, 1).date()


class AccountPlay(NamedTuple):
    """One row of an account-data history: the minute it ended (UTC, unix minutes), who made it
    (artist, show or book), its title (track, episode or chapter), ms played, and the
    audiobook's author where given."""

    minute: int
    creator: str | None
    title: str | None
    ms_played: int
    author: str | None


@dataclass(frozen=True)
class AccountPlays:
    """One account-data history file: its valid rows, and the others counted by reason."""

    rows: int
    skipped: dict[str, int]
    plays: list[AccountPlay]


def parse_end_minute(end_time: Any) -> int | None:
    """Unix minutes of an account-data `endTime` ("2024-01-31 18:05", UTC)."""
    if not isinstance(end_time, str) or len(end_time) < 16:
        return None
    try:
        day = (datetime.fromisoformat(end_time[:10]).date() - _EPOCH_DAY).days
        return day * 1440 + int(end_time[11:13]) * 60 + int(end_time[14:16])
    except ValueError:
        return None


def read_account(rows: list[Any], kind: str) -> AccountPlays:
    """The plays of one account-data file of `kind` (music, podcast, audiobook or mixed); rows
    whose `endTime` is outside `plausible_span(kind)` are skipped as "implausible date"."""
    creator_key, title_key = ACCOUNT_KEYS[kind]
    first, last = plausible_span(kind)
    skipped: Counter[str] = Counter()
    plays: list[AccountPlay] = []
    for r in rows:
        if not isinstance(r, dict):
            skipped["row is not an object"] += 1
            continue
        minute = parse_end_minute(r.get("endTime"))
        if minute is None:
            skipped["unreadable endTime"] += 1
            continue
        if not first <= minute * 60 <= last:
            skipped[IMPLAUSIBLE_DATE] += 1
            continue
        ms = valid_ms(r.get("msPlayed"))
        if ms is None:
            skipped["unreadable msPlayed"] += 1
            continue
        plays.append(
            AccountPlay(
                minute,
                clean_name(r.get(creator_key)),
                clean_name(r.get(title_key)),
                ms,
                clean_name(r.get("authorName")),
            )
        )
    return AccountPlays(len(rows), dict(skipped), plays)
