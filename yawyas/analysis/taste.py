"""Taste: what the person listens to, how varied it is, and how it changes.

Artists, tracks and albums come from music rows (`kind == "track"`); shows from episodes (the show
is in `artist_name`), audiobooks from audiobook rows (the title is in `artist_name`). A track is the
pair (track name, artist name), an album the pair (album name, artist name). Null and blank names
are left out; names are compared after trimming surrounding spaces. Listening time counts every
stream; plays count streams of at least 30 seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from yawyas.analysis.common import (
    BoolArray,
    IntArray,
    ObjArray,
    group_sums,
    label_codes,
    local_years,
    ms_played,
    name_codes,
    pair_codes,
    play_mask,
    top_positions,
    with_missing,
)

KINDS: Final = ("track", "episode", "audiobook", "video", "unknown")
UNKNOWN_COUNTRY: Final = "ZZ"

Entity = Literal["artist", "track", "album", "show", "audiobook"]
_ENTITY_KIND: Final[dict[str, str]] = {
    "artist": "track",
    "track": "track",
    "album": "track",
    "show": "episode",
    "audiobook": "audiobook",
}


@dataclass(frozen=True)
class Diversity:
    """How spread music listening time is over artists.

    `entropy_bits`: Shannon entropy (base 2) of the artists' shares of time; `effective_artists`:
    2 ** entropy, the number of equally loved artists that would give the same entropy;
    `top10_share`: share of time of the 10 most played artists; `artists`: artists with time > 0.
    """

    entropy_bits: float
    effective_artists: float
    top10_share: float
    artists: int


def kind_mask(streams: pd.DataFrame, kind: str) -> BoolArray:
    """True for the streams of one kind ("track", "episode", ...)."""
    codes, kinds = label_codes(streams["kind"])
    hits = np.flatnonzero(kinds == kind)
    if len(hits) == 0:
        return np.zeros(len(codes), dtype=bool)
    out: BoolArray = codes == int(hits[0])
    return out


def build_totals(streams: pd.DataFrame, entity: Entity) -> pd.DataFrame:
    """Every artist, track, album, show or audiobook with its streams, plays and ms (unordered).

    Columns: `name`, `artist` (tracks and albums only; may be None), `streams`, `plays`, `ms`.
    """
    rows = np.flatnonzero(kind_mask(streams, _ENTITY_KIND[entity]))
    ms = ms_played(streams)[rows]
    plays = play_mask(streams)[rows]
    artist_codes, artists = name_codes(streams["artist_name"])
    artist_codes = artist_codes[rows]
    if entity in ("artist", "show", "audiobook"):
        count, play_count, total = group_sums(artist_codes, len(artists), ms, plays)
        frame = pd.DataFrame(
            {
                "name": pd.Series(artists, dtype=object),
                "streams": count,
                "plays": play_count,
                "ms": total,
            }
        )
        return frame[frame["streams"] > 0].reset_index(drop=True)
    column = "track_name" if entity == "track" else "album_name"
    item_codes, items = name_codes(streams[column])
    codes, item_of, artist_of = pair_codes(item_codes[rows], artist_codes)
    count, play_count, total = group_sums(codes, len(item_of), ms, plays)
    used = np.flatnonzero(count > 0)
    item_of, artist_of = item_of[used], artist_of[used]
    return pd.DataFrame(
        {
            "name": pd.Series(items[item_of], dtype=object),
            "artist": pd.Series(with_missing(artists)[artist_of], dtype=object),
            "streams": count[used],
            "plays": play_count[used],
            "ms": total[used],
        }
    )


def build_top(
    totals: pd.DataFrame, *, by: Literal["ms", "plays"] = "ms", n: int = 10
) -> pd.DataFrame:
    """The `n` first rows of `build_totals` by `by` descending, ties broken by name then artist.

    Rows with nothing of `by` (0 ms, or no play) are left out.
    """
    primary = totals[by].to_numpy(dtype=np.int64)
    names: list[ObjArray] = [totals["name"].to_numpy(dtype=object)]
    if "artist" in totals:
        names.append(totals["artist"].to_numpy(dtype=object))
    best = top_positions(primary, names, n, eligible=primary > 0)
    return totals.iloc[best].reset_index(drop=True)


def _shares(ms: IntArray) -> np.ndarray:
    total = int(ms.sum())
    return ms / total if total else np.zeros(len(ms))


def build_kinds(streams: pd.DataFrame) -> pd.DataFrame:
    """Streams, plays, ms and share of ms for each of the five kinds (always all five, in order).

    An unexpected kind label counts as "unknown".
    """
    codes, labels = label_codes(streams["kind"])
    table = np.array(
        [KINDS.index(k) if k in KINDS else KINDS.index("unknown") for k in labels]
        + [KINDS.index("unknown")],
        dtype=np.int64,
    )
    count, plays, ms = group_sums(table[codes], len(KINDS), ms_played(streams), play_mask(streams))
    return pd.DataFrame(
        {"kind": list(KINDS), "streams": count, "plays": plays, "ms": ms, "share": _shares(ms)}
    )


def build_sources(streams: pd.DataFrame, local: pd.DataFrame) -> pd.DataFrame:
    """Where the history comes from: per source (a Spotify export kind, `api`, `lastfm`,
    `listenbrainz`) its streams, plays, ms and the local dates of its first and last start
    (`first_day`, `last_day`, datetime64). Sources without a stream are left out; ordered by
    first day, then name. `local` is `build_local_times` of the same streams."""
    codes, labels = label_codes(streams["source"])
    count, plays, ms = group_sums(codes, len(labels), ms_played(streams), play_mask(streams))
    days = local["local_date"].to_numpy(dtype="datetime64[s]")
    first = np.full(len(labels), np.datetime64("NaT"), dtype="datetime64[s]")
    last = first.copy()
    known = codes >= 0
    if known.any():
        order = np.lexsort((days[known], codes[known]))
        grouped, ordered = codes[known][order], days[known][order]
        edge = np.flatnonzero(np.diff(grouped)) + 1
        starts = np.concatenate([[0], edge])
        ends = np.concatenate([edge, [len(grouped)]]) - 1
        first[grouped[starts]] = ordered[starts]
        last[grouped[ends]] = ordered[ends]
    frame = pd.DataFrame(
        {
            "source": np.asarray(labels, dtype=object),
            "streams": count,
            "plays": plays,
            "ms": ms,
            "first_day": first,
            "last_day": last,
        }
    )
    frame = frame[frame["streams"] > 0]
    return frame.sort_values(["first_day", "source"], kind="stable").reset_index(drop=True)


def build_countries(streams: pd.DataFrame) -> pd.DataFrame:
    """Listening per connection country: country, streams, plays, ms, share of ms.

    Null and blank countries count as "ZZ" (unknown). Ordered by ms descending, then code.
    """
    codes, labels = label_codes(streams["conn_country"])
    cleaned = [str(c).strip().upper() or UNKNOWN_COUNTRY for c in labels] + [UNKNOWN_COUNTRY]
    merged_any, countries = pd.factorize(np.array(cleaned, dtype=object))
    merged = np.asarray(merged_any, dtype=np.int64)
    count, plays, ms = group_sums(
        merged[codes], len(countries), ms_played(streams), play_mask(streams)
    )
    frame = pd.DataFrame(
        {
            "country": np.asarray(countries, dtype=object),
            "streams": count,
            "plays": plays,
            "ms": ms,
            "share": _shares(ms),
        }
    )
    frame = frame[frame["streams"] > 0]
    return frame.sort_values(["ms", "country"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def build_diversity(
    streams: pd.DataFrame, *, top: int = 10, totals: pd.DataFrame | None = None
) -> Diversity:
    """Entropy of music listening time over artists, and the share of the `top` artists.

    Pass `totals` (`build_totals(streams, "artist")`) to reuse it.
    """
    if totals is None:
        totals = build_totals(streams, "artist")
    ms = totals["ms"].to_numpy(dtype=np.int64)
    ms = ms[ms > 0]
    total = int(ms.sum())
    if total == 0:
        return Diversity(0.0, 0.0, 0.0, 0)
    p = ms / total
    entropy = float(-(p * np.log2(p)).sum()) + 0.0  # + 0.0 turns -0.0 into 0.0
    top_ms = np.sort(ms)[::-1][:top].sum()
    return Diversity(
        entropy_bits=entropy,
        effective_artists=float(2.0**entropy),
        top10_share=float(top_ms / total),
        artists=len(ms),
    )


def _months(values: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of wall-clock datetime64 values."""
    return values.astype("datetime64[M]").astype(np.int64)


