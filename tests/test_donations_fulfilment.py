"""Each event type's effect, delivered as a signed webhook (out of order too)."""

import pytest

from donations.models import Donation, Payment
from tests.factories import DonationFactory, PaymentFactory
from tests.stripe_events import checkout_session, event, invoice, schedule, subscription

pytestmark = pytest.mark.django_db
Status = Donation.Status


@pytest.fixture
def monthly():
    return DonationFactory(monthly=True)


def stripe_knows_subscription(fake_stripe, donation, **overrides):
    sub_path = f"/v1/subscriptions/sub_test_{donation.pk}"
    fake_stripe.answer("GET", sub_path, subscription(donation, **overrides))
    fake_stripe.answer("POST", "/v1/subscription_schedules", schedule(donation))
    fake_stripe.answer(
        "POST",
        f"/v1/subscription_schedules/sub_sched_test_{donation.pk}",
        schedule(donation, end_behavior="cancel"),
    )


def test_one_time_checkout_completed_marks_paid_and_records_the_payment(post_event):
    donation = DonationFactory(amount_cents=2000)
    post_event(event("checkout.session.completed", checkout_session(donation)))
    donation.refresh_from_db()
    assert donation.status == Status.PAID
    assert donation.stripe_payment_intent_id == f"pi_test_{donation.pk}"
    assert donation.stripe_customer_id == f"cus_test_{donation.pk}"
    payment = donation.payments.get()
    assert (payment.amount_cents, payment.status) == (2000, Payment.Status.PAID)


def test_unpaid_checkout_completion_waits_for_async_payment(post_event):
    donation = DonationFactory()
    session = checkout_session(donation, payment_status="unpaid")
    post_event(event("checkout.session.completed", session))
    donation.refresh_from_db()
    assert donation.status == Status.PENDING
    post_event(event("checkout.session.async_payment_succeeded", checkout_session(donation)))
    donation.refresh_from_db()
    assert donation.status == Status.PAID
    assert donation.payments.count() == 1


def test_async_payment_failed_marks_failed(post_event):
    donation = DonationFactory()
    post_event(event("checkout.session.async_payment_failed", checkout_session(donation)))
    donation.refresh_from_db()
    assert donation.status == Status.FAILED
    assert "failed" in donation.error


def test_expired_checkout_marks_abandoned_but_never_undoes_a_payment(post_event):
    abandoned, paid = DonationFactory(), DonationFactory(status=Status.PAID)
    for donation in (abandoned, paid):
        post_event(event("checkout.session.expired", checkout_session(donation)))
    abandoned.refresh_from_db()
    paid.refresh_from_db()
    assert (abandoned.status, paid.status) == (Status.EXPIRED, Status.PAID)


def test_recurring_checkout_ends_the_subscription_after_n_payments(
    post_event, fake_stripe, monthly
):
    stripe_knows_subscription(fake_stripe, monthly)
    post_event(event("checkout.session.completed", checkout_session(monthly)))
    monthly.refresh_from_db()
    assert monthly.status == Status.ACTIVE
    assert monthly.stripe_subscription_id == f"sub_test_{monthly.pk}"
    assert monthly.stripe_schedule_id == f"sub_sched_test_{monthly.pk}"
    (create,) = fake_stripe.calls("POST", "/v1/subscription_schedules")
    assert create.form == {"from_subscription": f"sub_test_{monthly.pk}"}
    (update,) = fake_stripe.calls("POST", f"/v1/subscription_schedules/sub_sched_test_{monthly.pk}")
    assert update.form == {
        "end_behavior": "cancel",
        "proration_behavior": "none",
        "phases[0][items][0][price]": f"price_test_{monthly.pk}",
        "phases[0][items][0][quantity]": "1",
        "phases[0][start_date]": "1700000000",
        "phases[0][duration][interval]": "month",
        "phases[0][duration][interval_count]": "3",
        "phases[0][proration_behavior]": "none",
    }
    assert not any("iterations" in key for key in update.form)


def test_a_retried_completion_does_not_create_a_second_schedule(post_event, fake_stripe, monthly):
    stripe_knows_subscription(fake_stripe, monthly)
    post_event(event("checkout.session.completed", checkout_session(monthly)))
    # Another delivery with a new event id (e.g. async_payment_succeeded), and the
    # schedule is already on the subscription at Stripe:
    monthly.stripe_schedule_id = ""
    monthly.save()
    fake_stripe.routes.clear()
    stripe_knows_subscription(fake_stripe, monthly, schedule=f"sub_sched_test_{monthly.pk}")
    fake_stripe.answer(
        "GET",
        f"/v1/subscription_schedules/sub_sched_test_{monthly.pk}",
        schedule(monthly, end_behavior="cancel"),
    )
    post_event(event("checkout.session.async_payment_succeeded", checkout_session(monthly)))
    assert len(fake_stripe.calls("POST", "/v1/subscription_schedules")) == 1
    monthly.refresh_from_db()
    assert monthly.stripe_schedule_id == f"sub_sched_test_{monthly.pk}"


