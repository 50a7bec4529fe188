"""The donor's own page: a signed link that expires; cancel the rest; update the card."""

import re
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.urls import resolve
from django_tasks_db.models import DBTaskResult

from donations import jobs
from donations.donor_page import SALT, card_link, donation_for_link, donor_link
from donations.models import Donation
from jobs.worker import run_ready
from tests.factories import DonationFactory, PaymentFactory
from tests.stripe_events import subscription, subscription_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(monthly):
    monthly.status = Donation.Status.ACTIVE
    monthly.stripe_subscription_id = "sub_7"
    monthly.stripe_customer_id = "cus_7"
    monthly.email = "grace@example.org"
    monthly.save()
    PaymentFactory(donation=monthly, paid_at=datetime(2027, 1, 31, 15, tzinfo=UTC))
    return monthly


def test_the_page_shows_the_donation_payments_and_what_is_to_come(client, running):
    response = client.get(donor_link(running))
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 payments" in html and 'data-testid="still-to-come">2 payments' in html
    # As Stripe bills a Jan 31 start: the month's last day when it is shorter.
    assert "<li>February 28, 2027</li><li>March 31, 2027</li>" in html
    assert "g•••@example.org" in html and "grace@example.org" not in html
    assert "Cancel my remaining payments" in html and "Update my card" in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_paused_donation_says_so(client, running):
    running.update(collection_paused=True)
    html = client.get(donor_link(running)).content.decode()
    assert 'data-testid="status">Active (recurring), paused</dd>' in html


@pytest.mark.parametrize("token", ["forged", "x:y:z"])
def test_nothing_works_without_a_valid_link(client, token):
    response = client.get(f"/donations/{token}/")
    assert response.status_code == 404
    assert "This link does not work any more" in response.content.decode()


class SignedDaysAgo(signing.TimestampSigner):
    days = 91

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - self.days * 86400)


def test_a_link_expires_after_the_configured_days_and_cannot_be_altered(client, running):
    old = SignedDaysAgo(salt=SALT).sign(str(running.public_id))
    assert client.get(f"/donations/{old}/").status_code == 404  # 91 days > 90
    SignedDaysAgo.days = 89
    recent = SignedDaysAgo(salt=SALT).sign(str(running.public_id))
    assert client.get(f"/donations/{recent}/").status_code == 200
    assert client.get(f"/donations/{recent[:-1]}x/").status_code == 404


def test_cancel_first_says_what_stops_and_what_stays(client, running, fake_stripe):
    page = client.post(donor_link(running), {"action": "cancel"}).content.decode()
    assert "2 payments still to come will not be taken:" in page
    assert "February 28, 2027, March 31, 2027." in page
    assert "The 1 payment already made stays with the campaign (it is not refunded)." in page
    assert "No, keep my donation" in page
    assert fake_stripe.requests == []  # nothing until the donor says yes
    running.refresh_from_db()
    assert running.cancel_requested_at is None


def test_a_confirmed_cancel_shows_at_once_then_as_stripe_confirms(
    client, running, fake_stripe, post_event
):
    canceled = {"id": "sub_7", "object": "subscription", "status": "canceled"}
    fake_stripe.answer("DELETE", "/v1/subscriptions/sub_7", canceled)
    response = client.post(donor_link(running), {"action": "cancel", "confirm": "yes"},
                           follow=True)  # fmt: skip
    html = response.content.decode()
    assert "Your remaining payments are cancelled: nothing more will be charged." in html
    assert 'data-testid="status">Cancelled (Stripe is confirming)</dd>' in html
    assert 'data-testid="cancellation">Asked on ' in html
    assert "still-to-come" not in html  # no payment is to come
    assert "Cancel my remaining payments" not in html and "Update my card" not in html
    assert len(fake_stripe.calls("DELETE", "/v1/subscriptions/sub_7")) == 1
    ended = subscription(running, "canceled", id="sub_7", customer="cus_7")
    post_event(subscription_event(fake_stripe, "customer.subscription.deleted", ended, 1))
    html = client.get(donor_link(running)).content.decode()
    assert 'data-testid="status">Cancelled</dd>' in html and 'testid="cancellation"' not in html


