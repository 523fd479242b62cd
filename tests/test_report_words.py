"""The report in words: human dates, country names, moments' windows read from any producer's
shape, and an empty history that still renders in every format."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

from tests.framekit import moment
from tests.test_report import validator
from yawyas.analysis.moments.types import to_document
from yawyas.reports.countries import NAMES, country_name
from yawyas.reports.document import build_report, clock_minutes, report_moment, write_report
from yawyas.reports.html import render_html
from yawyas.reports.markdown import charts, render_markdown
from yawyas.reports.summary import build_profile
from yawyas.reports.svg import clip, nice_ticks
from yawyas.reports.wording import (
    fmt_day,
    fmt_duration,
    fmt_local,
    fmt_month,
    fmt_month_short,
    fmt_span,
)
from yawyas.store.cache import load_history
from yawyas.store.db import connect


def test_dates_and_durations_in_words() -> None:
    assert fmt_month("2024-03") == "March 2024"
    assert fmt_month("2024-03-31T01:30:00Z") == "March 2024"
    assert fmt_month(None) == "\u2013"
    assert fmt_month_short("2024-01") == "2024"  # a year starts
    assert fmt_month_short("2024-09") == "Sep"
    assert fmt_day("2024-03-05") == "Tue 5 March 2024"
    assert fmt_day("2024-03") == "March 2024"  # an anonymised date
    assert fmt_local("2024-03-05T07:40:00") == "Tue 5 March 2024, 07:40"
    assert fmt_local("2024-03") == "March 2024"
    assert fmt_duration(7_500_000) == "2 h 05 min"
    assert fmt_duration(2_700_000) == "45 min"
    assert fmt_duration(None) == "\u2013"
    assert fmt_span("2024-03-03T10:00:00", "2024-03-09T22:00:00") == "3\u20139 March 2024"
    assert fmt_span("2024-03-30T10:00:00", "2024-04-02T10:00:00") == "30 March\u20132 April 2024"
    assert fmt_span("2023-12-30", "2024-01-02") == "30 December 2023\u20132 January 2024"
    assert fmt_span("2024-03", "2024-03") == "March 2024"
    assert fmt_span("2024-03", "2024-04") == "March 2024\u2013April 2024"


def test_country_names() -> None:
    assert country_name("ES") == "Spain"
    assert country_name("gb") == "United Kingdom"
    assert country_name("ZZ") == "unknown"
    assert country_name("") == "unknown"
    assert country_name(None) == "unknown"
    assert country_name("XK") == "Kosovo"
    assert country_name("Q9") == "Q9"  # not a country we know: shown as it is
    assert len(NAMES) >= 249
    assert all(len(code) == 2 and code.isupper() and name for code, name in NAMES.items())


def test_windows_of_moment_documents() -> None:
    tango = moment("tango", "Tango", ((4,), 21 * 60, 30))
    (window,) = report_moment(to_document(tango))["windows"]
    assert window["day_numbers"] == [4]
    assert (window["start_minute"], window["end_minute"]) == (21 * 60, 30)
    assert window["crosses_midnight"] is True
    assert clock_minutes("24:00") == 1440
    assert clock_minutes("late") is None
    assert clock_minutes("25:00") is None


def test_chart_helpers() -> None:
    assert nice_ticks(0) == [0.0, 1.0]
    assert nice_ticks(87) == [0, 25, 50, 75, 100]
    assert nice_ticks(4) == [0, 1, 2, 3, 4]
    assert clip("Glass Room Ensemble", 10) == "Glass Roo…"
    assert clip("東京ビジネス通信", 8) == "東京ビ…"  # East Asian characters are twice as wide
    assert clip("short", 10) == "short"


def test_an_empty_history_renders_in_every_format(tmp_path: Path) -> None:
    profile = build_profile(load_history(connect(":memory:")), tz="UTC")
    doc = build_report(profile, moments=[])
    validator().validate(json.loads(json.dumps(doc)))
    page = render_html(doc)
    assert "No recurring moments were found" in page
    assert "Day by day" not in page  # no calendar without a day
    text = render_markdown(doc)
    assert "## Listening over time" in text
    for chart in charts(doc).values():
        ElementTree.fromstring(chart)
    assert sorted(p.name for p in write_report(doc, tmp_path / "r.md")) == [
        "clock.svg",
        "devices.svg",
        "discovery.svg",
        "monthly.svg",
        "r.md",
        "top_artists.svg",
    ]
