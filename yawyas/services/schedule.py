"""Unattended runs for this installation: a systemd user timer and service, a launchd agent or
a crontab line, with absolute paths (cron, systemd and launchd know nothing of a virtualenv)."""

from __future__ import annotations

import os
import plistlib
import re
import shlex
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from yawyas.errors import BadInputError
from yawyas.settings import Config, Paths

RUNNABLE: Final = ("sync", "enrich", "refresh")
DEFAULT_RUNS: Final = ("sync", "refresh")
UNIT: Final = "yawyas"
LAUNCHD_LABEL: Final = "local.yawyas"
# Variables a scheduled run needs to see the same home, store, login and zone as this shell.
PASSED_ENV: Final = (
    "YAWYAS_HOME",
    "YAWYAS_TOKEN_CACHE",
    "YAWYAS_TZ",
    "SPOTIPY_REDIRECT_URI",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
)
_UNITS_S: Final = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86_400}


@dataclass(frozen=True)
class Job:
    """What runs, how often, and in which environment."""

    commands: tuple[tuple[str, ...], ...]  # absolute argv of each run, in order
    every_s: int
    env: dict[str, str]
    log_file: Path
    error_log: Path
    notes: tuple[str, ...] = ()  # what the person should know before installing it


def parse_every(text: str) -> int:
    """'30m', '2h', '1d', '90s' (also '30min') as seconds; at least a minute."""
    match = re.fullmatch(r"\s*(\d+)\s*(s|m|min|h|d)\s*", text.lower())
    if not match:
        raise BadInputError(f"--every {text!r} is not a period like 30m, 2h or 1d (s, m, h, d).")
    seconds = int(match.group(1)) * _UNITS_S[match.group(2)]
    if seconds < 60:
        raise BadInputError(f"--every {text!r} is too often: at least 1m.")
    return seconds


def yawyas_argv() -> list[str]:
    """This installation's yawyas as an absolute command: the `yawyas` script installed beside
    the running Python (a virtualenv's bin/ or Scripts/), else `python -m yawyas`."""
    python = Path(sys.executable).absolute()
    for name in ("yawyas", "yawyas.exe"):
        script = python.parent / name
        if script.is_file():
            return [str(script)]
    return [str(python), "-m", "yawyas"]


def build_job(
    paths: Paths,
    config: Config,
    *,
    runs: Sequence[str] = DEFAULT_RUNS,
    every: str = "30m",
    log_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Job:
    """The job: each run as `yawyas --db STORE --log-file LOG RUN`, all paths absolute."""
    env = os.environ if environ is None else environ
    unknown = [r for r in runs if r not in RUNNABLE]
    if unknown or not runs:
        raise BadInputError(
            f"--run takes {', '.join(RUNNABLE)}, not {', '.join(unknown) or 'nothing'}."
        )
    log = (log_file or paths.data_dir / "yawyas.log").expanduser().absolute()
    base = [*yawyas_argv(), "--db", str(paths.db.expanduser().absolute()), "--log-file", str(log)]
    notes = []
    if env.get("SPOTIPY_CLIENT_ID") and not config.get("spotify", "client_id"):
        notes.append(
            "SPOTIPY_CLIENT_ID is set only in this shell, which a scheduled run does not see: "
            f"write client_id in the spotify section of {config.path}."
        )
    return Job(
        commands=tuple((*base, run) for run in dict.fromkeys(runs)),
        every_s=parse_every(every),
        env={k: env[k] for k in PASSED_ENV if env.get(k)},
        log_file=log,
        error_log=log.with_name(log.stem + "-errors" + log.suffix),
        notes=tuple(notes),
    )


def _systemd_word(word: str) -> str:
    word = word.replace("%", "%%")
    if re.search(r'[\s"\'\\;$]', word):
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return word


def _systemd_span(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60}min"
    return f"{seconds}s"


def systemd_units(job: Job) -> dict[str, str]:
    """`yawyas.service` (the runs, one after another, stopping at the first failure) and
    `yawyas.timer` (every `job.every_s`, first 5 minutes after boot), for systemd --user."""
    runs = " and ".join(c[-1] for c in job.commands)
    service = [
        "[Unit]",
        f"Description=yawyas: {runs}",
        "",
        "[Service]",
        "Type=oneshot",
    ]
    service += [f"Environment={_systemd_word(f'{k}={v}')}" for k, v in job.env.items()]
    service += ["ExecStart=" + " ".join(_systemd_word(w) for w in c) for c in job.commands]
    timer = [
        "[Unit]",
        f"Description=Run yawyas ({runs}) every {_systemd_span(job.every_s)}",
        "",
        "[Timer]",
        "OnBootSec=5min",
        f"OnUnitActiveSec={_systemd_span(job.every_s)}",
        "",
        "[Install]",
        "WantedBy=timers.target",
    ]
    return {f"{UNIT}.service": "\n".join(service) + "\n", f"{UNIT}.timer": "\n".join(timer) + "\n"}


def _shell(job: Job) -> str:
    line = " && ".join(shlex.join(c) for c in job.commands)
    if job.env:
        exports = " ".join(shlex.quote(f"{k}={v}") for k, v in job.env.items())
        line = f"export {exports}; {line}"
    return line


def launchd_plist(job: Job) -> str:
    """A launchd user agent (~/Library/LaunchAgents/local.yawyas.plist) running the job every
    `job.every_s` seconds; stdout and stderr go to the error log beside the run log."""
    if len(job.commands) == 1 and not job.env:
        arguments = list(job.commands[0])
    else:
        arguments = ["/bin/sh", "-c", " && ".join(shlex.join(c) for c in job.commands)]
    agent: dict[str, object] = {
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": arguments,
        "StartInterval": job.every_s,
        "RunAtLoad": False,
        "StandardOutPath": str(job.error_log),
        "StandardErrorPath": str(job.error_log),
    }
    if job.env:
        agent["EnvironmentVariables"] = dict(job.env)
    return plistlib.dumps(agent, sort_keys=False).decode()


def cron_line(job: Job) -> str:
    """One crontab line (`crontab -e`) running the job every `job.every_s` seconds; cron can
    only do divisors of an hour in minutes, of a day in hours, or once a day."""
    s = job.every_s
    if s % 86_400 == 0 and s == 86_400:
        when = "15 3 * * *"
    elif s % 3600 == 0 and 24 % (s // 3600) == 0:
        hours = s // 3600
        when = "0 * * * *" if hours == 1 else f"0 */{hours} * * *"
    elif s % 60 == 0 and 60 % (s // 60) == 0:
        when = f"*/{s // 60} * * * *"
    else:
        raise BadInputError(
            "cron runs evenly only every N minutes dividing an hour (5m, 10m, 15m, 20m, 30m), "
            "N hours dividing a day (1h, 2h, 3h, 4h, 6h, 8h, 12h) or once a day (1d): "
            "choose one of those for --every."
        )
    return f"{when}  {_shell(job).replace('%', chr(92) + '%')}\n"


def write_files(folder: Path, files: Mapping[str, str], *, force: bool = False) -> list[Path]:
    """Write the unit or agent files into `folder` (made if missing); an existing file is
    replaced only with `force`. Returns the paths written."""
    from yawyas.services.outfiles import check_target, replacing

    folder = folder.expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInputError(f"Cannot make the folder {folder}: {exc.strerror or exc}.") from exc
    targets = [folder / name for name in files]
    for path in targets:
        check_target(path, force=force, option="--out-dir")
    for path, text in zip(targets, files.values(), strict=True):
        with replacing(path) as partial:
            partial.write_text(text, encoding="utf-8")
    return targets
