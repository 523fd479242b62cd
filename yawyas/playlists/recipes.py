"""Playlist recipes: a TOML file in the yawyas home (`playlists.toml`), one table per recipe.

[playlists.weekend-run]
name = "Weekend run"               # the playlist's name on Spotify
moment = "weekend_run"             # or: mood = "run" / now = true /
                                   #     seed_tracks = ["spotify:track:..."] / seed_artists = [...]
size = 50
mix = { familiar = 0.7, forgotten = 0.15, long_tail = 0.15 }
max_per_artist = 3
skip_played_within_days = 0        # no tracks played in the last N days
explicit = true                    # false: leave out tracks known to be explicit
min_duration_s = 60
max_duration_s = 600
public = false
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from yawyas.errors import BadInputError, NotFoundError
from yawyas.playlists.steps import Mix

RECIPES_FILE: Final = "playlists.toml"
DEFAULT_SIZE: Final = 50
MAX_SIZE: Final = 10_000
_KEYS: Final = frozenset(
    {
        "name",
        "description",
        "moment",
        "mood",
        "now",
        "seed_tracks",
        "seed_artists",
        "size",
        "mix",
        "max_per_artist",
        "skip_played_within_days",
        "explicit",
        "min_duration_s",
        "max_duration_s",
        "public",
    }
)


@dataclass(frozen=True)
class Recipe:
    """One playlist to make: where its tracks come from and the rules they follow."""

    key: str
    name: str
    moment: str | None = None
    mood: str | None = None
    now: bool = False
    seed_tracks: tuple[str, ...] = ()
    seed_artists: tuple[str, ...] = ()
    size: int = DEFAULT_SIZE
    mix: Mix | None = field(default_factory=Mix)  # None: the best-scored tracks, any bucket
    max_per_artist: int = 3
    skip_played_within_days: int = 0
    explicit: bool = True
    min_duration_s: float | None = None
    max_duration_s: float | None = None
    public: bool = False
    description: str = ""

    @property
    def source(self) -> str:
        """What the recipe draws from, in words."""
        if self.moment:
            return f"moment {self.moment}"
        if self.mood:
            return f"mood {self.mood}"
        if self.now:
            return "now"
        return "seeds"

    @property
    def marker(self) -> str:
        """The tag in the playlist's description that finds it again: [yawyas:KEY]."""
        return f"[yawyas:{self.key}]"


def recipes_path(config_dir: Path) -> Path:
    """Where the recipes live."""
    return config_dir / RECIPES_FILE


def read_recipes(path: Path) -> list[Recipe]:
    """The recipes of `path` in file order; an absent file has none."""
    if not path.exists():
        return []
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise BadInputError(f"{path} is not valid TOML ({exc}); fix it.") from exc
    tables = data.get("playlists", {})
    if not isinstance(tables, dict):
        raise BadInputError(f"{path}: 'playlists' must be a table of recipes.")
    return [parse_recipe(key, value, path) for key, value in tables.items()]


def find_recipe(recipes: Sequence[Recipe], key: str, path: Path) -> Recipe:
    """The recipe named `key` (its table name or its playlist name, any case)."""
    wanted = key.strip().casefold()
    for recipe in recipes:
        if wanted in (recipe.key.casefold(), recipe.name.casefold()):
            return recipe
    known = ", ".join(r.key for r in recipes) or "none yet: run `yawyas playlist init`"
    raise NotFoundError(f"No recipe {key!r} in {path} (recipes: {known}).")


