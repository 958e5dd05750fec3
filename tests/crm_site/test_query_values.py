"""Every page, opened with odd values in every query parameter the views read (digits
that are no ASCII digits such as ``²``, numbers too large for a column, negative
numbers, words where numbers go): the page or a clear refusal, never a server error
(13.13: `cover-sheet/?printed=²` was a 500). Walks every URL pattern, so new pages and
parameters are covered; names come from the views' request.GET look-ups."""

from __future__ import annotations

import pytest

from tests.crm_site.test_security import ENDPOINTS, _url

pytestmark = pytest.mark.django_db

NAMES = (
    *("q", "page", "kind", "field", "contact", "before", "after", "printed", "type", "tab"),
    *("sort", "separate", "pos", "offset", "last", "keep", "history_field", "company"),
    *("salesperson", "territory", "country", "status", "o", "p", "date", "no", "pk"),
)
VALUES = ["²", "9" * 30, "-1", "abc"]


@pytest.fixture
def client_(admin_client):
    admin_client.raise_request_exception = False
    return admin_client


@pytest.mark.parametrize("value", VALUES)
def test_odd_query_values_never_give_a_server_error(client_, objects, value):
    wrong = []
    for name, regex in ENDPOINTS:
        url = _url(name, regex, objects)
        # The admin reads its own parameters (q, o, p, filters) and is tested as Django.
        if name in ("logout", "set_language") or url.startswith("/admin/"):
            continue
        code = client_.get(url, dict.fromkeys(NAMES, value)).status_code
        if code >= 500:
            wrong.append((url, code))
    assert wrong == [], "\n".join(map(str, wrong))
