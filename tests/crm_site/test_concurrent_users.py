"""Eight users creating contacts at once, each in its own OS process, get no error
(13.3). On SQLite (a file, as in a real installation) a deferred transaction that
upgrades to a write lock fails at once with "database is locked" whatever the timeout;
the settings begin every transaction IMMEDIATE, with WAL and a busy timeout, so writers
wait their turn instead. Runs on PostgreSQL too (row locks on the number series line).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from contacts.models import Contact
from crm_site.roles import STAFF
from numbering.models import NoSeries, NoSeriesLine
from tests.processes import start_worker

pytestmark = pytest.mark.django_db(transaction=True)

USERS = 8
CONTACTS_EACH = 6  # 48 creations by 8 users at once (the review made 120)


def test_eight_concurrent_users_creating_contacts_get_no_error(setup, django_user_model):
    series = NoSeries.objects.create(code="CONT", description="Contacts")
    NoSeriesLine.objects.create(series=series, line_no=10000, starting_no="CT000001")
    setup.contact_nos = series
    setup.save()
    staff = Group.objects.get(name=STAFF)
    names = [f"user{i}" for i in range(USERS)]
    for name in names:
        django_user_model.objects.create_user(name, password="pw-Concurrent-1").groups.add(staff)

    workers = [
        start_worker("tests.crm_site.users_worker", name, "pw-Concurrent-1", str(CONTACTS_EACH))
        for name in names
    ]
    try:
        for worker in workers:
            assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
        for worker in workers:  # all start together
            worker.stdin.write("go\n")
            worker.stdin.flush()
        outputs = [worker.communicate(timeout=240) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    answers = [line for out, _err in outputs for line in out.splitlines()]
    errors = [line for line in answers if line != "done" and not line.startswith("302 ")]
    assert errors == [], (errors, [err[-2000:] for _out, err in outputs if err])
    assert all(worker.returncode == 0 for worker in workers), [err for _o, err in outputs]
    assert answers.count("done") == USERS
    assert sum(line.startswith("302 create") for line in answers) == USERS * CONTACTS_EACH
    created = Contact.objects.filter(name__contains=" company ")
    assert created.count() == USERS * CONTACTS_EACH
    numbers = sorted(created.values_list("no", flat=True))
    # Gap-free and unique under contention.
    assert numbers == [f"CT{n:06d}" for n in range(1, USERS * CONTACTS_EACH + 1)]
