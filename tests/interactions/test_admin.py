import pytest
from django.urls import reverse

from interactions import services
from interactions.models import InteractionTemplate, InteractionTemplateSetup
from tests.interactions.factories import InteractionTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "pw"))
    return client


@pytest.mark.parametrize(
    "model", ["interactiongroup", "interactiontemplate", "interactionlogentry"]
)
def test_changelists_and_search(superuser_client, person, outgoing, model):
    services.interaction_log(contact=person, template=outgoing)
    url = reverse(f"admin:interactions_{model}_changelist")
    assert superuser_client.get(url).status_code == 200
    assert superuser_client.get(url, {"q": "CT101"}).status_code == 200


def test_template_add_page_and_negative_cost(superuser_client):
    group = InteractionTemplateFactory(code="X").group
    url = reverse("admin:interactions_interactiontemplate_add")
    assert superuser_client.get(url).status_code == 200
    response = superuser_client.post(
        url,
        {
            "code": "NEG",
            "group": group.pk,
            "unit_cost": "-1",
            "unit_duration_min": "0",
            "correspondence_type": "email",
        },
    )
    assert response.status_code == 200  # form shown again with the error
    assert not InteractionTemplate.objects.filter(code="NEG").exists()


def test_entry_change_page_and_no_add(superuser_client, person, outgoing):
    entry = services.interaction_log(contact=person, template=outgoing)
    change = reverse("admin:interactions_interactionlogentry_change", args=[entry.pk])
    assert superuser_client.get(change).status_code == 200
    add = reverse("admin:interactions_interactionlogentry_add")
    assert superuser_client.get(add).status_code == 403


def test_setup_singleton_admin(superuser_client):
    add = reverse("admin:interactions_interactiontemplatesetup_add")
    assert superuser_client.get(add).status_code == 200
    InteractionTemplateSetup.get()
    assert superuser_client.get(add).status_code == 403
    change = reverse("admin:interactions_interactiontemplatesetup_change", args=[1])
    page = superuser_client.get(change)
    assert page.status_code == 200
    assert b"Purchases" in page.content
    delete = reverse("admin:interactions_interactiontemplatesetup_delete", args=[1])
    assert superuser_client.get(delete).status_code == 403
