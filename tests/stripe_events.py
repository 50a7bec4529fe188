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
        "created": body.get("created") or int(time.time()),
        "payment": {"type": "payment_intent", "payment_intent": f"pi_for_{body['id']}"},
    }
    payments = {"object": "list", "url": "/v1/invoice_payments", "data": [payment]}
    fake_stripe.answer("GET", f"/v1/invoice_payments?invoice={body['id']}", payments)
    fake_stripe.answer("GET", f"/v1/invoices/{body['id']}", {**body, "payments": payments})
    # And the payment itself, when the site asks after recording it (unless set already).
    intent = f"pi_for_{body['id']}"
    if ("GET", f"/v1/payment_intents/{intent}") not in fake_stripe.routes:
        answer_payment(fake_stripe, intent, body.get("amount_paid") or body["amount_due"])


def invoice_failed(
    fake_stripe: Any, body: dict[str, Any], decline_code: str = "insufficient_funds", **fields: Any
) -> bytes:
    """An invoice.payment_failed event for `body` (attempt 1 unless `attempt_count`, and
    a next attempt in three days unless `next_payment_attempt`), and Stripe's answer
    about why: the attempt's payment intent with its last payment error."""
    attempt = {"attempt_count": 1, "next_payment_attempt": int(time.time()) + 3 * 86400}
    failed = {**body, "status": "open", "amount_paid": 0, **attempt, **fields}
    intent = f"pi_failed_{body['id']}"
    payment = {"object": "invoice_payment", "invoice": body["id"], "status": "open",
               "created": int(time.time()),
               "payment": {"type": "payment_intent", "payment_intent": intent}}  # fmt: skip
    payments = {"object": "list", "url": "/v1/invoice_payments", "data": [payment]}
    fake_stripe.answer("GET", f"/v1/invoice_payments?invoice={body['id']}", payments)
    error = {"type": "card_error", "code": "card_declined", "decline_code": decline_code}
    fake_stripe.routes[("GET", f"/v1/payment_intents/{intent}")] = [
        (200, {"id": intent, "object": "payment_intent", "status": "requires_payment_method",
               "amount": failed["amount_due"], "last_payment_error": error})
    ]  # fmt: skip
    return event("invoice.payment_failed", failed)


START = 1_700_000_000  # the subscriptions' first period starts here


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


def schedule(
    donation: Any, end_behavior: str = "release", periods_billed: int = 1
) -> dict[str, Any]:
    """A schedule made from the subscription: its phase starts with the current period."""
    start = add_interval(START, "month", periods_billed - 1)
    return {
        "id": f"sub_sched_test_{donation.pk}",
        "object": "subscription_schedule",
        "end_behavior": end_behavior,
        "subscription": f"sub_test_{donation.pk}",
        "phases": [
            {
                "start_date": start,
                "end_date": add_interval(start, "month"),
                "items": [{"price": f"price_test_{donation.pk}", "quantity": 1}],
            }
        ],
    }


def answer_subscription_flow(fake_stripe: Any, donation: Any, **overrides: Any) -> None:
    """Have the fake Stripe answer what ending a subscription after N payments asks."""
    fake_stripe.answer(
        "GET", f"/v1/subscriptions/sub_test_{donation.pk}", subscription(donation, **overrides)
    )
    billed = overrides.get("periods_billed", 1)
    fake_stripe.answer(
        "POST", "/v1/subscription_schedules", schedule(donation, periods_billed=billed)
    )
    fake_stripe.answer(
        "POST",
        f"/v1/subscription_schedules/sub_sched_test_{donation.pk}",
        schedule(donation, end_behavior="cancel", periods_billed=billed),
    )


def balance(amount: int, currency: str = "usd", category: str = "charge") -> dict[str, Any]:
    """A balance transaction: Stripe's standard US card fee (2.9% + 30¢) on a charge."""
    fee = round(amount * 0.029) + 30 if category == "charge" else 0
    return {"object": "balance_transaction", "amount": amount, "fee": fee,
            "net": amount - fee, "currency": currency,
            "reporting_category": category}  # fmt: skip


def payment_intent(
    intent_id: str, amount: int, *, refunded: int = 0, disputes: int = 0, currency: str = "usd"
) -> dict[str, Any]:
    """A payment intent as the site retrieves it: its charge expanded, with the charge's
    balance transaction and refunds (one refund of `refunded`)."""
    refund = {"id": f"re_{intent_id}", "object": "refund", "amount": refunded,
              "balance_transaction": balance(-refunded, currency, "refund")}  # fmt: skip
    refunds = [refund] if refunded else []
    charge = {
        "id": f"ch_{intent_id}", "object": "charge", "amount": amount, "currency": currency,
        "amount_refunded": refunded, "payment_intent": intent_id, "disputed": bool(disputes),
        "balance_transaction": balance(amount, currency),
        "refunds": {"object": "list", "url": "/v1/refunds", "data": refunds},
    }  # fmt: skip
    return {"id": intent_id, "object": "payment_intent", "amount": amount, "currency": currency,
            "latest_charge": charge, "last_payment_error": None}  # fmt: skip


def answer_payment(fake_stripe: Any, intent_id: str, amount: int, **state: Any) -> dict[str, Any]:
    """Have the fake Stripe answer (from now on) the payment intent as `state` says."""
    body = payment_intent(intent_id, amount, **state)
    fake_stripe.routes[("GET", f"/v1/payment_intents/{intent_id}")] = [(200, body)]
    return body


def charge_refunded(fake_stripe: Any, intent_id: str, amount: int, refunded: int) -> bytes:
    """A charge.refunded event, and Stripe's answer about the payment afterwards."""
    charge = answer_payment(fake_stripe, intent_id, amount, refunded=refunded)["latest_charge"]
    return event("charge.refunded", {k: v for k, v in charge.items() if k != "refunds"})


def subscription_event(
    fake_stripe: Any, event_type: str, body: dict[str, Any], paid_invoices: int = 0, **fields: Any
) -> bytes:
    """A customer.subscription.* event, and Stripe's answers when the site fetches the
    subscription (as it always does: a late event must not undo a newer one) and, once
    it has ended, counts its paid invoices."""
    fake_stripe.routes[("GET", f"/v1/subscriptions/{body['id']}")] = [(200, body)]
    paid = [{"id": f"in_paid_{n}", "object": "invoice", "status": "paid"}
            for n in range(paid_invoices)]  # fmt: skip
    fake_stripe.routes[("GET", f"/v1/invoices?subscription={body['id']}&status=paid")] = [
        (200, {"object": "list", "url": "/v1/invoices", "has_more": False, "data": paid})
    ]
    return event(event_type, body, **fields)


CHECKOUT = {
    "id": "cs_test_abc",
    "object": "checkout.session",
    "url": "https://checkout.stripe.com/c/pay/cs_test_abc",
    "client_reference_id": None,
}


def answer_checkout(fake_stripe: Any, **overrides: Any) -> None:
    """Stripe opens a Checkout Session (CHECKOUT, with `overrides`) for the next donation."""
    fake_stripe.answer("POST", "/v1/checkout/sessions", {**CHECKOUT, **overrides})
