"""advocacy.sqlite: statements refused by SQLite's lock try again until it is free."""

import sqlite3
import threading
from collections.abc import Callable

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


def attempt(write: Callable[[], object]) -> dict:
    """Run `write` on this thread's own connection: {"done": True} or {"error": message}."""
    try:
        write()
        return {"done": True}
    except OperationalError as error:
        return {"error": str(error)}
    finally:
        connections.close_all()


def add_campaign(slug: str) -> None:
    with transaction.atomic():
        Campaign.objects.create(name=slug, slug=slug)


def rename_campaigns() -> None:
    Campaign.objects.update(name="Renamed")  # one statement, outside a transaction


def waits_then_goes_on(lock_holder: sqlite3.Connection, write: Callable[[], object]) -> dict:
    """Start `write` on another thread; check it waits while the lock is held; release
    the lock; its outcome."""
    outcome: dict = {}
    writer = threading.Thread(target=lambda: outcome.update(attempt(write)))
    writer.start()
    writer.join(0.5)
    assert writer.is_alive() and not outcome  # still waiting on the lock
    lock_holder.commit()
    writer.join(10)
    return outcome


def test_a_transaction_waits_for_the_write_lock_and_goes_on_once_it_is_free(lock_holder):
    outcome = waits_then_goes_on(lock_holder, lambda: add_campaign("queued"))
    assert outcome == {"done": True}
    assert Campaign.objects.filter(slug="queued").exists()


def test_it_gives_up_as_sqlite_does_when_the_timeout_runs_out(lock_holder):
    options = connection.settings_dict["OPTIONS"]
    saved = options["timeout"]
    options["timeout"] = 0.3
    try:
        outcome = attempt(lambda: add_campaign("late"))
    finally:
        options["timeout"] = saved
    assert outcome == {"error": "database is locked"}


@pytest.fixture
def campaign():
    return Campaign.objects.create(name="Fund", slug="fund")


def test_a_write_outside_a_transaction_waits_for_the_lock_too(campaign, lock_holder):
    outcome = waits_then_goes_on(lock_holder, rename_campaigns)
    assert outcome == {"done": True}
    assert Campaign.objects.get().name == "Renamed"
