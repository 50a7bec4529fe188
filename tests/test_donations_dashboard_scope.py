"""The dashboard's scope: whole months in UTC, across years, the default range."""

from datetime import UTC, date, datetime

import pytest

from donations.dashboard_scope import Scope, month_back, month_key
from tests.factories import CampaignFactory


def test_months_run_across_a_year_end_and_end_at_the_next_month():
    scope = Scope(date(2025, 11, 1), date(2026, 2, 1), "usd")
    assert scope.months() == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1),
                              date(2026, 2, 1)]  # fmt: skip
    assert (scope.start, scope.end) == (datetime(2025, 11, 1, tzinfo=UTC),
                                        datetime(2026, 3, 1, tzinfo=UTC))  # fmt: skip
    assert Scope(date(2026, 12, 1), date(2026, 12, 1), "usd").end == datetime(
        2027, 1, 1, tzinfo=UTC
    )


def test_a_month_reads_the_same_from_either_database():
    assert month_key("2026-03") == month_key(datetime(2026, 3, 1)) == "2026-03"
    assert month_back(date(2026, 1, 1), 11) == date(2025, 2, 1)


@pytest.mark.django_db
def test_the_default_is_the_last_12_months_in_the_main_campaigns_currency():
    other = CampaignFactory(name="Autres", currency="eur")
    main = CampaignFactory(name="General Fund", currency="jpy", is_main=True)
    scope = Scope.default(date(2026, 12, 4), [other, main])
    assert (scope.first, scope.last, scope.currency, scope.campaign) == (
        date(2026, 1, 1), date(2026, 12, 1), "jpy", None
    )  # fmt: skip
    assert Scope.default(date(2026, 12, 4), []).currency == "usd"
