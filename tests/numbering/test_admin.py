"""Admin smoke tests and line validation through the admin form."""

import pytest
from django.urls import reverse

from numbering.models import NoSeries, NoSeriesLine
from tests.numbering.factories import make_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_site_client(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def inline_data(**line):
    data = {
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-line_no": "10000",
        "lines-0-starting_date": "",
        "lines-0-starting_no": "CT0001",
        "lines-0-ending_no": "CT9999",
        "lines-0-warning_no": "",
        "lines-0-increment_by": "1",
        "lines-0-last_no_used": "",
        "lines-0-last_date_used": "",
    }
    data.update({f"lines-0-{key}": value for key, value in line.items()})
    return data


def test_changelist_shows_current_line_values(admin_site_client):
    make_series("CONT", {"starting_no": "CT0001", "ending_no": "CT9999", "last_no_used": "CT0042"})
    response = admin_site_client.get(reverse("admin:numbering_noseries_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "CT0042" in content
    assert "CT9999" in content


def test_changelist_search_and_line_admin(admin_site_client):
    make_series("CONT", {"starting_no": "CT0001"})
    url = reverse("admin:numbering_noseries_changelist")
    assert admin_site_client.get(url, {"q": "CONT"}).status_code == 200
    assert (
        admin_site_client.get(reverse("admin:numbering_noseriesline_changelist")).status_code == 200
    )


def test_add_page_and_create_with_line(admin_site_client):
    url = reverse("admin:numbering_noseries_add")
    assert admin_site_client.get(url).status_code == 200
    data = {"code": "NEW", "description": "New", "default_nos": "on", **inline_data()}
    response = admin_site_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    line = NoSeriesLine.objects.get(series_id="NEW")
    assert (line.starting_no, line.ending_no, line.open) == ("CT0001", "CT9999", True)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"starting_no": "ABC"}, "must have a number"),
        ({"ending_no": "CT0000"}, "must not be smaller than Starting No."),
        ({"ending_no": "", "warning_no": "CT0100"}, "You must specify an Ending No."),
        ({"ending_no": "XX9999"}, "must be the same as the number format"),
        ({"increment_by": "0"}, "greater than or equal to 1"),
    ],
)
def test_invalid_line_is_refused_with_a_clear_message(admin_site_client, line, message):
    data = {"code": "BAD", "description": "", "default_nos": "on", **inline_data(**line)}
    response = admin_site_client.post(reverse("admin:numbering_noseries_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NoSeries.objects.filter(code="BAD").exists()


def test_new_series_without_default_nos_gets_manual_nos_with_a_message(admin_site_client):
    """14.9: unticking Default Nos. while Manual Nos. is off ticks Manual Nos. (BC)."""
    data = {"code": "NONE", "description": "", **inline_data()}
    response = admin_site_client.post(reverse("admin:numbering_noseries_add"), data, follow=True)
    assert response.status_code == 200
    assert (
        "Manual Nos. has been ticked for number series NONE: a number series needs Default "
        "Nos. or Manual Nos." in response.content.decode()
    )
    series = NoSeries.objects.get(code="NONE")
    assert (series.default_nos, series.manual_nos) == (False, True)


def _change_data(series, **fields):
    data = {"description": series.description, **inline_data()}
    data["lines-TOTAL_FORMS"] = "0"
    data.update({k: "on" for k, v in fields.items() if v})
    return data


def test_unticking_default_nos_ticks_manual_nos(admin_site_client):
    series = make_series("CONT", {"starting_no": "CT0001"}, default_nos=True, manual_nos=False)
    url = reverse("admin:numbering_noseries_change", args=["CONT"])
    response = admin_site_client.post(url, _change_data(series), follow=True)
    assert "Manual Nos. has been ticked for number series CONT" in response.content.decode()
    series.refresh_from_db()
    assert (series.default_nos, series.manual_nos) == (False, True)


def test_unticking_manual_nos_ticks_default_nos(admin_site_client):
    series = make_series("MAN", {"starting_no": "M0001"}, default_nos=False, manual_nos=True)
    url = reverse("admin:numbering_noseries_change", args=["MAN"])
    response = admin_site_client.post(url, _change_data(series), follow=True)
    assert "Default Nos. has been ticked for number series MAN" in response.content.decode()
    series.refresh_from_db()
    assert (series.default_nos, series.manual_nos) == (True, False)


def test_series_code_is_upper_cased(admin_site_client):
    """14.9: codes are upper-cased like every Business Central code."""
    data = {"code": "a1test", "description": "", "default_nos": "on", **inline_data()}
    response = admin_site_client.post(reverse("admin:numbering_noseries_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(NoSeries.objects.values_list("code", flat=True)) == ["A1TEST"]
    # and found again by its lower-case spelling
    assert NoSeries.objects.get(code="a1test").code == "A1TEST"


def test_relationship_admin_refuses_a_series_related_to_itself(admin_site_client):
    make_series("CONT", {"starting_no": "CT0001"})
    url = reverse("admin:numbering_noseriesrelationship_add")
    assert admin_site_client.get(url).status_code == 200
    response = admin_site_client.post(url, {"series": "CONT", "related_series": "CONT"})
    assert response.status_code == 200
    assert "A number series cannot be related to itself." in response.content.decode()
    make_series("CONT2", {"starting_no": "CU0001"})
    response = admin_site_client.post(url, {"series": "CONT", "related_series": "CONT2"})
    assert response.status_code == 302


def test_editing_last_no_used_recomputes_open(admin_site_client):
    series = make_series("S", {"starting_no": "A01", "ending_no": "A10"})
    line = series.lines.get()
    data = {
        "description": "",
        "default_nos": "on",
        **inline_data(starting_no="A01", ending_no="A10", last_no_used="A10", id=str(line.pk)),
        "lines-INITIAL_FORMS": "1",
        "lines-0-series": "S",
    }
    response = admin_site_client.post(reverse("admin:numbering_noseries_change", args=["S"]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    line.refresh_from_db()
    assert (line.last_no_used, line.open) == ("A10", False)


def test_line_numbers_get_one_width(admin_site_client):
    data = {"code": "W", "default_nos": "on", **inline_data(starting_no="W1", ending_no="W999")}
    assert admin_site_client.post(reverse("admin:numbering_noseries_add"), data).status_code == 302
    line = NoSeriesLine.objects.get(series_id="W")
    assert (line.starting_no, line.ending_no) == ("W001", "W999")


def test_new_lines_get_line_numbers(admin_site_client):
    data = {
        "code": "AUTO",
        "default_nos": "on",
        **inline_data(line_no="", starting_no="A1", ending_no=""),
        "lines-TOTAL_FORMS": "2",
        "lines-1-line_no": "",
        "lines-1-starting_date": "2030-01-01",
        "lines-1-starting_no": "B1",
        "lines-1-increment_by": "1",
    }
    response = admin_site_client.post(reverse("admin:numbering_noseries_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(
        NoSeriesLine.objects.filter(series_id="AUTO")
        .order_by("line_no")
        .values_list("line_no", "starting_no")
    ) == [(10000, "A1"), (20000, "B1")]
