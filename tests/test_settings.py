"""Settings: the system zone (tzlocal), where the zone in use came from, unknown config keys,
the run log's path."""

from __future__ import annotations

from pathlib import Path

import pytest

from yawyas.errors import BadInputError
from yawyas.settings import (
    Config,
    choose_timezone,
    log_file,
    resolve_timezone,
    system_timezone,
    unknown_config_keys,
)


def test_the_system_zone_comes_from_tzlocal(monkeypatch: pytest.MonkeyPatch) -> None:
    import tzlocal

    monkeypatch.delenv("TZ")
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "America/Sao_Paulo")
    assert system_timezone() == "America/Sao_Paulo"
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: None)  # nothing configured
    assert system_timezone() == "UTC"

    def broken() -> str:
        raise LookupError("no zone")

    monkeypatch.setattr(tzlocal, "get_localzone_name", broken)
    assert system_timezone() == "UTC"
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Not/AZone")
    assert system_timezone() == "UTC"
    monkeypatch.setenv("TZ", ":Asia/Kolkata")  # TZ, when it names a zone, comes first
    assert system_timezone() == "Asia/Kolkata"


def test_the_zone_says_where_it_came_from(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    plain = Config(tmp_path / "config.toml")
    configured = Config(tmp_path / "config.toml", {"timezone": "Europe/Madrid"})
    assert choose_timezone(None, plain).source == "system"
    assert choose_timezone(None, plain).name == "Asia/Kolkata"
    assert choose_timezone(None, plain, "Asia/Tokyo").source == "store"
    assert choose_timezone(None, configured, "Asia/Tokyo").source == "config"
    monkeypatch.setenv("YAWYAS_TZ", "Europe/Lisbon")
    assert choose_timezone(None, configured).source == "env"
    assert choose_timezone("Asia/Seoul", configured).source == "flag"
    auto = choose_timezone("auto", configured)
    assert (auto.name, auto.travel_aware, auto.source) == ("Europe/Madrid", True, "config")
    assert resolve_timezone("auto", plain) == ("Asia/Kolkata", True)
    with pytest.raises(BadInputError, match="Unknown timezone 'Mars/Base'"):
        choose_timezone("Mars/Base", plain)


def test_unknown_config_keys_are_named() -> None:
    config = Config(
        Path("config.toml"),
        {
            "timezone": "UTC",
            "time_zone": "UTC",
            "spotify": {"client_id": "x", "clientid": "y"},
            "moments": {"m1": {"name": "Run", "hiden": True}, "m2": "not a table"},
            "log_file": "runs.log",
        },
    )
    assert unknown_config_keys(config) == [
        "time_zone",
        "spotify.clientid",
        "moments.m1.hiden",
        "moments.m2",
    ]


def test_the_log_file_is_the_option_else_the_config(tmp_path: Path) -> None:
    config = Config(tmp_path / "config.toml", {"log_file": "logs/yawyas.log"})
    assert log_file(None, config) == tmp_path / "logs" / "yawyas.log"
    assert log_file(tmp_path / "x.log", config) == tmp_path / "x.log"
    assert log_file(None, Config(tmp_path / "c.toml")) is None
    with pytest.raises(BadInputError, match=r"log_file in .* must be a file path"):
        log_file(None, Config(tmp_path / "c.toml", {"log_file": 3}))
