import pytest
from django.db.models import prefetch_related_objects

from donations.models import Donation, Payment
from donations.money import format_money
from tests.factories import CampaignFactory, DonationFactory, PaymentFactory


@pytest.mark.parametrize(
    ("cents", "text"), [(0, "$0"), (1000, "$10"), (1250, "$12.50"), (1_000_000, "$10,000")]
)
def test_format_cents(cents, text):
    assert format_money(cents, "usd") == text


@pytest.mark.django_db
@pytest.mark.parametrize("prefetched", [False, True], ids=["counted-by-sql", "prefetched"])
def test_paid_payment_count_counts_paid_and_refunded_not_failed(
    prefetched, django_assert_num_queries
):
    donation = DonationFactory(monthly=True)
    PaymentFactory(donation=donation)
    PaymentFactory(donation=donation, status=Payment.Status.REFUNDED)
    PaymentFactory(donation=donation, status=Payment.Status.FAILED)
    if prefetched:
        prefetch_related_objects([donation], "payments")
    with django_assert_num_queries(0 if prefetched else 1):
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


@pytest.mark.django_db
def test_by_subscription_finds_the_linked_donation_first_then_an_unlinked_one_by_reference(
    django_assert_num_queries,
):
    linked = DonationFactory(monthly=True, stripe_subscription_id="sub_1")
    unlinked = DonationFactory(monthly=True)
    other = DonationFactory(monthly=True, stripe_subscription_id="sub_2")
    donations = Donation.objects
    with django_assert_num_queries(1):
        assert donations.by_subscription("sub_1", str(unlinked.pk)) == linked
    assert donations.by_subscription("sub_new", str(unlinked.pk)) == unlinked
    assert donations.by_subscription("sub_new", str(other.pk)) is None  # linked elsewhere
    assert donations.by_subscription("", str(unlinked.pk)) == unlinked
    assert donations.by_subscription("sub_new", "") is None
    with django_assert_num_queries(0):
        assert donations.by_subscription("", "12a") is None