def test_invoice_paid_records_one_payment_per_invoice(post_event, monthly):
    monthly.stripe_subscription_id = f"sub_test_{monthly.pk}"
    monthly.stripe_schedule_id = "sub_sched_x"
    monthly.status = Status.ACTIVE
    monthly.save()
    first = invoice(monthly, 1)
    post_event(event("invoice.paid", first))
    post_event(event("invoice.paid", first))  # same invoice, another event id
    post_event(event("invoice.payment_succeeded", first))  # counted once: ignored type
    post_event(event("invoice.paid", invoice(monthly, 2)))
    assert monthly.paid_payment_count() == 2
    assert list(monthly.payments.values_list("stripe_invoice_id", flat=True)) == [
        f"in_test_{monthly.pk}_1",
        f"in_test_{monthly.pk}_2",
    ]


def test_invoice_paid_before_checkout_completed_is_still_recorded(post_event, fake_stripe, monthly):
    post_event(event("invoice.paid", invoice(monthly, 1)))
    monthly.refresh_from_db()
    assert monthly.paid_payment_count() == 1
    assert monthly.stripe_subscription_id == f"sub_test_{monthly.pk}"
    assert monthly.status == Status.ACTIVE
    stripe_knows_subscription(fake_stripe, monthly)
    post_event(event("checkout.session.completed", checkout_session(monthly)))
    monthly.refresh_from_db()
    assert monthly.paid_payment_count() == 1
    assert monthly.stripe_schedule_id == f"sub_sched_test_{monthly.pk}"


def test_safety_net_cancels_at_n_payments_when_there_is_no_schedule(post_event, fake_stripe):
    donation = DonationFactory(monthly=True, payment_count=2, status=Status.ACTIVE)
    donation.stripe_subscription_id = f"sub_test_{donation.pk}"
    donation.save()
    fake_stripe.answer("GET", f"/v1/subscriptions/sub_test_{donation.pk}", subscription(donation))
    fake_stripe.answer(
        "DELETE", f"/v1/subscriptions/sub_test_{donation.pk}", subscription(donation, "canceled")
    )
    post_event(event("invoice.paid", invoice(donation, 1)))
    assert fake_stripe.calls("DELETE", f"/v1/subscriptions/sub_test_{donation.pk}") == []
    post_event(event("invoice.paid", invoice(donation, 2)))
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
        post_event(event("invoice.paid", invoice(donation, number)))
    assert fake_stripe.calls("DELETE", f"/v1/subscriptions/sub_test_{donation.pk}") == []
    post_event(event("invoice.paid", invoice(donation, 3)))
    assert len(fake_stripe.calls("DELETE", f"/v1/subscriptions/sub_test_{donation.pk}")) == 1


def test_failed_renewal_is_recorded_and_a_later_success_replaces_it(post_event, monthly):
    monthly.stripe_subscription_id = f"sub_test_{monthly.pk}"
    monthly.stripe_schedule_id = "sub_sched_x"
    monthly.save()
    failed = invoice(monthly, 2, status="open", amount_paid=0)
    post_event(event("invoice.payment_failed", failed))
    payment = monthly.payments.get()
    assert payment.status == Payment.Status.FAILED
    assert monthly.paid_payment_count() == 0
    post_event(event("invoice.paid", invoice(monthly, 2)))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert monthly.paid_payment_count() == 1


@pytest.mark.parametrize(
    ("stripe_status", "expected"),
    [("past_due", Status.PAST_DUE), ("unpaid", Status.PAST_DUE), ("active", Status.ACTIVE)],
)
def test_subscription_updated_tracks_its_status(post_event, monthly, stripe_status, expected):
    monthly.stripe_subscription_id = f"sub_test_{monthly.pk}"
    monthly.status = Status.PAST_DUE if stripe_status == "active" else Status.ACTIVE
    monthly.save()
    post_event(event("customer.subscription.updated", subscription(monthly, stripe_status)))
    monthly.refresh_from_db()
    assert monthly.status == expected


@pytest.mark.parametrize(("paid", "expected"), [(3, Status.COMPLETED), (1, Status.CANCELED)])
def test_subscription_deleted_completes_or_cancels(post_event, monthly, paid, expected):
    monthly.stripe_subscription_id = f"sub_test_{monthly.pk}"
    monthly.status = Status.ACTIVE
    monthly.save()
    PaymentFactory.create_batch(paid, donation=monthly)
    post_event(event("customer.subscription.deleted", subscription(monthly, "canceled")))
    monthly.refresh_from_db()
    assert monthly.status == expected


def test_charge_refunded_marks_the_payment_and_a_one_time_donation(post_event):
    donation = DonationFactory(amount_cents=2000, status=Status.PAID)
    payment = PaymentFactory(
        donation=donation, stripe_invoice_id="", stripe_payment_intent_id="pi_1"
    )
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_1", "amount": 2000}
    post_event(event("charge.refunded", {**charge, "amount_refunded": 500}))
    payment.refresh_from_db()
    assert (payment.status, payment.amount_refunded_cents) == (Payment.Status.PAID, 500)
    post_event(event("charge.refunded", {**charge, "amount_refunded": 2000}))
    payment.refresh_from_db()
    donation.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert donation.status == Status.REFUNDED
    assert donation.campaign.raised_cents() == 0


def test_refund_of_an_unknown_charge_is_harmless(post_event):
    charge = {"id": "ch_x", "object": "charge", "payment_intent": "pi_x", "amount_refunded": 1}
    assert post_event(event("charge.refunded", charge)).status_code == 200
