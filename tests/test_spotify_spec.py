"""The fake Spotify agrees with the public OpenAPI description (and the README's 2026 rules)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from tests.fake_spotify import ROUTES, FakeSpotify
from tests.fake_spotify.server import MAX_WRITE_URIS
from tests.fake_spotify.spec import (
    README_LIMIT_OVERRIDES,
    component_response_schema,
    deprecated_fields,
    limit_bounds,
    operation,
    resolve,
    response_schema,
    unknown_fields,
    validation_errors,
)

Spec = dict[str, Any]
LIVE = [r for r in ROUTES if r.status == "live"]
REMOVED = [r for r in ROUTES if r.status == "removed"]


def _name(route: Any) -> str:
    return f"{route.method} {route.spec_path}"


@pytest.mark.parametrize("route", LIVE, ids=_name)
def test_live_operations_exist_and_are_not_deprecated(openapi_spec: Spec, route: Any) -> None:
    op = operation(openapi_spec, route.method, route.spec_path)
    assert op is not None, f"{_name(route)} is served as live but is not in the spec"
    assert not op.get("deprecated"), f"{_name(route)} is served as live but is deprecated"


@pytest.mark.parametrize("route", REMOVED, ids=_name)
def test_removed_operations_are_deprecated_or_absent(openapi_spec: Spec, route: Any) -> None:
    op = operation(openapi_spec, route.method, route.spec_path)
    assert op is None or op.get("deprecated") is True, (
        f"{_name(route)} answers 403 as removed but the spec lists it as current"
    )


@pytest.mark.parametrize("route", LIVE, ids=_name)
def test_enforced_limits_match_spec_maximums(openapi_spec: Spec, route: Any) -> None:
    op = operation(openapi_spec, route.method, route.spec_path)
    assert op is not None
    bounds = limit_bounds(openapi_spec, op)
    if bounds is None:
        assert route.limit_max is None, f"{_name(route)} enforces a limit the spec does not have"
        return
    spec_min, spec_max = bounds
    assert spec_max is not None, f"the spec gives {_name(route)} a limit without a maximum"
    expected = min(spec_max, README_LIMIT_OVERRIDES.get((route.method, route.spec_path), spec_max))
    assert route.limit_max == expected, (route.limit_max, spec_max, expected)
    assert spec_min in (None, 1)


@pytest.mark.parametrize(
    ("method", "key"), [("POST", "uris"), ("PUT", "uris"), ("DELETE", "items")]
)
def test_playlist_write_maximum_matches_spec_text(
    openapi_spec: Spec, method: str, key: str
) -> None:
    op = operation(openapi_spec, method, "/playlists/{playlist_id}/items")
    assert op is not None
    text = str(op.get("requestBody")) + str(op.get("parameters"))
    assert re.search(rf"maximum of {MAX_WRITE_URIS} (items|objects)", text), text[:300]


def test_every_live_get_has_a_200_schema(openapi_spec: Spec) -> None:
    for route in LIVE:
        if route.method == "GET":
            op = operation(openapi_spec, route.method, route.spec_path)
            assert op is not None
            assert response_schema(openapi_spec, op, 200) is not None, _name(route)


# ----- answers validated against the spec's schemas ----------------------------------------------


@pytest.fixture
def seeded(fake_spotify: FakeSpotify) -> dict[str, Any]:
    fake = fake_spotify
    no_genre = fake.add_artist("Genreless", genres=None)
    tracks = fake.seed_catalog(12)
    tracks.append(fake.add_track("Untitled", [no_genre], isrc=None))
    fake.add_plays(tracks[:8], 1_780_000_000_000)
    fake.add_play(tracks[8], 1_780_009_000_000, context=("playlist", "spotify:playlist:abc"))
    for time_range in ("short_term", "medium_term", "long_term"):
        fake.set_top("tracks", time_range, tracks[:5])
        fake.set_top("artists", time_range, [no_genre, *fake.state.artists.values()][:4])
    fake.save_tracks(tracks[:6])
    mine = fake.add_playlist("Mine", tracks[:4], description="made by yawyas & co / v1")
    other = fake.add_playlist("Theirs", tracks[:2], owner_id="someone", public=True)
    token = fake.issue_tokens()["access_token"]
    return {
        "fake": fake,
        "token": token,
        "tracks": tracks,
        "artist": no_genre,
        "mine": mine,
        "other": other,
    }


def _request(seeded: dict[str, Any], method: str, path: str, **kwargs: Any) -> requests.Response:
    fake: FakeSpotify = seeded["fake"]
    headers = {"Authorization": f"Bearer {seeded['token']}"}
    return requests.request(method, fake.api_url + path, headers=headers, timeout=5, **kwargs)


def _check(spec: Spec, schema: Any, body: Any, label: str) -> None:
    assert schema is not None, label
    problems = validation_errors(spec, schema, body)
    problems += [f"not in spec: {f}" for f in unknown_fields(spec, schema, body)]
    problems += [
        f"deprecated (removed in 2026): {f}" for f in deprecated_fields(spec, schema, body)
    ]
    assert not problems, f"{label}: " + "; ".join(problems[:10])


def _sweep(seeded: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    tracks, mine = seeded["tracks"], seeded["mine"]
    new_uris = [t.uri for t in tracks[4:7]]
    return [
        ("GET", "/me", "/me", {}),
        ("GET", "/me/player/recently-played", "/me/player/recently-played?limit=5", {}),
        ("GET", "/me/player/recently-played", "/me/player/recently-played?after=0", {}),
        ("GET", "/me/top/tracks", "/me/top/tracks?time_range=short_term&limit=3", {}),
        ("GET", "/me/top/artists", "/me/top/artists?limit=2&offset=1", {}),
        ("GET", "/me/tracks", "/me/tracks?limit=4&offset=1", {}),
        ("GET", "/me/playlists", "/me/playlists?limit=1", {}),
        ("GET", "/playlists/{playlist_id}", f"/playlists/{mine.id}", {}),
        ("GET", "/playlists/{playlist_id}", f"/playlists/{seeded['other'].id}", {}),
        ("GET", "/playlists/{playlist_id}/items", f"/playlists/{mine.id}/items?limit=2", {}),
        ("GET", "/tracks/{id}", f"/tracks/{tracks[0].id}", {}),
        ("GET", "/tracks/{id}", f"/tracks/{tracks[-1].id}", {}),
        ("GET", "/artists/{id}", f"/artists/{tracks[0].artist_ids[0]}", {}),
        ("GET", "/artists/{id}", f"/artists/{seeded['artist'].id}", {}),
        ("GET", "/search", "/search?q=seed&type=track,artist&limit=10", {}),
        ("GET", "/search", '/search?q=track:"Seed Track 1" artist:"Seed"&type=track&limit=10',
         {}),
        ("POST", "/me/playlists", "/me/playlists", {"json": {"name": "N", "public": False}}),
        ("POST", "/playlists/{playlist_id}/items", f"/playlists/{mine.id}/items",
         {"json": new_uris}),
        ("PUT", "/playlists/{playlist_id}/items", f"/playlists/{mine.id}/items",
         {"json": {"uris": new_uris}}),
        ("DELETE", "/playlists/{playlist_id}/items", f"/playlists/{mine.id}/items",
         {"json": {"items": [{"uri": new_uris[0]}]}}),
    ]  # fmt: skip


def test_fake_answers_match_spec_schemas(openapi_spec: Spec, seeded: dict[str, Any]) -> None:
    for method, spec_path, path, kwargs in _sweep(seeded):
        response = _request(seeded, method, path, **kwargs)
        op = operation(openapi_spec, method, spec_path)
        assert op is not None
        declared = {int(code) for code in op["responses"] if code.isdigit() and code < "300"}
        label = f"{method} {path} -> {response.status_code}"
        assert response.status_code in declared, label
        _check(openapi_spec, response_schema(openapi_spec, op, response.status_code),
               response.json(), label)  # fmt: skip


def test_playlist_details_change_answers_as_spec_says(
    openapi_spec: Spec, seeded: dict[str, Any]
) -> None:
    op = operation(openapi_spec, "PUT", "/playlists/{playlist_id}")
    assert op is not None
    response = _request(seeded, "PUT", f"/playlists/{seeded['mine'].id}", json={"name": "Renamed"})
    assert response.status_code == 200
    assert response_schema(openapi_spec, op, 200) is None  # no body declared
    assert seeded["fake"].playlist(seeded["mine"].id).name == "Renamed"


def test_error_bodies_match_spec(openapi_spec: Spec, seeded: dict[str, Any]) -> None:
    fake: FakeSpotify = seeded["fake"]
    track_id = seeded["tracks"][0].id
    cases: list[tuple[str, int, requests.Response]] = []
    cases.append(("BadRequest", 400, _request(seeded, "GET", "/me/tracks?limit=51")))
    cases.append(("Forbidden", 403, _request(seeded, "GET", f"/audio-features/{track_id}")))
    cases.append(("NotFound", 404, _request(seeded, "GET", "/tracks/0000000000000000000000")))
    fake.fail_next(1, 429, retry_after=7)
    cases.append(("TooManyRequests", 429, _request(seeded, "GET", "/me")))
    fake.quota_exceeded_next(1)
    cases.append(("TooManyRequests", 429, _request(seeded, "GET", "/me")))
    fake.expire_access_tokens()
    cases.append(("Unauthorized", 401, _request(seeded, "GET", "/me")))
    for name, status, response in cases:
        assert response.status_code == status, (name, response.text)
        schema = component_response_schema(openapi_spec, name)
        assert validation_errors(openapi_spec, schema, response.json()) == [], name
        assert response.json()["error"]["status"] == status


def test_resolve_follows_refs(openapi_spec: Spec) -> None:
    op = operation(openapi_spec, "GET", "/me/tracks")
    assert op is not None
    limit = resolve(openapi_spec, op["parameters"][1])
    assert limit["name"] == "limit"
