"""Keeping the store's readable views current: device families of new platforms, and the zone
their `local_time` is shown in (the zone in effect when history last arrived)."""

from __future__ import annotations

import sqlite3

from yawyas.analysis.platforms import classify_platform
from yawyas.analysis.zones import build_utc_offsets
from yawyas.store.db import transaction
from yawyas.store.views import load_view_zone, save_platform_devices, save_view_zone


def refresh_views(conn: sqlite3.Connection, zone: str | None) -> None:
    """Classify platforms not classified yet and, when `zone` differs from the views' zone,
    show local time in `zone` from now on (None: keep the views' zone as it is)."""
    with transaction(conn):
        save_platform_devices(conn, classify_platform)
        if zone is not None and zone != load_view_zone(conn):
            save_view_zone(conn, zone, build_utc_offsets(zone))
