"""The sitemap: one section per language, its home page and its articles, each at its
address in that language."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import translation

from articles.models import Article


class HomeSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return [code for code, _name in settings.LANGUAGES]

    def location(self, item: str) -> str:
        with translation.override(item):
            return reverse("articles:list")


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def __init__(self, language: str) -> None:
        self.language = language

    def items(self) -> list[Article]:
        return list(Article.objects.published().in_language(self.language))

    def lastmod(self, item: Article) -> datetime:
        return item.updated_at


def sections() -> dict[str, Sitemap]:
    articles = {f"articles-{code}": ArticleSitemap(code) for code, _name in settings.LANGUAGES}
    return {"home": HomeSitemap(), **articles}
