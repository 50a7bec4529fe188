"""Atom feed of the latest published articles, served from the page cache as pages are.

Its addresses are the site's own (SITE_URL), whatever Host a request named, so that
one copy serves every visitor.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from advocacy.languages import current_language
from articles import page_cache
from articles.models import Article
from articles.rendering import sanitize_html
from articles.views import next_change


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed

    def link(self) -> str:
        return settings.SITE_URL + reverse("articles:list")

    def feed_url(self) -> str:
        return settings.SITE_URL + reverse("feed")

    def item_link(self, item: Article) -> str:
        return settings.SITE_URL + item.get_absolute_url()

    def title(self) -> str:
        return settings.SITE_NAME

    def subtitle(self) -> str:
        return settings.SITE_DESCRIPTION

    def items(self) -> QuerySet[Article]:
        """The latest in the feed's language (/feed/ English, /es/feed/ Spanish)."""
        return Article.objects.published().in_language(current_language())[:20]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        """HTML in the feed: the summary sanitised as bodies are (they are at save)."""
        return sanitize_html(item.summary) if item.summary else item.body_html

    def item_pubdate(self, item: Article) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str | None:
        return item.author or None


_feed = LatestArticlesFeed()


@require_safe
def latest_articles(request: HttpRequest) -> HttpResponse:
    response = _feed(request)
    if page_cache.rendering_for_cache(request):
        return page_cache.offer(request, response, valid_until=next_change())
    return response
