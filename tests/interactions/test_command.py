from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from interactions.models import InteractionLogEntry

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("log_document", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_logs_a_document_for_a_contact(company, system_setup):
    out = _run("sales_invoice", "103001", "--contact", company.no, "--date", "2026-02-01")

    entry = InteractionLogEntry.objects.get()
    assert f"Logged interaction {entry.pk}" in out
    assert entry.document_no == "103001"
    assert str(entry.date) == "2026-02-01"


def test_no_template_says_not_logged(company):
    out = _run("sales_quote", "Q1", "--contact", company.no)
    assert "Not logged" in out
    assert "Sales quote" in out
    assert not InteractionLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("bogus", "1", "--contact", "CT100"), "Unknown document type bogus"),
        (("sales_invoice", "1", "--contact", "NOPE"), "no contact with number NOPE"),
        (("sales_invoice", "1", "--contact", "CT100", "--date", "yesterday"), "Date"),
    ],
)
def test_bad_input_is_a_command_error_and_writes_nothing(company, system_setup, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not InteractionLogEntry.objects.exists()


def test_contact_and_customer_together_are_refused(company, system_setup):
    with pytest.raises(CommandError):
        _run("sales_invoice", "1", "--contact", "CT100", "--customer", "10000")
    assert not InteractionLogEntry.objects.exists()
