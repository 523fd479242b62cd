"""`yawyas schedule`: a timer for unattended runs, with this installation's absolute paths."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from yawyas.cli import output
from yawyas.cli.app import app, state
from yawyas.cli.options import ForceOption
from yawyas.errors import BadInputError


@app.command()
def schedule(
    ctx: typer.Context,
    systemd: Annotated[
        bool, typer.Option("--systemd", help="A systemd user service and timer (Linux).")
    ] = False,
    launchd: Annotated[
        bool, typer.Option("--launchd", help="A launchd user agent (macOS).")
    ] = False,
    cron: Annotated[bool, typer.Option("--cron", help="A crontab line.")] = False,
    every: Annotated[
        str, typer.Option(metavar="PERIOD", help="How often: 30m, 2h, 1d (s, m, h, d).")
    ] = "30m",
    runs: Annotated[
        list[str] | None,
        typer.Option(
            "--run",
            metavar="sync|enrich|refresh",
            help="What each run does, in order; repeat it (default: sync, then refresh).",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            metavar="FOLDER",
            help="Write the files there (for example ~/.config/systemd/user) instead of "
            "printing them.",
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Print a timer that runs yawyas unattended, with absolute paths for this installation.

    Cron, systemd and launchd do not know your virtualenv or your shell's variables: every path
    in the output is absolute (the yawyas beside this Python, the store, the log file), and each
    run appends one line to the log file (--log-file, default yawyas.log in the home). A run
    that finds another still going exits 3 and does nothing.

    Example: yawyas schedule --systemd --every 30m
    """
    from yawyas.services.schedule import DEFAULT_RUNS, build_job, launchd_plist, systemd_units
    from yawyas.services.schedule import cron_line as make_cron

    chosen = [
        name for name, on in (("systemd", systemd), ("launchd", launchd), ("cron", cron)) if on
    ]
    if len(chosen) != 1:
        raise BadInputError("Choose one of --systemd, --launchd or --cron.")
    st = state(ctx)
    job = build_job(
        st.paths, st.config, runs=runs or DEFAULT_RUNS, every=every, log_file=st.log_file
    )
    if chosen == ["systemd"]:
        files = systemd_units(job)
        enable = "systemctl --user daemon-reload && systemctl --user enable --now yawyas.timer"
    elif chosen == ["launchd"]:
        files = {"local.yawyas.plist": launchd_plist(job)}
        enable = "launchctl load ~/Library/LaunchAgents/local.yawyas.plist"
    else:
        files = {"crontab": make_cron(job)}
        enable = "crontab -e"
    for note in job.notes:
        output.warn(note)
    if out_dir is not None and chosen != ["cron"]:
        from yawyas.services.schedule import write_files

        for path in write_files(out_dir, files, force=force):
            output.err_console.print(f"Wrote {path}", markup=False, highlight=False)
        output.err_console.print(f"Then: {enable}", markup=False, highlight=False, soft_wrap=True)
        return
    if out_dir is not None:
        raise BadInputError(
            "--out-dir is for --systemd and --launchd; add a cron line with crontab -e."
        )
    many = len(files) > 1
    for name, text in files.items():
        if many:
            sys.stdout.write(f"# {name}\n")
        sys.stdout.write(text)
        if many:
            sys.stdout.write("\n")
    sys.stdout.flush()
    if chosen == ["cron"]:
        hint = "Add the line with crontab -e."
    else:
        hint = f"Save {' and '.join(files)} (or use --out-dir), then: {enable}"
    output.err_console.print(hint, markup=False, highlight=False, soft_wrap=True)
