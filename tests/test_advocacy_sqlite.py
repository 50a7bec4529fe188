"""advocacy.sqlite: statements refused by SQLite's lock try again until it is free."""

import sqlite3
import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from donations.models import Campaign

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only"),
]


@pytest.fixture
def lock_holder():
    """Another connection to the same database file, holding the write lock."""
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield holder
    if holder.in_transaction:
        holder.rollback()
    holder.close()


def add_campaign(slug: str, outcome: dict) -> None:
    try:
        with transaction.atomic():
            Campaign.objects.create(name=slug, slug=slug)
        outcome["done"] = True
    except OperationalError as error:
        outcome["error"] = str(error)
    finally:
        connections.close_all()


def test_a_transaction_waits_for_the_write_lock_and_goes_on_once_it_is_free(lock_holder):
    outcome: dict = {}
    writer = threading.Thread(target=add_campaign, args=("queued", outcome))
    writer.start()
    writer.join(0.5)
    assert writer.is_alive() and not outcome  # still waiting on the lock
    lock_holder.commit()
    writer.join(10)
    assert outcome == {"done": True}
    assert Campaign.objects.filter(slug="queued").exists()


def test_it_gives_up_as_sqlite_does_when_the_timeout_runs_out(lock_holder):
    options = connection.settings_dict["OPTIONS"]
    saved = options["timeout"]
    options["timeout"] = 0.3
    try:
        outcome: dict = {}
        add_campaign("late", outcome)
    finally:
        options["timeout"] = saved
    assert outcome == {"error": "database is locked"}


def rename_campaigns(outcome: dict) -> None:
    try:
        Campaign.objects.update(name="Renamed")  # one statement, outside a transaction
        outcome["done"] = True
    except OperationalError as error:
        outcome["error"] = str(error)
    finally:
        connections.close_all()


@pytest.fixture
def campaign():
    return Campaign.objects.create(name="Fund", slug="fund")


def test_a_write_outside_a_transaction_waits_for_the_lock_too(campaign, lock_holder):
    outcome: dict = {}
    writer = threading.Thread(target=rename_campaigns, args=(outcome,))
    writer.start()
    writer.join(0.5)
    assert writer.is_alive() and not outcome
    lock_holder.commit()
    writer.join(10)
    assert outcome == {"done": True}
    assert Campaign.objects.get().name == "Renamed"
