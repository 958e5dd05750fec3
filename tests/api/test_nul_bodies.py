"""A NUL character anywhere in an API request body is a 400 field error (issue 12).

PostgreSQL refuses text holding a NUL: `POST /api/v1/opportunities/` with
`{"contact": "A\\u0000B"}` reached the contact lookup and answered 500. The path and
the query were refused already (api.base); the body is refused where it is read
(api.parsers), for every string of every write operation of the live schema, nested
ones included, before a view looks anything up.
"""

from __future__ import annotations

import functools
import io
import json

import pytest

from tests.crm_site.test_security import objects  # noqa: F401  (fixture)
from tests.fuzz.checks import WriteWatch
from tests.fuzz.openapi import body_with, live_schema, operations, string_fields
from tests.opportunities.factories import setup_opportunities
from tests.relations.factories import setup_sync

pytestmark = pytest.mark.django_db

NUL_TEXT = "A\x00B"


@pytest.fixture
def world(objects, admin_api):  # noqa: F811
    setup_sync()
    setup_opportunities()
    schema = live_schema(admin_api)
    return schema, operations(schema, objects)


def _errors(response) -> set[tuple]:
    return {(error["attr"], error["code"]) for error in response.json()["errors"]}


def test_the_reported_opportunity_is_refused_with_a_field_error(admin_api, world):
    watch = WriteWatch()
    watch.before()
    response = admin_api.post(
        "/api/v1/opportunities/", {"description": "Deal", "contact": NUL_TEXT}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert _errors(response) == {("contact", "null_characters")}
    assert watch.changed_tables() == []


def _merge(into: dict, part):
    for key, value in part.items():
        if isinstance(value, dict):
            _merge(into.setdefault(key, {}), value)
        elif isinstance(value, list) and isinstance(value[0], dict):
            _merge(into.setdefault(key, [{}])[0], value[0])
        else:
            into[key] = value
    return into


def test_every_string_of_every_api_write_refuses_a_nul(admin_api, world):
    """One request per operation with a NUL in each of its strings: each one is named."""
    schema, found = world
    watch, wrong, tried = WriteWatch(), [], 0
    for operation in found:
        body = operation.body_schema(schema)
        if body is None:
            continue
        paths = string_fields(schema, body)
        if not paths:
            continue
        tried += len(paths)
        watch.before()
        everything = functools.reduce(_merge, [body_with(path, NUL_TEXT) for path in paths], {})
        response = getattr(admin_api, operation.method)(operation.path, everything, format="json")
        expected = {(".".join(map(str, path)), "null_characters") for path in paths}
        if response.status_code != 400 or not expected <= _errors(response):
            wrong.append((operation.label, response.status_code, response.content[:300]))
        if changed := watch.changed_tables():
            wrong.append((operation.label, "wrote", changed))
    assert tried > 150
    assert wrong == [], "\n".join(map(str, wrong))


def test_a_nul_deep_in_a_body_or_in_a_key_is_refused(admin_api, world):
    response = admin_api.patch(
        "/api/v1/contacts/SEC-CO/", {"name": "Ok", "a\x00": "x"}, format="json"
    )
    assert response.status_code == 400
    assert ("non_field_errors", "null_characters") in _errors(response)
    response = admin_api.post("/api/v1/opportunities/", [{"x": [1, "\x00"]}], format="json")
    assert response.status_code == 400
    assert ("0.x.1", "null_characters") in _errors(response)


def test_the_message_is_translated(admin_api, world):
    response = admin_api.post(
        "/api/v1/opportunities/",
        {"description": "Deal", "contact": NUL_TEXT},
        format="json",
        HTTP_ACCEPT_LANGUAGE="nb",
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["detail"] == "Nulltegn er ikke tillatt."


@pytest.mark.parametrize(
    "fields",
    [
        {"mapping": json.dumps({"Name": "name\x00"})},
        {"code_map": '{"salesperson_code:X\\u0000": "JC"}'},  # a NUL only once decoded
        {"match": "none\x00"},
    ],
)
def test_a_nul_in_the_import_upload_form_is_refused(admin_api, world, fields):
    watch = WriteWatch()
    watch.before()
    upload = io.BytesIO(b"No.,Name\nX1,Fjord AS\n")
    upload.name = "contacts.csv"
    response = admin_api.post(
        "/api/v1/jobs/imports/", {"file": upload, **fields}, format="multipart"
    )
    assert response.status_code == 400, response.content
    (name,) = fields
    assert (name, "null_characters") in _errors(response)
    assert watch.changed_tables() == []
