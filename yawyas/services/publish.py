"""Writing playlists to the person's account: one Spotify playlist per recipe, replaced in place.

Guarantees:
- never a second copy: the playlist id is remembered in the store (`published_playlists`) and,
  if the store was lost, found again by the marker `[yawyas:KEY]` in its description before
  anything is created; the id is saved right after a create, before any item is written;
- converges: the store marks a write complete only after Spotify confirmed every chunk, and an
  incomplete or different playlist is written again on the next run (a replace is idempotent);
- `dry_run` reads only, and says what would change.

Takes a client (and a store connection); never makes one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Final

from yawyas.playlists.generate import Playlist
from yawyas.playlists.recipes import Recipe
from yawyas.store.published import forget_published, load_published, save_published

if TYPE_CHECKING:
    from yawyas.sources.spotify import RetryPolicy

DESCRIPTION_LIMIT: Final = 300


@dataclass(frozen=True)
class PublishResult:
    """What one publish did (or, with dry_run, would do)."""

    recipe: str
    name: str
    playlist_id: str | None
    created: bool
    found_by_marker: bool
    written: bool
    dry_run: bool
    tracks: int
    added: list[str] = field(default_factory=list)  # URIs not on Spotify now
    removed: list[str] = field(default_factory=list)  # URIs on Spotify that will go
    reordered: bool = False
    unmatched: list[str] = field(default_factory=list)  # tracks with no Spotify URI, left out

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def description(recipe: Recipe, playlist: Playlist) -> str:
    """The playlist's description, ending with the recipe's marker (within Spotify's limit)."""
    text = recipe.description or f"Made by yawyas from your listening ({playlist.source})."
    room = DESCRIPTION_LIMIT - len(recipe.marker) - 1
    return f"{text[:room]} {recipe.marker}"


def publish_playlist(
    client: Any,
    conn: sqlite3.Connection,
    recipe: Recipe,
    playlist: Playlist,
    *,
    dry_run: bool = False,
    policy: RetryPolicy | None = None,
) -> PublishResult:
    """Make the recipe's Spotify playlist hold exactly `playlist`'s tracks, in order."""
    from yawyas.sources import spotify as sp  # spotipy loads only when publishing

    wanted = list(dict.fromkeys(u for u in playlist.uris if u))
    unmatched = [f"{t.track_name} by {t.artist_name}" for t in playlist.tracks if not t.uri]
    remembered = load_published(conn, recipe.key)
    playlist_id: str | None = None
    current: list[str] = []
    found_by_marker = False
    if remembered is not None:
        try:
            current = _uris(client, remembered.spotify_id, policy)
            playlist_id = remembered.spotify_id
        except (sp.MissingError, sp.NotAvailableError):
            if not dry_run:
                forget_published(conn, recipe.key)  # deleted on Spotify: look again
    if playlist_id is None:
        found = sp.find_playlist_by_marker(client, recipe.marker, policy=policy)
        if found is not None:
            playlist_id, found_by_marker = found.id, True
            current = _uris(client, found.id, policy)
    added = [u for u in wanted if u not in set(current)]
    removed = [u for u in current if u not in set(wanted)]
    same = current == wanted
    result = PublishResult(
        recipe=recipe.key,
        name=recipe.name,
        playlist_id=playlist_id,
        created=playlist_id is None,
        found_by_marker=found_by_marker,
        written=False,
        dry_run=dry_run,
        tracks=len(wanted),
        added=added,
        removed=removed,
        reordered=not same and not added and not removed,
        unmatched=unmatched,
    )
    if dry_run:
        return result
    if playlist_id is None:
        made = sp.create_playlist(
            client,
            recipe.name,
            description(recipe, playlist),
            public=recipe.public,
            policy=policy,
        )
        playlist_id = made.id
        save_published(conn, recipe.key, playlist_id, recipe.name)  # before any item
    elif remembered is not None and remembered.name != recipe.name:
        sp.change_playlist_details(client, playlist_id, name=recipe.name, policy=policy)
    if (
        same
        and remembered is not None
        and remembered.complete
        and remembered.spotify_id == playlist_id
    ):
        return _replace(result, playlist_id=playlist_id)  # already as wanted: no write
    save_published(conn, recipe.key, playlist_id, recipe.name, complete=False)
    snapshot = sp.replace_playlist_items(client, playlist_id, wanted, policy=policy)
    save_published(
        conn, recipe.key, playlist_id, recipe.name, wanted, snapshot_id=snapshot, complete=True
    )
    return _replace(result, playlist_id=playlist_id, written=True)


def _replace(result: PublishResult, **changes: Any) -> PublishResult:
    data = result.as_dict() | changes
    return PublishResult(**data)


def _uris(client: Any, playlist_id: str, policy: RetryPolicy | None) -> list[str]:
    from yawyas.sources import spotify as sp

    return [
        e.track.uri
        for e in sp.fetch_playlist_items(client, playlist_id, policy=policy)
        if e.track.uri
    ]
