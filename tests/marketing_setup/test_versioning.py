"""The setup's version token: every way of writing a setup table gives a new one (a
trigger in the database), so values cached under a token are never served after a
change, in this process or any other."""

from __future__ import annotations

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from marketing_setup import versioning
from marketing_setup.models import Language, MarketingSetup, Salesperson, Territory

pytestmark = pytest.mark.django_db


def _names() -> list[str]:
    return list(Salesperson.objects.order_by("code").values_list("name", flat=True))


def _cached_names() -> list[str]:
    return versioning.setup_cached("test.names", _names)


WRITES = {
    "create": lambda: Salesperson.objects.create(code="NEW", name="New"),
    "save": lambda: Salesperson.objects.filter(code="JC").first().save(),
    "bulk_create": lambda: Salesperson.objects.bulk_create([Salesperson(code="B", name="B")]),
    # SQLite runs a trigger under the firing statement's conflict clause (INSERT OR
    # IGNORE here): the token must change all the same.
    "bulk_create ignoring conflicts": lambda: Salesperson.objects.bulk_create(
        [Salesperson(code="B", name="B")], ignore_conflicts=True
    ),
    "queryset update": lambda: Salesperson.objects.update(name="Renamed"),
    "bulk_update": lambda: Salesperson.objects.bulk_update(
        [Salesperson(code="JC", name="Bulk")], ["name"]
    ),
    "delete": lambda: Salesperson.objects.filter(code="JC").delete(),
    "raw SQL": lambda: connection.cursor().execute(
        "UPDATE marketing_setup_salesperson SET name = 'Raw'"
    ),
    "other table": lambda: Territory.objects.create(code="T", description="T"),
    "language": lambda: Language.objects.create(code="NOR", description="Norsk"),
    "marketing setup": lambda: MarketingSetup.objects.update(inherit_salesperson=False),
}


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_every_write_gives_a_new_token_and_the_value_is_built_again(write):
    Salesperson.objects.create(code="JC", name="Jo")
    MarketingSetup.get()
    before = versioning.setup_token()
    assert before
    assert _cached_names() == ["Jo"]
    WRITES[write]()
    assert versioning.setup_token() != before
    assert _cached_names() == _names()


def test_a_value_is_built_once_per_version():
    Salesperson.objects.create(code="JC", name="Jo")
    built = []

    def build():
        built.append(1)
        return _names()

    for _ in range(3):
        assert versioning.setup_cached("test.once", build) == ["Jo"]
    assert len(built) == 1


def test_a_rolled_back_write_leaves_the_committed_value():
    Salesperson.objects.create(code="JC", name="Jo")
    assert _cached_names() == ["Jo"]
    with pytest.raises(RuntimeError), transaction.atomic():
        Salesperson.objects.update(name="Gone")
        assert _cached_names() == ["Gone"]  # the writer sees its own rows
        raise RuntimeError
    assert _cached_names() == ["Jo"]


def test_without_a_token_nothing_is_cached():
    Salesperson.objects.create(code="JC", name="Jo")
    connection.cursor().execute(f"DELETE FROM {versioning.VERSION_TABLE}")
    assert versioning.setup_token() is None
    assert _cached_names() == ["Jo"]
    connection.cursor().execute(f"DELETE FROM {versioning.VERSION_TABLE}")
    Salesperson.objects.update(name="Changed")  # the trigger writes the row again
    assert versioning.setup_token() is not None
    assert _cached_names() == ["Changed"]


def test_a_snapshot_reads_the_token_once():
    Salesperson.objects.create(code="JC", name="Jo")
    with versioning.setup_snapshot(), CaptureQueriesContext(connection) as queries:
        for key in ("a", "b", "c"):
            versioning.setup_cached(key, _names)
    assert sum(versioning.VERSION_TABLE in q["sql"] for q in queries) == 1


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_by_another_connection_is_seen():
    """Another process or machine: its committed write gives a new token here."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == ":memory:":
        pytest.skip("an in-memory SQLite database is private to its connection")
    Salesperson.objects.create(code="JC", name="Jo")
    assert _cached_names() == ["Jo"]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("UPDATE marketing_setup_salesperson SET name = 'Elsewhere'")
        if not other.get_autocommit():
            other.commit()
    finally:
        other.close()
    assert _cached_names() == ["Elsewhere"]


def test_the_setup_row_is_read_once_per_snapshot_block():
    MarketingSetup.get()
    with CaptureQueriesContext(connection) as outside:
        MarketingSetup.get(), MarketingSetup.get()
    with versioning.setup_snapshot(), CaptureQueriesContext(connection) as inside:
        first, second = MarketingSetup.get(), MarketingSetup.get()
    assert len(outside) == 2 and len(inside) == 1 and first is second
    with versioning.setup_snapshot():
        assert MarketingSetup.get() is not first  # a new block reads it again


def test_the_card_reads_the_setup_row_once(client, django_user_model):
    from django.contrib.auth.models import Group

    from crm_site.roles import STAFF
    from tests.factories import CompanyFactory

    user = django_user_model.objects.create_user("card-reader")
    user.groups.add(Group.objects.get(name=STAFF))
    client.force_login(user)
    CompanyFactory(no="CT1")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/contacts/CT1/").status_code == 200
    table = MarketingSetup._meta.db_table
    assert sum(f'FROM "{table}"' in q["sql"] for q in queries) == 1
