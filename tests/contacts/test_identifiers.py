"""VAT and registration numbers read and checked with python-stdnum (no database)."""

import pytest

from contacts.identifiers import one_slip_apart, parse_vat, vat_fails_check


@pytest.mark.parametrize(
    ("value", "country", "key"),
    [
        ("NO 967 234 788 MVA", "", "NO:967234788"),
        ("967234788", "NO", "NO:967234788"),
        ("DK 13 58 56 28", "", "DK:13585628"),
        ("SE556036079301", "", "SE:5560360793"),
        ("556036-0793", "SE", "SE:5560360793"),
        ("NL004495445B01", "", "NL:004495445"),
        ("BE 0403.170.701", "", "BE:0403170701"),
        ("403170701", "BE", "BE:0403170701"),
        ("ATU13585627", "", "AT:13585627"),
        ("DE136695976", "", "DE:136695976"),
    ],
)
def test_numbers_are_read_with_their_country_and_are_valid(value, country, key):
    number = parse_vat(value, country)
    assert number.key == key
    assert number.valid is True
    assert not vat_fails_check(value, country)


def test_the_prefix_wins_over_the_contacts_country():
    assert parse_vat("SE556036079301", "NO").country == "SE"


def test_a_wrong_check_digit_fails_the_check():
    assert parse_vat("967234789", "NO").valid is False
    assert vat_fails_check("NO 967 234 789 MVA")
    assert vat_fails_check("DK13585629")


def test_a_dutch_kvk_number_is_read_but_cannot_be_checked():
    number = parse_vat("12345678", "NL")
    assert (number.kind, number.valid) == ("kvk", None)
    assert not vat_fails_check("12345678", "NL")


def test_blank_and_digitless_fields_hold_no_number():
    assert parse_vat("", "NO") is None
    assert parse_vat("n/a", "NO") is None


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("967234788", "967234778", True),  # one digit wrong
        ("967234788", "967243788", True),  # two neighbours swapped
        ("967234788", "96723478", True),  # one digit missing
        ("967234788", "967234788", False),
        ("967234788", "912345678", False),
    ],
)
def test_one_slip_apart(a, b, expected):
    assert one_slip_apart(a, b) is expected


@pytest.mark.django_db
def test_saving_a_vat_number_that_fails_its_check_warns(staff_client):
    from django.urls import reverse

    from tests.contacts.test_views import form_data

    url = reverse("contacts:create") + "?type=company"
    response = staff_client.post(
        url,
        form_data(
            no="C600", name="Fjord AS", country="NO", vat_registration_no="NO 967 234 789 MVA"
        ),
        follow=True,
    )
    page = response.content.decode()
    assert "fails its check digit" in page  # saved, with a warning
    response = staff_client.post(
        url,
        form_data(
            no="C601", name="Fjell AS", country="NO", vat_registration_no="NO 967 234 788 MVA"
        ),
        follow=True,
    )
    assert "fails its check digit" not in response.content.decode()


@pytest.mark.django_db
def test_the_import_warns_about_a_vat_number_that_fails_its_check(setup_with_series):
    from contacts.importing import import_contacts
    from tests.contacts.test_importing import csv_text, row

    result = import_contacts(
        csv_text(
            [
                row(vat_registration_no="967234789"),
                row(name="Fjell AS", vat_registration_no="967234788"),
            ]
        )
    )
    assert result.ok and result.written
    assert [(w.line, w.column) for w in result.warnings] == [(2, "vat_registration_no")]
    assert "967234789" in result.warnings[0].message
