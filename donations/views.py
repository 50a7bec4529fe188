"""Donation views: thin; the form validates, donations.services acts."""

from __future__ import annotations

import logging
from collections.abc import Callable

from csp.decorators import csp_exempt
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from articles.views import render_article, visible_articles, visible_to
from donations import monthly_offer
from donations.donor_page import (
    donor_link,
)
from donations.event_inbox import receive_event
from donations.forms import DonationForm
from donations.models import Campaign, Donation
from donations.open_boxes import open_box
from donations.ratelimits import limited, note_refusal
from donations.services import (
    DonationError,
    donation_back_from_checkout,
    mask_email,
    start_donation,
)
from donations.webhooks import InvalidEvent, Outcome, verify_event

logger = logging.getLogger(__name__)


@require_POST
@limited
def donate(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        box = open_box(slug)
    except Http404:  # no box, or its campaign has closed since the page was loaded
        article = visible_articles(request).filter(slug=slug, donation_box__isnull=False)
        return campaign_closed(request, article=get_object_or_404(article))
    if not visible_to(request, box.article):
        raise Http404

    def answer_with_form(form: DonationForm, status: int) -> HttpResponse:
        return render_article(
            request, box.article, extra_context={"donation_form": form}, status=status
        )

    return take_donation(request, box.campaign, box.article, answer_with_form)


def campaign_closed(request: HttpRequest, *, article: Article | None = None) -> HttpResponse:
    """410 for a campaign that has stopped taking donations (a form sent from a page
    loaded before it closed, or an old link to its page), saying that nothing was
    charged, with the way to the campaigns open now."""
    posted = request.method == "POST"
    if posted:  # the switcher leads to each language's home, not to a URL only POSTed to
        request.translations = {}  # type: ignore[attr-defined]
    context = {"article": article, "posted": posted}
    return render(request, "donations/campaign_closed.html", context, status=410)


def take_donation(
    request: HttpRequest,
    campaign: Campaign,
    article: Article | None,
    answer_with_form: Callable[[DonationForm, int], HttpResponse],
) -> HttpResponse:
    """The POSTed form: on to Stripe Checkout (303), or the page again with what is wrong
    and everything the visitor typed."""
    form = DonationForm(request.POST, campaign=campaign)
    if getattr(request, "limited", False):
        note_refusal(request)
        form.is_valid()
        form.add_error(None, _("Too many attempts from your connection. Please wait a minute."))
        return answer_with_form(form, 429)
    if not form.is_valid():
        return answer_with_form(form, 400 if form.is_bot else 200)
    try:
        donation = start_donation(
            campaign=campaign,
            article=article,
            token=form.cleaned_data["token"],
            details=form.cleaned_data,
            base_url=f"{request.scheme}://{request.get_host()}",
        )
    except DonationError as error:
        form.add_error(None, str(error))
        return answer_with_form(form, 502)
    response = HttpResponseRedirect(donation.checkout_url)
    response.status_code = 303
    return response


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    session_id = request.GET.get("session_id", "")[:255]
    donation = donation_back_from_checkout(session_id) if session_id else None
    return thanks_page(request, donation, session_id)


def thanks_page(
    request: HttpRequest,
    donation: Donation | None,
    session_id: str,
    offer: DonationForm | None = None,
) -> HttpResponse:
    """The thank-you page, with the offer to give monthly where it is made (`offer`:
    the offer as the donor filled it in, with what is wrong)."""
    context: dict[str, object] = {"donation": donation, "session_id": session_id}
    if donation is not None:
        context |= {
            "masked_email": mask_email(donation.email),
            "donor_link": donor_link(donation),
            "offer": offer or monthly_offer.checked(donation, monthly_offer.initial(donation))
            if monthly_offer.offered(donation, request.session)
            else None,
        }
    return render(request, "donations/thanks.html", context, status=200 if donation else 404)


@csrf_exempt
@csp_exempt()  # JSON for Stripe's servers, never a page
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's signed events: stored and answered at once, applied by the worker."""
    try:
        event = verify_event(request.body, request.headers.get("Stripe-Signature"))
    except InvalidEvent as error:
        return JsonResponse({"error": str(error)}, status=400)
    try:
        outcome = receive_event(event)
    except Exception:  # a failure to store the event: still JSON, and Stripe delivers it again
        logger.exception("Stripe event %s could not be received", event.id)
        return JsonResponse({"status": Outcome.FAILED.value}, status=500)
    return JsonResponse({"status": outcome.value})  # received, a duplicate or ignored
