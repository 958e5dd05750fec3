"""The API's write operations from its live OpenAPI schema, with real paths to call.

`operations(schema, objects)` gives every operation of /api/schema/ with its path filled
from tests.crm_site.test_security's objects (one real row behind every parameter), so a
PUT or a detail action reaches its view rather than a 404. `string_fields(schema, body)`
lists where a request body holds text, nested objects and lists included, as paths
("lines", 0, "starting_no").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import resolve
from hypothesis import strategies as st

from tests.crm_site.test_security import _values
from tests.fuzz.hostile import hostile_json, hostile_text

PARAM = re.compile(r"\{(\w+)\}")
#: A value of the right form for each kind of parameter, to find the route's name.
PROBES = {"delivery_id": "00000000-0000-0000-0000-000000000000"}
NOT_TEXT = {"integer", "number", "boolean", "object", "array"}


_SCHEMA: dict = {}


def live_schema(client) -> dict:
    """/api/schema/ as JSON, fetched once per test process (it takes seconds to build)."""
    if not _SCHEMA:
        response = client.get("/api/schema/", {"format": "json"})
        assert response.status_code == 200
        _SCHEMA.update(response.json())
    return _SCHEMA


@dataclass(frozen=True)
class Operation:
    method: str  # lower case
    template: str  # /api/v1/contacts/{no}/
    path: str  # /api/v1/contacts/SEC-CO/
    spec: dict

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"

    def body_schema(self, schema: dict, media: str = "application/json") -> dict | None:
        content = self.spec.get("requestBody", {}).get("content", {})
        if media not in content:
            return None
        return resolve_ref(schema, content[media]["schema"])


def resolve_ref(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _path(template: str, objects: dict) -> str:
    probe = PARAM.sub(lambda m: PROBES.get(m.group(1), "1"), template)
    match = resolve(probe)
    values = _values(f"{match.namespace}:{match.url_name}", objects)
    return PARAM.sub(lambda m: values[m.group(1)], template)


def operations(schema: dict, objects: dict) -> list[Operation]:
    found = []
    for template, methods in sorted(schema["paths"].items()):
        path = _path(template, objects)
        for method, spec in methods.items():
            if method in ("get", "put", "post", "patch", "delete"):
                found.append(Operation(method, template, path, spec))
    return found


def _is_text(schema: dict, node: dict) -> bool:
    node = resolve_ref(schema, node)
    if "type" in node:
        return node["type"] == "string"
    if "enum" in node:
        return all(isinstance(value, str) for value in node["enum"] if value is not None)
    parts = node.get("allOf", []) + node.get("oneOf", []) + node.get("anyOf", [])
    return any(_is_text(schema, part) for part in parts)


def string_fields(schema: dict, node: dict, prefix: tuple = ()) -> list[tuple]:
    """Paths to every text in a body of this schema (writable properties only)."""
    node = resolve_ref(schema, node)
    paths = []
    for name, prop in node.get("properties", {}).items():
        prop = resolve_ref(schema, prop)
        if prop.get("readOnly"):
            continue
        if _is_text(schema, prop):
            paths.append((*prefix, name))
        elif prop.get("type") == "object":
            paths.extend(string_fields(schema, prop, (*prefix, name)))
        elif prop.get("type") == "array":
            items = resolve_ref(schema, prop.get("items", {}))
            if _is_text(schema, items):
                paths.append((*prefix, name, 0))
            elif items.get("type") == "object" or "properties" in items:
                paths.extend(string_fields(schema, items, (*prefix, name, 0)))
    return paths


def body_with(path: tuple, value) -> dict:
    """The smallest body holding `value` at `path`."""
    for key in reversed(path):
        value = [value] if isinstance(key, int) else {key: value}
    return value


OMIT = object()


def _enum(schema: dict, node: dict) -> list:
    node = resolve_ref(schema, node)
    values = list(node.get("enum", []))
    for part in node.get("allOf", []) + node.get("oneOf", []) + node.get("anyOf", []):
        values += _enum(schema, part)
    return values


def value_strategy(schema: dict, node: dict, depth: int = 0) -> st.SearchStrategy:
    """A hostile value for a property: of the wrong type, hostile text, one of its enum
    values, or (objects and lists of them) a body of its own with hostile values."""
    node = resolve_ref(schema, node)
    choices = [hostile_json]
    if values := _enum(schema, node):
        choices.append(st.sampled_from(values))
    if depth < 2 and (node.get("type") == "object" or "properties" in node):
        choices.append(body_strategy(schema, node, depth + 1))
    elif depth < 2 and node.get("type") == "array":
        items = value_strategy(schema, node.get("items", {}), depth + 1)
        choices.append(st.lists(items, min_size=1, max_size=3))
    return st.one_of(*choices)


def body_strategy(schema: dict, node: dict, depth: int = 0) -> st.SearchStrategy:
    """A JSON object for a request body: each writable property missing or hostile."""
    node = resolve_ref(schema, node)
    properties = {
        name: st.one_of(st.just(OMIT), value_strategy(schema, prop, depth))
        for name, prop in node.get("properties", {}).items()
        if not resolve_ref(schema, prop).get("readOnly")
    }
    return st.fixed_dictionaries(properties).map(
        lambda body: {key: value for key, value in body.items() if value is not OMIT}
    )


def query_strategy(operation: Operation) -> st.SearchStrategy:
    """Query parameters, each missing or hostile text (cursors and page sizes included)."""
    names = [p["name"] for p in operation.spec.get("parameters", []) if p["in"] == "query"]
    return st.fixed_dictionaries(
        {name: st.one_of(st.just(OMIT), hostile_text) for name in names}
    ).map(lambda query: {key: value for key, value in query.items() if value is not OMIT})
