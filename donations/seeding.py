"""The seeded article's donation box: `load_seed` imports posts; this gives each post
that had the original page's donation widget a box for the default campaign."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.text import slugify

from articles.models import Article
from donations.models import Campaign, DonationBox


def default_campaign() -> Campaign:
    """The campaign a seeded donation box collects for (renamed freely in the admin)."""
    main = not Campaign.objects.filter(is_main=True).exists()  # the site's first campaign
    campaign, _ = Campaign.objects.get_or_create(
        slug=slugify(settings.SEED_CAMPAIGN_NAME),
        defaults={"name": settings.SEED_CAMPAIGN_NAME, "is_main": main},
    )
    return campaign


def give_seeded_article_a_box(
    sender: type[Article], *, article: Article, has_donation_box: bool, **kwargs: Any
) -> None:
    """Connected to articles.seeds.seed_imported. A box staff changed or removed in the
    admin stays as they left it only while the article has one: a re-import of a post
    whose box was removed adds it again, as the seed file still shows it."""
    if has_donation_box and not DonationBox.objects.filter(article=article).exists():
        DonationBox.objects.create(article=article, campaign=default_campaign())
