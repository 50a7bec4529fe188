"""A donation's statuses and the one table of what moves it from one to another.

Every change of `Donation.status` goes through `apply()`. An event that the table
does not list for the donation's current status does not apply: `apply()` raises
`NotApplicable` before it changes anything, and the webhook records the Stripe
event as ignored with that reason (see donations.webhooks).

    event                    from                                   to
    checkout_not_opened      pending                                failed
    checkout_failed          pending                                failed
    checkout_expired         pending                                expired
    paid_once                pending, failed, expired, paid         paid
    refunded_in_full         paid, refunded                         refunded
    subscription_started     pending, failed, expired, active       active
                             past_due                               (unchanged)
    renewal_paid             pending, failed, expired, active,      active
                             past_due
                             canceled, completed                    (unchanged)
    renewal_failed           pending, active, past_due              (unchanged)
    subscription_past_due    pending, active, past_due              past_due
    subscription_resumed     pending, active, past_due              active
    all_payments_made        active, past_due, canceled, completed  completed
    subscription_canceled    pending, active, past_due              canceled
    received_offline         pending                                paid

Why these sources: a failed or abandoned Checkout can still be paid (the visitor
retries on the same page, or an asynchronous payment lands late), so `failed`
and `expired` lead on to `paid`/`active`; a paid donation never goes back to
`pending`, `failed` or `expired`; `completed`, `canceled` and `refunded` are final
except that the last payment of a subscription may arrive after Stripe reported
the subscription ended (`canceled` → `completed`), and a payment Stripe took is
always recorded, even after the end (renewal_paid leaves the status as it is).
Events arrive out of order: an invoice can be paid, or a renewal fail, before
Checkout's completion reaches us, so `pending` leads on to them too. Repeating an
event that already applied (a redelivery) leaves the status as it is.
"""

from __future__ import annotations

import enum
from typing import Any

from donations.models import Donation

Status = Donation.Status


class Event(enum.StrEnum):
    CHECKOUT_NOT_OPENED = "checkout_not_opened"  # Stripe refused or was unreachable
    CHECKOUT_FAILED = "checkout_failed"  # an asynchronous payment failed after Checkout
    CHECKOUT_EXPIRED = "checkout_expired"  # the visitor left Checkout unpaid
    PAID_ONCE = "paid_once"  # a one-time donation's Checkout was paid
    REFUNDED_IN_FULL = "refunded_in_full"  # a one-time donation's payment fully refunded
    SUBSCRIPTION_STARTED = "subscription_started"  # a recurring donation's Checkout was paid
    RENEWAL_PAID = "renewal_paid"  # an invoice of the subscription was paid
    RENEWAL_FAILED = "renewal_failed"  # an invoice failed; Stripe retries it
    SUBSCRIPTION_PAST_DUE = "subscription_past_due"
    SUBSCRIPTION_RESUMED = "subscription_resumed"  # active again after past_due
    ALL_PAYMENTS_MADE = "all_payments_made"  # the N chosen payments are in
    SUBSCRIPTION_CANCELED = "subscription_canceled"  # ended before N payments
    RECEIVED_OFFLINE = "received_offline"  # staff recorded a gift by cheque, transfer, cash


_RETRYABLE = (Status.PENDING, Status.FAILED, Status.EXPIRED)
_RUNNING = Donation.RUNNING
_ENDED = (Status.CANCELED, Status.COMPLETED)

TRANSITIONS: dict[Event, dict[Status, Status | None]] = {
    # None as the target: the event applies, the status stays as it is.
    Event.CHECKOUT_NOT_OPENED: {Status.PENDING: Status.FAILED},
    Event.CHECKOUT_FAILED: {Status.PENDING: Status.FAILED},
    Event.CHECKOUT_EXPIRED: {Status.PENDING: Status.EXPIRED},
    Event.PAID_ONCE: dict.fromkeys((*_RETRYABLE, Status.PAID), Status.PAID),
    Event.REFUNDED_IN_FULL: dict.fromkeys((Status.PAID, Status.REFUNDED), Status.REFUNDED),
    Event.SUBSCRIPTION_STARTED: {
        **dict.fromkeys((*_RETRYABLE, Status.ACTIVE), Status.ACTIVE),
        Status.PAST_DUE: None,
    },
    Event.RENEWAL_PAID: {
        **dict.fromkeys((*_RETRYABLE, *_RUNNING), Status.ACTIVE),
        **dict.fromkeys(_ENDED, None),
    },
    Event.RENEWAL_FAILED: dict.fromkeys((Status.PENDING, *_RUNNING), None),
    Event.SUBSCRIPTION_PAST_DUE: dict.fromkeys((Status.PENDING, *_RUNNING), Status.PAST_DUE),
    Event.SUBSCRIPTION_RESUMED: dict.fromkeys((Status.PENDING, *_RUNNING), Status.ACTIVE),
    Event.ALL_PAYMENTS_MADE: dict.fromkeys((*_RUNNING, *_ENDED), Status.COMPLETED),
    Event.SUBSCRIPTION_CANCELED: dict.fromkeys((Status.PENDING, *_RUNNING), Status.CANCELED),
    Event.RECEIVED_OFFLINE: {Status.PENDING: Status.PAID},
}


class NotApplicable(Exception):
    """The event does not apply to the donation's current status; nothing was changed."""

    donation: Donation | None = None  # the donation it did not apply to


def next_status(status: str, event: Event) -> str:
    """The status `event` moves a donation in `status` to; NotApplicable if it does not apply."""
    targets = TRANSITIONS[event]
    if status not in targets:
        label = Status(status).label if status in Status.values else status
        raise NotApplicable(f"{event.value} does not apply to a donation that is {label}.")
    target = targets[Status(status)]
    return status if target is None else str(target)


def can_apply(donation: Donation, event: Event) -> bool:
    return donation.status in TRANSITIONS[event]


def apply_or_record(donation: Donation, event: Event, **fields: Any) -> None:
    """Apply `event` with `fields`; when it no longer applies (it arrived after events
    that moved the donation further), still record the fields it brings that are new
    (ids Stripe gave), and raise NotApplicable only when it brings nothing."""
    if can_apply(donation, event):
        apply(donation, event, **fields)
        return
    new = {k: v for k, v in fields.items() if v and getattr(donation, k) != v}
    if not new:
        next_status(donation.status, event)  # raises NotApplicable with the reason
    donation.update(**new)


def apply(donation: Donation, event: Event, **fields: Any) -> None:
    """Move `donation` by `event`, set `fields` with it, and save both together.

    Raises NotApplicable, changing nothing, if the event does not apply; writes nothing
    if the event keeps the status and the fields are already so.
    """
    try:
        status = next_status(donation.status, event)
    except NotApplicable as reason:
        reason.donation = donation
        raise
    if status == donation.status and all(getattr(donation, k) == v for k, v in fields.items()):
        return
    donation.status = status
    for name, value in fields.items():
        setattr(donation, name, value)
    donation.save(update_fields=["status", *fields, "updated_at"])