def parse_recipe(key: str, raw: Any, path: Path | None = None) -> Recipe:
    """A recipe from its TOML table; a wrong key or value names the recipe and the fix."""
    where = f"{path}: recipe {key!r}" if path else f"recipe {key!r}"
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", key):
        raise BadInputError(f"{where}: use letters, digits, '-', '_' or '.' in recipe names.")
    if not isinstance(raw, dict):
        raise BadInputError(f"{where} must be a table.")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise BadInputError(f"{where} has unknown keys {unknown}; known: {sorted(_KEYS)}.")
    sources = [k for k in ("moment", "mood", "seed_tracks", "seed_artists") if raw.get(k)]
    if raw.get("now"):
        sources.append("now")
    if not sources:
        raise BadInputError(
            f"{where} needs a source: moment, mood, now = true, seed_tracks or seed_artists."
        )
    if len(set(sources) - {"seed_tracks", "seed_artists"}) > 1:
        raise BadInputError(f"{where} names more than one source ({', '.join(sources)}).")
    mix_raw = raw.get("mix", {})
    best_only = bool(raw.get("now")) and "mix" not in raw  # `now` is ranked by its blend
    if not isinstance(mix_raw, dict) or set(mix_raw) - {"familiar", "forgotten", "long_tail"}:
        raise BadInputError(f"{where}: mix takes familiar, forgotten and long_tail shares.")
    default = Mix()
    mix = Mix(
        familiar=_number(mix_raw.get("familiar", default.familiar), where, "mix.familiar"),
        forgotten=_number(mix_raw.get("forgotten", default.forgotten), where, "mix.forgotten"),
        long_tail=_number(mix_raw.get("long_tail", default.long_tail), where, "mix.long_tail"),
    )
    size = _int(raw.get("size", DEFAULT_SIZE), where, "size", 1, MAX_SIZE)
    min_d = raw.get("min_duration_s")
    max_d = raw.get("max_duration_s")
    return Recipe(
        key=key,
        name=_text(raw.get("name", key), where, "name"),
        moment=_opt_text(raw.get("moment"), where, "moment"),
        mood=_opt_text(raw.get("mood"), where, "mood"),
        now=bool(raw.get("now", False)),
        seed_tracks=_texts(raw.get("seed_tracks", []), where, "seed_tracks"),
        seed_artists=_texts(raw.get("seed_artists", []), where, "seed_artists"),
        size=size,
        mix=None if best_only else mix,
        max_per_artist=_int(raw.get("max_per_artist", 3), where, "max_per_artist", 0, MAX_SIZE),
        skip_played_within_days=_int(
            raw.get("skip_played_within_days", 0), where, "skip_played_within_days", 0, 36_500
        ),
        explicit=bool(raw.get("explicit", True)),
        min_duration_s=None if min_d is None else _number(min_d, where, "min_duration_s"),
        max_duration_s=None if max_d is None else _number(max_d, where, "max_duration_s"),
        public=bool(raw.get("public", False)),
        description=_text(raw.get("description", ""), where, "description"),
    )


def _number(value: Any, where: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise BadInputError(f"{where}: {name} must be a number >= 0, not {value!r}.")
    return float(value)


def _int(value: Any, where: str, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadInputError(f"{where}: {name} must be a whole number {low}-{high}, not {value!r}.")
    return value


def _text(value: Any, where: str, name: str) -> str:
    if not isinstance(value, str):
        raise BadInputError(f"{where}: {name} must be text, not {value!r}.")
    return value


def _opt_text(value: Any, where: str, name: str) -> str | None:
    return None if value in (None, "") else _text(value, where, name)


def _texts(value: Any, where: str, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadInputError(f"{where}: {name} must be a list of text.")
    return tuple(value)


def starter_recipes(moments: Sequence[tuple[str, str]], moods: Sequence[str]) -> str:
    """A commented starter file: one recipe per moment (id, name), per mood, and `now`.

    Tables are written by tomli-w, so any name (quotes, a newline, control characters) reads
    back exactly as it was."""
    import tomli_w

    def table(key: str, recipe: dict[str, Any], *comments: str) -> str:
        text = tomli_w.dumps({"playlists": {key: recipe}})
        return text + "".join(f"# {c}\n" for c in comments) + "\n"

    parts = [
        "# yawyas playlist recipes: one [playlists.KEY] table per playlist.\n"
        '# Source (one of): moment = "id or name", mood = "name", now = true,\n'
        '#   seed_tracks = ["spotify:track:..."], seed_artists = ["Artist"].\n'
        "# Rules: size (50), mix = { familiar = 0.7, forgotten = 0.15, long_tail = 0.15 },\n"
        "#   max_per_artist (3), skip_played_within_days (0), explicit (true),\n"
        "#   min_duration_s / max_duration_s, public (false).\n"
        "# `yawyas playlist preview KEY` shows one; `yawyas playlist publish KEY` writes it.\n\n",
        table("now", {"name": "Right now (yawyas)", "now": True, "size": 50}),
    ]
    used = {"now"}
    for moment_id, moment_name in moments:
        key = _key(moment_id, used)
        recipe = {
            "name": moment_name + " (yawyas)",
            "moment": moment_id,
            "size": 50,
            "max_per_artist": 3,
        }
        parts.append(table(key, recipe))
    for mood in moods:
        key = _key(f"mood-{mood}", used)
        recipe = {"name": mood.capitalize() + " (yawyas)", "mood": mood, "size": 50}
        parts.append(table(key, recipe, "explicit = false", "skip_played_within_days = 7"))
    return "".join(parts)


def _key(text: str, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-").lower() or "recipe"
    key, n = base, 2
    while key in used:
        key, n = f"{base}-{n}", n + 1
    used.add(key)
    return key
