"""Invoice, subscription and refund events, delivered as signed webhooks (out of order too)."""

import pytest

from articles.page_cache import content_version
from donations.models import Donation, Payment
from tests.factories import DonationFactory, PaymentFactory
from tests.stripe_events import (
    answer_payment,
    answer_subscription_flow,
    charge_refunded,
    checkout_session,
    event,
    invoice,
    invoice_paid,
    subscription,
    subscription_event,
)

pytestmark = pytest.mark.django_db
Status = Donation.Status


def test_invoice_paid_records_one_payment_per_invoice(post_event, fake_stripe, monthly):
    monthly.stripe_subscription_id = f"sub_test_{monthly.pk}"
    monthly.stripe_schedule_id = "sub_sched_x"
    monthly.status = Status.ACTIVE
    monthly.save()
    first = invoice(monthly, 1)
    post_event(invoice_paid(fake_stripe, first))
    post_event(invoice_paid(fake_stripe, first))  # same invoice, another event id
    post_event(event("invoice.payment_succeeded", first))  # counted once: ignored type
    post_event(invoice_paid(fake_stripe, invoice(monthly, 2)))
    assert monthly.paid_payment_count() == 2
    assert list(monthly.payments.values_list("stripe_invoice_id", flat=True)) == [
        f"in_test_{monthly.pk}_1",
        f"in_test_{monthly.pk}_2",
    ]


def test_invoice_paid_before_checkout_completed_is_still_recorded(post_event, fake_stripe, monthly):
    post_event(invoice_paid(fake_stripe, invoice(monthly, 1)))
    monthly.refresh_from_db()
    assert monthly.paid_payment_count() == 1
    assert monthly.stripe_subscription_id == f"sub_test_{monthly.pk}"
    assert monthly.status == Status.ACTIVE
    answer_subscription_flow(fake_stripe, monthly)
    post_event(event("checkout.session.completed", checkout_session(monthly)))
    monthly.refresh_from_db()
    assert monthly.paid_payment_count() == 1
    assert monthly.stripe_schedule_id == f"sub_sched_test_{monthly.pk}"


def test_safety_net_cancels_at_n_payments_when_there_is_no_schedule(post_event, fake_stripe):
    donation = DonationFactory(monthly=True, payment_count=2, status=Status.ACTIVE)
    donation.stripe_subscription_id = f"sub_test_{donation.pk}"
    donation.save()
    path = f"/v1/subscriptions/sub_test_{donation.pk}"
    # Stripe refuses to make the schedule; it cancels when asked, and says so after.
    for status in ("active", "active", "canceled"):
        fake_stripe.answer("GET", path, subscription(donation, status))
    fake_stripe.answer("DELETE", path, subscription(donation, "canceled"))
    post_event(invoice_paid(fake_stripe, invoice(donation, 1)))
    assert fake_stripe.calls("DELETE", f"/v1/subscriptions/sub_test_{donation.pk}") == []
    post_event(invoice_paid(fake_stripe, invoice(donation, 2)))
    assert len(fake_stripe.calls("DELETE", f"/v1/subscriptions/sub_test_{donation.pk}")) == 1
    donation.refresh_from_db()
    assert donation.status == Status.COMPLETED


def test_safety_net_cancels_a_payment_beyond_n_even_with_a_schedule(post_event, fake_stripe):
    donation = DonationFactory(monthly=True, payment_count=2, status=Status.ACTIVE)
    donation.stripe_subscription_id = f"sub_test_{donation.pk}"
    donation.stripe_schedule_id = "sub_sched_x"
    donation.save()
    fake_stripe.answer("GET", f"/v1/subscriptions/sub_test_{donation.pk}", subscription(donation))
    fake_stripe.answer(
        "DELETE", f"/v1/subscriptions/sub_test_{donation.pk}", subscription(donation, "canceled")
    )
    for number in (1, 2):
        post_event(invoice_paid(fake_stripe, invoice(donation, number)))
    assert fake_stripe.calls("DELETE", f"/v1/subscriptions/sub_test_{donation.pk}") == []
    post_event(invoice_paid(fake_stripe, invoice(donation, 3)))
    assert len(fake_stripe.calls("DELETE", f"/v1/subscriptions/sub_test_{donation.pk}")) == 1


