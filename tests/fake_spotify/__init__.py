"""A faithful fake of Spotify (accounts + Web API, development mode, late 2026) for tests."""

from .server import ROUTES, FakeSpotify, Route
from .state import (
    ALL_SCOPES,
    FakeAlbum,
    FakeArtist,
    FakePlay,
    FakePlaylist,
    FakeTrack,
    FakeUser,
    Fault,
    RequestRecord,
)

__all__ = [
    "ALL_SCOPES",
    "ROUTES",
    "FakeAlbum",
    "FakeArtist",
    "FakePlay",
    "FakePlaylist",
    "FakeSpotify",
    "FakeTrack",
    "FakeUser",
    "Fault",
    "RequestRecord",
    "Route",
]
