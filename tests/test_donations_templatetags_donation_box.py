"""The donation box: a campaign's goal, what it has raised net of refunds, its donors."""

import pytest

from donations.models import Campaign
from tests.factories import CampaignArticleFactory, DonationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    article = CampaignArticleFactory()
    campaign = article.donation_box.campaign
    campaign.goal_cents = 100_000
    campaign.save()
    return article


def test_the_goal_raised_and_donors_are_shown_net_of_refunds(client, article):
    campaign = article.donation_box.campaign
    PaymentFactory(donation=DonationFactory(campaign=campaign), amount_cents=3000)
    PaymentFactory(
        donation=DonationFactory(campaign=campaign), amount_cents=1000, amount_refunded_cents=500
    )
    PaymentFactory(donation=DonationFactory(campaign=campaign), status="failed")
    DonationFactory(campaign=campaign)  # never paid: not a donor
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<strong>$35</strong> raised of $1,000 · 2 donors" in html
    assert '<progress class="campaign-bar" max="100000" value="3500"' in html
    assert 'aria-valuetext="3% of the goal"' in html


def test_a_new_payment_shows_at_once(client, article):
    campaign = article.donation_box.campaign
    assert (
        "<strong>$0</strong> raised of $1,000 · 0 donors"
        in client.get(article.get_absolute_url()).content.decode()
    )
    PaymentFactory(donation=DonationFactory(campaign=campaign), amount_cents=2000)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<strong>$20</strong> raised of $1,000 · 1 donor<" in html


def test_a_goal_passed_fills_the_bar_and_no_goal_shows_no_bar(client, article):
    campaign = article.donation_box.campaign
    PaymentFactory(donation=DonationFactory(campaign=campaign), amount_cents=150_000)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'max="100000" value="100000"' in html
    assert "<strong>$1,500</strong> raised of $1,000" in html
    campaign.goal_cents = None
    campaign.save()
    assert "campaign-bar" not in client.get(article.get_absolute_url()).content.decode()


def test_amounts_saved_before_they_were_checked_do_not_break_the_page(client, article):
    campaign = article.donation_box.campaign
    # Not hex nor a CSRF token's letters: no random token on the page can contain it.
    bad = "not-an-amount"
    Campaign.objects.filter(pk=campaign.pk).update(preset_amounts=[bad, 1e300, [1], 2000, 2000])
    html = client.get(article.get_absolute_url()).content.decode()
    assert ">$20</label>" in html
    assert bad not in html
    Campaign.objects.filter(pk=campaign.pk).update(preset_amounts=5)
    assert client.get(article.get_absolute_url()).status_code == 200
