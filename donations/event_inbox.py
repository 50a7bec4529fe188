"""Stripe's webhook request: the verified event stored and answered at once, applied by
the worker.

Stripe asks for a quick 2xx, before any complex logic, and delivers again what is not
answered in time. An event of a type the site acts on is stored as received, and a task
to apply it (donations.webhooks.apply_event) is enqueued, together (advocacy.rows: both
rows made ready first, then, on SQLite, a transaction that holds the write lock every
other writer waits for only for the two INSERTs; on PostgreSQL one statement): the answer
waits neither for Stripe (an object fetched again, an invoice's payments) nor for the
handler's transaction, and an event stored is never left unapplied. The task applies
it once (a redelivery finds it stored and adds nothing); a failure is tried again by
the queue, with back-off, then every hour by the catch-up on missed webhooks (which
lists Stripe's events of the last days), and at once when Stripe delivers it again.
Types the site ignores, and events of the other mode, are recorded at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django_tasks import task

from advocacy.rows import Insert, insert_together
from advocacy.task_backend import prepare
from donations.fulfilment import HANDLERS
from donations.models import WebhookEvent
from donations.stripe_objects import ReceivedEvent
from donations.webhooks import OPEN, Outcome, apply_event, apply_open_event, event_fields


class EventFailed(Exception):
    """The event's application failed (its error is stored with it): tried again."""


def receive_event(event: ReceivedEvent) -> Outcome:
    """Store a verified event for the worker to apply; RECEIVED, or DUPLICATE when it
    was stored before (and did not fail), or IGNORED, recorded at once."""
    if event.type not in HANDLERS or event.livemode != settings.STRIPE_LIVE_MODE:
        return apply_event(event)  # recorded as ignored, in one statement
    received = WebhookEvent.Status.RECEIVED
    event_row = Insert(WebhookEvent(stripe_id=event.id, **event_fields(event, received)))
    try:
        insert_together(event_row, prepare(apply_event_task, event.id))
        return Outcome.RECEIVED
    except IntegrityError:
        pass
    with transaction.atomic():  # delivered again after it failed: tried again now
        again = WebhookEvent.objects.filter(
            stripe_id=event.id, status=WebhookEvent.Status.FAILED
        ).update(  # with this delivery's payload: a failed event's may not be stored
            status=WebhookEvent.Status.RECEIVED, attempts=F("attempts") + 1, payload=event.body
        )
        if again:
            apply_event_task.enqueue(event.id)
            return Outcome.RECEIVED
    return Outcome.DUPLICATE


@task()
def apply_event_task(stripe_id: str) -> str:
    """Apply a stored event, unless it was applied since; a failure is raised, for the
    queue to try again."""
    record = WebhookEvent.objects.filter(stripe_id=stripe_id, status__in=OPEN).first()
    if record is None:
        return "applied before"
    outcome = apply_open_event(ReceivedEvent(record.payload))
    if outcome is Outcome.FAILED:
        record.refresh_from_db(fields=["error"])
        raise EventFailed(f"Stripe event {stripe_id}: {record.error}")
    return outcome.value
