"""Any order, any number of times: the rows after a scenario's events do not depend on
the order they arrive in, nor on how often each comes.

Each scenario's events are delivered, signed, in every order (or, where there are too
many, in seeded shuffles with duplicates), each time from the same start (a savepoint
rolled back), with Stripe (the fake on loopback) answering as it would once all of
them have happened: the site acts on what Stripe says now, not on the payload's
snapshot. Every delivery must leave the same donation, payments, disputes and e-mails.
"""

import itertools
import random
import re

import pytest
from django.db import transaction
from django.test import Client

from donations.models import Dispute, Donation, Frequency, Payment, Receipt
from donations.receipts import DUNNING
from jobs.worker import run_ready
from tests.factories import DonationFactory
from tests.stripe_events import (
    START,
    answer_invoice,
    answer_payment,
    balance,
    checkout_session,
    event,
    invoice,
    payment_intent,
    sign,
    subscription,
    subscription_event,
)

pytestmark = pytest.mark.django_db
SHUFFLES = 120


def orders(count, seed=20261203):
    """Every order of `count` events when there are few; else seeded shuffles in which
    each event may come twice."""
    if count <= 4:
        yield from itertools.permutations(range(count))
        return
    chance = random.Random(seed)
    for _ in range(SHUFFLES):
        picked = [n for n in range(count) for _ in range(chance.choice((1, 1, 2)))]
        chance.shuffle(picked)
        yield picked


def snapshot(donation):
    donation.refresh_from_db()
    payments = tuple(
        donation.payments.order_by("stripe_invoice_id", "stripe_payment_intent_id").values_list(
            "stripe_invoice_id", "stripe_payment_intent_id", "stripe_charge_id", "amount_cents",
            "amount_refunded_cents", "amount_disputed_cents", "status", "fee_cents",
            "settled_cents", "stripe_sync_due_at",
        )
    )  # fmt: skip
    disputes = tuple(
        Dispute.objects.filter(payment__donation=donation)
        .order_by("stripe_dispute_id")
        .values_list("stripe_dispute_id", "status", "reason", "funds_withdrawn", "amount_cents")
    )
    receipts = tuple(
        sorted(
            donation.receipts.values_list(
                "kind", "payment__stripe_invoice_id", "refunded_cents", "sent_at"
            ),
            key=lambda r: (r[0], r[1] or ""),
        )
    )
    # A failed renewal's e-mail goes out when its failure is known before its retry's
    # success, and only then: what was sent cannot be unsent. It is left out here, and
    # counted (at most once) by the test that has one.
    receipts = tuple(
        (kind, invoice_id, refunded, sent is not None)
        for kind, invoice_id, refunded, sent in receipts
        if kind not in DUNNING
    )
    assert donation.receipts.filter(kind__in=DUNNING).count() <= 1
    fields = (
        "status", "error", "stripe_customer_id", "stripe_payment_intent_id",
        "stripe_subscription_id", "collection_paused", "quiet_cancellation", "attention",
    )  # fmt: skip
    state = tuple(getattr(donation, name) for name in fields), payments, disputes, receipts
    return without_ids(state, donation.pk)


def without_ids(value, pk):
    """`value` with the donation's id in Stripe ids written as N: on PostgreSQL a rolled-back
    row's id is not given again (sequences are not transactional), so each delivery's
    donation has an id of its own."""
    if isinstance(value, tuple):
        return tuple(without_ids(item, pk) for item in value)
    if isinstance(value, str):
        return re.sub(rf"(?<=_){pk}(?!\d)", "N", value)
    return value


def deliver_in_every_order(make_scenario):
    """Run the scenario's events in every order; the set of snapshots they left."""
    client, seen = Client(), set()
    count = None
    for order in orders(len(make_scenario(dry=True)[1])):
        with transaction.atomic():
            donation, payloads = make_scenario()
            count = len(payloads)
            for index in order:
                body = payloads[index]
                response = client.post(
                    "/stripe/webhook/", data=body, content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=sign(body),
                )  # fmt: skip
                assert response.status_code == 200, (order, index, response.content)
                run_ready()  # the work it queued, as the worker does it
            seen.add(snapshot(donation))
            transaction.set_rollback(True)
    assert count
    return seen


def test_one_time_paid_then_refunded_in_part_then_in_full(fake_stripe):
    def scenario(dry=False):
        donation = DonationFactory(amount_cents=2000)
        intent = f"pi_test_{donation.pk}"
        answer_payment(fake_stripe, intent, 2000, refunded=2000)  # Stripe, once all is done
        charge = payment_intent(intent, 2000)["latest_charge"]
        charge.pop("refunds")
        payloads = [
            event("checkout.session.completed", checkout_session(donation)),
            event("charge.refunded", {**charge, "amount_refunded": 500}),
            event("charge.refunded", {**charge, "amount_refunded": 2000}),
        ]
        return donation, payloads

    (only,) = deliver_in_every_order(scenario)
    fields, payments, _, receipts = only
    assert fields[0] == Donation.Status.REFUNDED
    ((_, _, _, amount, refunded, _, status, fee, settled, due),) = payments
    assert (amount, refunded, status, fee, settled, due) == (2000, 2000, "refunded", 88, -88, None)
    # Stripe is asked for the payment on each event: its final refund is told, once.
    assert receipts == (("payment", "", 0, True), ("refund", "", 2000, True))


