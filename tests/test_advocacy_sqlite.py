"""advocacy.sqlite: statements refused by SQLite's lock try again until it is free, the
background worker's more slowly than requests'."""

import sqlite3
import threading
from collections.abc import Callable

import pytest
from django.db import OperationalError, connection, connections, transaction

from advocacy.sqlite.base import REQUEST_PAUSES, SQLiteCursorWrapper, wait_behind_requests
from donations.models import Campaign
from tests.sqlite_lock import lock_timeout, write_lock_held

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only"),
]


@pytest.fixture
def lock_holder():
    """Another connection to the same database file, holding the write lock."""
    with write_lock_held() as holder:
        yield holder


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
    with lock_timeout(0.3):
        outcome = attempt(lambda: add_campaign("late"))
    assert outcome == {"error": "database is locked"}


@pytest.fixture
def campaign():
    return Campaign.objects.create(name="Fund", slug="fund")


def test_a_write_outside_a_transaction_waits_for_the_lock_too(campaign, lock_holder):
    outcome = waits_then_goes_on(lock_holder, rename_campaigns)
    assert outcome == {"done": True}
    assert Campaign.objects.get().name == "Renamed"


def tries_to_begin(seconds: float) -> int:
    """How many times this thread's connection tries to begin a transaction (SQLite's
    own trace of the statements it starts) while another holds the write lock, until
    its timeout of `seconds` runs out."""
    started: list[str] = []
    with lock_timeout(seconds):
        connection.ensure_connection()
        connection.connection.set_trace_callback(started.append)
        outcome = attempt(lambda: add_campaign("late"))
    assert outcome == {"error": "database is locked"}
    return sum(statement.startswith("BEGIN") for statement in started)


def test_the_background_worker_tries_for_the_lock_far_less_often_than_a_request(lock_holder):
    request = tries_to_begin(0.3)
    wait_behind_requests()  # as `manage.py run_worker` does
    try:
        worker = tries_to_begin(0.3)
    finally:
        SQLiteCursorWrapper.pauses = REQUEST_PAUSES
    # The worker waits at least 2.5, 5, then 10 ms between tries: at most 33 in 0.3 s.
    # A request waits at most 2 ms (when its sleeps keep time: about 150 tries), so when
    # both wait for the lock, the request almost always takes it first.
    assert worker <= 33 < request
