"""Public pages: the list of published articles and one article."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView

from articles.models import Article
from donations.forms import DonationForm
from donations.services import resume_initial


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
    article = get_object_or_404(visible_articles(request).select_related("campaign"), slug=slug)
    return render_article(request, article)


def render_article(
    request: HttpRequest,
    article: Article,
    *,
    donation_form: DonationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The article page, with its campaign's donation box when it has an active one."""
    campaign = article.campaign
    if donation_form is None and campaign is not None and campaign.active:
        initial = resume_initial(request.GET.get("resume", ""), campaign=campaign)
        donation_form = DonationForm(campaign=campaign, initial=initial)
    context = {
        "article": article,
        "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
        "donation_form": donation_form,
    }
    return render(request, "articles/article_detail.html", context, status=status)
