"""The number series page in a real browser: menu entry, next numbers, nothing consumed."""

import pytest

from numbering.models import NoSeriesLine
from tests.numbering.factories import make_series

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_sees_next_numbers_from_the_menu(login, live_server, staff_user):
    make_series("CONT", {"starting_no": "CT0001", "last_no_used": "CT0009"}, description="Contacts")
    make_series(
        "OPP", {"starting_no": "OP1", "ending_no": "OP5", "last_no_used": "OP5", "open": False}
    )
    page = login(staff_user)
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Number series"
    ).click()
    row = page.locator("#series-CONT")
    assert row.locator("td").nth(9).inner_text().strip() == "CT0010"
    assert "You cannot assign numbers greater than OP5" in page.locator("#series-OPP").inner_text()
    assert page.get_by_role("link", name="Edit number series").count() == 0
    assert NoSeriesLine.objects.get(series_id="CONT").last_no_used == "CT0009"
