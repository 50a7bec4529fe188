import pytest

from donations.models import Donation, Payment, format_cents
from tests.factories import CampaignFactory, DonationFactory, PaymentFactory


@pytest.mark.parametrize(
    ("cents", "text"), [(0, "$0"), (1000, "$10"), (1250, "$12.50"), (1_000_000, "$10,000")]
)
def test_format_cents(cents, text):
    assert format_cents(cents) == text


@pytest.mark.django_db
def test_paid_payment_count_counts_paid_and_refunded_not_failed():
    donation = DonationFactory(monthly=True)
    PaymentFactory(donation=donation)
    PaymentFactory(donation=donation, status=Payment.Status.REFUNDED)
    PaymentFactory(donation=donation, status=Payment.Status.FAILED)
    assert donation.paid_payment_count() == 2


@pytest.mark.django_db
def test_raised_subtracts_refunds():
    campaign = CampaignFactory()
    PaymentFactory(donation=DonationFactory(campaign=campaign), amount_cents=3000)
    PaymentFactory(
        donation=DonationFactory(campaign=campaign), amount_cents=1000, amount_refunded_cents=400
    )
    assert campaign.raised_cents() == 3600


@pytest.mark.django_db
def test_defaults_are_ten_twenty_thirty_usd_and_pending():
    campaign = CampaignFactory()
    assert (campaign.preset_amounts, campaign.currency) == ([1000, 2000, 3000], "usd")
    donation = DonationFactory(campaign=campaign)
    assert donation.status == Donation.Status.PENDING
    assert donation.created_at.tzinfo is not None
    assert str(donation).endswith("$20 one time")
