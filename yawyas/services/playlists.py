"""What the playlist commands call: a store connection in, a Context (and playlists) out.

The only place of this package that reads the store; the steps themselves stay pure.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np

from yawyas.analysis.moments.types import Moment, moment_at
from yawyas.errors import AuthError, BadInputError, RateLimitedError, YawyasError
from yawyas.playlists.backtest import fit_blend
from yawyas.playlists.blend import BLEND_VERSION, Blend
from yawyas.playlists.evaluate import (
    DEFAULT_HOLDOUT_DAYS,
    DEFAULT_WINDOWS,
    Evaluation,
    check_cutoff,
    check_every,
    combine,
    evaluate_window,
    holdout_windows,
)
from yawyas.playlists.generate import (
    Context,
    Playlist,
    build_playlist,
    now_recipe,
)
from yawyas.playlists.listening import (
    Listening,
    build_listening,
    read_listening,
    save_listening,
    song_key_of,
)
from yawyas.playlists.moods import Mood, build_moods
from yawyas.playlists.recipes import Recipe
from yawyas.playlists.steps import build_colisten
from yawyas.services.publish import PublishResult, publish_playlist
from yawyas.services.resolve import resolve_playlist
from yawyas.settings import Config
from yawyas.store.cache import listening_cache_path, load_history
from yawyas.store.db import load_generation
from yawyas.store.metadata import load_item_genres, load_recordings, load_track_flags
from yawyas.store.songs import (
    load_now_blend,
    load_song_matches,
    load_track_names,
    save_now_blend,
)
from yawyas.store.spotify import load_playlist_memberships

if TYPE_CHECKING:
    from yawyas.sources.spotify import RetryPolicy


def build_context(
    conn: sqlite3.Connection,
    tz: str,
    *,
    with_moods: bool = True,
    config: Config | None = None,
    with_moments: bool = True,
    everyone: bool = False,
) -> Context:
    """Everything the steps need, from the store: plays, co-listening, the person's playlists,
    track metadata (explicit, duration) where enrich found it, moments and moods.

    `config` carries the person's names, hidden flags and audience labels; `with_moments=False`
    leaves moments out (evaluate learns its own, from the plays before its cutoff). Unless
    `everyone`, the everyday taste of `now` and the moods count only the person's own plays
    (moments' playlists, whoever they are for, keep all theirs)."""
    known = load_track_names(conn)
    listening = with_known_uris(load_listening(conn, tz), known, load_song_matches(conn))
    if with_moments and not everyone:
        listening = replace(listening, mine=_mine_plays(conn, config, tz, listening))
    code_of = _codes_by_name(listening, known)
    code_of.update((int(item), code) for code, item in enumerate(listening.item_ids.tolist()))
    playlists: dict[int, list[str]] = {}
    for name, item in load_playlist_memberships(conn):
        code = code_of.get(item)
        if code is not None:
            playlists.setdefault(code, []).append(name)
    explicit: dict[int, bool] = {}
    duration: dict[int, int] = {}
    for item, is_explicit, duration_ms in load_track_flags(conn):
        code = code_of.get(item)
        if code is None:
            continue
        if is_explicit is not None:
            explicit[code] = is_explicit
        if duration_ms is not None:
            duration[code] = int(duration_ms)
    moments = load_moments(conn, tz, config) if with_moments else []
    blend = StoredBlend(conn, tz, listening, moments) if with_moments else None
    ctx = Context(listening, None, playlists, explicit, duration, (), moments, blend)
    if not with_moods:
        return ctx
    colisten = build_colisten(listening)
    genres = {
        code_of[item]: names for item, names in load_item_genres(conn).items() if item in code_of
    }
    own, own_colisten, own_moments, own_lists = listening, colisten, moments, playlists
    played = None
    if listening.mine is not None and not listening.mine.all():
        own = listening.subset(listening.mine)
        own_colisten = build_colisten(own)
        own_moments = [m for m in moments if m.audience == "you"]
        played = own.plays_per_track() > 0
        own_lists = {code: names for code, names in playlists.items() if played[code]}
        genres = {code: names for code, names in genres.items() if played[code]}
    moods = build_moods(
        own,
        own_colisten,
        own_lists,
        genres=genres,
        moments=[(m.name, _moment_tracks(own, m)) for m in own_moments],
    )
    if played is not None:  # only the tracks the person plays: not the kids' titles
        kept = [replace(m, tracks=tuple(t for t in m.tracks if played[t.track])) for m in moods]
        moods = [m for m in kept if m.tracks]
    return Context(listening, colisten, playlists, explicit, duration, moods, moments, blend)


class StoredBlend:
    """`now`'s blend for the store's history in one zone: read back from the store when it was
    tuned on the current history (and the same moments), else tuned now (`fit_blend`, a few
    seconds on a big history) and kept. Tuned on first use only: recipes that are not `now`
    never pay for it."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        tz: str,
        listening: Listening,
        moments: Sequence[Moment],
    ) -> None:
        self._conn, self._tz, self._listening = conn, tz, listening
        self._moments = tuple(moments)
        self._blend: Blend | None = None

    @property
    def key(self) -> str:
        """What the blend depends on besides the history: version and the moments used."""
        ids = ",".join(sorted(m.id for m in self._moments))
        own = "|own" if self._listening.mine is not None else ""  # everyday taste: yours only
        return f"v{BLEND_VERSION}|{ids}{own}"

    def __call__(self) -> Blend:
        if self._blend is not None:
            return self._blend
        import json

        generation = load_generation(self._conn)
        stored = load_now_blend(self._conn, self._tz, self.key)
        blend = Blend.from_document(json.loads(stored)) if stored else None
        if blend is None:
            blend = fit_blend(self._listening, self._moments, horizon="quarter")
            with contextlib.suppress(sqlite3.OperationalError):  # a read-only store still works
                save_now_blend(
                    self._conn, self._tz, generation, self.key, json.dumps(blend.as_document())
                )
        self._blend = blend
        return blend


def with_known_uris(
    listening: Listening,
    known: Sequence[tuple[int, str, str | None, str | None]],
    matches: Mapping[str, str | None],
) -> Listening:
    """The songs with a URI where their plays named none: a track of the same name key the
    store knows (the person's library, playlists, synced plays), else what Spotify's search
    found for it (`services.resolve`). Songs matched by neither keep ''."""
    missing = [i for i, uri in enumerate(listening.uris.tolist()) if not uri]
    if not missing:
        return listening
    by_key: dict[str, str] = {}
    for _, uri, artist, title in known:
        by_key.setdefault(song_key_of(artist, title), uri)
    uris = listening.uris.copy()
    for i in missing:
        key = str(listening.keys[i]) if len(listening.keys) else ""
        uris[i] = by_key.get(key) or matches.get(key) or ""
    return replace(listening, uris=uris)


def _codes_by_name(
    listening: Listening, known: Sequence[tuple[int, str, str | None, str | None]]
) -> dict[int, int]:
    """Item id -> song code for the store's tracks whose name key is a played song's (so a
    playlist entry of another release of a song, or of a song played by name only, names
    the song)."""
    code_of_key = {str(k): code for code, k in enumerate(listening.keys.tolist()) if k}
    out: dict[int, int] = {}
    for item, _, artist, title in known:
        code = code_of_key.get(song_key_of(artist, title))
        if code is not None:
            out[item] = code
    return out


def _mine_plays(
    conn: sqlite3.Connection, config: Config | None, tz: str, listening: Listening
) -> np.ndarray:
    """Per play of `listening`: the person's own (see `services.audience.load_mine_plays`)."""
    from yawyas.services.audience import load_mine_plays

    return load_mine_plays(conn, config or Config(path=Path("config.toml")), tz, listening.start_s)


def load_listening(conn: sqlite3.Connection, tz: str) -> Listening:
    """The plays the steps need, from a cache beside the store when the history has not
    changed since it was written (see `listening_cache_path`), else built and cached."""
    streams = None
    path = listening_cache_path(conn, tz)
    if path is None:
        streams = load_history(conn)  # also gives the store its id
        path = listening_cache_path(conn, tz)
    if path is not None and path.exists():
        cached = read_listening(path)
        if cached is not None:
            return cached
    if streams is None:
        streams = load_history(conn)
    listening = build_listening(streams, tz, load_recordings(conn))
    if path is not None:
        with contextlib.suppress(OSError):  # a read-only home still works, only slower
            save_listening(listening, path)
    return listening


def load_moments(conn: sqlite3.Connection, tz: str, config: Config | None) -> list[Moment]:
    """The person's moments (learned, or cached in the store) with their own names from the
    config, hidden ones left out."""
    from yawyas.services import moments as moments_service

    view = moments_service.load_moments(conn, config or Config(path=Path("config.toml")), tz=tz)
    return [m for m in view.moments if not m.hidden]


def _moment_tracks(listening: Listening, moment: Moment, top: int = 30) -> np.ndarray:
    from yawyas.playlists.generate import moment_weights

    w = moment_weights(listening, moment)
    fit = np.bincount(listening.track, weights=w, minlength=listening.n_tracks)
    order = np.argsort(-fit, kind="stable")[:top]
    return order[fit[order] > 0]


def build_now(
    ctx: Context, at: datetime, size: int, *, tz: str | None = None
) -> tuple[str, Playlist]:
    """The `now` playlist for the local datetime `at`, and the name of the moment it is in
    ("Everyday listening, around ..." outside every moment; the time-of-week neighbourhood in
    words when no moments are known). With the zone `tz`, it is made as of that time (see
    `asked_seconds`); without, as of just after the last play."""
    playlist = build_recipe(ctx, now_recipe(size), at, tz=tz)
    moment = moment_at(ctx.moments, at)
    if moment is not None:
        return moment.name, playlist
    if ctx.moments:
        return f"Everyday listening, {playlist.source}", playlist
    return playlist.source, playlist


def build_recipe(
    ctx: Context, recipe: Recipe, at: datetime | None = None, *, tz: str | None = None
) -> Playlist:
    """The playlist of one recipe (a `now` recipe as of `at` in `tz`: see `asked_seconds`)."""
    now_s = asked_seconds(at, tz) if recipe.now and at is not None and tz is not None else None
    return build_playlist(recipe, ctx, now_s=now_s, at=at)


def mood_summary(
    moods: Sequence[Mood], listening: Listening, examples: int = 3
) -> list[dict[str, Any]]:
    """Moods as plain data for `yawyas moods`: name, size, named_by and example tracks."""
    return [
        {
            "mood": m.name,
            "tracks": len(m.tracks),
            "named_by": list(m.named_by),
            "examples": [
                {
                    "uri": str(listening.uris[t.track]),
                    "track_name": str(listening.names[t.track]),
                    "artist_name": str(listening.artists[t.track]),
                    "score": t.score,
                    "evidence": t.evidence,
                }
                for t in m.tracks[:examples]
            ],
        }
        for m in moods
    ]


def parse_local(text: str) -> datetime:
    """'YYYY-MM-DD HH:MM' (local wall clock) as a naive datetime; a bad value says the format."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError as exc:
        raise BadInputError(f"--at {text!r} is not a local time like '2026-11-02 17:30'.") from exc


def asked_seconds(at: datetime, tz: str) -> int:
    """The moment (UTC s) a `now` playlist for the local wall-clock time `at` in `tz` is made
    as of: the session going on is what was played in the hours before it, so a playlist
    asked for this minute knows what you are playing (after `sync`), one for tonight or for a
    history that ended weeks ago knows no session, and one for a past time is made from the
    plays before it."""
    return int(at.replace(tzinfo=ZoneInfo(tz)).timestamp())


def local_now(tz: str) -> datetime:
    """The wall clock now in `tz`, as a naive datetime."""
    return datetime.now(ZoneInfo(tz)).replace(tzinfo=None, second=0, microsecond=0)


@dataclass(frozen=True)
class Outcome:
    """One recipe's publish: its result, or the sentence of the error that stopped it."""

    recipe: str
    result: PublishResult | None
    error: str | None


def publish_recipes(
    client: Any,
    conn: sqlite3.Connection,
    ctx: Context,
    recipes: Sequence[Recipe],
    *,
    at: datetime,
    tz: str | None = None,
    dry_run: bool = False,
    policy: RetryPolicy | None = None,
) -> list[Outcome]:
    """Build and publish each recipe in turn (a `now` recipe as of `at` in `tz`, see
    `asked_seconds`). A recipe that fails (no such mood, Spotify error) is reported and the
    others go on; a login problem or a long rate limit stops them all."""
    out: list[Outcome] = []
    for recipe in recipes:
        try:
            playlist = build_recipe(ctx, recipe, at, tz=tz)
            playlist = resolve_playlist(client, conn, playlist, policy=policy)
            result = publish_playlist(
                client, conn, recipe, playlist, dry_run=dry_run, policy=policy
            )
        except (AuthError, RateLimitedError):
            raise
        except YawyasError as exc:
            out.append(Outcome(recipe.key, None, exc.message))
        else:
            out.append(Outcome(recipe.key, result, None))
    return out


def evaluate_history(
    conn: sqlite3.Connection,
    tz: str,
    *,
    config: Config | None = None,
    cutoff: str | None = None,
    holdout_days: int = DEFAULT_HOLDOUT_DAYS,
    size: int = 50,
    windows: int = DEFAULT_WINDOWS,
    rolling: bool = True,
    every_minutes: int = 15,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """`evaluate` of the store's history: the held-out span from `cutoff` (a local day) for
    `holdout_days`, else the last `holdout_days`, cut into `windows` windows. Each window is
    judged with the moments learned again from the plays before its start only and a blend
    tuned on those plays, so that `now` knows nothing of the weeks it is judged on. With
    `rolling`, each quarter hour is judged with every play before the last time `now` was made,
    every `every_minutes` (see `evaluate`)."""
    from yawyas.services import moments as moments_service

    ctx = build_context(conn, tz, with_moods=False, config=config, with_moments=False)
    lis = ctx.listening
    first = cutoff_seconds(lis, tz, cutoff, holdout_days)
    check_cutoff(lis, first)  # before the seconds of learning moments
    check_every(every_minutes)
    until = None if cutoff is None else first + holdout_days * 86_400
    spans = holdout_windows(lis, first, until, windows)
    results = []
    for done, (start, end) in enumerate(spans):
        if progress is not None:
            progress(done, len(spans))
        learned = moments_service.learn_moments_before(
            conn, config or Config(path=Path("config.toml")), tz=tz, before_s=start
        )
        moments = [m for m in learned if not m.hidden]
        results.append(
            evaluate_window(
                lis,
                replace(ctx, moments=moments),
                start,
                end,
                size=size,
                rolling=rolling,
                every_minutes=every_minutes,
            )
        )
    if progress is not None:
        progress(len(spans), len(spans))
    return combine(results, size, rolling=rolling, every_minutes=every_minutes)


def cutoff_seconds(listening: Listening, tz: str, day: str | None, holdout_days: int) -> int:
    """The evaluation cutoff (UTC s): local midnight starting `day` (YYYY-MM-DD), else
    `holdout_days` before the last play."""
    if day is None:
        return listening.end_s - holdout_days * 86_400
    try:
        midnight = datetime.strptime(day.strip(), "%Y-%m-%d").replace(tzinfo=ZoneInfo(tz))
    except ValueError as exc:
        raise BadInputError(f"--cutoff {day!r} is not a day like 2026-10-01.") from exc
    return int(midnight.timestamp())


def load_recipes(config_dir: Path) -> tuple[Path, list[Recipe]]:
    """The person's recipes file (`playlists.toml` in the config dir) and its recipes."""
    from yawyas.playlists.recipes import read_recipes, recipes_path

    path = recipes_path(config_dir)
    return path, read_recipes(path)


def choose_recipes(config_dir: Path, key: str | None, *, every: bool = False) -> list[Recipe]:
    """The recipe named `key` (its key or playlist name), or every recipe with `every`; a
    sentence when neither or both are asked, or when there is nothing to choose from."""
    from yawyas.playlists.recipes import find_recipe

    path, recipes = load_recipes(config_dir)
    if every == (key is not None):
        raise BadInputError("Name one recipe, or use --all.")
    chosen = recipes if every else [find_recipe(recipes, key or "", path)]
    if not chosen:
        raise BadInputError(f"No recipes in {path}: run `yawyas playlist init` first.")
    return chosen


def write_starter_recipes(ctx: Context, config_dir: Path, *, force: bool = False) -> Path:
    """Write a commented starter `playlists.toml` (one recipe per moment and mood, and `now`);
    an existing file is kept unless `force`."""
    from yawyas.playlists.recipes import recipes_path, starter_recipes

    path = recipes_path(config_dir)
    if path.exists() and not force:
        raise BadInputError(f"{path} exists; edit it, or use --force to start again.")
    text = starter_recipes(
        list(dict.fromkeys((m.id, m.name) for m in ctx.moments)),
        [m.name for m in ctx.moods],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
