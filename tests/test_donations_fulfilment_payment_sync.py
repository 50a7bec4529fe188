"""Payments as Stripe has them: fees, refunds and disputes asked of Stripe after an event."""

import pytest
from django.core.management import call_command

from donations.models import Dispute, Donation, Payment, Receipt
from tests.factories import DonationFactory, PaymentFactory
from tests.stripe_events import (
    answer_payment,
    answer_subscription_flow,
    balance,
    checkout_session,
    event,
    invoice,
    invoice_paid,
    subscription,
    subscription_event,
)

pytestmark = pytest.mark.django_db
Status = Donation.Status


def dispute_of(intent, *, reason="fraudulent", status="needs_response", withdrawn=True):
    moves = [{**balance(-2000, category="dispute"), "fee": 1500, "net": -3500}] if withdrawn else []
    return {"id": f"dp_{intent}", "object": "dispute", "amount": 2000, "currency": "usd",
            "charge": f"ch_{intent}", "payment_intent": intent, "reason": reason,
            "status": status, "evidence_details": {"due_by": 1_900_000_000},
            "balance_transactions": moves}  # fmt: skip


def answer_dispute(fake_stripe, intent, dispute):
    answer_payment(fake_stripe, intent, 2000, disputes=1)
    fake_stripe.routes[("GET", f"/v1/disputes?charge=ch_{intent}")] = [
        (200, {"object": "list", "url": "/v1/disputes", "data": [dispute]})
    ]
    return event("charge.dispute.created", dispute)


@pytest.fixture
def running(fake_stripe):
    donation = DonationFactory(monthly=True, status=Status.ACTIVE)
    donation.stripe_subscription_id = f"sub_test_{donation.pk}"
    donation.stripe_schedule_id = "sub_sched_x"
    donation.save()
    return donation


def test_a_payment_records_stripes_fee_and_what_reached_the_balance(post_event, fake_stripe):
    donation = DonationFactory()
    answer_payment(fake_stripe, f"pi_test_{donation.pk}", 2000)
    post_event(event("checkout.session.completed", checkout_session(donation)))
    payment = donation.payments.get()
    assert (payment.fee_cents, payment.settled_cents, payment.settlement_currency) == (
        88, 1912, "usd",
    )  # fmt: skip
    assert (payment.fee_display, payment.settled_display) == ("$0.88", "$19.12")
    assert payment.stripe_sync_due_at is None


def test_a_payment_stripe_does_not_answer_for_is_asked_again_later(post_event, fake_stripe):
    """Stripe down after the payment was recorded: the event still succeeds (the payment
    is Stripe's to retry asking about, not the event's), and `sync_payments` asks later."""
    donation = DonationFactory()
    post_event(event("checkout.session.completed", checkout_session(donation)))
    payment = donation.payments.get()
    assert payment.fee_cents is None and payment.stripe_sync_due_at is not None
    answer_payment(fake_stripe, f"pi_test_{donation.pk}", 2000)
    call_command("sync_payments", verbosity=0)
    payment.refresh_from_db()
    assert (payment.fee_cents, payment.stripe_sync_due_at) == (88, None)


