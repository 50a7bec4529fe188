"""A payment run without a browser, as Stripe's test mode allows it through the API.

Checkout pages cannot be paid without a browser, so one-time donations prove the
session the site creates (amount, mode) and the abandoned path; recurring ones
prove renewals and the N-payment cap with test clocks and test payment methods,
through the same `end_subscription_after` the webhook handler calls.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal

from donations.models import Donation, Frequency
from donations.testmode.harness import Harness, donation_article, progress
from donations.testmode.scenarios import SCENARIOS, Result, Scenario
from donations.testmode.visitor import Visitor
from stripe_testkit.cards import DECLINED, FAILS_ON_RENEWAL, VISA


def run(harness: Harness) -> list[Result]:
    article = donation_article()
    visitor = Visitor(harness.site_url)
    product = harness.stripe.create_product("Payment run donation").id
    results = []
    for number, scenario in enumerate(SCENARIOS, start=1):
        progress(f"[{number}/{len(SCENARIOS)}] {scenario.name}")
        if scenario.recurring or scenario.card == DECLINED:
            results.append(_subscription(harness, scenario, product, number))
        else:
            results.append(
                _checkout_session(harness, visitor, article.get_absolute_url(), scenario)
            )
    results.append(_duplicate_delivery(harness))
    return results


def _checkout_session(harness: Harness, visitor: Visitor, path: str, scenario: Scenario) -> Result:
    """The site opens the right session; without a browser it can only be expired."""
    result = Result(scenario.name, "expired", expected_payments=0)
    checkout = visitor.donate(path, first_name="Payment", last_name="Run",
                              email="payment-run@example.org", **scenario.form)  # fmt: skip
    session = harness.gateway.retrieve_checkout_session(checkout.session_id)
    expected = int(scenario.form.get("amount") or Decimal(scenario.form["other_amount"]) * 100)
    if (session.amount_total, session.mode) != (expected, "payment"):
        result.notes.append(f"FAIL: session is {session.mode} {session.amount_total}")
    else:
        result.notes.append(f"session {session.mode} {session.amount_total} cents")
    result.status = harness.stripe.expire_checkout_session(checkout.session_id).status or ""
    return result


def _subscription(harness: Harness, scenario: Scenario, product: str, number: int) -> Result:
    stripe = harness.stripe
    declined = scenario.card == DECLINED
    result = Result(
        scenario.name,
        "incomplete" if declined else "canceled",
        expected_payments=scenario.expected_payments,
        expect_ended=None if declined else True,
    )
    clock = stripe.create_test_clock(frozen_time=int(time.time()), name=f"payment run {number}")
    # A card that fails on renewals is attached after the first payment, as a donor
    # whose card stops working would; the first payment is made with a good one.
    first_card = DECLINED if declined else VISA
    customer = stripe.create_customer(
        email=f"payment-run+{number}@example.org",
        test_clock=clock.id,
        payment_method=first_card.payment_method,
    )
    # The declined one-time scenario is proven as a monthly subscription's first payment.
    frequency = Frequency(scenario.form.get("frequency", Frequency.MONTHLY))
    if frequency == Frequency.ONE_TIME:
        frequency = Frequency.MONTHLY
    subscription = stripe.create_subscription(
        customer=customer.id,
        product=product,
        amount_cents=int(scenario.form["amount"]),
        interval=frequency.interval,
        metadata={"payment_run": scenario.name},
    )
    if subscription.status == "active":
        # The site's own call, as its webhook handler makes it.
        harness.gateway.end_subscription_after(
            subscription.id, interval=frequency.interval, count=scenario.count
        )
        if scenario.card == FAILS_ON_RENEWAL:
            stripe.use_payment_method(customer.id, FAILS_ON_RENEWAL.payment_method)
        harness.run_subscription_to_end(subscription.id, scenario.count)
    subscription = stripe.retrieve_subscription(subscription.id)
    invoices = stripe.list_invoices(subscription.id)
    result.status = subscription.status
    result.payments = sum(1 for invoice in invoices if invoice.status == "paid")
    if not declined:
        result.ended = subscription.status == "canceled"
    result.notes.append(f"{len(invoices)} invoices")
    return result


def _duplicate_delivery(harness: Harness) -> Result:
    """An event Stripe really sent, delivered to the site twice: one effect."""
    result = Result("duplicated webhook", "expired")
    events = harness.stripe.list_events("checkout.session.expired")
    if not events:
        result.notes.append("FAIL: no checkout.session.expired event to deliver")
        return result
    payload = json.dumps(events[0].to_dict(for_json=True)).encode()
    answers = []
    for _ in range(2):
        response = harness.post_signed(payload)
        answers.append(response.json().get("status") if response.ok else response.status_code)
    result.notes.append(f"deliveries answered {answers}")
    if answers[1] != "duplicate":
        result.notes.append("FAIL: the second delivery was not recognised as a duplicate")
    harness.wait_for_queue()  # the worker applies what the webhook stored
    donation = Donation.objects.by_checkout_session(events[0].data.object.id)
    result.status = donation.status if donation else "–"
    return result
