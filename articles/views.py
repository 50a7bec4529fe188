"""Public pages: the list of published articles and one article."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.views.generic import DetailView, ListView

from articles.models import Article


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset: QuerySet[Article]) -> int:
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.published().defer("body", "body_html")


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self) -> QuerySet[Article]:
        # Staff may preview drafts and future-dated articles; everyone else gets a 404.
        if self.request.user.is_staff:
            return Article.objects.all()
        return Article.objects.published()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["canonical_url"] = self.request.build_absolute_uri(self.object.get_absolute_url())
        return context