def test_a_cancel_stripe_refuses_changes_nothing(client, running, fake_stripe):
    fake_stripe.answer("DELETE", "/v1/subscriptions/sub_7", {"error": {"type": "api_error",
                       "message": "down"}}, status=500)  # fmt: skip
    html = client.post(donor_link(running), {"action": "cancel", "confirm": "yes"},
                       follow=True).content.decode()  # fmt: skip
    assert "We could not reach our payment provider. Nothing was changed" in html
    running.refresh_from_db()
    assert running.cancel_requested_at is None
    assert "Cancel my remaining payments" in html


def test_a_one_time_donation_has_nothing_to_cancel(client, fake_stripe):
    donation = DonationFactory(status=Donation.Status.PAID)
    response = client.post(donor_link(donation), {"action": "cancel"}, follow=True)
    assert "There are no payments left to cancel." in response.content.decode()
    assert fake_stripe.requests == []


def test_update_card_opens_a_billing_portal_session(client, running, fake_stripe):
    fake_stripe.answer("POST", "/v1/billing_portal/sessions", {
        "id": "bps_1", "object": "billing_portal.session",
        "url": "https://billing.stripe.com/p/session/bps_1"})  # fmt: skip
    response = client.post(donor_link(running), {"action": "card"})
    assert response.status_code == 302
    assert response["Location"] == "https://billing.stripe.com/p/session/bps_1"
    (request,) = fake_stripe.calls("POST", "/v1/billing_portal/sessions")
    assert request.form["customer"] == "cus_7"
    # Back to the donor's page (a link signed afresh: its timestamp may differ from ours).
    return_url = urlsplit(request.form["return_url"])
    page = resolve(return_url.path)
    assert (return_url.netloc, page.view_name) == ("testserver", "donations:donor-page")
    assert donation_for_link(page.kwargs["token"]) == running


def test_the_thank_you_page_links_to_the_donors_page(client, fake_stripe):
    donation = DonationFactory(stripe_checkout_session_id="cs_5")
    session = {"id": "cs_5", "object": "checkout.session", "client_reference_id": str(donation.pk)}
    fake_stripe.answer("GET", "/v1/checkout/sessions/cs_5", session)
    html = client.get("/donate/thanks/?session_id=cs_5").content.decode()
    (link,) = re.findall(r'href="(/donations/[^"/]+:[^"/]+/)"', html)  # not manage/
    assert link.startswith(f"/donations/{donation.public_id}:")  # signed, with its time
    assert client.get(link).status_code == 200


def answer_card(fake_stripe, method_id, brand, last4):
    """Stripe's answer about the subscription (from now on), with the card it charges."""
    card = {"brand": brand, "last4": last4, "exp_month": 3, "exp_year": 2030}
    method = {"id": method_id, "object": "payment_method", "type": "card", "card": card}
    fake_stripe.routes[("GET", "/v1/subscriptions/sub_7")] = [(200, {
        "id": "sub_7", "object": "subscription", "status": "active",
        "customer": "cus_7", "default_payment_method": method})]  # fmt: skip


def test_the_page_shows_the_card_the_payments_are_taken_from(client, running, fake_stripe):
    answer_card(fake_stripe, "pm_1", "visa", "4242")
    html = client.get(donor_link(running)).content.decode()
    assert 'data-testid="card">Visa ending in 4242, expires 03/2030</dd>' in html
    (request,) = fake_stripe.calls("GET", "/v1/subscriptions/sub_7")
    assert "default_payment_method" in request.form.values()  # expanded


def test_the_page_works_when_stripe_does_not_say_which_card(client, running, fake_stripe):
    fake_stripe.answer("GET", "/v1/subscriptions/sub_7",
                       {"error": {"type": "api_error", "message": "down"}}, status=500)  # fmt: skip
    response = client.get(donor_link(running))
    assert response.status_code == 200
    assert 'data-testid="card">We cannot show it right now.</dd>' in response.content.decode()


