"""Stripe event payloads (API 2026-10-28 shapes) and Stripe-Signature headers for tests."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from donations.billing_periods import add_interval
from donations.stripe_gateway import PINNED_API_VERSION
from stripe_testkit.signing import signature_header

WEBHOOK_SECRET = "whsec_test_secret"
_ids = itertools.count(1)


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send for `payload` to our test endpoint."""
    return signature_header(payload, secret, timestamp)


def event(
    event_type: str,
    obj: dict[str, Any],
    event_id: str | None = None,
    api_version: str = PINNED_API_VERSION,
) -> bytes:
    body = {
        "id": event_id or f"evt_test_{next(_ids)}",
        "object": "event",
        "api_version": api_version,
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
        "data": {"object": obj},
    }
    return json.dumps(body).encode()


def checkout_session(donation: Any, **overrides: Any) -> dict[str, Any]:
    recurring = donation.frequency != "one_time"
    session = {
        "id": donation.stripe_checkout_session_id or f"cs_test_{donation.pk}",
        "object": "checkout.session",
        "mode": "subscription" if recurring else "payment",
        "status": "complete",
        "payment_status": "paid",
        "amount_total": donation.amount_cents,
        "currency": "usd",
        "client_reference_id": str(donation.pk),
        "customer": f"cus_test_{donation.pk}",
        "customer_email": donation.email,
        "metadata": {"donation_id": str(donation.pk)},
        "payment_intent": None if recurring else f"pi_test_{donation.pk}",
        "subscription": f"sub_test_{donation.pk}" if recurring else None,
    }
    return {**session, **overrides}


def invoice(donation: Any, number: int, **overrides: Any) -> dict[str, Any]:
    paid_at = int(time.time())
    body = {
        "id": f"in_test_{donation.pk}_{number}",
        "object": "invoice",
        "status": "paid",
        "amount_due": donation.amount_cents,
        "amount_paid": donation.amount_cents,
        "currency": "usd",
        "customer": f"cus_test_{donation.pk}",
        "billing_reason": "subscription_create" if number == 1 else "subscription_cycle",
        "parent": {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {
                "subscription": f"sub_test_{donation.pk}",
                "metadata": {"donation_id": str(donation.pk)},
            },
        },
        "status_transitions": {"paid_at": paid_at},
    }
    return {**body, **overrides}


def invoice_paid(fake_stripe: Any, body: dict[str, Any], **event_fields: Any) -> bytes:
    """An invoice.paid event for `body`, whose payments the fake Stripe answers."""
    answer_invoice(fake_stripe, body)
    return event("invoice.paid", body, **event_fields)


def answer_invoice(fake_stripe: Any, body: dict[str, Any]) -> None:
    """Have the fake Stripe answer the site's questions about the invoice's payments
    (webhook payloads carry none) with the payment intent that paid it: listed by
    invoice, or expanded in the invoice retrieved (an event in another API version)."""
    payment = {
        "object": "invoice_payment",
        "invoice": body["id"],
        "status": "paid",
        "payment": {"type": "payment_intent", "payment_intent": f"pi_for_{body['id']}"},
    }
    payments = {"object": "list", "url": "/v1/invoice_payments", "data": [payment]}
    fake_stripe.answer("GET", f"/v1/invoice_payments?invoice={body['id']}", payments)
    fake_stripe.answer("GET", f"/v1/invoices/{body['id']}", {**body, "payments": payments})


START = 1_700_000_000  # the subscriptions' first period starts here
MONTH = 30 * 86400


def subscription(
    donation: Any, status: str = "active", periods_billed: int = 1, **overrides: Any
) -> dict[str, Any]:
    """A monthly subscription whose `periods_billed`-th period is the current one."""
    start = add_interval(START, "month", periods_billed - 1)
    body = {
        "id": f"sub_test_{donation.pk}",
        "object": "subscription",
        "status": status,
        "customer": f"cus_test_{donation.pk}",
        "schedule": None,
        "billing_cycle_anchor": START,
        "metadata": {"donation_id": str(donation.pk)},
        "items": {
            "object": "list",
            "data": [
                {
                    "id": f"si_test_{donation.pk}",
                    "object": "subscription_item",
                    "quantity": 1,
                    "current_period_start": start,
                    "current_period_end": add_interval(start, "month"),
                    "price": {
                        "id": f"price_test_{donation.pk}",
                        "object": "price",
                        "recurring": {"interval": "month", "interval_count": 1},
                    },
                }
            ],
        },
    }
    return {**body, **overrides}


def schedule(donation: Any, end_behavior: str = "release") -> dict[str, Any]:
    return {
        "id": f"sub_sched_test_{donation.pk}",
        "object": "subscription_schedule",
        "end_behavior": end_behavior,
        "subscription": f"sub_test_{donation.pk}",
        "phases": [
            {
                "start_date": START,
                "end_date": START + MONTH,
                "items": [{"price": f"price_test_{donation.pk}", "quantity": 1}],
            }
        ],
    }


def answer_subscription_flow(fake_stripe: Any, donation: Any, **overrides: Any) -> None:
    """Have the fake Stripe answer what ending a subscription after N payments asks."""
    fake_stripe.answer(
        "GET", f"/v1/subscriptions/sub_test_{donation.pk}", subscription(donation, **overrides)
    )
    fake_stripe.answer("POST", "/v1/subscription_schedules", schedule(donation))
    fake_stripe.answer(
        "POST",
        f"/v1/subscription_schedules/sub_sched_test_{donation.pk}",
        schedule(donation, end_behavior="cancel"),
    )