def monthly_scenario(fake_stripe, make_events, *, ended=True, paid=3):
    """A monthly ×3 donation and its events (`make_events(donation)`), Stripe's final
    answers: the subscription ended (or not) with `paid` invoices paid."""

    def scenario(dry=False):
        donation = DonationFactory(frequency=Frequency.MONTHLY, payment_count=3, amount_cents=2000)
        final = subscription(donation, "canceled" if ended else "active", periods_billed=paid)
        payloads = make_events(donation, final)
        fake_stripe.routes[("GET", f"/v1/subscriptions/sub_test_{donation.pk}")] = [(200, final)]
        for number in range(1, paid + 1):
            answer_invoice(fake_stripe, invoice(donation, number))
            answer_payment(fake_stripe, f"pi_for_in_test_{donation.pk}_{number}", 2000)
        subscription_event(fake_stripe, "customer.subscription.updated", final, paid_invoices=paid)
        return donation, payloads

    return scenario


def test_monthly_three_times_with_a_failed_and_retried_renewal(fake_stripe):
    def events(donation, final):
        session = checkout_session(donation)
        failed = invoice(donation, 2, status="open", amount_paid=0, attempt_count=1,
                         next_payment_attempt=START + 40 * 86400)  # fmt: skip
        return [
            event("checkout.session.completed", session),
            event("invoice.paid", invoice(donation, 1)),
            event("invoice.payment_failed", failed),
            event("customer.subscription.updated", subscription(donation, "past_due", 2)),
            event("invoice.paid", invoice(donation, 2)),
            event("customer.subscription.updated", subscription(donation, "active", 2)),
            event("invoice.paid", invoice(donation, 3)),
            event("customer.subscription.deleted", final),
        ]

    (only,) = deliver_in_every_order(monthly_scenario(fake_stripe, events))
    fields, payments, _, receipts = only
    assert fields[:2] == (Donation.Status.COMPLETED, "")
    assert [p[6] for p in payments] == ["paid"] * 3
    assert [kind for kind, *_ in receipts] == ["payment"] * 3  # and no "cancelled"


def test_a_cancellation_after_one_of_three(fake_stripe):
    def events(donation, final):
        return [
            event("checkout.session.completed", checkout_session(donation)),
            event("invoice.paid", invoice(donation, 1)),
            event("customer.subscription.deleted", final),
        ]

    (only,) = deliver_in_every_order(monthly_scenario(fake_stripe, events, paid=1))
    fields, payments, _, receipts = only
    assert fields[0] == Donation.Status.CANCELED
    assert len(payments) == 1
    assert sorted(kind for kind, *_ in receipts) == ["cancelled", "payment"]


@pytest.mark.parametrize("outcome", ["won", "lost"])
def test_a_dispute_withdrawn_then_reinstated_or_lost(fake_stripe, outcome):
    def scenario(dry=False):
        donation = DonationFactory(amount_cents=2000)
        intent = f"pi_test_{donation.pk}"
        answer_payment(fake_stripe, intent, 2000, disputes=1)
        charge_id = f"ch_{intent}"
        withdrawn = {**balance(-2000, category="dispute"), "fee": 1500, "net": -3500}
        moves = [withdrawn] + ([balance(2000, category="dispute_reversal")] if outcome == "won"
                               else [])  # fmt: skip
        dispute = {"id": f"dp_{donation.pk}", "object": "dispute", "amount": 2000,
                   "currency": "usd", "charge": charge_id, "payment_intent": intent,
                   "reason": "product_not_received", "status": outcome,
                   "evidence_details": {"due_by": 1_900_000_000},
                   "balance_transactions": moves}  # fmt: skip
        fake_stripe.routes[("GET", f"/v1/disputes?charge={charge_id}")] = [
            (200, {"object": "list", "url": "/v1/disputes", "data": [dispute]})
        ]
        steps = [("created", "needs_response", moves[:1]), ("funds_withdrawn", "needs_response",
                 moves[:1]), ("updated", "under_review", moves[:1])]  # fmt: skip
        if outcome == "won":
            steps.append(("funds_reinstated", "won", moves))
        steps.append(("closed", outcome, moves))
        payloads = [event("checkout.session.completed", checkout_session(donation))] + [
            event(
                f"charge.dispute.{what}",
                {**dispute, "status": status, "balance_transactions": seen},
            )
            for what, status, seen in steps
        ]
        return donation, payloads

    (only,) = deliver_in_every_order(scenario)
    fields, payments, disputes, _ = only
    ((_, status, reason, withdrawn, _),) = disputes
    assert (status, reason, withdrawn) == (outcome, "product_not_received", outcome == "lost")
    (payment,) = payments
    disputed, settled = payment[5], payment[8]
    assert disputed == (2000 if outcome == "lost" else 0)
    assert settled == 2000 - 88 - 1500 - (2000 if outcome == "lost" else 0)
    assert "disputed (product_not_received" in fields[-1]
    assert Payment.objects.count() == 0 and Receipt.objects.count() == 0  # rolled back
