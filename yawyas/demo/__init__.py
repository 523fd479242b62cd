"""The synthetic listener behind `yawyas demo`, the tests and the benchmarks.

A persona (home timezone, devices, taste, recurring moments) lives a few years of listening,
simulated session by session, and `write_export` writes it as the real files of Spotify's
privacy export, so the normal import path reads it:

    history = generate_history("default", seed=7)        # ~3 years, ~45,000 streams
    write_export(history, Path("out"), zip_name="my_spotify_data.zip")

`history.labels[i]` names the planted moment behind `history.streams[i]` (None for everyday
listening): the ground truth the analysis should find again.
"""

from yawyas.demo.export import ACCOUNT_DIR, EXTENDED_DIR, write_export
from yawyas.demo.history import DEFAULT_END, ROW_FIELDS, DemoHistory, generate_history
from yawyas.demo.personas import PERSONAS, Persona, PlantedMoment
from yawyas.demo.platforms import PLATFORM_STRINGS
from yawyas.demo.quirks import apply_quirks

__all__ = [
    "ACCOUNT_DIR",
    "DEFAULT_END",
    "EXTENDED_DIR",
    "PERSONAS",
    "PLATFORM_STRINGS",
    "ROW_FIELDS",
    "DemoHistory",
    "Persona",
    "PlantedMoment",
    "apply_quirks",
    "generate_history",
    "write_export",
]