def test_failed_renewal_is_recorded_and_a_later_success_replaces_it(
    post_event, fake_stripe, monthly
):
    monthly.stripe_subscription_id = f"sub_test_{monthly.pk}"
    monthly.stripe_schedule_id = "sub_sched_x"
    monthly.save()
    failed = invoice(monthly, 2, status="open", amount_paid=0)
    post_event(event("invoice.payment_failed", failed))
    payment = monthly.payments.get()
    assert payment.status == Payment.Status.FAILED
    assert monthly.paid_payment_count() == 0
    post_event(invoice_paid(fake_stripe, invoice(monthly, 2)))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert monthly.paid_payment_count() == 1


@pytest.mark.parametrize(
    ("stripe_status", "expected"),
    [("past_due", Status.PAST_DUE), ("unpaid", Status.PAST_DUE), ("active", Status.ACTIVE)],
)
def test_subscription_updated_tracks_its_status(
    post_event, fake_stripe, monthly, stripe_status, expected
):
    monthly.stripe_subscription_id = f"sub_test_{monthly.pk}"
    monthly.status = Status.PAST_DUE if stripe_status == "active" else Status.ACTIVE
    monthly.save()
    body = subscription(monthly, stripe_status)
    post_event(subscription_event(fake_stripe, "customer.subscription.updated", body))
    monthly.refresh_from_db()
    assert monthly.status == expected


@pytest.mark.parametrize(("paid", "expected"), [(3, Status.COMPLETED), (1, Status.CANCELED)])
def test_subscription_deleted_completes_or_cancels(
    post_event, fake_stripe, monthly, paid, expected
):
    monthly.stripe_subscription_id = f"sub_test_{monthly.pk}"
    monthly.status = Status.ACTIVE
    monthly.save()
    PaymentFactory.create_batch(paid, donation=monthly)
    body = subscription(monthly, "canceled")
    post_event(subscription_event(fake_stripe, "customer.subscription.deleted", body))
    monthly.refresh_from_db()
    assert monthly.status == expected


def test_charge_refunded_marks_the_payment_and_a_one_time_donation(post_event, fake_stripe):
    donation = DonationFactory(amount_cents=2000, status=Status.PAID)
    payment = PaymentFactory(
        donation=donation, stripe_invoice_id="", stripe_payment_intent_id="pi_1"
    )
    post_event(charge_refunded(fake_stripe, "pi_1", 2000, refunded=500))
    payment.refresh_from_db()
    assert (payment.status, payment.amount_refunded_cents) == (Payment.Status.PAID, 500)
    post_event(charge_refunded(fake_stripe, "pi_1", 2000, refunded=2000))
    payment.refresh_from_db()
    donation.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert donation.status == Status.REFUNDED
    assert donation.campaign.raised_cents() == 0


def test_refund_of_an_unknown_charge_is_harmless(post_event):
    charge = {"id": "ch_x", "object": "charge", "payment_intent": "pi_x", "amount_refunded": 1}
    assert post_event(event("charge.refunded", charge)).status_code == 200


@pytest.fixture
def running(monthly):
    monthly.stripe_subscription_id = f"sub_test_{monthly.pk}"
    monthly.stripe_schedule_id = "sub_sched_x"
    monthly.status = Status.ACTIVE
    monthly.save()
    return monthly


def test_an_invoice_paid_delivered_again_writes_nothing_and_keeps_cached_pages(
    post_event, fake_stripe, running
):
    first = invoice(running, 1)
    post_event(invoice_paid(fake_stripe, first))
    running.refresh_from_db()
    version, updated_at = content_version(), running.updated_at
    payment = running.payments.get()
    assert post_event(invoice_paid(fake_stripe, first)).outcome == "processed"
    running.refresh_from_db()
    assert (content_version(), running.updated_at) == (version, updated_at)
    assert Payment.objects.get() == payment and running.receipts.count() == 1


def test_a_refunded_renewal_stays_refunded_when_its_invoice_paid_comes_again(
    post_event, fake_stripe, running
):
    second = invoice(running, 2)
    intent = f"pi_for_{second['id']}"
    answer_payment(fake_stripe, intent, 2000)
    post_event(invoice_paid(fake_stripe, second))
    post_event(charge_refunded(fake_stripe, intent, 2000, refunded=2000))
    post_event(invoice_paid(fake_stripe, second))  # Stripe's retry, or a sync, after the refund
    payment = Payment.objects.get()
    assert (payment.status, payment.amount_refunded_cents) == (Payment.Status.REFUNDED, 2000)
