"""The database cache's increment is atomic: concurrent workers lose no count."""

import threading

import pytest
from django.core.cache import cache
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_increments_are_all_counted():
    cache.add("counter", 0)
    start = threading.Barrier(8)

    def bump():
        try:
            start.wait()
            for _ in range(10):
                cache.incr("counter")
        finally:
            connection.close()

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("counter") == 80


def test_incrementing_a_missing_key_raises():
    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")
