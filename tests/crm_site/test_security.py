"""Every URL of the project, walked from the resolver: nothing leaks to an anonymous
visitor, and a signed-in user without a role gets 403 (never 200, 404 or 500) on
every page that needs a permission.

New URL patterns are picked up automatically; a pattern with a parameter this file
does not know how to fill fails `test_every_parameter_has_a_value` until it is added
to `_values`.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.regex_helper import normalize

from contacts.models import Contact
from duplicates.models import ContactDuplicate, ContactMerge
from interactions.models import InteractionGroup, InteractionLogEntry, InteractionTemplate
from marketing_setup.models import MarketingSetup
from numbering.models import NoSeries
from opportunities.models import Opportunity
from tests.factories import BusinessRelationFactory, CompanyFactory, PersonFactory
from tests.relations.factories import (
    BankAccountFactory,
    ContactBusinessRelationFactory,
    CustomerFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

# Pages anyone may open: signing in, the language switcher (also on the login page),
# the health check for load balancers,
# and the admin's own login page.
PUBLIC = {"login", "set_language", "admin:login", "health"}
# Pages any signed-in user may open, whatever their role.
# search: per-section perms. The API's schema and its documentation page describe the
# API, not its data; api:not-found answers every other /api/ path with a JSON 404 (401
# before sign-in).
SIGNED_IN = PUBLIC | {
    *("home", "search", "logout", "admin:logout"),
    *("api:schema", "api:docs", "api:not-found"),
}
LOGIN_PREFIXES = ("/accounts/login/", "/admin/login/")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    """(url name or None, regex text of the whole path) for every endpoint."""
    for pattern in patterns:
        regex = pattern.pattern.regex.pattern.lstrip("^").rstrip("$").replace(r"\Z", "")
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + regex, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, prefix + regex


ENDPOINTS = sorted(_walk(get_resolver().url_patterns), key=lambda item: item[1])


@pytest.fixture
def objects(staff_user):
    """One real object behind every kind of parameter, so a view that looks its
    object up before checking permissions shows up (as a 200 or a 404)."""
    company = CompanyFactory(no="SEC-CO")
    person = PersonFactory(no="SEC-PE", company=company)
    other = CompanyFactory(no="SEC-C2")
    first, second = sorted((company, other), key=lambda c: c.pk)
    pair = ContactDuplicate.objects.create(contact=first, duplicate=second, score=90)
    relation = ContactBusinessRelationFactory(
        contact=company, business_relation=BusinessRelationFactory(code="SECBR")
    )
    entry = InteractionLogEntry.objects.create(
        contact=person, contact_no=person.no, contact_name=person.name, date=datetime.date.today()
    )
    opportunity = Opportunity.objects.create(no="SEC-OP", description="Deal", contact=company)
    group = InteractionGroup.objects.create(code="SECIG")
    InteractionTemplate.objects.create(code="SECIT", group=group)
    NoSeries.objects.create(code="SECNS")
    from api.models import Webhook
    from jobs.models import Job
    from relations.tasks import create_contacts

    job = Job.objects.create(kind=create_contacts.module_path, started_by=staff_user)
    hook = Webhook.objects.create(name="Shop", url="http://127.0.0.1:9/hook", events=[])
    return {
        "job": job,
        "webhook": hook,
        "contact": company,
        "person": person,
        "customer": CustomerFactory(no="SEC-CU"),
        "vendor": VendorFactory(no="SEC-VE"),
        "bank_account": BankAccountFactory(no="SEC-BA"),
        "pair": pair,
        "relation": relation,
        "entry": entry,
        "opportunity": opportunity,
        "merge": ContactMerge.objects.create(
            kept_contact=other, kept_contact_no=other.no, merged_contact_no="SEC-MX"
        ),
    }


def _values(name: str | None, objects: dict) -> dict[str, str]:
    """Parameter values for the endpoint called `name` (None: unnamed patterns)."""
    if name and name.startswith("contacts:"):
        return {"no": objects["contact"].no}
    if name and name.startswith("relations:"):
        for kind in ("customer", "vendor", "bank_account"):
            if name.startswith(f"relations:{kind}_"):
                return {"no": objects[kind].no}
        return {
            "contact_no": objects["contact"].no,
            "link_to": "customer",
            "pk": str(objects["relation"].pk),
        }
    if name == "duplicates:merge_with":
        return {"no": objects["contact"].no}
    if name and name.startswith("duplicates:merge_"):
        return {"pk": str(objects["merge"].pk), "no": objects["contact"].no}
    if name and name.startswith("duplicates:"):
        return {"pk": str(objects["pair"].pk), "no": objects["contact"].no}
    if name and name.startswith("interactions:"):
        return {"pk": str(objects["entry"].pk), "no": objects["person"].no}
    if name and name.startswith("opportunities:"):
        return {"no": objects["opportunity"].no}
    if name and name.startswith("history:"):
        from history.models import Event

        return {
            "pk": str(Event.objects.order_by("id").first().pk),
            "model": "contacts.contact",
            "object_id": str(objects["contact"].pk),
        }
    if name and name.startswith("jobs:"):
        return {"pk": str(objects["job"].pk)}
    if name and name.startswith("api:webhook"):
        return {
            "pk": str(objects["webhook"].pk),
            "delivery_id": "00000000-0000-0000-0000-000000000000",
        }
    if name and name.startswith("api:job-"):
        return {"id": str(objects["job"].pk)}
    if name and name.startswith("api:"):
        kind = name.removeprefix("api:").split("-")[0]
        no = {
            "customer": objects["customer"].no,
            "vendor": objects["vendor"].no,
            "bank": objects["bank_account"].no,
            "opportunity": objects["opportunity"].no,
        }.get(kind, objects["contact"].no)
        code = {
            "interaction": "SECIT" if "template" in name else "SECIG",
            "number": "SECNS",
        }.get(kind, objects["relation"].business_relation_id)
        return {
            "no": no,
            "code": code,
            "id": str(objects["pair"].pk),
            "entry_no": str(objects["entry"].pk),
            "pk": "1",
            "delivery_id": "00000000-0000-0000-0000-000000000000",
            "rest": "no-such-endpoint/",
        }
    # The admin: its parameters don't matter, every page sends strangers to its login.
    return {
        "app_label": "numbering",
        "object_id": str(objects["contact"].pk),
        "content_type_id": "1",
        "url": "no-such-page/",
        "uidb64": "MQ",
        "token": "x-y",
        "id": str(objects["contact"].pk),
    }


def _url(name: str | None, regex: str, objects: dict) -> str:
    template, params = normalize(regex)[0]
    values = _values(name, objects)
    missing = [param for param in params if param not in values]
    assert not missing, f"no value for {missing} in {regex!r} ({name}): extend _values()"
    return "/" + template % {param: values[param] for param in params}


def test_every_parameter_has_a_value(objects):
    assert len(ENDPOINTS) > 50
    for name, regex in ENDPOINTS:
        _url(name, regex, objects)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(LOGIN_PREFIXES)


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_see_nothing(client, objects, method):
    leaks = []
    for name, regex in ENDPOINTS:
        if name in PUBLIC:
            continue
        url = _url(name, regex, objects)
        response = getattr(client, method)(url)
        if not (_is_login_redirect(response) or response.status_code in (401, 403, 405)):
            leaks.append((url, response.status_code, response.get("Location", "")))
    assert leaks == [], "\n".join(map(str, leaks))
    # Nothing was changed on the way.
    assert Contact.objects.filter(no__in=["SEC-CO", "SEC-PE", "SEC-C2"]).count() == 3


def test_public_pages_open_without_login(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/admin/login/").status_code == 200
    response = client.post("/i18n/setlang/", {"language": "nb", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.url == "/accounts/login/"


@pytest.fixture
def roleless_client(client, django_user_model):
    user = django_user_model.objects.create_user("norole", "norole@example.com", "pw-x-123456")
    client.force_login(user)
    return client


def test_user_without_role_is_refused_everywhere(roleless_client, objects):
    """403 on every app page (405 only for the method a page does not take, as long
    as the other one is refused with 403); the admin sends non-staff users to its login."""
    wrong = []
    for name, regex in ENDPOINTS:
        if name in SIGNED_IN:
            continue
        url = _url(name, regex, objects)
        responses = [roleless_client.get(url), roleless_client.post(url)]
        codes = [response.status_code for response in responses]
        if url.startswith("/admin/"):
            ok = all(_is_login_redirect(response) for response in responses)
        else:
            ok = 403 in codes and set(codes) <= {403, 405}
        if not ok:
            wrong.append((url, codes))
    assert wrong == [], "\n".join(map(str, wrong))
    assert Contact.objects.filter(no__in=["SEC-CO", "SEC-PE", "SEC-C2"]).count() == 3
    assert Opportunity.objects.filter(no="SEC-OP").exists()


def test_home_page_for_user_without_role_shows_no_menu_entries(roleless_client):
    response = roleless_client.get("/")
    assert response.status_code == 200
    for url in ("/contacts/", "/numbering/", "/opportunities/", "/setup/marketing/"):
        assert f'href="{url}"'.encode() not in response.content


def test_login_never_redirects_to_another_site(client, django_user_model):
    django_user_model.objects.create_user("visitor", "v@example.com", "pw-x-123456")
    response = client.post(
        "/accounts/login/",
        {"username": "visitor", "password": "pw-x-123456", "next": "https://evil.example.com/"},
    )
    assert response.status_code == 302
    assert response.url == "/"


def test_login_page_escapes_the_next_parameter(client):
    response = client.get("/accounts/login/", {"next": '"><script>alert(1)</script>'})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, django_user_model):
    django_user_model.objects.create_user("visitor", "v@example.com", "pw-x-123456")
    response = client.post("/accounts/login/", {"username": "visitor", "password": "nope"})
    assert response.status_code == 200
    assert b"didn&#x27;t match" in response.content or b"didn't match" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", ["/setup/marketing/", "/interactions/setup/"])
def test_staff_may_not_change_the_setups(staff_client, setup, url):
    """Back-office staff have view-only rights on the setups: a change is refused."""
    before = MarketingSetup.objects.values().get()
    assert staff_client.get(url).status_code in (200, 403)  # read-only page or none
    response = staff_client.post(url, {"autosearch_for_duplicates": "", "contact_nos": ""})
    assert response.status_code == 403
    assert MarketingSetup.objects.values().get() == before


@pytest.fixture
def csrf_admin_client(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/contacts/new/", "form"),
        ("/interactions/api/documents/", "json"),
        ("/i18n/setlang/", "form"),
    ],
)
def test_posts_without_a_csrf_token_are_refused(csrf_admin_client, url, kind):
    if kind == "json":
        response = csrf_admin_client.post(
            url,
            '{"document_type": "sales_quote", "document_no": "Q1", "contact_no": "X"}',
            content_type="application/json",
        )
    else:
        response = csrf_admin_client.post(url, {"name": "Sneaky AS", "language": "nb"})
    assert response.status_code == 403
    assert not Contact.objects.filter(name="Sneaky AS").exists()
    assert not InteractionLogEntry.objects.exists()


@pytest.mark.parametrize("role", ["admin_client", "staff_client"])
def test_every_page_opens_for_each_role(request, objects, role):
    """Each role gets the page or a clear refusal on every GET; never a crash or a 404
    for an object that exists."""
    client = request.getfixturevalue(role)
    wrong, opened = [], set()
    for name, regex in ENDPOINTS:
        url = _url(name, regex, objects)
        if url.startswith("/admin/") or name in ("logout", "set_language", "api:not-found"):
            continue
        response = client.get(url)
        if response.status_code == 200:
            opened.add(url)
        elif response.status_code not in (302, 403, 405):
            wrong.append((url, response.status_code))
    assert wrong == [], "\n".join(map(str, wrong))
    assert {"/contacts/SEC-CO/", "/opportunities/SEC-OP/", "/numbering/"} <= opened
