"""Atom feed of the latest published articles."""

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from articles.models import Article
from articles.rendering import sanitize_html


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    link = reverse_lazy("articles:list")

    def title(self) -> str:
        return settings.SITE_NAME

    def subtitle(self) -> str:
        return settings.SITE_DESCRIPTION

    def items(self) -> QuerySet[Article]:
        return Article.objects.published()[:20]

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
