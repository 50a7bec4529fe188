"""The staff overview: per campaign, this month, in all, what is still to come."""

from datetime import UTC, datetime, timedelta

import pytest

from donations.models import Donation
from donations.overview import campaign_figures
from tests.factories import CampaignFactory, DonationFactory, PaymentFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_figures_per_campaign():
    campaign = CampaignFactory(name="Defend")
    CampaignFactory(name="Quiet", slug="quiet")
    one_time = DonationFactory(campaign=campaign, status=Donation.Status.PAID)
    PaymentFactory(donation=one_time, amount_cents=5000, amount_refunded_cents=1000,
                   paid_at=NOW - timedelta(days=40))  # fmt: skip
    monthly = DonationFactory(campaign=campaign, monthly=True, status=Donation.Status.ACTIVE)
    PaymentFactory(donation=monthly, amount_cents=2000, paid_at=NOW - timedelta(days=1))
    late = DonationFactory(
        campaign=campaign, monthly=True, status=Donation.Status.PAST_DUE, attention="Look"
    )
    PaymentFactory(donation=late, amount_cents=2000, paid_at=NOW - timedelta(days=2))
    PaymentFactory(donation=late, amount_cents=2000, status="failed", paid_at=None)
    defend, quiet = campaign_figures(NOW)
    assert (defend.campaign.name, quiet.campaign.name) == ("Defend", "Quiet")
    assert (defend.raised_cents, defend.raised_this_month_cents) == (8000, 4000)
    assert (defend.active_recurring, defend.scheduled_cents) == (2, 8000)  # 2 × (3 − 1) × $20
    assert (defend.past_due, defend.flagged) == (1, 1)
    assert (quiet.raised_cents, quiet.active_recurring, quiet.scheduled_cents) == (0, 0, 0)


def test_staff_open_the_overview_from_the_campaign_list(staff_client):
    CampaignFactory(name="Defend")
    listing = staff_client.get("/admin/donations/campaign/").content.decode()
    assert 'href="/admin/donations/campaign/overview/"' in listing
    page = staff_client.get("/admin/donations/campaign/overview/").content.decode()
    assert "Campaigns overview" in page
    assert "Defend" in page


def test_the_overview_is_for_staff_only(client):
    response = client.get("/admin/donations/campaign/overview/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_totals_are_per_currency_never_added_across(staff_client):
    euros = CampaignFactory(name="Euros", slug="euros", currency="eur")
    dollars = CampaignFactory(name="Dollars", slug="dollars")
    PaymentFactory(donation=DonationFactory(campaign=euros, currency="eur"), amount_cents=1250,
                   currency="eur", fee_cents=66, settled_cents=1184,
                   settlement_currency="eur")  # fmt: skip
    PaymentFactory(donation=DonationFactory(campaign=dollars), amount_cents=2000,
                   amount_refunded_cents=500, amount_disputed_cents=1500, fee_cents=88,
                   settled_cents=-1588, settlement_currency="usd")  # fmt: skip
    page = staff_client.get("/admin/donations/campaign/overview/").content.decode()
    assert '<th scope="row">EUR</th><td>€12.50</td><td>€0</td><td>€0</td><td>€12.50</td>' in page
    assert '<th scope="row">USD</th><td>$20</td><td>$5</td><td>$15</td><td>$0</td>' in page
    assert '<th scope="row">USD</th><td>1</td><td>$0.88</td><td>-$15.88</td>' in page
    assert "€32.50" not in page and "$32.50" not in page
