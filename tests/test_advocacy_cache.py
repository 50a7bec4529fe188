"""The database cache's increment is atomic: concurrent workers lose no count."""

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection

from tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_increments_are_all_counted():
    cache.add("counter", 0)

    def bump():
        for _ in range(10):
            cache.incr("counter")

    at_once(bump, 8)
    assert cache.get("counter") == 80


def test_incrementing_a_missing_key_raises():
    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")


@pytest.fixture
def database_cache(settings):
    """The database cache, also where the site's caches are on Redis."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "advocacy.cache.AtomicDatabaseCache", "LOCATION": "cache_entries"},
    }
    call_command("createcachetable", verbosity=0)
    caches["default"].clear()  # a table outside the models: no test flushes it
    return caches["default"]


def test_adding_a_live_entry_is_refused_by_one_read(database_cache, django_assert_num_queries):
    """Django's add counts the table, takes the write lock and fails an insert: a rate
    limit's counter is added on every POST, and there on all but the first."""
    assert database_cache.add("counter", 1, timeout=60)
    with django_assert_num_queries(1):
        assert not database_cache.add("counter", 5, timeout=60)
    assert database_cache.get("counter") == 1


def test_a_new_entry_is_added_by_a_read_a_count_and_one_insert(
    database_cache, django_assert_num_queries
):
    with django_assert_num_queries(3):  # none there; the count that culls; the insert
        assert database_cache.add("counter", 1, timeout=60)
    assert database_cache.get("counter") == 1
    assert database_cache.add("forever", "kept", timeout=None)
    assert database_cache.get("forever") == "kept"


def test_an_expired_entry_is_added_again(database_cache):
    database_cache.set("counter", 7, timeout=-1)  # expired at once
    assert database_cache.add("counter", 1, timeout=60)
    assert database_cache.get("counter") == 1


def test_concurrent_increments_of_a_database_entry_are_all_counted(database_cache):
    database_cache.add("counter", 0, timeout=60)

    def bump():
        for _ in range(10):
            database_cache.incr("counter")

    at_once(bump, 8)
    assert database_cache.get("counter") == 80


def expiry(key):
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM cache_entries WHERE cache_key LIKE %s", [f"%:{key}"])
        return cursor.fetchone()[0]


def test_an_increment_is_two_statements_and_keeps_the_entrys_expiry(
    database_cache, django_assert_num_queries
):
    database_cache.add("counter", 1, timeout=60)
    expires = expiry("counter")
    with django_assert_num_queries(2):
        assert database_cache.incr("counter", 2) == 3
    assert database_cache.get("counter") == 3
    assert expiry("counter") == expires


def test_an_expired_entry_is_not_incremented(database_cache):
    database_cache.set("counter", 7, timeout=-1)
    with pytest.raises(ValueError, match="not found"):
        database_cache.incr("counter")
