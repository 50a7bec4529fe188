"""The work that follows a change, on the queue (jobs/): never inside Stripe's webhook
request, and enqueued in the transaction of the change that calls for it.

- `follow_up(donation)`: what an event (or a staff or donor action) leaves to do:
  ask Stripe about payments marked for it (payment_sync), settle the subscription's
  schedule (settle), send the e-mails due (receipts). Each step is safe to repeat, so
  the task is simply tried again when any step fails (the worker's back-off).
- Periodic jobs: catch up on webhooks Stripe could not deliver (hourly), ask Stripe
  about payments it did not answer for (hourly), send the e-mails a mail server refused
  (every 5 minutes), erase old personal data (daily).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.management import call_command
from django.db import transaction
from django.db.models import prefetch_related_objects
from django_tasks import task

from donations.fulfilment.payment_sync import sync_payments
from donations.fulfilment.retries import failed_renewals, pay_failed_renewals
from donations.fulfilment.settle import settle_subscription
from donations.models import Donation, Payment
from donations.receipts import note_due, send_due
from jobs.schedule import periodic

logger = logging.getLogger(__name__)


def follow_up(donation: Donation) -> None:
    """Inside the change's transaction: note the e-mails it calls for, and enqueue what
    is left to do, if anything (a redelivered event enqueues nothing). The payments are
    read once for both: on SQLite the transaction holds the write lock meanwhile."""
    payments = list(donation.payments.all())
    receipts_due = note_due(donation, payments)
    if receipts_due or _stripe_work(donation, payments):
        follow_up_task.enqueue(donation.pk)


def _stripe_work(donation: Donation, payments: list[Payment]) -> bool:
    if any(payment.stripe_sync_due_at is not None for payment in payments):
        return True
    if not (donation.is_recurring and donation.stripe_subscription_id):
        return False
    if donation.status not in Donation.RUNNING:
        return donation.status == Donation.Status.CANCELED  # the last payment may be late
    return (
        not donation.stripe_schedule_id
        or donation.schedule_outdated
        or donation.paid_payment_count(payments) >= donation.payment_count
    )


@task()
def follow_up_task(donation_id: int) -> str:
    """Each step is tried whatever became of the others (Stripe down does not hold back
    an e-mail, nor a mail server a schedule); the task fails, to be tried again, if any
    did."""
    donation = Donation.objects.filter(pk=donation_id).first()
    if donation is None:
        return "no such donation"
    failures: list[Exception] = []
    for step in (_sync, _settle, _send):
        try:
            step(donation)
        except Exception as error:
            logger.warning("Donation %s: %s failed: %s", donation_id, step.__name__, error)
            failures.append(error)
    if failures:
        raise failures[0]
    return "done"


def _sync(donation: Donation) -> None:
    sync_payments(donation, strict=True)


def _settle(donation: Donation) -> None:
    donation.refresh_from_db()
    prefetch_related_objects([donation], "payments")
    settle_subscription(donation)


def _send(donation: Donation) -> None:
    donation.refresh_from_db()
    note_due(donation)
    send_due(donation, strict=True)


def retry_failed_renewals(donation: Donation) -> bool:
    """The donor has a new card: charge their failed renewals again now (on the queue);
    whether there were any."""
    if not failed_renewals(donation).exists():
        return False
    with transaction.atomic():
        retry_failed_renewals_task.enqueue(donation.pk)
    return True


@task()
def retry_failed_renewals_task(donation_id: int) -> int:
    donation = Donation.objects.filter(pk=donation_id).first()
    return pay_failed_renewals(donation) if donation else 0


@periodic(timedelta(hours=1))
@task()
def catch_up_on_webhooks() -> None:
    call_command("sync_stripe_events", verbosity=0)


@periodic(timedelta(hours=1))
@task()
def ask_about_marked_payments() -> int:
    return sync_payments()


@periodic(timedelta(minutes=5))
@task()
def send_waiting_receipts() -> int:
    return send_due()


@periodic(timedelta(days=1))
@task()
def purge_personal_data() -> None:
    call_command("purge_personal_data", verbosity=0)
