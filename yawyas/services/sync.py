"""Spotify into the store: `sync` (plays, top lists, saved tracks, playlists) and `enrich`
(one lookup per track and artist, cached, resumable).

Both take a spotipy client and a store connection and never make them; progress goes out
through callbacks. Each step fetches first and then writes in its own transaction, so a
failure (a long rate limit, an expired login) keeps every step done before it.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from yawyas.errors import AuthError, BadInputError, RateLimitedError, SpotifyError
from yawyas.services.scrobbles import refresh_scrobble_durations, settle_synced_plays
from yawyas.settings import Config, Paths
from yawyas.sources import spotify as sp
from yawyas.store.db import transaction
from yawyas.store.dimensions import Dimensions
from yawyas.store.metadata import (
    load_artists_to_enrich,
    load_tracks_to_enrich,
    save_artist_meta,
    save_track_meta,
)
from yawyas.store.spotify import (
    RECENT_CURSOR,
    load_state,
    load_status,
    mark_changed,
    mark_reconciled,
    needs_reconcile,
    reconcile_api_streams,
    save_api_plays,
    save_state,
)
from yawyas.store.spotify_library import (
    load_newest_saved_s,
    load_playlist_snapshots,
    mark_playlist_not_available,
    save_playlist_items,
    save_playlists,
    save_saved_tracks,
    save_top_snapshot,
)

DEFAULT_REDIRECT_URI = "http://127.0.0.1:8888/callback"
DEFAULT_MAX_WAIT_S = 60.0
ENRICH_BATCH = 20  # lookups per transaction: Ctrl-C loses at most this many

Step = Callable[[str], None]  # the name of the step starting
EnrichProgress = Callable[[str, int, int], None]  # ("tracks" | "artists", done, total)
K = TypeVar("K")
V = TypeVar("V")


# --------------------------------------------------------------------------- settings


def spotify_config(
    paths: Paths,
    config: Config,
    *,
    environ: Mapping[str, str] | None = None,
    require_client_id: bool = True,
) -> sp.SpotifyConfig:
    """Where Spotify is and who yawyas is: SPOTIPY_CLIENT_ID / SPOTIPY_REDIRECT_URI, else the
    config file's [spotify] client_id / redirect_uri; YAWYAS_SPOTIFY_API / _ACCOUNTS; the token
    file `paths.token_cache` (YAWYAS_TOKEN_CACHE)."""
    env = os.environ if environ is None else environ
    client_id = env.get("SPOTIPY_CLIENT_ID") or str(config.get("spotify", "client_id") or "")
    if require_client_id and not client_id.strip():
        raise BadInputError(
            "No Spotify client id: create an app at https://developer.spotify.com/dashboard, "
            "then set SPOTIPY_CLIENT_ID or write its client_id in the spotify section of "
            f"{config.path}."
        )
    redirect_uri = (
        env.get("SPOTIPY_REDIRECT_URI")
        or str(config.get("spotify", "redirect_uri") or "")
        or DEFAULT_REDIRECT_URI
    )
    return sp.SpotifyConfig.from_env(
        client_id.strip(), redirect_uri.strip(), paths.token_cache, environ=env
    )


def max_wait_s(option: float | None, config: Config) -> float:
    """The longest Retry-After to wait out: `--max-wait`, else config `spotify.max_wait_s`,
    else 60 s."""
    value: Any = option if option is not None else config.get("spotify", "max_wait_s")
    if value is None:
        return DEFAULT_MAX_WAIT_S
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise BadInputError(
            f"max_wait_s in the spotify section of {config.path} must be a number of seconds, "
            f"not {value!r}."
        )
    return float(value)


# --------------------------------------------------------------------------- sync


@dataclass
class SyncReport:
    """What one sync did."""

    user_id: str = ""
    plays_fetched: int = 0
    streams_added: int = 0
    duplicates: int = 0  # plays already in the store, from the API or an export
    window_full: bool = False  # so many plays since the last sync that some may be lost
    reconciled: int = 0  # API streams dropped because an imported export covers them
    top_taken_on: str | None = None  # the day of the snapshot written now, if any
    saved_added: int = 0
    playlists: int = 0
    playlists_read: int = 0
    playlists_not_available: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def sync(
    client: Any,
    conn: sqlite3.Connection,
    *,
    policy: sp.RetryPolicy | None = None,
    on_step: Step | None = None,
    full: bool = False,
    now_s: float | None = None,
) -> SyncReport:
    """Bring the store up to date with the person's Spotify account.

    Recently played: only plays after the saved cursor (the API shows the last ~50 only, so
    sync often); top lists: one snapshot a day (`full`: again); saved tracks: the newly saved
    (`full`: all, dropping the unsaved); playlists: metadata of all, items of those the person
    owns or collaborates on whose snapshot changed (`full`: all of them).
    """
    policy = policy or sp.RetryPolicy()
    step = on_step or (lambda _name: None)
    now = time.time() if now_s is None else now_s
    report = SyncReport()

    step("profile")
    me = sp.fetch_me(client, policy=policy)
    report.user_id = me.id
    with transaction(conn):
        known = load_state(conn, "user_id")
        if known and known != me.id:
            raise BadInputError(
                f"This store holds the Spotify history of {known!r} but you are logged in as "
                f"{me.id!r}; log in as {known!r} or use another store (--db)."
            )
        save_state(conn, "user_id", me.id)
        if needs_reconcile(conn):
            report.reconciled = reconcile_api_streams(conn)
            if report.reconciled:
                mark_changed(conn)
            mark_reconciled(conn)

    step("recently played")
    cursor = load_state(conn, RECENT_CURSOR)
    after_ms = int(cursor) if cursor else None
    plays = sp.fetch_recently_played(client, after_ms, policy=policy)
    report.plays_fetched = len(plays)
    report.window_full = after_ms is not None and len(plays) >= sp.PAGE_LIMIT
    with transaction(conn):
        added, duplicates = save_api_plays(conn, Dimensions(conn), plays)
        report.streams_added, report.duplicates = added, duplicates
        if plays:
            newest = max(p.played_at_ms for p in plays)
            save_state(conn, RECENT_CURSOR, max(newest, after_ms or 0))
        if added:
            # scrobbles of these plays give way to them (services/scrobbles.py)
            oldest = min(p.played_at_ms for p in plays)
            settle_synced_plays(conn, oldest // 1000, newest // 1000, [p.track.uri for p in plays])
            mark_changed(conn)

    today = datetime.fromtimestamp(now, UTC).date().isoformat()
    if full or load_state(conn, "top_taken_on") != today:
        step("top tracks and artists")
        tracks = [
            t for r in sp.TIME_RANGES for t in sp.fetch_top(client, "tracks", r, policy=policy)
        ]
        artists = [
            a for r in sp.TIME_RANGES for a in sp.fetch_top(client, "artists", r, policy=policy)
        ]
        with transaction(conn):
            save_top_snapshot(conn, Dimensions(conn), today, tracks, artists)
            save_state(conn, "top_taken_on", today)
        report.top_taken_on = today

    step("saved tracks")
    newest_s = None if full else load_newest_saved_s(conn)
    stop_at = None if newest_s is None else newest_s * 1000
    saved = sp.fetch_saved_tracks(client, stop_at_added_ms=stop_at, policy=policy)
    with transaction(conn):
        report.saved_added = save_saved_tracks(
            conn, Dimensions(conn), saved, replace=stop_at is None
        )

    step("playlists")
    _sync_playlists(client, conn, me.id, policy, full, report)

    with transaction(conn):
        save_state(conn, "last_sync_at", int(now))
    return report


def _sync_playlists(
    client: Any,
    conn: sqlite3.Connection,
    user_id: str,
    policy: sp.RetryPolicy,
    full: bool,
    report: SyncReport,
) -> None:
    """Every playlist's metadata; the items of those the person may read (403: metadata
    only, never a crash), fetched again only when their snapshot changed."""
    playlists = sp.fetch_playlists(client, policy=policy)
    report.playlists = len(playlists)
    read_at = {} if full else load_playlist_snapshots(conn)
    items: dict[str, list[sp.PlaylistEntry]] = {}
    refused: list[sp.PlaylistInfo] = []
    for p in playlists:
        if p.owner_id != user_id and not p.collaborative:
            continue  # someone else's: Spotify gives dev-mode apps its metadata only
        if p.snapshot_id is not None and read_at.get(p.id) == p.snapshot_id:
            continue
        try:
            items[p.id] = sp.fetch_playlist_items(client, p.id, policy=policy)
        except sp.NotAvailableError:
            refused.append(p)
        except sp.MissingError:
            continue  # deleted since the list was read
    with transaction(conn):
        save_playlists(conn, playlists)
        dims = Dimensions(conn)
        for p in playlists:
            if p.id in items:
                save_playlist_items(conn, dims, p.id, p.snapshot_id, items[p.id])
        for p in refused:
            mark_playlist_not_available(conn, p.id, p.snapshot_id)
    report.playlists_read = len(items)
    report.playlists_not_available = len(refused)


# --------------------------------------------------------------------------- enrich


@dataclass
class EnrichReport:
    """What one enrichment run saved, and what is left for the next."""

    tracks_fetched: int = 0
    tracks_missing: int = 0  # Spotify answered 404 (only a 404 ever counts)
    artists_fetched: int = 0
    artists_missing: int = 0
    tracks_left: int = 0
    artists_left: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def enrich(
    client: Any,
    conn: sqlite3.Connection,
    *,
    policy: sp.RetryPolicy | None = None,
    progress: EnrichProgress | None = None,
    limit: int | None = None,
    batch_size: int = ENRICH_BATCH,
) -> EnrichReport:
    """Look up every track item not looked up yet, then the artists of the tracks.

    One request per item (the 2026 API has no batch lookup) plus retries; what was looked up
    is never asked again. Saved every `batch_size` lookups, so Ctrl-C, a long rate limit or
    a failing Spotify keep what was fetched; the next run goes on from there. `limit` caps
    the track lookups of this run.
    """
    policy = policy or sp.RetryPolicy()
    report = EnrichReport()
    tell = progress or (lambda _what, _done, _total: None)
    tracks = load_tracks_to_enrich(conn)
    todo = tracks if limit is None else tracks[:limit]
    try:
        _look_up(
            conn,
            todo,
            lambda tid: sp.fetch_track(client, tid, policy=policy),
            save_track_meta,
            lambda done: tell("tracks", done, len(todo)),
            batch_size,
            report,
            "tracks",
        )
        artists = [(a, a) for a in load_artists_to_enrich(conn)]
        _look_up(
            conn,
            artists,
            lambda aid: sp.fetch_artist(client, aid, policy=policy),
            save_artist_meta,
            lambda done: tell("artists", done, len(artists)),
            batch_size,
            report,
            "artists",
        )
    except RateLimitedError as exc:
        why = (
            "This app's Spotify request quota is used up"
            if isinstance(exc, sp.QuotaExceededError)
            else f"Spotify asks yawyas to wait {sp.human_s(exc.retry_after_s)}"
        )
        raise RateLimitedError(
            f"{why}; {_saved(report)} are saved: run `yawyas enrich` again after "
            f"{_clock(exc.retry_after_s)} to go on.",
            exc.retry_after_s,
        ) from exc
    except AuthError:
        raise
    except SpotifyError as exc:
        raise SpotifyError(
            f"{exc.message.split(';')[0].rstrip('.')}; {_saved(report)} are saved: run "
            "`yawyas enrich` again later to go on."
        ) from exc
    finally:
        _finish(conn, report)
    return report


def _look_up(
    conn: sqlite3.Connection,
    todo: Sequence[tuple[K, str]],
    fetch: Callable[[str], V | None],
    save: Callable[[sqlite3.Connection, Iterable[tuple[K, V | None]]], None],
    tell: Callable[[int], None],
    batch_size: int,
    report: EnrichReport,
    what: str,
) -> None:
    """Fetch each id in turn and save the answers in batches, also when interrupted."""
    pending: list[tuple[K, V | None]] = []

    def flush() -> None:
        if not pending:
            return
        with transaction(conn):
            save(conn, pending)
        n_missing = sum(1 for _, v in pending if v is None)
        setattr(report, f"{what}_fetched", getattr(report, f"{what}_fetched") + len(pending))
        setattr(report, f"{what}_missing", getattr(report, f"{what}_missing") + n_missing)
        pending.clear()

    tell(0)
    try:
        for done, (key, spotify_id) in enumerate(todo, start=1):
            pending.append((key, fetch(spotify_id)))
            if len(pending) >= batch_size:
                flush()
            tell(done)
    finally:
        flush()


def _finish(conn: sqlite3.Connection, report: EnrichReport) -> None:
    """Count what is left, and mark the history changed when recordings may have merged."""
    status = load_status(conn)
    report.tracks_left = int(status["tracks_to_enrich"] or 0)
    report.artists_left = len(load_artists_to_enrich(conn))
    if report.tracks_fetched:
        with transaction(conn):
            refresh_scrobble_durations(conn)  # scrobbles take the durations now known
            mark_changed(conn)


def _saved(report: EnrichReport) -> str:
    tracks, artists = report.tracks_fetched, report.artists_fetched
    return (
        f"the {tracks} track{'s' * (tracks != 1)} and {artists} artist{'s' * (artists != 1)} "
        "looked up so far"
    )


def _clock(seconds: float) -> str:
    """A local wall-clock time `seconds` from now, as a person would type it in a reminder."""
    now = datetime.now().astimezone()
    at = datetime.fromtimestamp(now.timestamp() + seconds + 60).astimezone()
    return at.strftime("%H:%M" if at.date() == now.date() else "%Y-%m-%d %H:%M")


def account_status(conn: sqlite3.Connection) -> dict[str, int | str | None]:
    """What the store holds from the Web API (streams, lookups, library), for `whoami`."""
    return load_status(conn)
