"""Who a stream was played for, as plain values: the audiences, what was labelled and why, the
person's own say (the config's `[audience]` tables), and their JSON documents.

Standard library only: the cached paths (`yawyas moments`, a cached profile) read these without
pandas.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from yawyas.analysis.moments.types import Evidence
from yawyas.analysis.text import fold

AUDIENCES: Final = ("you", "kids", "someone else", "functional")
"""Index = the code of a stream's audience. `you`: the person's own taste; `kids`: children's
music played for children; `someone else`: another person on the account; `functional`: sleep
sounds, rain, white noise, meditation: audio used for something, not listened to."""
YOU: Final = 0
KIDS: Final = 1
SOMEONE_ELSE: Final = 2
FUNCTIONAL: Final = 3
SCOPES: Final = ("moment", "playlist", "artist", "device")
"""What a label is about, in the order the person's own labels win over each other."""


@dataclass(frozen=True)
class Finding:
    """One thing given an audience: an artist, a device, a moment or a playlist (`scope`), how
    sure (0-1), how many of the history's plays it holds, and why. `source` is "learned" or
    "config" (the person said so)."""

    audience: str
    scope: str
    name: str
    confidence: float
    plays: int
    evidence: tuple[Evidence, ...] = ()
    source: str = "learned"
    theme: str = ""  # what it is, in a word or two: "kids' songs", "sleep sounds", "tablet"


@dataclass(frozen=True)
class Overrides:
    """The person's own labels from the config file: names (folded) -> audience.

    `devices` keys are a device family ("speaker"), "tablet", or a platform string as Spotify
    wrote it; `moments` keys are moment ids.
    """

    artists: Mapping[str, str] = field(default_factory=dict)
    devices: Mapping[str, str] = field(default_factory=dict)
    playlists: Mapping[str, str] = field(default_factory=dict)
    moments: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.artists or self.devices or self.playlists or self.moments)

    def digest_text(self) -> str:
        """A canonical text of every label (what a cache of audiences depends on)."""
        parts = []
        for scope in SCOPES:
            table = getattr(self, scope + "s")
            parts += [f"{scope}\x1f{k}\x1f{v}" for k, v in sorted(table.items())]
        return "\x1e".join(parts)


def parse_overrides(audience_table: Any, moment_tables: Mapping[str, Any], where: str) -> Overrides:
    """The person's labels from the config's `[audience]` table (`artists`, `devices`,
    `playlists`: name -> audience) and the `audience` key of its `[moments.<id>]` tables.

    Raises ValueError with one sentence naming the key (`where` is the config file) for a value
    that is not one of AUDIENCES or a table of the wrong shape."""
    tables: dict[str, dict[str, str]] = {"artists": {}, "devices": {}, "playlists": {}}
    if audience_table is not None:
        if not isinstance(audience_table, dict):
            raise ValueError(
                f"[audience] in {where} must be a table (artists, devices, playlists)."
            )
        for scope, table in audience_table.items():
            if scope not in tables:
                continue  # an unknown key: `yawyas status` names it
            if not isinstance(table, dict):
                raise ValueError(
                    f"audience.{scope} in {where} must be a table of names, such as "
                    f'{scope} = {{"Name" = "you"}}.'
                )
            for name, value in table.items():
                tables[scope][fold(str(name))] = _audience(value, f"audience.{scope}.{name}", where)
    moments = {
        str(mid): _audience(own["audience"], f"moments.{mid}.audience", where)
        for mid, own in moment_tables.items()
        if isinstance(own, dict) and "audience" in own
    }
    return Overrides(tables["artists"], tables["devices"], tables["playlists"], moments)


def _audience(value: Any, key: str, where: str) -> str:
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text == "someone_else":
        text = "someone else"
    if text not in AUDIENCES:
        choices = ", ".join(f'"{a}"' for a in AUDIENCES)
        raise ValueError(f"{key} in {where} is {value!r}; it must be one of {choices}.")
    return text


# ----------------------------------------------------------------------------- documents


def evidence_docs(evidence: Iterable[Evidence]) -> list[dict[str, Any]]:
    """Evidence as JSON-ready dicts."""
    return [{"kind": e.kind, "text": e.text, "weight": round(e.weight, 2)} for e in evidence]


def evidence_from(docs: Iterable[Mapping[str, Any]]) -> tuple[Evidence, ...]:
    """Evidence back from `evidence_docs`."""
    return tuple(Evidence(str(d["kind"]), str(d["text"]), float(d["weight"])) for d in docs)


def finding_doc(f: Finding) -> dict[str, Any]:
    """A finding as a JSON-ready dict."""
    return {
        "audience": f.audience,
        "scope": f.scope,
        "name": f.name,
        "confidence": round(f.confidence, 3),
        "plays": f.plays,
        "source": f.source,
        "theme": f.theme,
        "evidence": evidence_docs(f.evidence),
    }


def finding_from(doc: Mapping[str, Any]) -> Finding:
    """A finding back from `finding_doc`."""
    return Finding(
        audience=str(doc["audience"]),
        scope=str(doc["scope"]),
        name=str(doc["name"]),
        confidence=float(doc["confidence"]),
        plays=int(doc["plays"]),
        evidence=evidence_from(doc["evidence"]),
        source=str(doc.get("source", "learned")),
        theme=str(doc.get("theme", "")),
    )
