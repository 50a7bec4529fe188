"""Public pages: the list of published articles and one article."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Min, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from advocacy.languages import current_language
from articles import page_cache
from articles.models import Article


def public_page(response: HttpResponse) -> HttpResponse:
    """Browsers and proxies check again before showing a page from their cache (it
    carries the visitor's own CSRF token, and an unpublished article must go at once)."""
    response.headers.setdefault("Cache-Control", "private, no-cache")
    return response


@method_decorator(require_safe, name="dispatch")
class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset: QuerySet[Article]) -> int:
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self) -> QuerySet[Article]:
        """The published articles in the page's language."""
        return (
            Article.objects.published().in_language(current_language()).defer("body", "body_html")
        )

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = public_page(super().render_to_response(context, **kwargs))
        if not page_cache.rendering_for_cache(self.request):
            return response
        response.render()
        return page_cache.offer(self.request, response, valid_until=next_change())


def next_change() -> datetime:
    """When a list of articles changes without a save: a scheduled article comes out, or
    the footer's year turns."""
    scheduled = Article.objects.filter(
        status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
    ).aggregate(first=Min("published_at"))["first"]
    return min(filter(None, [scheduled, next_new_year()]))


def visible_articles(request: HttpRequest) -> QuerySet[Article]:
    """Staff may preview drafts and future-dated articles; everyone else gets a 404."""
    if request.user.is_staff:
        return Article.objects.all()
    return Article.objects.published()


def visible_to(request: HttpRequest, article: Article) -> bool:
    """visible_articles' rule, for an article already fetched (no subquery to run)."""
    return article.is_public or request.user.is_staff


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(visible_articles(request), slug=slug)
    if article.language != current_language():  # an article is read in its language
        return redirect(article.get_absolute_url())
    if not page_cache.rendering_for_cache(request):
        return render_article(request, article)
    # Rendered with sentinels for the per-visitor values (see page_cache).
    sentinels = {"csrf_token": page_cache.CSRF_SENTINEL, "for_page_cache": True}
    response = render_article(request, article, extra_context=sentinels)
    return page_cache.offer(request, response, valid_until=next_new_year())


def next_new_year() -> datetime:
    """When the footer's copyright year changes."""
    return datetime(timezone.now().year + 1, 1, 1, tzinfo=UTC)


def render_article(
    request: HttpRequest,
    article: Article,
    *,
    extra_context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The article page. Other apps that put something on it (the donation box) pass
    what they need in `extra_context` when they answer a request of their own."""
    # The language switcher and hreflang links go to the article's translations.
    request.translations = {  # type: ignore[attr-defined]
        code: version.get_absolute_url()
        for code, version in article.versions(visible_articles(request)).items()
    }
    context = {
        "article": article,
        # The site's own address, whatever Host the request named.
        "canonical_url": settings.SITE_URL + article.get_absolute_url(),
        **(extra_context or {}),
    }
    return public_page(render(request, "articles/article_detail.html", context, status=status))
