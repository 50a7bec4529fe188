"""The donations app against the payments sandbox over real HTTP, webhooks included."""

import pytest
import requests

from donations.models import Donation
from donations.testmode.visitor import Visitor
from stripe_testkit.cards import DECLINED, VISA
from stripe_testkit.waiting import wait_until
from tests.factories import CampaignArticleFactory, StaffUserFactory

pytestmark = pytest.mark.django_db(transaction=True)
DONOR = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org"}


@pytest.fixture
def kit(site_sandbox_kit):
    return site_sandbox_kit


@pytest.fixture
def article():
    return CampaignArticleFactory()


def donation_for(checkout):
    return Donation.objects.by_checkout_session(checkout.session_id)


def test_one_time_20_is_paid_and_shown_in_the_admin(site_with_sandbox, kit, article, client):
    live, sandbox = site_with_sandbox
    visitor = Visitor(live.url)
    checkout = visitor.donate(article.get_absolute_url(), amount="2000", **DONOR)
    assert checkout.url.startswith(sandbox.url)
    thanks = visitor.pay(checkout, VISA)
    assert thanks.status_code == 200
    assert "Thank you, Ada!" in thanks.text
    assert "$20" in thanks.text
    kit.wait_for_webhooks()
    donation = donation_for(checkout)
    assert donation.status == Donation.Status.PAID
    assert donation.payments.get().amount_cents == 2000
    assert "Paid" in requests.get(thanks.url, timeout=10).text
    client.force_login(StaffUserFactory())
    admin = client.get(f"/admin/donations/donation/?q={donation.email}").content.decode()
    assert "Ada Lovelace" in admin
    assert "Paid" in admin


def test_monthly_3_makes_exactly_three_payments(site_with_sandbox, kit, article):
    live, _ = site_with_sandbox
    visitor = Visitor(live.url)
    checkout = visitor.donate(
        article.get_absolute_url(), amount="3000", frequency="month", payment_count="3", **DONOR
    )
    visitor.pay(checkout, VISA)
    kit.wait_for_webhooks()
    wait_until(lambda: donation_for(checkout).stripe_schedule_id, what="the schedule")
    donation = donation_for(checkout)
    assert donation.status == Donation.Status.ACTIVE
    kit.run_subscription_to_end(donation.stripe_subscription_id, 3)
    donation.refresh_from_db()
    assert donation.paid_payment_count() == 3
    assert donation.status == Donation.Status.COMPLETED


def test_a_declined_card_then_a_good_one(site_with_sandbox, kit, article):
    live, _ = site_with_sandbox
    visitor = Visitor(live.url)
    checkout = visitor.donate(article.get_absolute_url(), amount="", other_amount="12.50", **DONOR)
    declined = visitor.pay(checkout, DECLINED)
    assert declined.status_code == 402
    assert "Your card was declined." in declined.text
    assert donation_for(checkout).status == Donation.Status.PENDING
    assert visitor.pay(checkout, VISA).status_code == 200
    kit.wait_for_webhooks()
    donation = donation_for(checkout)
    assert (donation.status, donation.amount_cents) == (Donation.Status.PAID, 1250)


def test_back_from_checkout_refills_the_form_and_expiry_is_recorded(
    site_with_sandbox, kit, article
):
    live, _ = site_with_sandbox
    visitor = Visitor(live.url)
    checkout = visitor.donate(
        article.get_absolute_url(), amount="1000", frequency="week", payment_count="5", **DONOR
    )
    page = requests.get(checkout.url, timeout=10).text
    back = page.split('<p><a href="')[1].split('"')[0].replace("&amp;", "&")
    form = requests.get(back, timeout=10).text
    assert 'value="1000" checked' in form
    assert '<option value="week" selected>' in form
    assert 'value="ada@example.org"' not in form
    assert "You entered a•••@example.org before" in form
    kit.expire_checkout_session(checkout.session_id)
    kit.wait_for_webhooks()
    assert donation_for(checkout).status == Donation.Status.EXPIRED


def test_a_refund_in_stripe_is_recorded(site_with_sandbox, kit, article):
    live, sandbox = site_with_sandbox
    visitor = Visitor(live.url)
    checkout = visitor.donate(article.get_absolute_url(), amount="2000", **DONOR)
    visitor.pay(checkout, VISA)
    kit.wait_for_webhooks()
    donation = donation_for(checkout)
    requests.post(
        f"{sandbox.url}/v1/refunds",
        data={"payment_intent": donation.stripe_payment_intent_id},
        headers={"Authorization": "Bearer sk_test_fake"},
        timeout=10,
    )
    kit.wait_for_webhooks()
    donation.refresh_from_db()
    assert donation.status == Donation.Status.REFUNDED
    assert donation.campaign.raised_cents() == 0
