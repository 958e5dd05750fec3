"""Every management command of our apps, given bad input, stops with a CommandError
that says what is wrong (no traceback of another exception type) and writes nothing."""

from __future__ import annotations

import datetime
import io
import os

import pytest
from django.apps import apps
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError

from tests.factories import CompanyFactory, PersonFactory
from tests.interactions.factories import setup_with
from tests.numbering.factories import make_series

pytestmark = pytest.mark.django_db

OUR_APPS = (
    "numbering",
    "jobs",
    "marketing_setup",
    "contacts",
    "duplicates",
    "relations",
    "interactions",
    "opportunities",
)
MISSING_DIR = "/nonexistent-crm-dir/sub"


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models()
    }


def _line_state():
    from numbering.models import NoSeriesLine

    return list(NoSeriesLine.objects.order_by("pk").values_list("last_no_used", "last_date_used"))


@pytest.fixture
def world(setup, tmp_path):
    """A contact series, a company with a person, and a CSV with a bad row."""
    setup.contact_nos = make_series(
        "CONT", {"starting_no": "CT001", "ending_no": "CT999"}, manual_nos=True
    )
    setup.save()
    make_series("FULL", {"starting_no": "F1", "ending_no": "F2", "last_no_used": "F2"})
    make_series(
        "DATED",
        {
            "starting_no": "D001",
            "last_no_used": "D005",
            "last_date_used": datetime.date(2027, 1, 5),
        },
        date_order=True,
    )
    setup_with(sales_invoices="CMDINV")  # sales quotes have no template
    company = CompanyFactory(no="CMD-CO")
    PersonFactory(no="CMD-PE", company=company)
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("no,name,type\nX1,Good Company,company\nX2,,person\n", encoding="utf-8")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "nul.csv").write_bytes(b"no,name\nX4,Nul\x00Company\n")
    (tmp_path / "header.csv").write_text("nummer;navn\nX5;Wrong header\n", encoding="utf-8")
    binary = tmp_path / "latin1.csv"
    binary.write_bytes("no,name\nX3,Bj\xf8rn\n".encode("latin-1"))
    return {
        "tmp": tmp_path,
        "bad_csv": str(bad_csv),
        "latin1": str(binary),
        "empty": str(tmp_path / "empty.csv"),
        "nul": str(tmp_path / "nul.csv"),
        "header": str(tmp_path / "header.csv"),
    }


CASES = {
    "next_number unknown series": ["next_number", "UNKNOWN"],
    "next_number blank code": ["next_number", ""],
    "next_number bad date": ["next_number", "CONT", "--date", "notadate"],
    "next_number exhausted line": ["next_number", "FULL"],
    "next_number before last date": ["next_number", "DATED", "--date", "2027-01-01"],
    "next_number impossible date": ["next_number", "CONT", "--date", "2027-02-30"],
    "next_number too long code": ["next_number", "X" * 30],
    "import_contacts missing file": ["import_contacts", "missing.csv"],
    "import_contacts empty file": ["import_contacts", "{empty}"],
    "import_contacts NUL byte": ["import_contacts", "{nul}"],
    "import_contacts unknown columns": ["import_contacts", "{header}"],
    "import_contacts a directory": ["import_contacts", "{tmp}"],
    "import_contacts bad row": ["import_contacts", "{bad_csv}"],
    "import_contacts not utf-8": ["import_contacts", "{latin1}"],
    "export_contacts missing dir": ["export_contacts", f"{MISSING_DIR}/x.csv"],
    "export_contacts a directory": ["export_contacts", "{tmp}"],
    "find_duplicates unknown contact": ["find_duplicates", "--contact", "NOPE"],
    "find_duplicates person, reference method": [
        "find_duplicates",
        "--contact",
        "CMD-PE",
        "--method",
        "reference",
    ],
    "find_duplicates missing dir": ["find_duplicates", "--output", f"{MISSING_DIR}/x.csv"],
    "find_duplicates output is a dir": ["find_duplicates", "--output", "{tmp}"],
    "find_duplicates bad method": ["find_duplicates", "--method", "guess"],
    "log_document unknown type": ["log_document", "nosuchtype", "D1", "--contact", "CMD-CO"],
    "log_document no party": ["log_document", "sales_quote", "D1"],
    "log_document unknown contact": ["log_document", "sales_invoice", "D1", "--contact", "NOPE"],
    # Bad input is refused even when the type has no template (then nothing is logged
    # anyway): a typo in a script must not pass silently with exit status 0.
    "log_document unknown contact, no template": [
        "log_document",
        "sales_quote",
        "D1",
        "--contact",
        "NOPE",
    ],
    "log_document blank number": ["log_document", "sales_invoice", " ", "--contact", "CMD-CO"],
    "log_document impossible date": [
        "log_document",
        "sales_invoice",
        "D1",
        "--contact",
        "CMD-CO",
        "--date",
        "2027-02-30",
    ],
    "log_document bad date": [
        "log_document",
        "sales_quote",
        "D1",
        "--contact",
        "CMD-CO",
        "--date",
        "notadate",
    ],
    "create_contacts_from_entities bad name": ["create_contacts_from_entities", "planet"],
    "create_contacts_from_entities not set up": [
        "create_contacts_from_entities",
        "customer",
        "--commit",
    ],
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_gives_a_command_error_and_changes_nothing(world, case):
    args = [arg.format(**world) for arg in CASES[case]]
    before, lines_before = _row_counts(), _line_state()
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(*args, stdout=stdout, stderr=stderr, no_color=True)
    assert str(raised.value).strip(), "the error says nothing"
    assert "Traceback" not in str(raised.value)
    assert _row_counts() == before
    assert _line_state() == lines_before
    assert not os.path.exists(MISSING_DIR)
    assert sorted(p.name for p in world["tmp"].iterdir()) == [
        "bad.csv",
        "empty.csv",
        "header.csv",
        "latin1.csv",
        "nul.csv",
    ]


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_on_the_command_line_gives_a_message_not_a_traceback(
    world, case, capsys, monkeypatch
):
    """As `manage.py ...` runs it (run_from_argv): a one-line error and a non-zero exit
    status. An exception raised while the arguments are parsed escapes Django's
    handler and prints a traceback; call_command does not show that."""
    args = [arg.format(**world) for arg in CASES[case]]
    # run_from_argv closes the connections when done; keep the test's transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    before, lines_before = _row_counts(), _line_state()
    command = load_command_class(get_commands()[args[0]], args[0])
    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["manage.py", *args])
    assert exit_info.value.code not in (0, None)
    err = capsys.readouterr().err
    assert err.strip()
    assert "Traceback" not in err
    assert _row_counts() == before
    assert _line_state() == lines_before
