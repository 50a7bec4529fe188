"""Events rendered in another API version, or without what a handler needs, are acted
on as the object is in the site's pinned version (fetched again through the gateway)."""

import json

import pytest

from donations.event_inbox import apply_event_task
from donations.models import Donation, Payment, WebhookEvent
from donations.stripe_gateway import PINNED_API_VERSION
from tests.factories import DonationFactory
from tests.stripe_events import (
    answer_invoice,
    answer_payment,
    charge_refunded,
    checkout_session,
    event,
    invoice,
    invoice_paid,
    sign,
)

pytestmark = pytest.mark.django_db
OLD_VERSION = "2024-06-20"


def older_invoice_shape(body):
    """The same invoice as API versions before 2025-03-31 render it: the subscription at
    the top level, no `parent`."""
    details = body["parent"]["subscription_details"]
    old = {k: v for k, v in body.items() if k != "parent"}
    return {**old, "subscription": details["subscription"],
            "subscription_details": {"metadata": details["metadata"]}}  # fmt: skip


@pytest.fixture
def subscribed(monthly):
    monthly.stripe_subscription_id = f"sub_test_{monthly.pk}"
    monthly.stripe_schedule_id = "sub_sched_x"
    monthly.status = Donation.Status.ACTIVE
    monthly.save()
    return monthly


def recorded(donation):
    return list(
        donation.payments.values_list(
            "stripe_invoice_id", "stripe_payment_intent_id", "amount_cents"
        )
    )


def test_an_older_invoice_paid_is_recorded_as_a_current_one_is(post_event, fake_stripe, subscribed):
    first, second = invoice(subscribed, 1), invoice(subscribed, 2)
    post_event(invoice_paid(fake_stripe, first))
    answer_invoice(fake_stripe, second)  # as Stripe renders it in the pinned version
    older = event("invoice.paid", older_invoice_shape(second), api_version=OLD_VERSION)
    assert post_event(older).outcome == "processed"
    assert recorded(subscribed) == [
        (f"in_test_{subscribed.pk}_1", f"pi_for_in_test_{subscribed.pk}_1", 2000),
        (f"in_test_{subscribed.pk}_2", f"pi_for_in_test_{subscribed.pk}_2", 2000),
    ]
    versions = set(WebhookEvent.objects.values_list("api_version", flat=True))
    assert versions == {PINNED_API_VERSION, OLD_VERSION}


def test_an_older_event_is_acted_on_as_fetched_in_the_pinned_version(post_event, fake_stripe):
    donation = DonationFactory()
    session = checkout_session(donation)
    fake_stripe.answer("GET", f"/v1/checkout/sessions/{session['id']}", session)
    stale = {**session, "payment_status": "unpaid"}  # what the old payload says
    post_event(event("checkout.session.completed", stale, api_version=OLD_VERSION))
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert len(fake_stripe.calls("GET", f"/v1/checkout/sessions/{session['id']}")) == 1


def test_an_event_in_the_pinned_version_is_not_fetched_again(post_event, fake_stripe):
    """Its session is used as the payload has it; what Stripe is asked afterwards is the
    payment it recorded (its fee, refunds and disputes)."""
    donation = DonationFactory()
    answer_payment(fake_stripe, f"pi_test_{donation.pk}", 2000)
    post_event(event("checkout.session.completed", checkout_session(donation)))
    assert [(r.method, r.path) for r in fake_stripe.requests] == [
        ("GET", f"/v1/payment_intents/pi_test_{donation.pk}")
    ]
    assert donation.payments.get().fee_cents == 88  # 2.9% + 30¢, as Stripe reported it


def test_an_invoice_paid_in_the_pinned_version_asks_stripe_only_for_its_payments(
    post_event, fake_stripe, subscribed
):
    body = invoice(subscribed, 2, amount_paid=2500)
    answer_payment(fake_stripe, f"pi_for_{body['id']}", 2500)
    assert post_event(invoice_paid(fake_stripe, body)).outcome == "processed"
    asked, payment = fake_stripe.requests
    assert (asked.method, asked.path) == ("GET", "/v1/invoice_payments")
    assert asked.form == {"invoice": body["id"], "status": "paid"}
    assert (payment.method, payment.path) == ("GET", f"/v1/payment_intents/pi_for_{body['id']}")
    # The amount as the payload has it, the payment intent from the payments listed.
    assert recorded(subscribed) == [(body["id"], f"pi_for_{body['id']}", 2500)]


def test_a_refund_of_a_renewal_reaches_its_payment(post_event, fake_stripe, subscribed):
    for number in (1, 2):
        post_event(invoice_paid(fake_stripe, invoice(subscribed, number)))
    intent = f"pi_for_in_test_{subscribed.pk}_2"
    post_event(charge_refunded(fake_stripe, intent, 2000, refunded=500))
    renewal = Payment.objects.get(stripe_payment_intent_id=intent)
    assert (renewal.amount_refunded_cents, renewal.status, renewal.stripe_charge_id) == (
        500, Payment.Status.PAID, f"ch_{intent}",
    )  # fmt: skip
    assert subscribed.campaign.raised_cents() == 3500
    post_event(charge_refunded(fake_stripe, intent, 2000, refunded=2000))
    renewal.refresh_from_db()
    subscribed.refresh_from_db()
    assert renewal.status == Payment.Status.REFUNDED
    assert subscribed.status == Donation.Status.ACTIVE  # a recurring donation goes on
    assert subscribed.campaign.raised_cents() == 2000


def test_a_different_amount_or_currency_is_recorded_as_stripe_says_and_flagged(post_event):
    donation = DonationFactory(amount_cents=2000)
    session = checkout_session(donation, amount_total=2500, currency="eur")
    post_event(event("checkout.session.completed", session))
    donation.refresh_from_db()
    payment = donation.payments.get()
    assert (payment.amount_cents, payment.currency) == (2500, "eur")
    assert "reported €25 (EUR); the donation is $20 (USD)" in donation.attention


def test_an_invoice_of_another_integration_is_not_fetched_and_is_ignored(
    client, fake_stripe, django_assert_max_num_queries
):
    stranger = DonationFactory.build(pk=999_999)  # never saved: no donation of ours
    payload = event("invoice.paid", invoice(stranger, 1))
    with django_assert_max_num_queries(4):  # store it and queue it, in a savepoint
        response = client.post("/stripe/webhook/", data=payload, content_type="application/json",
                               HTTP_STRIPE_SIGNATURE=sign(payload))  # fmt: skip
    assert response.json() == {"status": "received"}
    with django_assert_max_num_queries(4):  # its row, a duplicate? ours? record it
        assert apply_event_task.call(json.loads(payload)["id"]) == "ignored"
    assert fake_stripe.requests == []
    assert not Payment.objects.exists()
    assert WebhookEvent.objects.get().note == "The event is about no donation of this site's."
