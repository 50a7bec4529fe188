"""Work after a webhook runs on the queue: a stalled mail server slows no webhook, and
every receipt goes out once when it recovers, with nobody running a command."""

import time

import pytest
import requests
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from donations.jobs import follow_up
from donations.models import Donation, Receipt, WebhookEvent
from jobs.worker import queue_idle
from stripe_testkit.waiting import wait_until
from tests.factories import DonationFactory, PaymentFactory
from tests.mail_servers import StalledServer, free_port, real_server
from tests.stripe_events import answer_payment, checkout_session, event, sign

pytestmark = pytest.mark.django_db(transaction=True)
DONORS = 20


def test_a_stalled_mail_server_slows_no_webhook_and_every_receipt_goes_once_it_recovers(
    live_server, fake_stripe, settings, worker
):
    port = free_port()
    stalled = StalledServer(port)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_TIMEOUT = 0.5
    donations = [DonationFactory() for _ in range(DONORS)]
    seconds = []
    for donation in donations:
        answer_payment(fake_stripe, f"pi_test_{donation.pk}", 2000)
        payload = event("checkout.session.completed", checkout_session(donation))
        started = time.perf_counter()
        answer = requests.post(
            f"{live_server.url}/stripe/webhook/", data=payload, timeout=30,
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload)},
        )  # fmt: skip
        seconds.append(time.perf_counter() - started)
        assert answer.json() == {"status": "received"}
    # All answered while the mail server had not said a word to anyone. (Waiting here for
    # the worker to apply every event would spend the receipts' tries on the stalled server:
    # after the last, a receipt waits for the 5-minute job.)
    assert stalled.connected.wait(15), "the worker never tried the mail server"
    assert not Receipt.objects.exclude(sent_at=None).exists()
    print(f"webhooks with the mail server stalled: max {max(seconds) * 1000:.0f} ms")
    stalled.close()
    inbox, controller = real_server(port)
    try:
        sent = Receipt.objects.exclude(sent_at=None)
        wait_until(lambda: sent.count() == DONORS, 60, "receipts")
        wait_until(queue_idle, 30, "the queue")
    finally:
        controller.stop()
    assert WebhookEvent.objects.filter(status=WebhookEvent.Status.PROCESSED).count() == DONORS
    assert len(inbox.messages) == DONORS  # each once
    recipients = sorted(m.split(b"\nTo: ")[1].split(b"\r")[0].split(b"\n")[0]
                        for m in inbox.messages)  # fmt: skip
    assert recipients == sorted(d.email.encode() for d in donations)


@pytest.mark.parametrize(
    ("paid", "sync_due", "enqueued"),
    [(2, False, False), (3, False, True), (2, True, True)],
    ids=[
        "nothing left",
        "all payments made: the schedule to settle",
        "a payment to ask Stripe about",
    ],
)
def test_a_follow_up_reads_the_payments_once_and_enqueues_only_what_is_left(
    paid, sync_due, enqueued
):
    donation = DonationFactory(
        monthly=True, status=Donation.Status.ACTIVE, stripe_subscription_id="sub_f",
        stripe_schedule_id="sub_sched_f",
    )  # fmt: skip
    for number in range(paid):
        due = timezone.now() if sync_due and number == 0 else None
        payment = PaymentFactory(donation=donation, stripe_sync_due_at=due)
        Receipt.objects.create(
            donation=donation, kind=Receipt.Kind.PAYMENT, payment=payment, sent_at=timezone.now()
        )
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        follow_up(donation)
    reads = [q for q in queries.captured_queries if 'FROM "donations_payment"' in q["sql"]]
    assert len(reads) == 1  # inside the change's transaction: SQLite's write lock is held
    tasks = DBTaskResult.objects.filter(task_path="donations.jobs.follow_up_task")
    assert tasks.exists() is enqueued
