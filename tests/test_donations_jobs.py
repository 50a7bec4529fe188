"""Work after a webhook runs on the queue: a stalled mail server slows no webhook, and
every receipt goes out once when it recovers, with nobody running a command."""

import time

import pytest
import requests

from donations.models import Receipt, WebhookEvent
from jobs.worker import queue_idle
from stripe_testkit.waiting import wait_until
from tests.factories import DonationFactory
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
