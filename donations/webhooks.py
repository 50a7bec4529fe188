"""The webhook event log: apply each verified event once.

The webhook's request only stores an event and answers (donations.event_inbox); the
worker applies it here, as does the catch-up on events the webhook missed. Every event
is stored by its Stripe id under a unique constraint. Its object is first brought to
the pinned API version (a Stripe call, outside any transaction); its handler then runs
inside one transaction that ends by storing the event's outcome, so a redelivered or
concurrently duplicated event has exactly one effect (an application that finds the
event applied by another is rolled back); what is left to do (asking Stripe about
payments, the subscription's schedule, e-mails) is enqueued in that transaction and
done by the worker (donations.jobs). A failure is stored with the error, to be tried
again, and the steps are safe to repeat. An event that does not apply to its
donation's status (donations.lifecycle) is rolled back as a whole, and stored as
ignored with the reason.
"""

from __future__ import annotations

import enum
import logging
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Case, F, PositiveIntegerField, Value, When
from django.utils import timezone

from advocacy.rows import upsert
from donations.event_payloads import InvalidEvent, parse_event, storable
from donations.fulfilment import HANDLERS, current_object
from donations.jobs import follow_up
from donations.lifecycle import NotApplicable
from donations.models import Donation, WebhookEvent
from donations.personal_data import redacted
from donations.stripe_gateway import SignatureVerificationError, verify_signature
from donations.stripe_objects import ReceivedEvent

logger = logging.getLogger(__name__)
NOT_HANDLED = "This site does not act on this type of event."
NOT_OURS = "The event is about no donation of this site's."


class Outcome(enum.Enum):
    RECEIVED = "received"  # stored, for the worker to apply
    PROCESSED = "processed"
    IGNORED = "ignored"
    DUPLICATE = "duplicate"
    FAILED = "failed"


# The statuses of an event still to apply: received, or failed before.
OPEN = (WebhookEvent.Status.RECEIVED, WebhookEvent.Status.FAILED)

__all__ = ["InvalidEvent", "Outcome", "apply_event", "apply_open_event", "verify_event"]


