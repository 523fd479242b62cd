"""The public OpenAPI description of the Spotify Web API, read to keep the fake honest.

The file lives beside the repository (`../shared/spotify/openapi.yml`), or wherever
YAWYAS_SPOTIFY_SPEC points. Removed operations and fields are still listed there, marked
`deprecated: true`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

SPEC_ENV = "YAWYAS_SPOTIFY_SPEC"
DEFAULT_SPEC_PATH = Path(__file__).resolve().parents[3] / "shared" / "spotify" / "openapi.yml"

# Where the README's 2026 rules are stricter than the spec's parameter maximums.
README_LIMIT_OVERRIDES: dict[tuple[str, str], int] = {
    ("GET", "/search"): 10,
    ("GET", "/playlists/{playlist_id}/items"): 50,
}
# Deprecated fields a 2026 answer may still carry (README: artist genres may be empty or missing).
ALLOWED_DEPRECATED_FIELDS = frozenset({"genres"})
# Fields the real API sends as null although the spec does not say `nullable` (spec gaps):
# a play from no context (search, a radio...) has "context": null; a cursor page's `next` is
# "null if none" in the spec's own words, and an empty page has "cursors": null.
NULLABLE_IN_PRACTICE: frozenset[tuple[str, str]] = frozenset(
    {
        ("PlayHistoryObject", "context"),
        ("CursorPagingObject", "next"),
        ("CursorPagingObject", "cursors"),
    }
)

Json = dict[str, Any]


class SpecNotFoundError(Exception):
    """The OpenAPI file (or PyYAML to read it) is not there."""


def spec_path() -> Path:
    return Path(os.environ.get(SPEC_ENV) or DEFAULT_SPEC_PATH)


def load_spec(path: Path | None = None) -> Json:
    """The parsed spec; SpecNotFoundError with a one-line reason when it cannot be read."""
    return _load(path or spec_path())


@functools.cache
def _load(path: Path) -> Json:
    if not path.is_file():
        raise SpecNotFoundError(
            f"../shared/spotify/openapi.yml not found: {path} (set {SPEC_ENV} to its path)"
        )
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - pyyaml is a test dependency
        raise SpecNotFoundError(f"pyyaml is needed to read {path}: {exc}") from exc
    with path.open(encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    if not isinstance(data, dict) or "paths" not in data:
        raise SpecNotFoundError(f"{path} is not an OpenAPI description")
    return data


def operation(spec: Json, method: str, path: str) -> Json | None:
    """The operation object for METHOD path (path as written in the spec, without /v1)."""
    item = spec["paths"].get(path)
    if not isinstance(item, dict):
        return None
    op = item.get(method.lower())
    return op if isinstance(op, dict) else None


def resolve(spec: Json, node: Any) -> Any:
    """Follow `$ref` (local refs only) until a node without one."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
        seen += 1
        assert seen < 50, f"$ref loop at {ref}"
    return node


def parameter(spec: Json, op: Json, name: str) -> Json | None:
    for raw in op.get("parameters", []):
        param = resolve(spec, raw)
        if param.get("name") == name:
            return param  # type: ignore[no-any-return]
    return None


def limit_bounds(spec: Json, op: Json) -> tuple[int | None, int | None] | None:
    """(minimum, maximum) of the operation's `limit` parameter, or None when it has none."""
    param = parameter(spec, op, "limit")
    if param is None:
        return None
    schema = resolve(spec, param.get("schema", {}))
    return schema.get("minimum"), schema.get("maximum")


def response_schema(spec: Json, op: Json, status: int) -> Json | None:
    """The JSON schema an operation declares for a status, or None (no body or not declared)."""
    response = op.get("responses", {}).get(str(status))
    if response is None:
        return None
    response = resolve(spec, response)
    content = response.get("content", {}).get("application/json")
    return None if content is None else content.get("schema")


