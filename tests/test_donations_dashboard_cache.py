"""The dashboard's figures kept in the cache: computed once, refreshed by the worker,
the first page of the day ready beforehand."""

import pytest
from django.utils import timezone

from donations import dashboard_cache
from donations.dashboard_scope import Scope
from donations.models import Campaign
from tests.factories import CampaignFactory, gift

pytestmark = pytest.mark.django_db


def default_scope():
    return Scope.default(timezone.now().date(), list(Campaign.objects.order_by("name")))


def test_the_periodic_job_computes_the_page_staff_open_first(
    memory_cache, django_assert_num_queries
):
    CampaignFactory(name="General Fund", is_main=True)
    gift("ada@example.org", 1000, timezone.now())
    dashboard_cache.refresh_default_figures.call()
    gift("bo@example.org", 2500, timezone.now())
    scope = default_scope()
    with django_assert_num_queries(0):  # read from the cache, nothing computed
        kept = dashboard_cache.figures(scope)
    assert sum(m.gross for m in kept.months) == 1000 and kept.fresh


def test_a_refresh_computes_the_scope_it_was_asked_for(memory_cache):
    campaign = CampaignFactory(name="Winter", currency="eur")
    gift("ada@example.org", 1000, timezone.now(), campaign=campaign, currency="eur")
    today = timezone.now().date().replace(day=1)
    dashboard_cache.refresh_figures.call(today.isoformat(), today.isoformat(), "eur", campaign.pk)
    kept = dashboard_cache.figures(Scope(today, today, "eur", campaign))
    assert [m.gross for m in kept.months] == [1000]
