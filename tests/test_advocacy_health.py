"""/healthz: the database and the cache, as a load balancer asks."""

import threading

import pytest
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_an_unreachable_cache_is_a_503(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "failing"


@pytest.mark.django_db(transaction=True)
def test_checks_at_once_do_not_fail_each_other():
    """Each check used to write one shared key: one check read another's value."""
    statuses, start = [], threading.Barrier(6)

    def check():
        try:
            start.wait()
            statuses.extend(Client().get("/healthz").status_code for _ in range(20))
        finally:
            connection.close()

    threads = [threading.Thread(target=check) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 120
