"""The webhook event log: verify, store each event once, and fulfil it once.

Every event is stored by its Stripe id under a unique constraint, and handled
inside one transaction that holds a lock on its row, so a redelivered or
concurrently duplicated event has exactly one effect. A handler that fails
rolls back its effects; the event is then stored as failed with the error and
answered with a 5xx, so that Stripe delivers it again. An event that does not
apply to its donation's status (donations.lifecycle) is rolled back as a whole
too, and stored as ignored with the reason.
"""

from __future__ import annotations

import enum
import json
import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from donations.fulfilment import HANDLERS
from donations.lifecycle import NotApplicable
from donations.models import WebhookEvent
from donations.stripe_gateway import SignatureVerificationError, construct_event

logger = logging.getLogger(__name__)


class Outcome(enum.Enum):
    PROCESSED = "processed"
    IGNORED = "ignored"
    DUPLICATE = "duplicate"
    FAILED = "failed"


class InvalidEvent(Exception):
    """A request that is not a well-formed event signed with our webhook secret."""


def verify_event(payload: bytes, signature: str | None) -> stripe.Event:
    try:
        event = construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except SignatureVerificationError as error:
        raise InvalidEvent(str(error)) from error
    except (ValueError, TypeError, AttributeError, KeyError) as error:
        raise InvalidEvent(f"Not a Stripe event: {error}") from error
    if not isinstance(getattr(event, "id", None), str) or not getattr(event, "type", None):
        raise InvalidEvent("The event has no id or type.")
    return event


def receive_event(event: stripe.Event, payload: bytes) -> Outcome:
    body = json.loads(payload)
    try:
        with transaction.atomic():
            # The row is created as failed: it is committed only together with the
            # handler's effects, which overwrite the status; until then a concurrent
            # delivery of the same event waits on the row lock, and a row that is
            # still failed afterwards is one that a later delivery must handle again.
            record, created = WebhookEvent.objects.select_for_update().get_or_create(
                stripe_id=event.id,
                defaults={
                    "type": event.type,
                    "livemode": event.livemode,
                    "payload": body,
                    "status": WebhookEvent.Status.FAILED,
                },
            )
            if not created and record.status != WebhookEvent.Status.FAILED:
                return Outcome.DUPLICATE
            outcome, note = _fulfil(event)
            record.status = WebhookEvent.Status(outcome.value)
            record.error = ""
            record.note = note
            record.processed_at = timezone.now()
            if not created:
                record.attempts += 1
            record.save()
            return outcome
    except Exception as error:
        logger.exception("Stripe event %s (%s) failed", event.id, event.type)
        _record_failure(event, body, error)
        return Outcome.FAILED


def _fulfil(event: stripe.Event) -> tuple[Outcome, str]:
    """Run the event's handler; the outcome and, for an ignored event, why."""
    handler = HANDLERS.get(event.type)
    if handler is None:
        return Outcome.IGNORED, "This site does not act on this type of event."
    try:
        with transaction.atomic():  # a savepoint: an event that does not apply leaves nothing
            handler(event.data.object)
    except NotApplicable as reason:
        logger.info("Stripe event %s (%s) ignored: %s", event.id, event.type, reason)
        return Outcome.IGNORED, str(reason)
    return Outcome.PROCESSED, ""


def _record_failure(event: stripe.Event, body: object, error: Exception) -> None:
    with transaction.atomic():
        record, created = WebhookEvent.objects.select_for_update().get_or_create(
            stripe_id=event.id,
            defaults={"type": event.type, "livemode": event.livemode, "payload": body},
        )
        record.status = WebhookEvent.Status.FAILED
        record.error = f"{type(error).__name__}: {error}"
        if not created:
            record.attempts += 1
        record.save()
