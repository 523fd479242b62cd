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
    """The machine's IANA zone name: TZ, /etc/timezone, the /etc/localtime link, else UTC."""
    env = os.environ.get("TZ", "").lstrip(":")
    if env and _is_zone(env):
        return env
    etc_tz = Path("/etc/timezone")
    if etc_tz.is_file():
        name = etc_tz.read_text(encoding="utf-8").strip()
        if _is_zone(name):
            return name
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            name = target.split("zoneinfo/", 1)[1]
            if _is_zone(name):
                return name
    return "UTC"


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


AUTO_TZ = "auto"


def resolve_timezone(
    option: str | None, config: Config, store_zone: str | None = None
) -> tuple[str, bool]:
    """The zone to show local time in, and whether `auto` (travel-aware) was asked for.

    `--tz` > YAWYAS_TZ > config `timezone` > the store's own zone (the demo store records its
    listener's) > the system zone. `auto` means the home zone (config or system) plus
    travel-aware placement of streams from other countries.
    """
    name = option or os.environ.get("YAWYAS_TZ") or config.timezone or store_zone
    travel_aware = False
    if name == AUTO_TZ:
        travel_aware = True
        name = config.timezone if config.timezone and config.timezone != AUTO_TZ else None
    if not name:
        name = system_timezone()
    if not _is_zone(name):
        raise BadInputError(
            f"Unknown timezone {name!r}: use an IANA name such as Europe/Madrid, or 'auto'."
        )
    return name, travel_aware
