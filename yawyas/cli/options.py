"""The options several commands share, declared once."""

from __future__ import annotations

from typing import Annotated

import typer

TzOption = Annotated[
    str | None,
    typer.Option(
        "--tz",
        metavar="ZONE",
        help="Timezone for local time (IANA name), or 'auto' (travel-aware).",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON on stdout (messages: stderr).")]
SinceOption = Annotated[
    str | None, typer.Option(metavar="YYYY-MM-DD", help="First local day, YYYY-MM-DD.")
]
UntilOption = Annotated[
    str | None, typer.Option(metavar="YYYY-MM-DD", help="Last local day, YYYY-MM-DD.")
]
YearOption = Annotated[
    int | None, typer.Option(metavar="YYYY", help="One calendar year (local time).")
]
TopOption = Annotated[int, typer.Option(min=1, max=100, metavar="N", help="Length of top lists.")]
AtOption = Annotated[
    str | None,
    typer.Option("--at", metavar="'YYYY-MM-DD HH:MM'", help="Local time to use instead of now."),
]
MaxWait = Annotated[
    float | None,
    typer.Option(
        "--max-wait",
        min=0,
        metavar="SECONDS",
        help="Wait out a Spotify rate limit up to this long; longer: stop and say when to go "
        "on (default: max_wait_s in the config's spotify section, else 60).",
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Overwrite the file if it exists (else: exit 2).")
]
EveryoneOption = Annotated[
    bool,
    typer.Option(
        "--everyone",
        help="Count everything on the account: also the kids' songs, someone else's listening "
        "and sleep sounds that are left out of your taste by default.",
    ),
]
