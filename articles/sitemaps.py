from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from articles.models import Article


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self) -> QuerySet[Article]:
        return Article.objects.published()

    def lastmod(self, item: Article) -> datetime:
        return item.updated_at
