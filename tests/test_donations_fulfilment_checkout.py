"""Checkout Session events, delivered as signed webhooks."""

import pytest

from donations.models import Donation, Payment
from tests.factories import DonationFactory
from tests.stripe_events import answer_subscription_flow, checkout_session, event, schedule

pytestmark = pytest.mark.django_db
Status = Donation.Status


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
    answer_subscription_flow(fake_stripe, monthly)
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
    answer_subscription_flow(fake_stripe, monthly)
    post_event(event("checkout.session.completed", checkout_session(monthly)))
    # Another delivery with a new event id (e.g. async_payment_succeeded), and the
    # schedule is already on the subscription at Stripe:
    monthly.stripe_schedule_id = ""
    monthly.save()
    fake_stripe.routes.clear()
    answer_subscription_flow(fake_stripe, monthly, schedule=f"sub_sched_test_{monthly.pk}")
    fake_stripe.answer(
        "GET",
        f"/v1/subscription_schedules/sub_sched_test_{monthly.pk}",
        schedule(monthly, end_behavior="cancel"),
    )
    post_event(event("checkout.session.async_payment_succeeded", checkout_session(monthly)))
    assert len(fake_stripe.calls("POST", "/v1/subscription_schedules")) == 1
    monthly.refresh_from_db()
    assert monthly.stripe_schedule_id == f"sub_sched_test_{monthly.pk}"
