"""The dashboard's figures against a hand count on a small, known set of gifts
(`dashboard_gifts` in conftest)."""

from datetime import date

import pytest

from donations import dashboard
from donations.dashboard_scope import Scope
from donations.models import Donation
from tests.factories import DonationFactory

pytestmark = pytest.mark.django_db


SCOPE = Scope(date(2026, 3, 1), date(2026, 6, 1), "usd")


def test_each_month_is_what_a_hand_count_gives(dashboard_gifts):
    march, april, may, june = dashboard.months(SCOPE)
    assert (march.gross, march.gifts, march.one_time, march.donors, march.new_donors) == (
        2000, 1, 2000, 1, 0
    )  # fmt: skip
    assert (april.gross, april.one_time, april.recurring, april.gifts) == (6000, 5000, 1000, 2)
    assert (april.donors, april.new_donors, april.average) == (2, 1, 3000)
    assert (april.disputed, april.disputes, april.disputes_amount, april.net) == (
        5000, 1, 5000, 1000
    )  # fmt: skip
    assert (may.gross, may.refunded, may.fees, may.net) == (1000, 400, 59, 541)
    assert (may.by_frequency, may.failed, may.recovered) == ({"month": 1000}, 1, 1)
    assert (june.gross, june.gifts, june.failed, june.recovered) == (0, 0, 1, 0)


def test_a_campaign_or_another_currency_shows_only_its_own(dashboard_gifts):
    euros = Scope(date(2026, 3, 1), date(2026, 6, 1), "eur")
    assert [m.gross for m in dashboard.months(euros)] == [0, 3000, 0, 0]
    one = Scope(SCOPE.first, SCOPE.last, "usd", dashboard_gifts.campaign)
    assert sum(m.gross for m in dashboard.months(one)) == 9000


def test_sources_the_most_first_with_direct_gifts_named(dashboard_gifts):
    rows = [(s.label, s.gifts, s.gross, s.net) for s in dashboard.by_source(SCOPE)]
    assert rows == [
        ("refcode p-a", 1, 5000, 0),
        ("(direct)", 2, 2000, 1600),
        ("newsletter / email", 1, 2000, 2000),
    ]


def test_monthly_recurring_revenue_now_counts_running_donations_as_a_months_worth(dashboard_gifts):
    DonationFactory(frequency="week", amount_cents=1200, status=Donation.Status.PAST_DUE)
    DonationFactory(frequency="year", amount_cents=12000, status=Donation.Status.ACTIVE)
    DonationFactory(monthly=True, status=Donation.Status.CANCELED)
    assert dashboard.recurring_now(SCOPE) == 1000 + 1200 * 52 // 12 + 1000
