"""/healthz: the database and the cache, as a load balancer asks."""

import pytest
from django.test import Client

from tests import unreachable
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "worker": "no worker",
    }  # no worker runs in this test: said, but the instance still serves
    assert "no-cache" in response["Cache-Control"]


def test_an_unreachable_cache_is_a_503(client, settings):
    settings.CACHES = {"default": unreachable.CACHE}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "failing"


@pytest.mark.django_db(transaction=True)
def test_checks_at_once_do_not_fail_each_other():
    """Each check used to write one shared key: one check read another's value."""
    statuses = []

    def check():
        statuses.extend(Client().get("/healthz").status_code for _ in range(20))

    at_once(check, 6)
    assert statuses == [200] * 120


def test_the_worker_is_reported_when_it_stops_taking_work(client, settings):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from donations.jobs import send_waiting_receipts
    from jobs.models import WorkerHeartbeat

    assert client.get("/healthz/worker").status_code == 503  # none heard of
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w1", host="app1", pid=1, started_at=now,
                                   seen_at=now)  # fmt: skip
    assert client.get("/healthz/worker").json() == {"worker": "ok"}
    send_waiting_receipts.enqueue()
    DBTaskResult.objects.update(enqueued_at=now - timedelta(minutes=3))  # left waiting
    assert client.get("/healthz/worker").json() == {"worker": "stuck"}
    assert client.get("/healthz/worker").status_code == 503
    assert client.get("/healthz").status_code == 200  # the site itself still serves
    WorkerHeartbeat.objects.update(seen_at=now - timedelta(seconds=settings.WORKER_STALE_SECONDS))
    assert client.get("/healthz/worker").json() == {"worker": "no worker"}
