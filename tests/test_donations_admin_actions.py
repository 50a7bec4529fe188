"""Staff actions in the admin: refund, cancel now, export; each under its own permission."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from donations.models import Donation, Receipt
from tests.admin_pages import admin_action, ask_refund
from tests.factories import DonationFactory, PaymentFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
REFUND = {"id": "re_1", "object": "refund", "amount": 500, "status": "succeeded"}


@pytest.fixture
def paid():
    donation = DonationFactory(status=Donation.Status.PAID)
    return PaymentFactory(donation=donation, stripe_invoice_id="", stripe_payment_intent_id="pi_1")


def refund_page(client, payment):
    return admin_action(client, "refund_payments", [payment])


def test_staff_refund_part_of_a_payment_through_stripe(staff_client, paid, fake_stripe):
    fake_stripe.answer("POST", "/v1/refunds", REFUND)
    page = refund_page(staff_client, paid).content.decode()
    assert 'value="20.00"' in page  # all that is left, by default
    assert f'name="seen-{paid.pk}" value="0"' in page  # what was refunded when shown
    done = ask_refund(staff_client, paid, "5.00")
    assert "Stripe is refunding $5 of $20 Paid (re_1)" in done.content.decode()
    (request,) = fake_stripe.calls("POST", "/v1/refunds")
    assert (request.form["payment_intent"], request.form["amount"]) == ("pi_1", "500")
    assert request.headers["Idempotency-Key"] == f"refund-{paid.pk}-0-500"
    assert request.form["reason"] == "requested_by_customer"
    paid.refresh_from_db()
    assert paid.amount_refunded_cents == 0  # recorded when charge.refunded arrives
    assert paid.get_refund_reason_display() == "Requested by the donor"


def test_the_refund_page_asks_why_and_sends_stripe_the_reason(staff_client, paid, fake_stripe):
    fake_stripe.answer("POST", "/v1/refunds", REFUND)
    page = refund_page(staff_client, paid).content.decode()
    assert '<option value="fraudulent">Fraudulent</option>' in page
    ask_refund(staff_client, paid, "5", reason="fraudulent")
    (request,) = fake_stripe.calls("POST", "/v1/refunds")
    assert request.form["reason"] == "fraudulent"
    paid.refresh_from_db()
    assert paid.refund_reason == "fraudulent"


@pytest.mark.parametrize("reason", ["", "because", "Fraudulent"])
def test_a_refund_without_one_of_stripes_reasons_is_refused(
    staff_client, paid, fake_stripe, reason
):
    done = ask_refund(staff_client, paid, "5", reason=reason)
    assert "Choose why the payments are refunded; nothing was refunded." in done.content.decode()
    assert fake_stripe.requests == []
    paid.refresh_from_db()
    assert paid.refund_reason == ""


def test_a_refund_beyond_what_is_left_is_refused_before_stripe(staff_client, paid, fake_stripe):
    paid.amount_refunded_cents = 1500
    paid.save()
    done = ask_refund(staff_client, paid, "6", seen=1500)
    assert "between $0.01 and $5 can be refunded" in done.content.decode()
    assert fake_stripe.requests == []


@pytest.mark.parametrize(
    "typed", ["Infinity", "-Infinity", "1e999999", "NaN", "abc", "", "1.005", "-5", "0"]
)
def test_a_refund_amount_that_is_no_amount_gets_a_message(staff_client, paid, fake_stripe, typed):
    done = ask_refund(staff_client, paid, typed)
    assert done.status_code == 200
    page = done.content.decode()
    assert "enter an amount in USD, like 12.50" in page or "between $0.01 and $20 can" in page
    assert fake_stripe.requests == []


def test_a_refund_asked_of_a_payment_refunded_since_is_refused(staff_client, paid, fake_stripe):
    """Two staff opened the form at once; the first one's refund is recorded: the second
    asks on what it saw, and is told, not refunded again."""
    paid.amount_refunded_cents = 500
    paid.save()
    done = ask_refund(staff_client, paid, "5")
    assert "has had a refund recorded since the form was opened" in done.content.decode()
    assert fake_stripe.requests == []


def test_cancel_now_asks_stripe_and_waits_for_its_word(staff_client, monthly, fake_stripe):
    monthly.stripe_subscription_id = "sub_9"
    monthly.status = Donation.Status.ACTIVE
    monthly.save()
    one_time = DonationFactory()
    canceled = {"id": "sub_9", "object": "subscription", "status": "canceled"}
    fake_stripe.answer("DELETE", "/v1/subscriptions/sub_9", canceled)
    asked = admin_action(staff_client, "cancel_donations", [monthly, one_time]).content.decode()
    assert "Cancel the remaining payments" in asked
    assert "0 of 3 payments made; 3 more ($60) will not be taken." in asked
    assert "one time: Pending, nothing left to cancel." in asked
    assert fake_stripe.requests == []  # nothing before staff confirm
    response = admin_action(staff_client, "cancel_donations", [monthly, one_time], confirm="yes")
    html = response.content.decode()
    assert "Cancelled at Stripe" in html
    assert "has no subscription to cancel" in html
    assert len(fake_stripe.calls("DELETE", "/v1/subscriptions/sub_9")) == 1
    monthly.refresh_from_db()
    assert monthly.status == Donation.Status.ACTIVE  # until customer.subscription.deleted


@pytest.mark.parametrize(
    ("action", "codename", "model"),
    [
        ("refund_payments", "refund_payment", "payment"),
        ("cancel_donations", "cancel_donation", "donation"),
        ("export_donations", "export_donations", "donation"),
        ("resend_receipts", "resend_receipt", "donation"),
        ("erase_personal_data", "erase_personal_data", "donation"),
    ],
)
def test_each_action_needs_its_own_permission(
    client, paid, mailoutbox, fake_stripe, action, codename, model
):
    """Not offered without its permission, and posting it anyway does nothing."""
    user = StaffUserFactory(is_superuser=False)
    user.user_permissions.add(*Permission.objects.filter(codename__in=[
        "view_payment", "view_donation"]))  # fmt: skip
    client.force_login(user)
    url = f"/admin/donations/{model}/"
    assert f'value="{action}"' not in client.get(url).content.decode()
    chosen = paid if model == "payment" else paid.donation
    Receipt.objects.create(donation=paid.donation, payment=paid, kind="payment",
                           sent_at=timezone.now())  # fmt: skip
    refused = admin_action(client, action, [chosen], confirm="yes", follow=False)
    assert refused.status_code in (200, 302) and not getattr(refused, "streaming", False)
    paid.donation.refresh_from_db()
    assert paid.donation.first_name and mailoutbox == []  # nothing erased, nothing sent
    assert fake_stripe.requests == []  # nothing refunded or cancelled
    user.user_permissions.add(Permission.objects.get(codename=codename))
    assert f'value="{action}"' in client.get(url).content.decode()


def test_staff_resend_the_latest_receipt(staff_client, mailoutbox):
    donation = DonationFactory(status=Donation.Status.PAID)
    payment = PaymentFactory(donation=donation)
    Receipt.objects.create(donation=donation, payment=payment, kind="payment",
                           sent_at=timezone.now())  # fmt: skip
    never = DonationFactory()
    response = admin_action(staff_client, "resend_receipts", [donation, never])
    html = response.content.decode()
    assert "Sent again: Payment received" in html
    assert "has no receipt to resend" in html
    assert [m.to for m in mailoutbox] == [[donation.email]]
