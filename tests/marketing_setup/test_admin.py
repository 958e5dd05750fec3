"""Admin smoke tests for every marketing_setup model, and the single-row setup admin."""

import pytest
from django.urls import reverse

from marketing_setup.models import MarketingSetup, SalesCycle, Salutation
from tests.factories import (
    BusinessRelationFactory,
    LanguageFactory,
    SalesCycleFactory,
    SalespersonFactory,
    SalutationFactory,
    SalutationFormulaFactory,
    TerritoryFactory,
)
from tests.marketing_setup.test_forms import form_data

pytestmark = pytest.mark.django_db

FACTORIES = {
    "salesperson": SalespersonFactory,
    "territory": TerritoryFactory,
    "language": LanguageFactory,
    "businessrelation": BusinessRelationFactory,
    "salescycle": SalesCycleFactory,
    "salutation": SalutationFactory,
    "salutationformula": SalutationFormulaFactory,
}


@pytest.fixture
def site_client(client, admin_user):
    """A CRM administrator who may also enter the admin site."""
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("model_name", sorted(FACTORIES))
def test_changelist_search_add_and_change_pages(site_client, model_name):
    obj = FACTORIES[model_name]()
    base = f"admin:marketing_setup_{model_name}"
    assert site_client.get(reverse(f"{base}_changelist")).status_code == 200
    assert site_client.get(reverse(f"{base}_changelist"), {"q": "x"}).status_code == 200
    assert site_client.get(reverse(f"{base}_add")).status_code == 200
    assert site_client.get(reverse(f"{base}_change", args=(obj.pk,))).status_code == 200


def test_staff_cannot_change_reference_data_in_admin(client, staff_user):
    staff_user.is_staff = True
    staff_user.save()
    client.force_login(staff_user)
    assert client.get(reverse("admin:marketing_setup_territory_add")).status_code == 403


def test_setup_changelist_opens_the_single_row(site_client):
    response = site_client.get(reverse("admin:marketing_setup_marketingsetup_changelist"))
    assert response.status_code == 302
    assert response.url == reverse("admin:marketing_setup_marketingsetup_change", args=(1,))
    assert MarketingSetup.objects.count() == 1


def test_setup_change_page_shows_sections(site_client, setup):
    response = site_client.get(reverse("admin:marketing_setup_marketingsetup_change", args=(1,)))
    html = response.content.decode()
    for title in ("Inheritance", "Defaults", "Interactions", "Synchronisation", "Numbering"):
        assert title in html
    assert "Duplicates" in html and "Salutations" in html


def test_setup_cannot_be_added_twice_or_deleted(site_client, setup):
    assert site_client.get(reverse("admin:marketing_setup_marketingsetup_add")).status_code == 403
    delete = reverse("admin:marketing_setup_marketingsetup_delete", args=(1,))
    assert site_client.post(delete, {"post": "yes"}).status_code == 403
    assert MarketingSetup.objects.count() == 1


def test_setup_can_be_added_when_table_is_empty(site_client):
    assert site_client.get(reverse("admin:marketing_setup_marketingsetup_add")).status_code == 200


def test_saving_setup_in_admin_applies_rules(site_client, setup):
    url = reverse("admin:marketing_setup_marketingsetup_change", args=(1,))
    response = site_client.post(
        url, form_data(setup, maintain_search_strings=False, search_hit_pct="70"), follow=True
    )
    assert response.status_code == 200
    assert "Autosearch for duplicates was switched off as well" in response.content.decode()
    stored = MarketingSetup.objects.get()
    assert stored.search_hit_pct == 70
    assert (stored.maintain_search_strings, stored.autosearch_for_duplicates) == (False, False)


def test_invalid_search_hit_pct_in_admin_saves_nothing(site_client, setup):
    url = reverse("admin:marketing_setup_marketingsetup_change", args=(1,))
    response = site_client.post(url, form_data(setup, search_hit_pct="0"))
    assert response.status_code == 200
    assert "Search Hit % must be between 1 and 100." in response.content.decode()
    assert MarketingSetup.objects.get().search_hit_pct == 60


def test_sales_cycle_with_stages_inline(site_client):
    url = reverse("admin:marketing_setup_salescycle_add")
    response = site_client.post(
        url,
        {
            "code": "NEW",
            "description": "New",
            "probability_calculation": "multiply",
            "stages-TOTAL_FORMS": "1",
            "stages-INITIAL_FORMS": "0",
            "stages-0-stage": "1",
            "stages-0-description": "Initial",
            "stages-0-completed_pct": "10",
            "stages-0-chances_of_success_pct": "20",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(SalesCycle.objects.get(code="NEW").stages.values_list("stage", flat=True)) == [1]


def test_salutation_with_formula_inline(site_client):
    url = reverse("admin:marketing_setup_salutation_add")
    response = site_client.post(
        url,
        {
            "code": "M",
            "description": "Male",
            "formulas-TOTAL_FORMS": "1",
            "formulas-INITIAL_FORMS": "0",
            "formulas-0-language": "",
            "formulas-0-salutation_type": "formal",
            "formulas-0-text": "Dear Mr. %1 %2 %3,",
            "formulas-0-name_1": "first_name",
            "formulas-0-name_2": "middle_name",
            "formulas-0-name_3": "surname",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Salutation.objects.get(code="M").formulas.get().text == "Dear Mr. %1 %2 %3,"
