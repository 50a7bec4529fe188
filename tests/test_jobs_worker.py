"""The worker: retries with back-off, tasks of dead workers taken back, periodic jobs
once per period, and a worker killed in the middle of sending an e-mail."""

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from donations.event_inbox import apply_event_task
from donations.jobs import follow_up, send_waiting_receipts
from donations.models import Donation, Receipt
from jobs import schedule
from jobs.models import ScheduledRun, WorkerHeartbeat
from jobs.worker import claim_next, run_ready, run_task, take_back_stale
from stripe_testkit.waiting import wait_until
from tests.concurrency import at_once
from tests.factories import DonationFactory, PaymentFactory
from tests.mail_servers import StalledServer, free_port, real_server
from tests.sqlite_lock import lock_timeout, write_lock_held

pytestmark = pytest.mark.django_db


def paid_donation():
    donation = DonationFactory(status=Donation.Status.PAID)
    PaymentFactory(donation=donation, stripe_invoice_id="", stripe_payment_intent_id="")
    return donation


def smtp(settings, port, timeout=1):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, timeout
    settings.EMAIL_USE_TLS = False


def test_a_failed_job_is_tried_again_later_and_failed_for_good_after_the_last_try(settings):
    settings.TASK_MAX_ATTEMPTS, settings.TASK_RETRY_SECONDS = 3, 60
    smtp(settings, 9)  # the discard port: refused
    donation = paid_donation()
    follow_up(donation)
    run_ready()
    job = DBTaskResult.objects.get()
    assert (job.status, len(job.worker_ids)) == ("READY", 1)
    assert 55 <= (job.run_after - timezone.now()).total_seconds() <= 60  # 60 s, then 120 …
    assert "ReceiptsNotSent" in job.traceback
    for tries in (2, 3):
        DBTaskResult.objects.update(run_after=timezone.now())
        run_ready()
        job.refresh_from_db()
        assert len(job.worker_ids) == tries
    assert job.status == "FAILED"  # after the third try, for staff to see and retry
    assert Receipt.objects.get().sent_at is None


@pytest.mark.django_db(transaction=True)  # the worker in a thread of its own
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")
def test_a_task_whose_outcome_finds_the_database_locked_notes_it_once_the_lock_is_free(
    settings, caplog
):
    smtp(settings, 9)  # the discard port: refused, so the task fails and is to be tried again
    follow_up(paid_donation())
    task = claim_next("w")
    errors = []
    worker = threading.Thread(target=lambda: at_work(errors, task))
    # Each try for the lock gives up at once; another writer holds it past that timeout.
    try:
        with lock_timeout(0.2), write_lock_held():
            worker.start()
            wait_until(lambda: "noting its outcome again" in caplog.text, timeout=30)
    finally:
        worker.join(30)  # once the lock is free
    assert errors == []  # the worker lives on
    task.refresh_from_db()
    assert (task.status, len(task.worker_ids)) == ("READY", 1)  # to be tried again, not lost
    assert "database is locked" in task.traceback


def at_work(errors, task):
    try:
        run_task(task)
    except Exception as error:  # what a worker process would die of
        errors.append(error)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)  # workers in threads of their own
def test_workers_claiming_at_once_never_share_a_task_and_leave_none_behind():
    enqueued = {str(apply_event_task.enqueue(f"evt_{number}").id) for number in range(5)}
    claims = []
    at_once(lambda: claims.extend([claim_next(f"w{len(claims)}"), claim_next("again")]), 4)
    claimed = [str(task.id) for task in claims if task is not None]
    assert sorted(claimed) == sorted(enqueued)  # each of the five once, by 4 workers × 2 tries
    rows = DBTaskResult.objects.filter(id__in=enqueued)
    assert [(row.status, len(row.worker_ids)) for row in rows] == [("RUNNING", 1)] * 5


def test_a_job_whose_worker_went_silent_is_taken_back():
    send_waiting_receipts.enqueue()
    task = claim_next("worker-that-died")
    WorkerHeartbeat.objects.create(worker_id="worker-that-died", host="h", pid=1,
                                   started_at=timezone.now(),
                                   seen_at=timezone.now() - timedelta(minutes=5))  # fmt: skip
    WorkerHeartbeat.objects.create(worker_id="alive", host="h", pid=2,
                                   started_at=timezone.now(), seen_at=timezone.now())  # fmt: skip
    send_waiting_receipts.enqueue()
    claim_next("alive")
    assert take_back_stale() == 1
    task.refresh_from_db()
    assert task.status == "READY"
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 1  # the live one's


@pytest.mark.django_db(transaction=True)
def test_each_periodic_job_is_enqueued_once_a_period_whatever_the_workers():
    # Mid-hour on a mid-day: five minutes later starts only the 5-minute jobs' next period
    # (from 4:55 on, an hour's would start too: the test failed at such times).
    now = timezone.now().replace(hour=12, minute=10, second=0, microsecond=0)

    at_once(lambda: schedule.enqueue_due(now), 6)
    jobs = len(schedule.PERIODIC)
    assert jobs == 5
    assert ScheduledRun.objects.count() == jobs
    assert DBTaskResult.objects.count() == jobs
    assert set(schedule.enqueue_due(now + timedelta(minutes=5))) == {
        "donations.jobs.send_waiting_receipts",  # the next 5-minute period; the others wait
        "donations.dashboard_cache.refresh_default_figures",
    }


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_leaves_the_email_to_the_next_one_sent_once(settings):
    """The first worker hangs on a mail server that never answers and is killed; once the
    server works, a new worker takes the job back and the receipt goes out once."""
    port = free_port()
    stalled = StalledServer(port)
    donation = paid_donation()
    follow_up(donation)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
           "DATABASE_URL": _database_url(), "EMAIL_URL": f"smtp://127.0.0.1:{port}",
           "WORKER_HEARTBEAT_SECONDS": "0.2", "WORKER_STALE_SECONDS": "1",
           "TASK_RETRY_SECONDS": "0.2"}  # fmt: skip
    first = subprocess.Popen([sys.executable, "manage.py", "run_worker", "--interval", "0.05"],
                             env={**env, "EMAIL_TIMEOUT": "60"},
                             cwd=django_settings.BASE_DIR)  # fmt: skip
    try:
        assert stalled.connected.wait(30), "the worker never tried the mail server"
    finally:
        os.kill(first.pid, signal.SIGKILL)  # mid-job
        first.wait(10)
    assert job().status == "RUNNING"
    stalled.close()
    inbox, controller = real_server(port)
    second = subprocess.Popen([sys.executable, "manage.py", "run_worker", "--interval", "0.05"],
                              env={**env, "EMAIL_TIMEOUT": "0.2"},
                              cwd=django_settings.BASE_DIR)  # fmt: skip
    try:
        wait_until(lambda: Receipt.objects.get().sent_at is not None, 60, "the receipt")
        wait_until(lambda: job().status == "SUCCESSFUL", 30, "the job")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
        controller.stop()
    assert len(inbox.messages) == 1
    assert len(job().worker_ids) >= 2  # taken back, tried again


def job():
    """The receipt's job (the worker enqueues its periodic jobs beside it)."""
    return DBTaskResult.objects.get(task_path="donations.jobs.follow_up_task")


def _database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