def component_response_schema(spec: Json, name: str) -> Json:
    """The schema of a shared response, e.g. "NotFound" or "TooManyRequests"."""
    response = spec["components"]["responses"][name]
    return response["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


# ----- validation -------------------------------------------------------------------------------


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema 2020-12: `nullable`, and `oneOf` with a discriminator
    (JSON Schema has no discriminator, and a track could match several loose branches)."""
    if isinstance(node, list):
        return [to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: to_json_schema(v) for k, v in node.items() if k not in ("nullable", "example")}
    if "discriminator" in node and "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    out.pop("discriminator", None)
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [{"type": "null"}, out]}
    return out


def validation_errors(spec: Json, schema: Json, instance: Any) -> list[str]:
    """Every way `instance` breaks `schema` (with the spec's components for `$ref`)."""
    from jsonschema import Draft202012Validator

    root = dict(to_json_schema(schema))
    root["components"] = {"schemas": _converted_components(spec)}
    validator = Draft202012Validator(root)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '$'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


_CONVERTED: dict[int, tuple[Json, Any]] = {}


def _converted_components(spec: Json) -> Any:
    cached = _CONVERTED.get(id(spec))
    if cached is None or cached[0] is not spec:
        schemas = to_json_schema(spec["components"]["schemas"])
        for schema_name, prop in NULLABLE_IN_PRACTICE:
            props = schemas[schema_name]["properties"]
            props[prop] = {"anyOf": [{"type": "null"}, props[prop]]}
        cached = (spec, schemas)
        _CONVERTED[id(spec)] = cached
    return cached[1]


def _merged(spec: Json, schema: Any, instance: Any) -> Json:
    """One flat view of a schema: properties and required merged over allOf; for oneOf/anyOf
    the branch whose `type` enum matches the instance's `type`."""
    schema = resolve(spec, schema)
    if not isinstance(schema, dict):
        return {}
    merged: Json = {
        "properties": dict(schema.get("properties", {})),
        "required": set(schema.get("required", [])),
        "items": schema.get("items"),
        "type": schema.get("type"),
    }
    for part in schema.get("allOf", []):
        sub = _merged(spec, part, instance)
        merged["properties"].update(sub["properties"])
        merged["required"] |= sub["required"]
        merged["items"] = merged["items"] or sub["items"]
        merged["type"] = merged["type"] or sub["type"]
    branches = schema.get("oneOf") or schema.get("anyOf") or []
    if branches:
        chosen = _merged(spec, branches[0], instance)
        kind = instance.get("type") if isinstance(instance, dict) else None
        for branch in branches:
            view = _merged(spec, branch, instance)
            enum = resolve(spec, view["properties"].get("type", {})).get("enum", [])
            if kind is not None and kind in enum:
                chosen = view
                break
        merged["properties"].update(chosen["properties"])
        merged["required"] |= chosen["required"]
        merged["items"] = merged["items"] or chosen["items"]
    return merged


def _is_deprecated(spec: Json, prop: Any) -> bool:
    if isinstance(prop, dict) and prop.get("deprecated"):
        return True
    target = resolve(spec, prop)
    return isinstance(target, dict) and bool(target.get("deprecated"))


def _walk(
    spec: Json,
    schema: Any,
    instance: Any,
    where: str,
    visit: Callable[[str, str, Any, Json], Iterator[str]],
) -> Iterator[str]:
    view = _merged(spec, schema, instance)
    if isinstance(instance, dict) and view["properties"]:
        for key, value in instance.items():
            prop = view["properties"].get(key)
            yield from visit(where, key, prop, view)
            if prop is not None and value is not None:
                yield from _walk(spec, prop, value, f"{where}.{key}", visit)
    elif isinstance(instance, list) and view["items"] is not None:
        for i, value in enumerate(instance):
            yield from _walk(spec, view["items"], value, f"{where}[{i}]", visit)


def unknown_fields(spec: Json, schema: Json, instance: Any) -> list[str]:
    """Fields in `instance` that the spec does not describe at all."""

    def visit(where: str, key: str, prop: Any, view: Json) -> Iterator[str]:
        if prop is None:
            yield f"{where}.{key}"

    return list(_walk(spec, schema, instance, "$", visit))


def deprecated_fields(spec: Json, schema: Json, instance: Any) -> list[str]:
    """Fields in `instance` that the spec marks deprecated (removed in 2026), except those the
    spec also requires and those the README says may still come (artist genres)."""

    def visit(where: str, key: str, prop: Any, view: Json) -> Iterator[str]:
        if (
            prop is not None
            and _is_deprecated(spec, prop)
            and key not in view["required"]
            and key not in ALLOWED_DEPRECATED_FIELDS
        ):
            yield f"{where}.{key}"

    return list(_walk(spec, schema, instance, "$", visit))
