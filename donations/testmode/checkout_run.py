"""A payment run through the real visitor path: form, checkout page, webhooks, clocks.

Needs a Stripe whose checkout page can be driven without a browser: the sandbox.
"""

from __future__ import annotations

import json

from donations.testmode import (
    donor_side_run,
    misbehaviour_run,
    spanish_run,
    stripe_realities_run,
)
from donations.testmode.harness import Harness, donation_article, progress
from donations.testmode.scenarios import DUPLICATE_OF, SCENARIOS, Result, Scenario
from donations.testmode.visitor import Checkout, Visitor, donation_of, subscription_of


def run(harness: Harness) -> list[Result]:
    article = donation_article()
    visitor = Visitor(harness.site_url)
    results, checkouts = [], {}
    for number, scenario in enumerate(SCENARIOS, start=1):
        progress(f"[{number}/{len(SCENARIOS)}] {scenario.name}")
        result = Result.of(scenario)
        checkout = visitor.donate(
            article.get_absolute_url(),
            first_name="Payment",
            last_name=f"Run {number}",
            email=f"payment-run+{number}@example.org",
            note=scenario.name,
            **scenario.form,
        )
        checkouts[scenario.name] = checkout
        _checkout(harness, visitor, scenario, checkout, result)
        harness.wait_for_webhooks()
        if scenario.recurring and scenario.card:
            _advance_through_renewals(harness, checkout, scenario)
        _record(harness, checkout, scenario, result)
        results.append(result)
    results.append(_duplicate_delivery(harness, checkouts[DUPLICATE_OF]))
    return (
        results
        + stripe_realities_run.run(harness)
        + misbehaviour_run.run(harness)
        + donor_side_run.run(harness)
        + spanish_run.run(harness)
    )


def _checkout(
    harness: Harness, visitor: Visitor, scenario: Scenario, checkout: Checkout, result: Result
) -> None:
    if scenario.card is None:
        harness.stripe.expire_checkout_session(checkout.session_id)
        return
    page = visitor.pay(checkout, scenario.card)
    if scenario.expected_status == "pending":  # a declined card
        shown = page.status_code == 402 and "declined" in page.text
        result.notes.append("decline shown" if shown else "FAIL: decline not shown")
    elif page.status_code != 200 or "Thank you" not in page.text:
        result.notes.append(f"FAIL: thank-you page answered {page.status_code}")


def _advance_through_renewals(harness: Harness, checkout: Checkout, scenario: Scenario) -> None:
    harness.run_subscription_to_end(subscription_of(checkout), scenario.count)


def _record(harness: Harness, checkout: Checkout, scenario: Scenario, result: Result) -> None:
    donation = donation_of(checkout)
    result.status = donation.status
    result.payments = donation.paid_payment_count()
    if scenario.recurring and donation.stripe_subscription_id:
        subscription = harness.stripe.retrieve_subscription(donation.stripe_subscription_id)
        invoices = harness.stripe.list_invoices(donation.stripe_subscription_id)
        paid = sum(1 for invoice in invoices if invoice.status == "paid")
        result.ended = subscription.status == "canceled"
        result.notes.append(f"Stripe: {paid} paid of {len(invoices)} invoices")
    elif scenario.recurring:
        result.ended = False


def _duplicate_delivery(harness: Harness, original: Checkout) -> Result:
    """Deliver an already-processed event again: it must change nothing."""
    result = Result("duplicated webhook", "paid", expected_payments=1)
    events = harness.stripe.list_events("checkout.session.completed")
    event = next((e for e in events if e.data.object.id == original.session_id), None)
    if event is None:
        result.notes.append("FAIL: no checkout.session.completed event to repeat")
        return result
    response = harness.post_signed(json.dumps(event.to_dict(for_json=True)).encode())
    answer = response.json().get("status") if response.ok else response.status_code
    result.notes.append(f"redelivery answered {answer!r}")
    if answer != "duplicate":
        result.notes.append("FAIL: the redelivery was not recognised as a duplicate")
    harness.wait_for_queue()
    donation = donation_of(original)
    result.status, result.payments = donation.status, donation.paid_payment_count()
    return result