def test_back_from_the_portal_the_donor_is_told_whether_the_card_changed(
    client, running, fake_stripe
):
    fake_stripe.answer("POST", "/v1/billing_portal/sessions", {
        "id": "bps_1", "object": "billing_portal.session",
        "url": "https://billing.stripe.com/p/session/bps_1"})  # fmt: skip
    answer_card(fake_stripe, "pm_1", "visa", "4242")
    client.post(donor_link(running), {"action": "card"})
    answer_card(fake_stripe, "pm_2", "mastercard", "4444")  # saved on the portal
    html = client.get(donor_link(running)).content.decode()
    assert ("Your card is updated: the payments still to come will be taken from your "
            "Mastercard ending in 4444.") in html  # fmt: skip
    assert "Your card is updated" not in client.get(donor_link(running)).content.decode()
    client.post(donor_link(running), {"action": "card"})
    html = client.get(donor_link(running)).content.decode()  # back without saving
    assert "Your card was not changed." in html


def answer_portal(fake_stripe):
    fake_stripe.answer("POST", "/v1/billing_portal/sessions", {
        "id": "bps_1", "object": "billing_portal.session",
        "url": "https://billing.stripe.com/p/session/bps_1"})  # fmt: skip


def test_the_e_mails_card_link_opens_the_card_update_in_one_step(client, running, fake_stripe):
    answer_portal(fake_stripe)
    answer_card(fake_stripe, "pm_1", "visa", "4242")
    response = client.get(card_link(running))
    assert (response.status_code, response["Location"]) == (
        302, "https://billing.stripe.com/p/session/bps_1"
    )  # fmt: skip
    (request,) = fake_stripe.calls("POST", "/v1/billing_portal/sessions")
    back = urlsplit(request.form["return_url"])  # the donation's page, signed anew
    assert (back.netloc, resolve(back.path).url_name) == ("testserver", "donor-page")
    assert donation_for_link(resolve(back.path).kwargs["token"]) == running
    assert client.get("/donations/forged/card/").status_code == 404


def test_the_card_link_of_a_finished_donation_says_why_on_its_page(client, running, fake_stripe):
    running.update(status=Donation.Status.COMPLETED)
    response = client.get(card_link(running), follow=True)
    assert "This donation has no card to update." in response.content.decode()
    assert fake_stripe.calls("POST", "/v1/billing_portal/sessions") == []


def test_a_new_card_pays_the_failed_renewal_at_once(client, running, fake_stripe, settings):
    failed = PaymentFactory(donation=running, status="failed", stripe_invoice_id="in_9",
                            attempt_count=1, paid_at=None)  # fmt: skip
    answer_portal(fake_stripe)
    answer_card(fake_stripe, "pm_1", "visa", "4242")
    client.get(card_link(running))
    answer_card(fake_stripe, "pm_2", "mastercard", "4444")
    fake_stripe.answer("POST", "/v1/invoices/in_9/pay", {"id": "in_9", "object": "invoice",
                                                         "status": "paid"})  # fmt: skip
    html = client.get(donor_link(running)).content.decode()
    assert "The payment that failed is being tried again with this card now" in html
    assert run_ready() == 1
    (paid,) = fake_stripe.calls("POST", "/v1/invoices/in_9/pay")
    assert paid.headers["Idempotency-Key"] == f"retry-in_9-{failed.attempt_count}"


def test_the_page_says_a_renewal_failed_why_and_when_it_is_tried_again(client, running):
    PaymentFactory(donation=running, status="failed", stripe_invoice_id="in_9", paid_at=None,
                   decline_code="expired_card", attempt_count=1,
                   next_attempt_at=datetime(2027, 3, 4, tzinfo=UTC))  # fmt: skip
    html = client.get(donor_link(running)).content.decode()
    assert "could not be taken: your card has expired." in html
    assert "Stripe tries again on March 4, 2027." in html
    assert "Update your card below and it is tried again at once." in html


def test_a_card_declined_again_is_left_to_stripes_next_attempt(client, running, fake_stripe):
    PaymentFactory(donation=running, status="failed", stripe_invoice_id="in_9", paid_at=None)
    decline = {"error": {"type": "card_error", "code": "card_declined",
                         "decline_code": "insufficient_funds", "message": "Declined."}}  # fmt: skip
    fake_stripe.answer("POST", "/v1/invoices/in_9/pay", decline, status=402)
    jobs.retry_failed_renewals(running)
    assert run_ready() == 1
    task = DBTaskResult.objects.get()
    assert (task.status, len(fake_stripe.calls("POST", "/v1/invoices/in_9/pay"))) == (
        "SUCCESSFUL", 1
    )  # fmt: skip
