"""Two users press "Create as customer" on the same company at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from contacts.models import Contact
from relations import services
from relations.models import ContactBusinessRelation, Customer
from tests.factories import CompanyFactory
from tests.relations.factories import setup_sync

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_concurrent_create_as_customer_links_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    setup_sync()
    company = CompanyFactory()
    barrier = threading.Barrier(2)
    results: list[str] = []

    def worker():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                services.contact_create_customer(contact=Contact.objects.get(pk=company.pk))
            results.append("created")
        except ValidationError as error:
            results.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert results.count("created") == 1
    (refused,) = [r for r in results if r != "created"]
    assert "already has a contact business relation with Customer" in refused
    assert Customer.objects.count() == 1
    assert ContactBusinessRelation.objects.filter(contact=company).count() == 1
