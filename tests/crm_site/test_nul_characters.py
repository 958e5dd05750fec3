"""A NUL character anywhere in a request is refused at one place (13.6): the path, the
query, the cookies and form fields, over every URL pattern of the project, signed in as
an administrator (who may open every page). Before, PostgreSQL raised on the first query
holding one: a 500 at a dozen endpoints (`/contacts/?after=%00`, `/contacts/%00/`,
`/relations/?q=%00`, `POST .../link/customer/ no=A%00B`, ...).
"""

from __future__ import annotations

import pytest
from django.urls import resolve
from django.utils.regex_helper import normalize

from contacts.models import Contact
from history.models import Change
from interactions.models import InteractionLogEntry
from opportunities.models import Opportunity
from tests.crm_site.test_security import ENDPOINTS, _url, _values

pytestmark = pytest.mark.django_db

QUERY = {name: "a\x00" for name in ("q", "after", "before", "contact", "no", "type", "printed")}
FORM = {
    name: "A\x00B"
    for name in ("no", "name", "q", "contact", "contact_no", "company", "document_no", "code")
}


@pytest.fixture
def client_(admin_client):
    admin_client.raise_request_exception = False
    return admin_client


def _counts():
    return (
        Contact.objects.count(),
        InteractionLogEntry.objects.count(),
        Opportunity.objects.count(),
        Change.objects.count(),
    )


def _with_nul_in(name, regex, objects, param):
    template, params = normalize(regex)[0]
    values = {
        key: value + ("%00" if key == param else "")
        for key, value in _values(name, objects).items()
    }
    return "/" + template % {key: values[key] for key in params}


def test_a_nul_in_any_path_parameter_is_400_or_404(client_, objects):
    before, wrong, tried = _counts(), [], 0
    for name, regex in ENDPOINTS:
        for param in normalize(regex)[0][1]:
            url = _with_nul_in(name, regex, objects, param)
            for method in ("get", "post"):
                tried += 1
                code = getattr(client_, method)(url).status_code
                if code not in (400, 404):
                    wrong.append((method, url, code))
    assert tried > 100
    assert wrong == [], "\n".join(map(str, wrong))
    assert _counts() == before


def test_a_nul_in_the_query_is_400_on_every_page(client_, objects):
    wrong = []
    for name, regex in ENDPOINTS:
        if name == "health":  # answered before any middleware; reads no input
            continue
        url = _url(name, regex, objects)
        response = client_.get(url, QUERY)
        if response.status_code != 400:
            wrong.append((url, response.status_code))
    assert wrong == [], "\n".join(map(str, wrong))


def test_a_nul_in_form_fields_is_refused_and_writes_nothing(client_, objects):
    before, wrong = _counts(), []
    for name, regex in ENDPOINTS:
        if name in ("health", "logout", "admin:logout"):
            continue
        url = _url(name, regex, objects)
        code = client_.post(url, FORM).status_code
        # The API's views (csrf_exempt: they authenticate themselves) take JSON only
        # (415, or 405 for a method they lack) and refuse NUL in JSON per field; every
        # other view gets the site's 400 before it runs.
        exempt = getattr(resolve(url).func, "csrf_exempt", False)
        # (An action without a body, such as a job's cancel, does not read it: 200.)
        allowed = {200, 400, 404, 405, 415} if exempt else {400}
        if code not in allowed:
            wrong.append((url, code))
    assert wrong == [], "\n".join(map(str, wrong))
    assert _counts() == before


def test_the_refusal_is_a_translated_page_and_json_on_the_api(client_, objects):
    response = client_.get("/contacts/", {"after": "\x00"}, HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 400
    assert "nullte" in response.content.decode()  # "nulltegn" (nb)
    response = client_.get("/api/v1/contacts/", {"q": "a\x00"})
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"


def test_a_nul_in_a_cookie_is_400(client_, objects):
    client_.cookies["sessionid"] = "\x00abcdefghijklmnop"
    assert client_.get("/contacts/").status_code == 400
