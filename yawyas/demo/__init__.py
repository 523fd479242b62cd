"""The synthetic listener behind `yawyas demo`, the tests and the benchmarks.

A persona (home timezone, devices, taste, recurring moments, life events) lives a few years of
listening, simulated session by session, and `write_export` writes it as the real files of
Spotify's privacy export, so the normal import path reads it:

    history = generate_history("default", seed=7)        # ~3 years, ~45,000 streams
    write_export(history, Path("out"), zip_name="my_spotify_data.zip")
    write_export(history, Path("acct"), package="account")  # the "Account data" package alone

The ground truth the analysis should find again, aligned with `history.streams`:
`history.labels[i]` names the planted moment behind a stream (None for everyday listening),
`history.audiences[i]` who it was for ("you", "kids", "someone else", "functional") and
`history.events[i]` the life event behind it (a trip, a holiday, a binge, a party, noise, another
person on the account...). `account_streams` maps the account-data plays back to them.

`PERSONAS` are the four crisp listeners; `LIFE_PERSONAS` the messier lives ("no_routine",
"household", "messy"); `ALL_PERSONAS` both.
"""

from yawyas.demo.export import ACCOUNT_DIR, EXTENDED_DIR, PACKAGES, account_streams, write_export
from yawyas.demo.habits import AUDIENCES, LIFE_EVENTS, Occasional
from yawyas.demo.history import DEFAULT_END, ROW_FIELDS, DemoHistory, generate_history
from yawyas.demo.personas import ALL_PERSONAS, LIFE_PERSONAS, PERSONAS, Persona, PlantedMoment
from yawyas.demo.platforms import PLATFORM_STRINGS
from yawyas.demo.quirks import apply_quirks

__all__ = [
    "ACCOUNT_DIR",
    "ALL_PERSONAS",
    "AUDIENCES",
    "DEFAULT_END",
    "EXTENDED_DIR",
    "LIFE_EVENTS",
    "LIFE_PERSONAS",
    "PACKAGES",
    "PERSONAS",
    "PLATFORM_STRINGS",
    "ROW_FIELDS",
    "DemoHistory",
    "Occasional",
    "Persona",
    "PlantedMoment",
    "account_streams",
    "apply_quirks",
    "generate_history",
    "write_export",
]
