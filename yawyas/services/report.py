"""The report of a store: its profile, moments and Spotify's inferences as one document,
written as HTML, Markdown or JSON (`reports.document`)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yawyas.errors import BadInputError
from yawyas.settings import Config


@dataclass(frozen=True)
class WrittenReport:
    """The files written and the document they hold."""

    files: list[Path]
    document: dict[str, Any]


def build_store_report(
    conn: sqlite3.Connection,
    config: Config,
    *,
    tz: str,
    travel_aware: bool = False,
    since: str | None = None,
    until: str | None = None,
    year: int | None = None,
    top: int = 10,
    anonymize: bool = False,
    keep_names: bool = False,
    with_moments: bool = True,
    everyone: bool = False,
) -> dict[str, Any]:
    """The report document of the store's history (a period of it, when asked): the profile
    (of the person's own taste, or of every stream with `everyone`), the moments active in
    the period, Spotify's inferences, anonymised when asked."""
    from yawyas.reports.document import build_known_names, build_report, select_moments
    from yawyas.services.profile import load_profile
    from yawyas.store.cache import load_history
    from yawyas.store.library import load_inferences
    from yawyas.store.spotify import load_playlist_memberships

    if keep_names and not anonymize:
        raise BadInputError("--keep-names only applies together with --anonymize; add it.")
    profile = load_profile(
        conn,
        config,
        tz=tz,
        travel_aware=travel_aware,
        since=since,
        until=until,
        year=year,
        top=top,
        everyone=everyone,
    )
    moments = None
    if with_moments:
        documents = moment_documents(conn, config, tz=tz, travel_aware=travel_aware)
        moments = select_moments(documents, profile["period"])
    known = (
        build_known_names(load_history(conn), (name for name, _ in load_playlist_memberships(conn)))
        if anonymize
        else None
    )
    return build_report(
        profile,
        moments=moments,
        inferences=load_inferences(conn),
        anonymize=anonymize,
        keep_names=keep_names,
        known_names=known,
    )


def moment_documents(
    conn: sqlite3.Connection, config: Config, *, tz: str, travel_aware: bool = False
) -> list[dict[str, Any]]:
    """The store's moments as documents (learned once per history; hidden ones flagged)."""
    from yawyas.analysis.moments.types import to_document
    from yawyas.services.moments import load_moments

    view = load_moments(conn, config, tz=tz, travel_aware=travel_aware)
    return [to_document(m) for m in view.moments]


def write_store_report(
    conn: sqlite3.Connection, config: Config, out: Path, *, force: bool = False, **options: Any
) -> WrittenReport:
    """Build the store's report (options as `build_store_report`) and write it to `out` (the
    suffix picks the format; Markdown also writes its charts beside it). An existing `out` is
    replaced only with `force`; the target is checked before any work."""
    from yawyas.reports.document import report_format, write_report
    from yawyas.services.outfiles import check_target, write_error

    report_format(out)  # a bad suffix fails before any work
    check_target(out, force=force)
    doc = build_store_report(conn, config, **options)
    try:
        return WrittenReport(write_report(doc, out), doc)
    except OSError as exc:
        raise write_error(out, exc) from exc
