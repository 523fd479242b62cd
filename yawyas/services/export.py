"""The clean history as a file or a stream: CSV, Parquet or JSON lines, one row per stream.

Types, per format:
- Parquet: `played_at` and `offline_at` are UTC timestamps; `local_time` is the local wall-clock
  start as a timestamp without a zone (streams placed travel-aware sit in several zones, which one
  zone-aware column cannot hold) beside `utc_offset_min`, so `local_time - utc_offset_min minutes`
  is the UTC start; `local_date` is a date; booleans are booleans (null: not recorded).
- CSV and JSON lines: `played_at`, `offline_at` as 'YYYY-MM-DDTHH:MM:SSZ'; `local_time` as ISO
  8601 with its offset ('2024-05-04T07:12:33+02:00'); `local_date` as 'YYYY-MM-DD'. Booleans are
  1 / 0 / empty in CSV (so every chunk a CSV reader guesses is numeric: pandas reads them without
  a mixed-types warning) and true / false / null in JSON lines.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final, TextIO

import numpy as np
import orjson

from yawyas.errors import BadInputError
from yawyas.services.outfiles import check_target, replacing

if TYPE_CHECKING:
    import pandas as pd

    from yawyas.settings import Config

FORMATS: Final = ("csv", "parquet", "jsonl")
SUFFIX_FORMATS: Final = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl"}
STREAMABLE: Final = ("csv", "jsonl")
EXPORT_COLUMNS: Final = (
    "played_at",
    "local_time",
    "utc_offset_min",
    "local_date",
    "local_hour",
    "weekday",
    "ms_played",
    "kind",
    "track_name",
    "artist_name",
    "album_name",
    "uri",
    "device",
    "platform",
    "conn_country",
    "reason_start",
    "reason_end",
    "shuffle",
    "skipped",
    "offline",
    "offline_at",
    "incognito_mode",
    "context_uri",
    "source",
    "moment",
    "audience",
    "audience_confidence",
)
BOOLEAN_COLUMNS: Final = ("shuffle", "skipped", "offline", "incognito_mode")
CHUNK_ROWS: Final = 100_000


def parse_day(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option value, or a sentence saying what was expected."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInputError(f"{option} {value!r} is not a date: use YYYY-MM-DD.") from None


def parse_period(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """The first and last local day asked for (inclusive), or a sentence saying what is wrong."""
    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    if first and last and first > last:
        raise BadInputError(
            f"--since {first} is after --until {last}: swap the dates or widen the period."
        )
    return first, last


def export_format(out: Path | None, fmt: str | None) -> str:
    """The format to write: `fmt` if given, else from `out`'s suffix; `out` None is stdout
    (CSV unless `fmt` says jsonl). A sentence for anything else."""
    if fmt is not None and fmt not in FORMATS:
        raise BadInputError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}.")
    if out is None:
        chosen = fmt or "csv"
        if chosen not in STREAMABLE:
            raise BadInputError(
                f"--out - writes only {' or '.join(STREAMABLE)} to stdout; give Parquet a file."
            )
        return chosen
    by_suffix = SUFFIX_FORMATS.get(out.suffix.lower())
    if by_suffix is None:
        raise BadInputError(f"{out} has an unknown suffix: use one of {', '.join(SUFFIX_FORMATS)}.")
    if fmt is not None and fmt != by_suffix:
        raise BadInputError(
            f"--format {fmt} does not match {out.name}: drop --format or use a {fmt} suffix."
        )
    return by_suffix


def build_plays_frame(
    conn: sqlite3.Connection,
    *,
    since: str | None = None,
    until: str | None = None,
    tz: str = "UTC",
    travel_aware: bool = False,
    config: Config | None = None,
) -> pd.DataFrame:
    """The export's rows, typed, in time order: `since`/`until` (inclusive) are LOCAL days of
    the stream's start in `tz` (as in `profile`); see the module docstring for the columns.
    `audience` is who each stream was for, with the person's labels from `config`."""
    import pandas as pd

    from yawyas.analysis.clock import build_local_times
    from yawyas.analysis.devices import build_device_families
    from yawyas.services.audience import audience_names, load_audiences
    from yawyas.services.moments import plays_moment_columns
    from yawyas.settings import Config
    from yawyas.store.cache import load_history

    first, last = parse_period(since, until)
    history = load_history(conn)
    local = build_local_times(history, tz, travel_aware=travel_aware)
    moment = plays_moment_columns(conn, history, tz=tz, travel_aware=travel_aware)["moment"]
    codes, confidence, _ = load_audiences(
        conn,
        config or Config(path=Path("config.toml")),
        tz=tz,
        travel_aware=travel_aware,
        history=history,
    )
    keep = np.ones(len(history), dtype=bool)
    day = local["local_date"].to_numpy()
    if first is not None:
        keep &= day >= np.datetime64(first, "s")
    if last is not None:
        keep &= day <= np.datetime64(last, "s")
    if not keep.all():
        history, local, moment = history[keep], local[keep], moment[keep]
        codes, confidence = codes[keep], confidence[keep]

    wall_ms = local["local_start"].to_numpy().astype("datetime64[ms]").astype(np.int64)
    start_ms = local["start_ms"].to_numpy(dtype=np.int64)
    offline = history["offline_at"]
    frame = pd.DataFrame(
        {
            "played_at": pd.to_datetime(history["played_at"].to_numpy(), unit="s", utc=True),
            "local_time": (wall_ms // 1000).astype("datetime64[s]"),
            "utc_offset_min": np.round((wall_ms - start_ms) / 60_000).astype(np.int16),
            "local_date": local["local_date"].to_numpy().astype("datetime64[s]"),
            "local_hour": local["hour"].to_numpy(dtype=np.int8),
            "weekday": local["weekday"].to_numpy(dtype=np.int8),
        }
    )
    for name in (
        "ms_played",
        "kind",
        "track_name",
        "artist_name",
        "album_name",
        "uri",
        "platform",
        "conn_country",
        "reason_start",
        "reason_end",
        *BOOLEAN_COLUMNS,
        "context_uri",
        "source",
    ):
        frame[name] = history[name].to_numpy() if name == "ms_played" else history[name].array
    frame["device"] = build_device_families(history["platform"]).array
    frame["offline_at"] = pd.to_datetime(
        offline.to_numpy(dtype="float64", na_value=np.nan), unit="s", utc=True
    ).as_unit("s")
    frame["played_at"] = frame["played_at"].dt.as_unit("s")
    frame["moment"] = moment.to_numpy(dtype=object)
    frame["audience"] = audience_names(codes)
    frame["audience_confidence"] = np.round(confidence.astype(np.float64), 3)
    return frame[list(EXPORT_COLUMNS)]


def write_plays(
    conn: sqlite3.Connection,
    out: Path,
    *,
    fmt: str | None = None,
    force: bool = False,
    since: str | None = None,
    until: str | None = None,
    tz: str = "UTC",
    travel_aware: bool = False,
    config: Config | None = None,
) -> int:
    """Write the history to the file `out` (format from `fmt` or the suffix), replacing an
    existing file only with `force`; return the number of rows. Checked before any work; the
    file appears whole or not at all."""
    chosen = export_format(out, fmt)
    parse_period(since, until)
    check_target(out, force=force)
    frame = build_plays_frame(
        conn, since=since, until=until, tz=tz, travel_aware=travel_aware, config=config
    )
    with replacing(out) as partial:
        if chosen == "parquet":
            _write_parquet(frame, partial)
        else:
            with partial.open("w", encoding="utf-8", newline="") as handle:
                write_text(frame, handle, chosen)
    return len(frame)


def stream_plays(
    conn: sqlite3.Connection,
    handle: TextIO,
    *,
    fmt: str | None = None,
    since: str | None = None,
    until: str | None = None,
    tz: str = "UTC",
    travel_aware: bool = False,
    config: Config | None = None,
) -> int:
    """Write the history to an open text stream (stdout) as CSV or JSON lines; the row count."""
    chosen = export_format(None, fmt)
    frame = build_plays_frame(
        conn, since=since, until=until, tz=tz, travel_aware=travel_aware, config=config
    )
    write_text(frame, handle, chosen)
    return len(frame)


def write_text(frame: pd.DataFrame, handle: TextIO, fmt: str) -> None:
    """Write a `build_plays_frame` frame as CSV or JSON lines, a chunk of rows at a time."""
    for i, chunk in enumerate(_chunks(frame)):
        if fmt == "csv":
            _csv_chunk(chunk).to_csv(handle, index=False, header=i == 0, lineterminator="\n")
        else:
            handle.write(_jsonl_chunk(chunk))
    if fmt == "csv" and len(frame) == 0:
        handle.write(",".join(EXPORT_COLUMNS) + "\n")
    handle.flush()


def _chunks(frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), CHUNK_ROWS):
        yield frame.iloc[start : start + CHUNK_ROWS]


