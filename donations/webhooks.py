"""The webhook event log: verify, store each event once, and fulfil it once.

Every event is stored by its Stripe id under a unique constraint. Its object is
first brought to the pinned API version (a Stripe call, outside any transaction);
its handler then runs inside one transaction that holds a lock on the event's
row, so a redelivered or concurrently duplicated event has exactly one effect;
what is left to ask Stripe (the subscription's schedule) follows after the
commit. A failure at any step is stored with the error and answered with a 5xx,
so that Stripe delivers the event again, and the steps are safe to repeat. An
event that does not apply to its donation's status (donations.lifecycle) is
rolled back as a whole, and stored as ignored with the reason.
"""

from __future__ import annotations

import enum
import json
import logging
from datetime import UTC, datetime
from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from donations.fulfilment import HANDLERS, current_object
from donations.fulfilment.settle import settle_subscription
from donations.lifecycle import NotApplicable
from donations.models import Donation, WebhookEvent
from donations.receipts import note_due, send_due
from donations.stripe_gateway import SignatureVerificationError, construct_event

logger = logging.getLogger(__name__)
NOT_HANDLED = "This site does not act on this type of event."
NOT_OURS = "The event is about no donation of this site's."


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
    if not isinstance(getattr(event, "livemode", None), bool):
        raise InvalidEvent("The event does not say whether it is live or a test.")
    return event


def receive_event(event: stripe.Event, payload: bytes) -> Outcome:
    body = json.loads(payload)
    if event.type not in HANDLERS:
        _record_ignored(event, body, NOT_HANDLED)
        return Outcome.IGNORED
    if WebhookEvent.objects.filter(stripe_id=event.id).exclude(status="failed").exists():
        return Outcome.DUPLICATE
    if event.livemode != settings.STRIPE_LIVE_MODE:
        mode = "a live" if event.livemode else "a test-mode"
        logger.warning("Stripe event %s is %s event: ignored", event.id, mode)
        _record_ignored(event, body, f"This site ignores {mode} event.")
        return Outcome.IGNORED
    recorded = False  # whether this delivery's attempt is counted on the row already
    try:
        obj = current_object(event)
        if obj is None:
            _record_ignored(event, body, NOT_OURS)
            return Outcome.IGNORED
        outcome, donation = _fulfil(event, obj, body)
        recorded = True
        if donation is not None:
            donation.refresh_from_db()  # as committed
            settle_subscription(donation)
            send_receipts(donation)
    except Exception as error:
        logger.exception("Stripe event %s (%s) failed", event.id, event.type)
        _record_failure(event, body, error, counted=recorded)
        return Outcome.FAILED
    return outcome


def send_receipts(donation: Donation) -> None:
    """E-mail what the event calls for; a mail server down never fails the event (the
    receipt waits for `manage.py send_receipts`)."""
    try:
        if note_due(donation):
            send_due(donation)
    except Exception:
        logger.exception("Receipts of donation %s not sent", donation.pk)


def _fulfil(event: stripe.Event, obj: Any, body: object) -> tuple[Outcome, Donation | None]:
    with transaction.atomic():
        # The row is created as failed: it is committed only together with the
        # handler's effects, which overwrite the status; until then a concurrent
        # delivery of the same event waits on the row lock, and a row that is
        # still failed afterwards is one that a later delivery must handle again.
        record, created = WebhookEvent.objects.select_for_update().get_or_create(
            stripe_id=event.id, defaults=_fields(event, body, WebhookEvent.Status.FAILED)
        )
        if not created and record.status != WebhookEvent.Status.FAILED:
            return Outcome.DUPLICATE, None
        outcome, note, donation = _handle(event, obj)
        record.status = WebhookEvent.Status(outcome.value)
        record.error = ""
        record.note = note
        record.processed_at = timezone.now()
        if not created:
            record.attempts += 1
        record.save(update_fields=["status", "error", "note", "processed_at", "attempts"])
        return outcome, donation


def _handle(event: stripe.Event, obj: Any) -> tuple[Outcome, str, Donation | None]:
    """Run the event's handler: the outcome, why an event was ignored, and the donation."""
    handler = HANDLERS.get(event.type)
    if handler is None:
        return Outcome.IGNORED, NOT_HANDLED, None
    try:
        with transaction.atomic():  # a savepoint: an event that does not apply leaves nothing
            donation = handler(obj)
    except NotApplicable as reason:
        logger.info("Stripe event %s (%s) ignored: %s", event.id, event.type, reason)
        return Outcome.IGNORED, str(reason), None
    if donation is None:
        return Outcome.IGNORED, NOT_OURS, None
    return Outcome.PROCESSED, "", donation


def _fields(event: stripe.Event, body: object, status: str, note: str = "") -> dict[str, Any]:
    created = getattr(event, "created", None)
    return {
        "type": event.type,
        "livemode": event.livemode,
        "api_version": getattr(event, "api_version", None) or "",
        "created": datetime.fromtimestamp(created, UTC) if isinstance(created, int) else None,
        "payload": body,
        "status": status,
        "note": note,
    }


def _record_ignored(event: stripe.Event, body: object, note: str) -> None:
    """An event with no effect to have: recorded once, in one statement (a redelivery
    adds no row; one of an event that failed before marks it ignored)."""
    record = WebhookEvent(
        stripe_id=event.id,
        processed_at=timezone.now(),
        **_fields(event, body, WebhookEvent.Status.IGNORED, note),
    )
    WebhookEvent.objects.bulk_create(
        [record],
        update_conflicts=True,
        unique_fields=["stripe_id"],
        update_fields=["status", "note", "error", "processed_at"],
    )


def _record_failure(
    event: stripe.Event, body: object, error: Exception, *, counted: bool = False
) -> None:
    with transaction.atomic():
        record, created = WebhookEvent.objects.select_for_update().get_or_create(
            stripe_id=event.id, defaults=_fields(event, body, WebhookEvent.Status.FAILED)
        )
        record.status = WebhookEvent.Status.FAILED
        record.error = f"{type(error).__name__}: {error}"
        if not created and not counted:
            record.attempts += 1
        record.save()
