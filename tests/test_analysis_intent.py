"""Intent: deliberate and passive starts, skips, and how they vary by device and shuffle."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from yawyas.analysis.intent import build_intent, build_start_intents, classify_start


def streams(rows: list[dict[str, Any]]) -> pd.DataFrame:
    defaults: dict[str, Any] = {
        "kind": "track",
        "platform": "android",
        "reason_start": "trackdone",
        "reason_end": "trackdone",
        "shuffle": False,
        "skipped": None,
    }
    frame = pd.DataFrame([{**defaults, **row} for row in rows], columns=list(defaults))
    return frame.astype(
        {
            "kind": "str",
            "platform": "str",
            "reason_start": "str",
            "reason_end": "str",
            "shuffle": "boolean",
            "skipped": "boolean",
        }
    )


@pytest.mark.parametrize(
    ("reason", "intent"),
    [
        ("clickrow", "deliberate"),
        ("playbtn", "deliberate"),
        ("uriopen", "deliberate"),
        ("clickside", "deliberate"),
        ("popup", "deliberate"),
        ("backbtn", "deliberate"),
        ("trackdone", "passive"),
        ("appload", "passive"),
        ("fwdbtn", "passive"),
        ("remote", "passive"),
        ("switched-to-audio", "passive"),
        ("persisted", "other"),
        ("", "unknown"),
        ("unknown", "unknown"),
        (None, "unknown"),
    ],
)
def test_classify_start(reason: str | None, intent: str) -> None:
    assert classify_start(reason) == intent


def test_build_start_intents_handles_nulls() -> None:
    series = pd.Series(["clickrow", None, "trackdone", ""], dtype="str")
    assert list(build_start_intents(series).astype(str)) == [
        "deliberate",
        "unknown",
        "passive",
        "unknown",
    ]


def test_overall_shares_and_rates() -> None:
    frame = streams(
        [
            {"reason_start": "clickrow", "reason_end": "fwdbtn", "skipped": True},
            {"reason_start": "playbtn", "reason_end": "trackdone", "skipped": False},
            {"reason_start": "trackdone", "reason_end": "fwdbtn", "skipped": None},
            {"reason_start": None, "reason_end": None, "skipped": None},
            {"reason_start": "persisted", "reason_end": "", "skipped": None},
            # podcasts are left out entirely
            {
                "kind": "episode",
                "reason_start": "clickrow",
                "reason_end": "fwdbtn",
                "skipped": True,
            },
        ]
    )
    overall = build_intent(frame).overall.iloc[0]
    assert overall["streams"] == 5
    assert overall["known_starts"] == 4
    assert overall["deliberate_share"] == 2 / 4
    assert overall["passive_share"] == 1 / 4
    assert overall["other_share"] == 1 / 4
    assert overall["skip_known"] == 2
    assert overall["skip_rate"] == 1 / 2
    assert overall["end_known"] == 3
    assert overall["fwdbtn_rate"] == 2 / 3


def test_by_device_and_shuffle() -> None:
    frame = streams(
        [
            {"platform": "windows", "shuffle": True, "skipped": True, "reason_end": "fwdbtn"},
            {"platform": "windows", "shuffle": True, "skipped": True, "reason_end": "fwdbtn"},
            {"platform": "windows", "shuffle": False, "skipped": False},
            {"platform": "iOS 9.3.5 (iPhone7,2)", "shuffle": None, "reason_start": "clickrow"},
        ]
    )
    intent = build_intent(frame)
    device = intent.by_device.set_index("group")
    assert list(device.index) == ["desktop", "phone"]  # most streams first
    assert device.loc["desktop", "skip_rate"] == 2 / 3
    assert device.loc["desktop", "fwdbtn_rate"] == 2 / 3
    assert device.loc["phone", "deliberate_share"] == 1.0
    assert math.isnan(device.loc["phone", "skip_rate"])
    shuffle = intent.by_shuffle.set_index("group")
    assert list(shuffle.index) == ["on", "off", "unknown"]
    assert shuffle.loc["on", "skip_rate"] == 1.0
    assert shuffle.loc["off", "skip_rate"] == 0.0
    assert shuffle.loc["unknown", "streams"] == 1


def test_empty() -> None:
    intent = build_intent(streams([]))
    overall = intent.overall.iloc[0]
    assert overall["streams"] == 0
    assert math.isnan(overall["deliberate_share"])
    assert len(intent.by_device) == 0
    assert len(intent.by_shuffle) == 0
