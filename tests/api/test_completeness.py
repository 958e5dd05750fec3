"""12.1/12.2: the operations the issue lists, the schema's descriptions and choices,
and messages in the language of Accept-Language (nb, nl)."""

from __future__ import annotations

import pytest

from contacts import services

pytestmark = pytest.mark.django_db

URL = "/api/v1/contacts/"
# Free-form JSON (any type, which OpenAPI writes as no "type"), documented in words.
FREE_FORM_JSON = {"Job.result"}


def _company(**data):
    return services.contact_create(data={"type": "company", **data})


def test_a_company_s_persons_in_number_order(staff_api, numbered_setup):
    company = _company(name="Fjord AS", city="Bergen")
    other = _company(name="Fjell AS")
    for name in ("Kari", "Ola"):
        services.contact_create(data={"type": "person", "name": name, "company": company})
    services.contact_create(data={"type": "person", "name": "Per", "company": other})
    response = staff_api.get(f"{URL}{company.no}/persons/", {"page_size": 1})
    assert response.status_code == 200
    body = response.json()
    assert [p["name"] for p in body["results"]] == ["Kari"]
    assert body["results"][0]["company"] == company.no
    assert body["results"][0]["city"] == "Bergen"
    following = staff_api.get(body["next"]).json()
    assert [p["name"] for p in following["results"]] == ["Ola"]
    assert following["next"] is None
    assert staff_api.get(f"{URL}NOPE/persons/").status_code == 404


def _schema(api, lang="en"):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response.json()


def test_every_field_and_parameter_is_typed_and_described(staff_api):
    schema = _schema(staff_api)
    undescribed, untyped = [], []
    for name, component in schema["components"]["schemas"].items():
        for field, prop in (component.get("properties") or {}).items():
            if not prop.get("description"):
                undescribed.append(f"{name}.{field}")
            free_json = f"{name}.{field}" in FREE_FORM_JSON
            if not ({"type", "$ref", "oneOf", "allOf", "anyOf"} & set(prop)) and not free_json:
                untyped.append(f"{name}.{field}")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if not parameter.get("description"):
                    undescribed.append(f"{method} {path} {parameter['name']}")
                if "type" not in parameter.get("schema", {}):
                    untyped.append(f"{method} {path} {parameter['name']}")
            assert operation.get("description") or operation.get("summary"), (method, path)
    assert undescribed == []
    assert untyped == []


def test_choices_are_listed(staff_api):
    schemas = _schema(staff_api)["components"]["schemas"]
    assert schemas["ContactTypeEnum"]["enum"] == ["company", "person"]
    assert {"hard_copy", "email"} <= set(schemas["CorrespondenceTypeEnum"]["enum"])
    states = schemas["Contact"]["properties"]["field_states"]["additionalProperties"]
    assert set(states["enum"]) == {"inherited", "overridden"}
    opportunity = schemas["Opportunity"]["properties"]
    assert "$ref" in str(opportunity["status"])
    merge = schemas["MergeRequest"]["properties"]
    assert set(merge["fields"]["additionalProperties"]["enum"]) == {"keep", "merge"}
    assert "enum" in str(schemas["CreateEntityRequest"]["properties"]["link_to"]) or "$ref" in str(
        schemas["CreateEntityRequest"]["properties"]["link_to"]
    )


def test_the_schema_is_described_in_the_request_language(staff_api):
    contact = _schema(staff_api, "nb")["components"]["schemas"]["Contact"]["properties"]
    assert contact["company"]["description"].startswith("En persons bedrift")


@pytest.mark.parametrize(
    ("lang", "required", "unknown", "not_found"),
    [
        ("nb", "Dette feltet er påkrevd.", "Ukjent felt.", "Ikke funnet."),
        ("nl", "Dit veld is vereist.", "Onbekend veld.", "Niet gevonden."),
    ],
)
def test_messages_follow_accept_language(
    staff_api, numbered_setup, lang, required, unknown, not_found
):
    company = _company(name="Fjord AS")
    response = staff_api.post(
        f"{URL}{company.no}/change-type/", {"cty": "x"}, format="json", HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 400
    details = {e["attr"]: e["detail"] for e in response.json()["errors"]}
    assert details["cty"] == unknown
    response = staff_api.post(
        f"{URL}{company.no}/change-type/", {}, format="json", HTTP_ACCEPT_LANGUAGE=lang
    )
    assert {e["attr"]: e["detail"] for e in response.json()["errors"]}["type"] == required
    missing = staff_api.get(f"{URL}NOPE/", HTTP_ACCEPT_LANGUAGE=lang)
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["detail"] == not_found
    # A service's own rule, translated too: a company with persons cannot become a person.
    services.contact_create(data={"type": "person", "name": "Kari", "company": company})
    response = staff_api.post(
        f"{URL}{company.no}/change-type/",
        {"type": "person"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert response.status_code == 400
    detail = response.json()["errors"][0]["detail"]
    assert "related people" not in detail and detail


def test_setup_writes_are_for_administrators_only(staff_api, admin_api, setup):
    for method in (staff_api.put, staff_api.patch):
        response = method("/api/v1/setup/", {"autosearch_for_duplicates": False}, format="json")
        assert response.status_code == 403
    response = admin_api.patch("/api/v1/setup/", {"search_hit_pct": 70}, format="json")
    assert response.status_code == 200, response.json()
    assert staff_api.get("/api/v1/setup/").json()["search_hit_pct"] == 70