def _utc_text(values: pd.Series) -> np.ndarray:
    """'YYYY-MM-DDTHH:MM:SSZ' of UTC timestamps; None where missing."""
    raw = values.dt.tz_localize(None).to_numpy().astype("datetime64[s]")
    text = np.char.add(np.datetime_as_string(raw, unit="s"), "Z").astype(object)
    text[np.isnat(raw)] = None
    return text


def _text_columns(chunk: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns whose text form differs from their values: times, dates, offsets."""
    offset = chunk["utc_offset_min"].to_numpy(dtype=np.int64)
    uniques, inverse = np.unique(offset, return_inverse=True)
    suffixes = np.array(
        [f"{'+' if m >= 0 else '-'}{abs(m) // 60:02d}:{abs(m) % 60:02d}" for m in uniques],
        dtype=object,
    )
    local = np.datetime_as_string(chunk["local_time"].to_numpy().astype("datetime64[s]"), unit="s")
    days = np.datetime_as_string(chunk["local_date"].to_numpy().astype("datetime64[D]"), unit="D")
    return {
        "played_at": _utc_text(chunk["played_at"]),
        "local_time": local.astype(object) + suffixes[inverse.reshape(-1)],
        "local_date": days.astype(object),
        "offline_at": _utc_text(chunk["offline_at"]),
    }


def _csv_chunk(chunk: pd.DataFrame) -> pd.DataFrame:
    out = chunk.copy()
    for name, values in _text_columns(chunk).items():
        out[name] = values
    for name in BOOLEAN_COLUMNS:
        out[name] = chunk[name].astype("Int8")
    return out


def _jsonl_chunk(chunk: pd.DataFrame) -> str:
    import pyarrow as pa

    texts = _text_columns(chunk)
    plain = chunk.drop(columns=list(texts))
    columns: dict[str, list[object]] = {
        name: pa.array(plain[name], from_pandas=True).to_pylist() for name in plain.columns
    }
    columns.update({name: list(values) for name, values in texts.items()})
    rows = zip(*(columns[name] for name in EXPORT_COLUMNS), strict=True)
    return "".join(
        orjson.dumps(dict(zip(EXPORT_COLUMNS, row, strict=True))).decode() + "\n" for row in rows
    )


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    i = table.schema.get_field_index("local_date")
    table = table.set_column(i, "local_date", table.column("local_date").cast(pa.date32()))
    pq.write_table(table, path)
