"""Key pages render in Norwegian Bokmål and Dutch, with the menu and titles translated."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = [
    ("contacts:list", {"nb": "Kontakter", "nl": "Contacten"}),
    ("marketing_setup:setup", {"nb": "Markedsføringsoppsett", "nl": "Marketinginstellingen"}),
    ("interactions:list", {"nb": "Samhandlinger", "nl": "Interacties"}),
    ("opportunities:list", {"nb": "Salgsmuligheter", "nl": "Verkoopkansen"}),
    ("numbering:list", {"nb": "Nummerserier", "nl": "Nummerreeksen"}),
]


@pytest.mark.parametrize("language", ["nb", "nl"])
@pytest.mark.parametrize(("url_name", "expected"), PAGES)
def test_page_is_translated(admin_client, setup, language, url_name, expected):
    response = admin_client.get(reverse(url_name), headers={"accept-language": language})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert expected[language] in html


def test_language_switcher_remembers_the_choice(admin_client, setup):
    response = admin_client.post(
        reverse("set_language"), {"language": "nl", "next": reverse("contacts:list")}
    )
    assert response.status_code == 302
    html = admin_client.get(reverse("contacts:list")).content.decode()
    assert '<html lang="nl">' in html
    assert "Afmelden" in html  # "Log out"
