import uuid

import pytest

from donations.services import checkout_session_params, mask_email, resume_initial, resume_path
from tests.factories import CampaignArticleFactory, CampaignFactory, DonationFactory

pytestmark = pytest.mark.django_db


def test_recurring_params_carry_interval_and_metadata():
    donation = DonationFactory(frequency="year", payment_count=2, amount_cents=5000)
    params = checkout_session_params(donation, base_url="https://example.org")
    assert params["mode"] == "subscription"
    price = params["line_items"][0]["price_data"]
    assert price == {
        "currency": "usd",
        "unit_amount": 5000,
        "product_data": {"name": "Donation to Defend 287(g)"},
        "recurring": {"interval": "year"},
    }
    assert params["subscription_data"]["metadata"]["payment_count"] == "2"
    assert params["success_url"] == (
        "https://example.org/donate/thanks/?session_id={CHECKOUT_SESSION_ID}"
    )


def test_resume_refills_a_preset_or_another_amount():
    article = CampaignArticleFactory()
    campaign = article.donation_box.campaign
    preset = DonationFactory(campaign=campaign, article=article, amount_cents=3000)
    other = DonationFactory(campaign=campaign, article=article, amount_cents=1205)
    token = resume_path(preset).split("resume=")[1].removesuffix("#donate")
    assert resume_initial(token, campaign=campaign)["amount"] == "3000"
    token = resume_path(other).split("resume=")[1].removesuffix("#donate")
    initial = resume_initial(token, campaign=campaign)
    assert initial["other_amount"] == "12.05"
    assert "amount" not in initial
    assert "email" not in initial  # the link travels in browser histories
    assert initial["email_hint"] == mask_email(other.email)


def test_resume_token_of_another_campaign_is_ignored():
    donation = DonationFactory(article=CampaignArticleFactory())
    token = resume_path(donation).split("resume=")[1].removesuffix("#donate")
    assert resume_initial(token, campaign=CampaignFactory(name="Elsewhere")) == {}
    assert resume_initial(str(uuid.uuid4()), campaign=donation.campaign) == {}
