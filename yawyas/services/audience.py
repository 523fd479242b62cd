"""Who each stream of the store was played for, computed once per history and set of the
person's own labels, and kept beside the store until either changes.

The audiences are aligned with `store.cache.load_history(conn)` (the whole history, in the
store's order). Reading them back needs numpy only, no pandas: `yawyas moments` stays fast.
"""

from __future__ import annotations

import base64
import hashlib
import sqlite3
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import numpy as np
import orjson

from yawyas.analysis.audience.types import (
    AUDIENCES,
    YOU,
    Finding,
    Overrides,
    finding_doc,
    finding_from,
    parse_overrides,
)
from yawyas.errors import BadInputError
from yawyas.store.cache import load_derived, save_derived

if TYPE_CHECKING:
    import pandas as pd

    from yawyas.analysis.audience.build import Audiences
    from yawyas.analysis.common import IntArray
    from yawyas.settings import Config

AUDIENCE_VERSION: Final = "1"
NO_OVERRIDES: Final = Overrides()


def audience_overrides(config: Config) -> Overrides:
    """The person's own labels from the config file (`[audience]`, `[moments.<id>] audience`);
    a value that is not an audience is one sentence naming the key (exit code 2)."""
    moments = config.get("moments", default={})
    try:
        return parse_overrides(
            config.get("audience"),
            moments if isinstance(moments, dict) else {},
            str(config.path),
        )
    except ValueError as exc:
        raise BadInputError(str(exc)) from None


def _name(overrides: Overrides, tz: str, travel_aware: bool) -> str:
    question = "|".join(
        [AUDIENCE_VERSION, tz, "travel" if travel_aware else "home", overrides.digest_text()]
    )
    return "audience." + hashlib.sha256(question.encode()).hexdigest()[:16]


def _pack(array: np.ndarray) -> str:
    return base64.b64encode(zlib.compress(array.tobytes(), 1)).decode("ascii")


def _unpack(text: str, dtype: str) -> np.ndarray:
    return np.frombuffer(zlib.decompress(base64.b64decode(text)), dtype=dtype)


def encode_audiences(audiences: Audiences) -> bytes:
    """The audiences as a JSON document (arrays compressed, base64)."""
    doc = {
        "version": AUDIENCE_VERSION,
        "streams": len(audiences.codes),
        "codes": _pack(audiences.codes.astype("<i1")),
        "confidence": _pack(np.round(audiences.confidence * 1000).astype("<u2")),
        "findings": [finding_doc(f) for f in audiences.findings],
    }
    return orjson.dumps(doc)


def decode_audiences(data: bytes) -> tuple[np.ndarray, np.ndarray, tuple[Finding, ...]] | None:
    """(codes, confidence, findings) back from `encode_audiences`; None when unreadable."""
    try:
        doc = orjson.loads(data)
        codes = _unpack(doc["codes"], "<i1").astype(np.int8)
        confidence = _unpack(doc["confidence"], "<u2").astype(np.float32) / 1000
        findings = tuple(finding_from(f) for f in doc["findings"])
    except (ValueError, KeyError, TypeError, zlib.error):
        return None
    if doc.get("version") != AUDIENCE_VERSION or len(codes) != int(doc["streams"]):
        return None
    return codes, confidence, findings


def compute_audiences(
    conn: sqlite3.Connection,
    streams: pd.DataFrame,
    local: pd.DataFrame,
    *,
    overrides: Overrides = NO_OVERRIDES,
    moment_labels: IntArray | None = None,
    moment_ids: Sequence[str] = (),
    memberships: Sequence[tuple[str, int]] | None = None,
    genres: dict[int, tuple[str, ...]] | None = None,
) -> Audiences:
    """`build_audiences` of `streams` with the store's playlists and genres (pass them when
    already loaded)."""
    from yawyas.analysis.audience.build import build_audiences
    from yawyas.store.metadata import load_item_genres
    from yawyas.store.spotify import load_playlist_memberships

    return build_audiences(
        streams,
        local,
        memberships=load_playlist_memberships(conn) if memberships is None else memberships,
        genres=load_item_genres(conn) if genres is None else genres,
        moment_labels=moment_labels,
        moment_ids=moment_ids,
        overrides=overrides,
    )


def save_audiences(
    conn: sqlite3.Connection,
    audiences: Audiences,
    *,
    tz: str,
    travel_aware: bool,
    overrides: Overrides = NO_OVERRIDES,
) -> None:
    """Keep the audiences of the store's whole history beside the store (best effort)."""
    save_derived(conn, _name(overrides, tz, travel_aware), encode_audiences(audiences))


