"""After an event is committed: the schedule and the safety net that end a subscription
after N payments, asked of Stripe outside any transaction."""

import pytest

from donations.models import Donation, WebhookEvent
from tests.factories import DonationFactory, PaymentFactory
from tests.stripe_events import invoice, invoice_paid, subscription

pytestmark = pytest.mark.django_db
Status = Donation.Status


def test_a_payment_beyond_n_is_recorded_cancelled_flagged_and_answered_2xx(post_event, fake_stripe):
    donation = DonationFactory(monthly=True, payment_count=12, status=Status.COMPLETED)
    donation.stripe_subscription_id = f"sub_test_{donation.pk}"
    donation.stripe_schedule_id = "sub_sched_x"
    donation.save()
    PaymentFactory.create_batch(12, donation=donation)
    sub_path = f"/v1/subscriptions/sub_test_{donation.pk}"
    fake_stripe.answer("GET", sub_path, subscription(donation))
    fake_stripe.answer("GET", sub_path, subscription(donation, "canceled"))
    fake_stripe.answer("DELETE", sub_path, subscription(donation, "canceled"))
    thirteenth = invoice_paid(fake_stripe, invoice(donation, 13), event_id="evt_13th")
    response = post_event(thirteenth)
    assert response.status_code == 200
    donation.refresh_from_db()
    assert donation.paid_payment_count() == 13
    assert donation.status == Status.COMPLETED
    assert "Stripe took 13 payments of the 12 chosen" in donation.attention
    assert len(fake_stripe.calls("DELETE", sub_path)) == 1
    assert post_event(thirteenth).json() == {"status": "duplicate"}
    # The same invoice in another event (invoice.paid is sent again by Stripe): no
    # second cancellation, the subscription is cancelled already.
    post_event(invoice_paid(fake_stripe, invoice(donation, 13)))
    assert len(fake_stripe.calls("DELETE", sub_path)) == 1
    assert WebhookEvent.objects.filter(status="failed").count() == 0


def test_the_last_payment_after_the_end_completes_a_cancelled_donation(post_event, fake_stripe):
    donation = DonationFactory(monthly=True, payment_count=2, status=Status.CANCELED)
    donation.stripe_subscription_id = f"sub_test_{donation.pk}"
    donation.stripe_schedule_id = "sub_sched_x"
    donation.save()
    PaymentFactory(donation=donation)
    post_event(invoice_paid(fake_stripe, invoice(donation, 2)))
    donation.refresh_from_db()
    assert donation.status == Status.COMPLETED
    # The invoice's payments, then the payment itself: nothing of the subscription.
    assert [r.path for r in fake_stripe.requests] == [
        "/v1/invoice_payments",
        f"/v1/payment_intents/pi_for_in_test_{donation.pk}_2",
    ]
