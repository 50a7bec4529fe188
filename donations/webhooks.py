"""The webhook event log: verify, store each event once, and fulfil it once.

Every event is stored by its Stripe id under a unique constraint, and handled
inside one transaction that holds a lock on its row, so a redelivered or
concurrently duplicated event has exactly one effect. A handler that fails
rolls back its effects; the event is then stored as failed with the error and
answered with a 5xx, so that Stripe delivers it again.
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
            outcome = _fulfil(event)
            record.status = WebhookEvent.Status(outcome.value)
            record.error = ""
            record.processed_at = timezone.now()
            if not created:
                record.attempts += 1
            record.save()
            return outcome
    except Exception as error:
        logger.exception("Stripe event %s (%s) failed", event.id, event.type)
        _record_failure(event, body, error)
        return Outcome.FAILED


def _fulfil(event: stripe.Event) -> Outcome:
    handler = HANDLERS.get(event.type)
    if handler is None:
        return Outcome.IGNORED
    handler(event.data.object)
    return Outcome.PROCESSED


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