def load_audiences(
    conn: sqlite3.Connection,
    config: Config,
    *,
    tz: str,
    travel_aware: bool = False,
    history: pd.DataFrame | None = None,
) -> tuple[np.ndarray, np.ndarray, tuple[Finding, ...]]:
    """(codes, confidence, findings) of every stream of `load_history(conn)` (codes index
    AUDIENCES), with the person's own labels: read back when computed for this history and
    these labels, else computed (learning the moments first when a label names one) and kept.
    Pass `history` when it is already loaded."""
    overrides = audience_overrides(config)
    name = _name(overrides, tz, travel_aware)
    saved = load_derived(conn, name)
    decoded = decode_audiences(saved) if saved is not None else None
    if decoded is not None:
        return decoded
    from yawyas.analysis.clock import build_local_times
    from yawyas.store.cache import load_history

    labels: IntArray | None = None
    ids: tuple[str, ...] = ()
    if overrides.moments:
        labels, ids = _moment_labels(conn, tz=tz, travel_aware=travel_aware)
        saved = load_derived(conn, name)  # learning the moments may have computed them
        decoded = decode_audiences(saved) if saved is not None else None
        if decoded is not None:
            return decoded
    if history is None:
        history = load_history(conn)
    local = build_local_times(history, tz, travel_aware=travel_aware)
    audiences = compute_audiences(
        conn, history, local, overrides=overrides, moment_labels=labels, moment_ids=ids
    )
    save_derived(conn, name, encode_audiences(audiences))
    return audiences.codes, audiences.confidence, audiences.findings


def _moment_labels(
    conn: sqlite3.Connection, *, tz: str, travel_aware: bool
) -> tuple[IntArray, tuple[str, ...]]:
    """Each stream's moment (index into the ids, -1 for none), learned if need be."""
    from yawyas.services.moments import ensure_moments
    from yawyas.store.moments import load_stream_labels

    view = ensure_moments(conn, tz=tz, travel_aware=travel_aware)
    _, labels = load_stream_labels(conn)
    return labels, tuple(m.id for m in view.moments)


def mine_mask(codes: np.ndarray) -> np.ndarray:
    """Per stream: the person's own listening."""
    out: np.ndarray = codes == YOU
    return out


def audience_names(codes: np.ndarray) -> np.ndarray:
    """Per stream: its audience as text ("you", "kids", ...)."""
    table = np.array(AUDIENCES, dtype=object)
    out: np.ndarray = table[codes.astype(np.int64)]
    return out


def mine_at(
    play_starts_s: np.ndarray, history_starts_ms: np.ndarray, codes: np.ndarray
) -> np.ndarray:
    """Per play started at `play_starts_s` (UTC s; the playlist steps' plays): whether it is the
    person's own, by the history's streams that start in the same second (all of them own: own;
    none there: own)."""
    seconds = history_starts_ms // 1000
    order = np.argsort(seconds, kind="stable")
    sorted_s = seconds[order]
    other = np.concatenate([[0], np.cumsum(codes[order] != YOU)])
    left = np.searchsorted(sorted_s, play_starts_s, side="left")
    right = np.searchsorted(sorted_s, play_starts_s, side="right")
    out: np.ndarray = (other[right] - other[left]) == 0
    return out


def load_mine_plays(
    conn: sqlite3.Connection, config: Config, tz: str, play_starts_s: np.ndarray
) -> np.ndarray:
    """Per play of the playlist steps (their UTC starts, in seconds, all from this history):
    the person's own; kept beside the store, so that `playlist now` reads no history."""
    overrides = audience_overrides(config)
    digest = hashlib.sha256(
        f"{_name(overrides, tz, False)}|{len(play_starts_s)}".encode()
    ).hexdigest()[:16]
    name = "mine." + digest
    saved = load_derived(conn, name)
    if saved is not None:
        try:
            bits = np.frombuffer(zlib.decompress(base64.b64decode(saved)), dtype=np.uint8)
            mine = np.unpackbits(bits, count=len(play_starts_s)).astype(bool)
        except (ValueError, zlib.error):
            pass
        else:
            return mine
    from yawyas.analysis.common import start_ms
    from yawyas.store.cache import load_history

    history = load_history(conn)
    codes, _, _ = load_audiences(conn, config, tz=tz, history=history)
    mine = mine_at(np.asarray(play_starts_s, dtype=np.int64), start_ms(history), codes)
    save_derived(conn, name, base64.b64encode(zlib.compress(np.packbits(mine).tobytes(), 1)))
    return mine
