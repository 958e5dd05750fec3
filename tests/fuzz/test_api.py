"""Every operation of the live OpenAPI schema (/api/schema/) with hostile values, as an
administrator (who may call everything): bodies with each property missing, of the
wrong type, hostile text or out of its enum (nested ones too), a body that is no object
at all; hostile query parameters; hostile path parameters. Never a 500, and a refused
request (4xx) writes nothing (tests/fuzz/runner.py).

tests/api/test_fuzz.py runs schemathesis over the same schema for conformance (status
codes, content types, response bodies); this suite adds the hostile values and the
write check. The upload (multipart) gets hostile files and form fields.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st
from rest_framework.test import APIClient

from api.services import api_token_create
from api.throttling import IPRateThrottle, UserRateThrottle
from tests.crm_site.test_security import objects  # noqa: F401  (fixture)
from tests.fuzz.checks import WriteWatch
from tests.fuzz.hostile import hostile_json, hostile_text
from tests.fuzz.openapi import (
    PARAM,
    body_strategy,
    live_schema,
    operations,
    query_strategy,
)
from tests.fuzz.runner import FILES, attempt, run_examples, shown
from tests.opportunities.factories import setup_opportunities
from tests.relations.factories import setup_sync

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = 4  # per operation


@pytest.fixture
def api(admin_user, monkeypatch):
    rates = {"user": "100000/min", "ip": "100000/min", "anon": "100000/min"}
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(IPRateThrottle, "THROTTLE_RATES", rates)
    cache.clear()
    client = APIClient()
    key = api_token_create(user=admin_user, name="fuzz").key
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.raise_request_exception = False
    yield client
    cache.clear()


def _path_strategy(operation) -> st.SearchStrategy:
    """The real path; for a path with parameters, hostile values in them one time in four
    (the other examples reach the view's body handling)."""
    if not PARAM.search(operation.template):
        return st.just(operation.path)

    def path(hostile, value):
        if not hostile:
            return operation.path
        return PARAM.sub(lambda _m: quote(value[:200], safe=""), operation.template)

    return st.builds(path, st.sampled_from([False, False, False, True]), hostile_text)


def _request_strategy(schema, operation) -> st.SearchStrategy:
    if body := operation.body_schema(schema):
        payload = st.one_of(body_strategy(schema, body), hostile_json)
        fmt = "json"
    elif body := operation.body_schema(schema, "multipart/form-data"):
        texts = {
            name: st.one_of(st.just(None), hostile_text)
            for name in body.get("properties", {})
            if name != "file"
        }
        payload = st.fixed_dictionaries({"file": st.sampled_from(FILES), **texts})
        fmt = "multipart"
    else:
        payload, fmt = st.none(), None
    return st.tuples(_path_strategy(operation), query_strategy(operation), payload, st.just(fmt))


def _send(api, method, path, query, payload, fmt):
    if fmt == "multipart":
        data = {key: value for key, value in payload.items() if value is not None}
        data["file"] = SimpleUploadedFile("fuzz.csv", payload["file"])
        return getattr(api, method)(path, data, format="multipart")
    if query:
        path = f"{path}?{urlencode(query, quote_via=quote)}"
    if fmt is None:
        return getattr(api, method)(path)
    return getattr(api, method)(path, payload, format="json")


def _checker(api, operation, watch, failures):
    def check(example):
        path, query, payload, fmt = example
        problem = attempt(
            api,
            lambda: _send(api, operation.method, path, query, payload, fmt),
            watch,
            reads_only=operation.method == "get",
            refused=lambda response: 400 <= response.status_code < 500,
        )
        if problem:
            body = shown(payload) if isinstance(payload, dict) else payload
            failures.append(f"{operation.label} {path} {query} {body!r:.300}: {problem}")

    return check


def test_every_api_operation_survives_hostile_values(api, objects):  # noqa: F811
    setup_sync()
    setup_opportunities()
    schema = live_schema(api)
    found = operations(schema, objects)
    assert len(found) > 50
    watch, failures = WriteWatch(), []
    for operation in found:
        watch.before()
        run_examples(
            _request_strategy(schema, operation),
            EXAMPLES,
            _checker(api, operation, watch, failures),
        )
    assert failures == [], "\n".join(failures)