def verify_event(payload: bytes, signature: str | None) -> ReceivedEvent:
    """The event in `payload`, signed with our webhook secret; InvalidEvent if it is not."""
    try:
        verify_signature(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except SignatureVerificationError as error:
        raise InvalidEvent(str(error)) from error
    except ValueError as error:  # the SDK reads the body as UTF-8
        raise InvalidEvent(f"Not a Stripe event: {error}") from error
    return parse_event(payload)


def apply_event(event: ReceivedEvent) -> Outcome:
    """Apply the event now, in this process, unless it was applied before."""
    if event.type not in HANDLERS:
        _record_ignored(event, NOT_HANDLED)
        return Outcome.IGNORED
    if WebhookEvent.objects.filter(stripe_id=event.id).exclude(status__in=OPEN).exists():
        return Outcome.DUPLICATE
    return apply_open_event(event)


def apply_open_event(event: ReceivedEvent) -> Outcome:
    """Apply an event not applied before (its row, if stored, received or failed), as the
    worker's task has found it."""
    if event.livemode != settings.STRIPE_LIVE_MODE:
        mode = "a live" if event.livemode else "a test-mode"
        logger.warning("Stripe event %s is %s event: ignored", event.id, mode)
        _record_ignored(event, f"This site ignores {mode} event.")
        return Outcome.IGNORED
    try:
        obj = current_object(event)
        if obj is None:
            _record_ignored(event, NOT_OURS)
            return Outcome.IGNORED
        outcome = _fulfil(event, obj)
    except Exception as error:
        logger.exception("Stripe event %s (%s) failed", event.id, event.type)
        _record_failure(event, error)
        return Outcome.FAILED
    return outcome


class _StoredBefore(Exception):
    """Another delivery of the event stored it first: this one's effects are undone."""


def _fulfil(event: ReceivedEvent, obj: Any) -> Outcome:
    """Run the event's handler, store the event with its outcome and enqueue what is left
    to do (donations.jobs: Stripe calls, e-mails) in one transaction, so the row and the
    work are committed only together with the handler's effects. A delivery of the same
    event that commits first makes this one a duplicate, rolled back whole."""
    try:
        with transaction.atomic():
            outcome, note, donation, about = _handle(event, obj)
            if not _store(event, outcome, note, about):
                raise _StoredBefore
            if donation is not None:
                follow_up(donation)
    except _StoredBefore:
        return Outcome.DUPLICATE
    return outcome


def _store(event: ReceivedEvent, outcome: Outcome, note: str, about: Donation | None) -> bool:
    """Store the event's outcome and the donation it was `about`: over its received row
    (the usual case, one statement: on SQLite the write lock is held meanwhile), over the
    failed row of an earlier try, counting the attempt, or as a new row (an event the
    catch-up found). False when its row was stored meanwhile by another application (once
    that one's transaction ended), or received meanwhile: its own task applies it."""
    now, rows = timezone.now(), WebhookEvent.objects.filter(stripe_id=event.id)
    one_more = F("attempts") + Value(1, PositiveIntegerField())  # a failed try counted
    attempts = Case(When(status=WebhookEvent.Status.FAILED, then=one_more), default=F("attempts"))
    if rows.filter(status__in=OPEN).update(
        status=outcome.value, note=note, error="", processed_at=now, donation=about,
        attempts=attempts,
    ):  # fmt: skip
        return True
    if rows.exists():
        return False
    fields = {**event_fields(event, outcome.value, note), "processed_at": now, "donation": about}
    try:
        with transaction.atomic():  # a savepoint: the transaction goes on after a conflict
            WebhookEvent.objects.create(stripe_id=event.id, **fields)
    except IntegrityError:
        return False
    return True


def _handle(
    event: ReceivedEvent, obj: Any
) -> tuple[Outcome, str, Donation | None, Donation | None]:
    """Run the event's handler: the outcome, why an event was ignored, the donation to
    settle, and the donation the event was about (also when it did not apply)."""
    handler = HANDLERS.get(event.type)
    if handler is None:
        return Outcome.IGNORED, NOT_HANDLED, None, None
    try:
        with transaction.atomic():  # a savepoint: an event that does not apply leaves nothing
            donation = handler(obj)
    except NotApplicable as reason:
        logger.info("Stripe event %s (%s) ignored: %s", event.id, event.type, reason)
        return Outcome.IGNORED, str(reason), None, reason.donation
    if donation is None:
        return Outcome.IGNORED, NOT_OURS, None, None
    return Outcome.PROCESSED, "", donation, donation


def event_fields(event: ReceivedEvent, status: str, note: str = "") -> dict[str, Any]:
    created = event.created
    return {
        "type": event.type,
        "livemode": event.livemode,
        "api_version": event.api_version,
        "created": datetime.fromtimestamp(created, UTC) if isinstance(created, int) else None,
        "payload": event.body,
        "status": status,
        "note": note,
    }


def _record_ignored(event: ReceivedEvent, note: str) -> None:
    """An event with no effect to have: recorded once, in one statement (a redelivery
    adds no row; a received event, or one that failed before, is marked ignored),
    without the personal data its payload carried (it is about no donor of ours)."""
    fields = event_fields(event, WebhookEvent.Status.IGNORED, note)
    record = WebhookEvent(
        stripe_id=event.id,
        processed_at=timezone.now(),
        **{**fields, "payload": redacted(event.body)},
    )
    upsert(
        record,
        conflict="stripe_id",
        update=["status", "note", "error", "processed_at", "payload"],
    )


def _record_failure(event: ReceivedEvent, error: Exception) -> None:
    """Store the failure; should its payload be what the database refused, without it."""
    text = storable(f"{type(error).__name__}: {error}")[:2000]
    for payload in (event.body, {}):
        try:
            with transaction.atomic():
                defaults = {**event_fields(event, WebhookEvent.Status.FAILED), "payload": payload}
                record, created = WebhookEvent.objects.select_for_update().get_or_create(
                    stripe_id=event.id, defaults=defaults
                )
                if not created and record.status == WebhookEvent.Status.FAILED:
                    record.attempts += 1
                record.status, record.error = WebhookEvent.Status.FAILED, text
                record.save()
            return
        except DatabaseError:
            logger.exception("Stripe event %s: its failure could not be stored", event.id)