def _month_label(month: int) -> str:
    return str(np.datetime64(month, "M"))


DISCOVERY_WARMUP_MONTHS: Final = 3
"""The first months of a history, when every artist is new: their discoveries say little."""
FRESH_DAYS: Final = 90
"""An artist counts as a fresh discovery for this many days after its first play."""


def build_discovery(
    streams: pd.DataFrame,
    local: pd.DataFrame,
    *,
    since: pd.Timestamp | None = None,
    until: pd.Timestamp | None = None,
    examples: int = 3,
    warmup_months: int = DISCOVERY_WARMUP_MONTHS,
    fresh_days: int = FRESH_DAYS,
) -> pd.DataFrame:
    """New artists per month: each music artist counts once, in the local month of its first play.

    Give the WHOLE history (a first play is first over everything the frame holds) and, to report
    a period, `since`/`until` (local dates). The months run from the first to the last month with
    a stream (of any kind) inside the period, months without a new artist included with 0, so
    the curve reaches the end of the data. Columns:
    - `month` ("YYYY-MM"), `new_artists`, `artists` (up to `examples` of that month's new
      artists, most played overall first);
    - `warmup`: the month is one of the first `warmup_months` months of the history's music,
      when every artist is new (a chart should not let them set its scale);
    - `fresh_share`: the share of that month's music listening time spent on artists first
      played less than `fresh_days` days before (NaN in a month without music).
    `local` comes from `build_local_times` on the same streams.
    """
    columns: dict[str, list[Any]] = {
        "month": [],
        "new_artists": [],
        "artists": [],
        "warmup": [],
        "fresh_share": [],
    }
    music = kind_mask(streams, "track")
    codes, artists = name_codes(streams["artist_name"])
    rows = np.flatnonzero(music & play_mask(streams) & (codes >= 0))
    if len(rows) == 0:
        return pd.DataFrame(columns)
    all_starts = local["start_ms"].to_numpy(dtype=np.int64)
    starts = all_starts[rows]
    artist_of_row = codes[rows]
    first_start = np.full(len(artists), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_start, artist_of_row, starts)
    # the rows holding each artist's first start (the first of them on an exact tie)
    at_first = np.flatnonzero(starts == first_start[artist_of_row])
    artist_ids, where = np.unique(artist_of_row[at_first], return_index=True)
    every_month = _months(local["local_start"].to_numpy())
    months = every_month[rows[at_first[where]]]
    plays = np.bincount(codes[rows], minlength=len(artists))[artist_ids]
    warmup_end = int(months.min()) + warmup_months  # first month after the warm-up

    inside_all = np.ones(len(every_month), dtype=bool)
    if since is not None:
        inside_all &= every_month >= _months(np.array([since.to_datetime64()]))[0]
    if until is not None:
        inside_all &= every_month <= _months(np.array([until.to_datetime64()]))[0]
    if not inside_all.any():
        return pd.DataFrame(columns)
    lo, hi = int(every_month[inside_all].min()), int(every_month[inside_all].max())
    inside = (months >= lo) & (months <= hi)
    months, artist_ids, plays = months[inside], artist_ids[inside], plays[inside]
    counts = np.bincount(months - lo, minlength=hi - lo + 1)
    order = np.lexsort((artists[artist_ids].astype(str), -plays, months))
    named: dict[int, list[str]] = {}
    for i in order:
        bucket = named.setdefault(int(months[i]), [])
        if len(bucket) < examples:
            bucket.append(str(artists[artist_ids[i]]))

    # Fresh listening: music time on an artist within `fresh_days` of its first play.
    listened = np.flatnonzero(music & (codes >= 0) & inside_all)
    age = all_starts[listened] - first_start[codes[listened]]
    fresh = (age >= 0) & (age < fresh_days * 86_400_000)
    slot = every_month[listened] - lo
    ms = ms_played(streams)[listened]
    music_ms = np.bincount(slot, weights=ms, minlength=hi - lo + 1)
    fresh_ms = np.bincount(slot, weights=np.where(fresh, ms, 0), minlength=hi - lo + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        fresh_share = np.where(music_ms > 0, fresh_ms / np.maximum(music_ms, 1), np.nan)

    month_range = range(lo, hi + 1)
    return pd.DataFrame(
        {
            "month": [_month_label(m) for m in month_range],
            "new_artists": counts.astype(np.int64),
            "artists": [named.get(m, []) for m in month_range],
            "warmup": [m < warmup_end for m in month_range],
            "fresh_share": fresh_share.astype(np.float64),
        }
    )


def build_taste_by_year(streams: pd.DataFrame, local: pd.DataFrame, *, n: int = 5) -> pd.DataFrame:
    """The `n` top music artists of each local year by listening time (ties by name).

    Columns: `year`, `rank` (1 = most listened), `name`, `plays`, `ms`; years ascending.
    """
    rows = np.flatnonzero(kind_mask(streams, "track"))
    codes, artists = name_codes(streams["artist_name"])
    codes = codes[rows]
    named = codes >= 0
    rows, codes = rows[named], codes[named]
    out: dict[str, list[object]] = {"year": [], "rank": [], "name": [], "plays": [], "ms": []}
    if len(rows) == 0:
        return pd.DataFrame(out)
    years = local_years(local)[rows]
    first_year = int(years.min())
    # (year, artist) groups: usually a dense table of a few dozen years times the artists.
    groups, year_of, artist_of = pair_codes(years - first_year, codes)
    _, plays, ms = group_sums(
        groups, len(year_of), ms_played(streams)[rows], play_mask(streams)[rows]
    )
    names = with_missing(artists)[artist_of]
    for year in np.unique(year_of[ms > 0]):
        in_year = (year_of == year) & (ms > 0)
        for rank, p in enumerate(top_positions(ms, [names], n, eligible=in_year), 1):
            out["year"].append(int(year) + first_year)
            out["rank"].append(rank)
            out["name"].append(str(names[p]))
            out["plays"].append(int(plays[p]))
            out["ms"].append(int(ms[p]))
    return pd.DataFrame(out)
