"""Where yawyas keeps things, and the person's settings (env vars and the config file).

Precedence, everywhere: command-line option > environment variable > config file > default.
Nothing here knows about typer or rich.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from yawyas.errors import BadInputError

APP_NAME = "yawyas"
DB_NAME = "yawyas.db"
CONFIG_NAME = "config.toml"


@dataclass(frozen=True)
class Paths:
    """The folders and files of one yawyas home."""

    data_dir: Path
    config_dir: Path
    db: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / CONFIG_NAME

    @property
    def token_cache(self) -> Path:
        env = os.environ.get("YAWYAS_TOKEN_CACHE")
        return Path(env).expanduser() if env else self.config_dir / "spotify-token.json"

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "demo"


def resolve_paths(db: Path | str | None = None, home: Path | str | None = None) -> Paths:
    """The person's home: `home` / YAWYAS_HOME, else platformdirs' user data and config dirs."""
    home_s = home if home is not None else os.environ.get("YAWYAS_HOME")
    if home_s:
        base = Path(home_s).expanduser()
        data_dir = config_dir = base
    else:
        data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        config_dir = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    db_s = db if db is not None else os.environ.get("YAWYAS_DB")
    db_path = Path(db_s).expanduser() if db_s else data_dir / DB_NAME
    return Paths(data_dir=data_dir, config_dir=config_dir, db=db_path)


@dataclass(frozen=True)
class Config:
    """The parsed config file (TOML); an absent file is an empty config."""

    path: Path
    data: dict[str, Any] = field(default_factory=dict)

    def get(self, *keys: str, default: Any = None) -> Any:
        node: Any = self.data
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
        return node

    @cached_property
    def timezone(self) -> str | None:
        value = self.get("timezone")
        return str(value) if value else None


def load_config(path: Path) -> Config:
    """Read the TOML config file; a syntax error names the file and line."""
    if not path.exists():
        return Config(path=path)
    try:
        with path.open("rb") as fh:
            return Config(path=path, data=tomllib.load(fh))
    except tomllib.TOMLDecodeError as exc:
        raise BadInputError(f"{path} is not valid TOML ({exc}); fix or remove it.") from exc


def system_timezone() -> str:
    """The machine's IANA zone name: TZ when it names a zone, else the system's own setting
    (tzlocal: Linux, macOS, Windows), else UTC."""
    env = os.environ.get("TZ", "").lstrip(":")
    if env and _is_zone(env):
        return env  # read on every call: tzlocal remembers its first answer for the process
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except Exception:  # tzlocal raises its own errors for broken system settings
        name = None
    return name if name and _is_zone(name) else "UTC"


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


AUTO_TZ = "auto"


@dataclass(frozen=True)
class ZoneChoice:
    """The zone local time is shown in, whether it is travel-aware (`auto`), and where it came
    from: 'flag' (--tz), 'env' (YAWYAS_TZ), 'config', 'store' (the store's own) or 'system'."""

    name: str
    travel_aware: bool
    source: str


def choose_timezone(
    option: str | None, config: Config, store_zone: str | None = None
) -> ZoneChoice:
    """The zone to show local time in (see `resolve_timezone`), with where it came from."""
    candidates = (
        ("flag", option),
        ("env", os.environ.get("YAWYAS_TZ")),
        ("config", config.timezone),
        ("store", store_zone),
    )
    source, name = next(((s, n) for s, n in candidates if n), ("system", None))
    travel_aware = False
    if name == AUTO_TZ:
        travel_aware = True
        home = config.timezone if config.timezone and config.timezone != AUTO_TZ else None
        if home:
            name, source = home, "config"
        else:
            name, source = None, "system"
    if not name:
        name = system_timezone()
    if not _is_zone(name):
        raise BadInputError(
            f"Unknown timezone {name!r}: use an IANA name such as Europe/Madrid, or 'auto'."
        )
    return ZoneChoice(name, travel_aware, source)


def resolve_timezone(
    option: str | None, config: Config, store_zone: str | None = None
) -> tuple[str, bool]:
    """The zone to show local time in, and whether `auto` (travel-aware) was asked for.

    `--tz` > YAWYAS_TZ > config `timezone` > the store's own zone (the demo store records its
    listener's) > the system zone. `auto` means the home zone (config or system) plus
    travel-aware placement of streams from other countries.
    """
    choice = choose_timezone(option, config, store_zone)
    return choice.name, choice.travel_aware


# Every key config.toml may hold: a table's name maps to its keys; "*" stands for any name (the
# ids under [moments], the names under [audience]'s tables). Add a key here when a new setting
# is read, or `status` warns about it.
CONFIG_KEYS: dict[str, Any] = {
    "timezone": None,
    "log_file": None,
    "spotify": {"client_id": None, "redirect_uri": None, "max_wait_s": None},
    "moments": {"*": {"name": None, "hidden": None, "audience": None}},
    "audience": {"artists": {"*": None}, "devices": {"*": None}, "playlists": {"*": None}},
}


def unknown_config_keys(config: Config, known: dict[str, Any] | None = None) -> list[str]:
    """Dotted names of the keys in the config file that yawyas does not read (typos, mostly)."""
    found: list[str] = []

    def walk(node: dict[str, Any], spec: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            sub = spec.get(key, spec.get("*", ...))
            name = f"{prefix}{key}"
            if sub is ...:
                found.append(name)
            elif isinstance(sub, dict):
                if isinstance(value, dict):
                    walk(value, sub, name + ".")
                else:
                    found.append(name)

    walk(config.data, CONFIG_KEYS if known is None else known, "")
    return found


def log_file(option: Path | str | None, config: Config) -> Path | None:
    """The run log: the option (or YAWYAS_LOG_FILE, which typer reads into it), else the
    config's `log_file` (relative to the config file's folder), else None."""
    if option:
        return Path(option).expanduser()
    value = config.get("log_file")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadInputError(f"log_file in {config.path} must be a file path in quotes.")
    path = Path(value).expanduser()
    return path if path.is_absolute() else config.path.parent / path
