"""A campaign's own donation page (/donate/<slug>/, where the header's Donate button
leads), and its box for partner sites (/donate/<slug>/embed/): both from the page cache
for anonymous visitors, as articles are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from articles import page_cache
from articles.views import next_new_year, public_page
from donations.embedding import allow_framing
from donations.forms import DonationForm
from donations.models import Campaign
from donations.ratelimits import limited
from donations.views import campaign_closed, take_donation

PAGE = "donations/campaign_page.html"
EMBED = "donations/campaign_embed.html"


@require_http_methods(["GET", "HEAD", "POST"])
@limited
def campaign_page(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug)
    if not campaign.active:
        return campaign_closed(request)
    if request.method == "POST":
        return take_donation(request, campaign, None, _answer_on_page(request, campaign))
    return _offered(request, campaign, PAGE)


@require_safe
def main_campaign(request: HttpRequest) -> HttpResponse:
    """Where the header's Donate button leads: the main campaign's page; without one, the
    campaigns open now to choose from (or a word that none is)."""
    campaign = Campaign.objects.filter(is_main=True, active=True).first()
    if campaign is not None:
        return _offered(request, campaign, PAGE)
    context = {"campaigns": Campaign.objects.filter(active=True)}
    return public_page(render(request, "donations/campaign_list.html", context))


@csrf_exempt  # posted from a frame on a partner's site, where our cookies are not sent
@require_http_methods(["GET", "HEAD", "POST"])
@limited
def campaign_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The box alone, for a frame on the sites the campaign lists. Its form opens the
    next page at the top (target=_top): Checkout, or the campaign's page with what is
    wrong, never inside the partner's frame."""
    campaign = get_object_or_404(Campaign.objects.filter(active=True), slug=slug)
    if request.method == "POST":
        return take_donation(request, campaign, None, _answer_on_page(request, campaign))
    return allow_framing(_offered(request, campaign, EMBED), campaign)


def _answer_on_page(
    request: HttpRequest, campaign: Campaign
) -> Callable[[DonationForm, int], HttpResponse]:
    def answer(form: DonationForm, status: int) -> HttpResponse:
        return _rendered(request, campaign, PAGE, {"donation_form": form}, status)

    return answer


def _offered(request: HttpRequest, campaign: Campaign, template: str) -> HttpResponse:
    if not page_cache.rendering_for_cache(request):
        return _rendered(request, campaign, template)
    sentinels = {"csrf_token": page_cache.CSRF_SENTINEL, "for_page_cache": True}
    response = _rendered(request, campaign, template, sentinels)
    return page_cache.offer(request, response, valid_until=next_new_year())


def _rendered(
    request: HttpRequest,
    campaign: Campaign,
    template: str,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "campaign": campaign,
        "canonical_url": settings.SITE_URL + campaign.get_absolute_url(),
        **(extra or {}),
    }
    return public_page(render(request, template, context, status=status))
