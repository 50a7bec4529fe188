"""The open box a donation is POSTed to (donations.open_boxes): kept by the process while
the content version is unchanged, looked up again after any change to what it holds."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from donations.open_boxes import open_box
from tests import unreachable
from tests.factories import CampaignArticleFactory, CampaignFactory, donation_form_data
from tests.stripe_events import answer_checkout

pytestmark = pytest.mark.django_db


def box_queries(run):
    with CaptureQueriesContext(connection) as queries:
        result = run()
    return result, [q["sql"] for q in queries if "donations_donationbox" in q["sql"]]


def test_a_box_found_is_kept_while_nothing_changes():
    article = CampaignArticleFactory()
    first, asked = box_queries(lambda: open_box(article.slug))
    assert first.pk == article.donation_box.pk and len(asked) == 1
    again, asked = box_queries(lambda: open_box(article.slug))
    assert again is first
    assert asked == []


def test_a_campaign_closed_is_seen_at_once():
    article = CampaignArticleFactory()
    open_box(article.slug)
    campaign = article.donation_box.campaign
    campaign.active = False
    campaign.save()
    with pytest.raises(Http404):
        open_box(article.slug)


def test_a_box_moved_to_another_campaign_is_seen_at_once():
    article = CampaignArticleFactory()
    assert open_box(article.slug).campaign.name == "Defend 287(g)"
    box = article.donation_box
    box.campaign = CampaignFactory(name="Legal defence fund")
    box.save()
    assert open_box(article.slug).campaign.name == "Legal defence fund"


def test_an_article_unpublished_after_a_donation_refuses_the_next(client, fake_stripe):
    article = CampaignArticleFactory()
    answer_checkout(fake_stripe)
    url = f"{article.get_absolute_url()}donate/"
    assert client.post(url, donation_form_data()).status_code == 303
    article.status = Article.Status.DRAFT
    article.save()
    assert client.post(url, donation_form_data(email="grace@example.org")).status_code == 404
    assert len(fake_stripe.requests) == 1


def test_with_the_cache_down_the_box_comes_from_the_database_and_none_is_kept(settings):
    article = CampaignArticleFactory()
    kept = open_box(article.slug)
    durable = settings.CACHES["durable"]
    down = unreachable.CACHE
    settings.CACHES = {**settings.CACHES, "default": down, "durable": down}
    found, asked = box_queries(lambda: open_box(article.slug))
    assert found.pk == kept.pk and found is not kept and len(asked) == 1
    # A change saved while the cache is down draws no new version; once the cache is
    # back under the version from before, the box is not served from memory.
    campaign = kept.campaign
    campaign.active = False
    campaign.save()
    settings.CACHES = {**settings.CACHES, "durable": durable}
    with pytest.raises(Http404):
        open_box(article.slug)