def test_a_dispute_as_fraud_stops_a_recurring_donation_without_telling_the_donor(
    post_event, fake_stripe, running, mailoutbox, settings
):
    settings.DISPUTE_NOTIFY_EMAILS = ["staff@example.org"]
    intent = f"pi_for_in_test_{running.pk}_1"
    answer_payment(fake_stripe, intent, 2000)
    post_event(invoice_paid(fake_stripe, invoice(running, 1)))
    answer_subscription_flow(fake_stripe, running)
    canceled = subscription(running, "canceled")
    fake_stripe.answer("DELETE", f"/v1/subscriptions/sub_test_{running.pk}", canceled)
    post_event(answer_dispute(fake_stripe, intent, dispute_of(intent)))
    running.refresh_from_db()
    assert running.quiet_cancellation
    assert "disputed as fraudulent" in running.attention
    assert fake_stripe.calls("DELETE", f"/v1/subscriptions/sub_test_{running.pk}")
    (dispute,) = Dispute.objects.all()
    assert (dispute.status, dispute.funds_withdrawn, dispute.payment.amount_disputed_cents) == (
        "needs_response", True, 2000,
    )  # fmt: skip
    ended = subscription_event(fake_stripe, "customer.subscription.deleted", canceled, 1)
    post_event(ended)
    running.refresh_from_db()
    assert running.status == Status.CANCELED
    assert [m.subject for m in mailoutbox] == [
        "Thank you: your donation to Defend 287(g)",
        "Dispute: a payment to Defend 287(g) is disputed",
    ]  # the donor hears nothing of the cancellation; staff hear of the dispute
    assert mailoutbox[1].to == ["staff@example.org"]
    assert "dp_pi_for_in_test" in mailoutbox[1].body
    assert running.campaign.raised_cents() == 0


def test_another_dispute_leaves_the_decision_to_staff(post_event, fake_stripe, running):
    answer_payment(fake_stripe, f"pi_for_in_test_{running.pk}_1", 2000)
    post_event(invoice_paid(fake_stripe, invoice(running, 1)))
    intent = f"pi_for_in_test_{running.pk}_1"
    post_event(answer_dispute(fake_stripe, intent, dispute_of(intent, reason="duplicate")))
    running.refresh_from_db()
    assert running.status == Status.ACTIVE and not running.quiet_cancellation
    assert "Decide whether to stop the remaining payments" in running.attention
    assert Receipt.objects.filter(kind__startswith="dispute").count() == 0  # no one to tell


def test_a_dispute_about_a_charge_that_is_not_ours_is_ignored(post_event, fake_stripe):
    dispute = dispute_of("pi_elsewhere")
    response = post_event(event("charge.dispute.created", dispute))
    assert response.outcome == "ignored"
    assert not Dispute.objects.exists()


def test_a_pause_is_shown_and_moves_the_schedules_end(post_event, fake_stripe, running):
    PaymentFactory(donation=running)
    schedule = {"id": "sub_sched_x", "object": "subscription_schedule", "end_behavior": "cancel",
                "phases": [{"start_date": 1_700_000_000,
                            "items": [{"price": "price_1", "quantity": 1}]}]}  # fmt: skip
    fake_stripe.answer("GET", "/v1/subscription_schedules/sub_sched_x", schedule)
    fake_stripe.answer("POST", "/v1/subscription_schedules/sub_sched_x", schedule)
    pause = {"behavior": "void", "resumes_at": None}
    paused = subscription(running, "active", schedule="sub_sched_x", pause_collection=pause)
    post_event(subscription_event(fake_stripe, "customer.subscription.updated", paused))
    running.refresh_from_db()
    assert running.collection_paused and running.status_display == "Active (recurring), paused"
    # In period 2, whose invoice is voided; 1 of 3 paid:
    in_period_2 = subscription(running, "active", periods_billed=2, schedule="sub_sched_x",
                               pause_collection=pause)  # fmt: skip
    fake_stripe.routes[("GET", f"/v1/subscriptions/sub_test_{running.pk}")] = [(200, in_period_2)]
    post_event(event("invoice.voided", invoice(running, 2, status="void", amount_paid=0)))
    updates = fake_stripe.calls("POST", "/v1/subscription_schedules/sub_sched_x")
    # The phase from period 1 ends after period 4: periods 3 and 4 take the 2 still due.
    assert updates[-1].form["phases[0][duration][interval_count]"] == "4"
    running.refresh_from_db()
    assert not running.schedule_outdated


def test_payments_in_another_currency_than_the_campaigns_are_not_added(running):
    PaymentFactory(donation=running, amount_cents=5000, currency="eur")
    PaymentFactory(donation=running, amount_cents=2000)
    assert running.campaign.raised_cents() == 2000
    assert Payment.objects.count() == 2
