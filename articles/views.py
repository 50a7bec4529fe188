"""Public pages: the list of published articles and one article."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView

from articles import page_cache
from articles.models import Article


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset: QuerySet[Article]) -> int:
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.published().defer("body", "body_html")


def visible_articles(request: HttpRequest) -> QuerySet[Article]:
    """Staff may preview drafts and future-dated articles; everyone else gets a 404."""
    if request.user.is_staff:
        return Article.objects.all()
    return Article.objects.published()


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(visible_articles(request), slug=slug)
    if not page_cache.cacheable(request):
        return render_article(request, article)
    key = page_cache.page_key(request, article)
    html = page_cache.cached_page(key)
    if html is None:
        # Rendered with sentinels for the per-visitor values (see page_cache).
        rendered = render_article(
            request,
            article,
            extra_context={"csrf_token": page_cache.CSRF_SENTINEL, "for_page_cache": True},
        )
        html = rendered.content.decode()
        page_cache.remember_page(key, html)
    return page_cache.filled_in(request, html)


def render_article(
    request: HttpRequest,
    article: Article,
    *,
    extra_context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The article page. Other apps that put something on it (the donation box) pass
    what they need in `extra_context` when they answer a request of their own."""
    context = {
        "article": article,
        "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
        **(extra_context or {}),
    }
    return render(request, "articles/article_detail.html", context, status=status)
