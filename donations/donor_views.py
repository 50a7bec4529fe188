"""The donor's own page (donations.donor_page): their donation, the card it is taken
from, and what they can do: cancel the rest (after a page saying what stops), update
the card (and be told, back on the page, whether it changed)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from donations.donor_page import (
    Card,
    DonorPageError,
    cancel_remaining,
    card_on_file,
    card_update_url,
    donation_for_link,
    donor_link,
    outlook,
)
from donations.jobs import retry_failed_renewals
from donations.models import Donation
from donations.services import mask_email


@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "POST"])
def donor_page(request: HttpRequest, token: str) -> HttpResponse:
    """The donor's own page (donations.donor_page): their donation and what they can do."""
    donation = donation_for_link(token)
    if donation is None:
        return render(request, "donations/donor_link_invalid.html", status=404)
    if request.method == "POST":
        return _donor_action(request, donation)
    shown = outlook(donation)
    card = card_on_file(donation) if shown.can_update_card else None
    _tell_card_change(request, donation, card)
    context = {
        "donation": donation,
        "outlook": shown,
        "card": card,
        "masked_email": mask_email(donation.email),
    }
    return render(request, "donations/donor_page.html", context)


@cache_control(private=True, no_store=True)
@require_http_methods(["GET"])
def donor_card(request: HttpRequest, token: str) -> HttpResponse:
    """The card update in one step, from a failed renewal's e-mail: straight to Stripe's
    page (back to the donation's page, which says whether the card changed)."""
    donation = donation_for_link(token)
    if donation is None:
        return render(request, "donations/donor_link_invalid.html", status=404)
    page = request.build_absolute_uri(donor_link(donation))
    try:
        return _open_card_update(request, donation, page)
    except DonorPageError as error:
        messages.error(request, str(error))
        return redirect(page)


def _open_card_update(request: HttpRequest, donation: Donation, return_url: str) -> HttpResponse:
    url = card_update_url(donation, return_url)
    card = card_on_file(donation)
    request.session[_card_key(donation)] = card.id if card else ""
    return redirect(url)


def _card_key(donation: Donation) -> str:
    return f"card-before-portal:{donation.public_id}"


def _tell_card_change(request: HttpRequest, donation: Donation, card: Card | None) -> None:
    """Back from the card update: say whether the card the payments use changed."""
    before = request.session.pop(_card_key(donation), None)
    if before is None or card is None:
        return
    if card.id != before:
        told = _(
            "Your card is updated: the payments still to come will be taken from your "
            "%(brand)s ending in %(last4)s."
        ) % {"brand": card.brand, "last4": card.last4}
        if retry_failed_renewals(donation):
            told += " " + _(
                "The payment that failed is being tried again with this card now; "
                "you will receive a receipt once it goes through."
            )
        messages.success(request, told)
    else:
        messages.info(request, _("Your card was not changed."))


def _donor_action(request: HttpRequest, donation: Donation) -> HttpResponse:
    """Cancel (after a page saying what stops) or update the card; back to the page
    with what happened."""
    action = request.POST.get("action")
    if action not in ("cancel", "card"):
        return HttpResponseBadRequest()
    try:
        if action == "card":
            return _open_card_update(request, donation, request.build_absolute_uri())
        shown = outlook(donation)
        if request.POST.get("confirm") != "yes" and shown.can_cancel:
            context = {"donation": donation, "outlook": shown}
            return render(request, "donations/donor_cancel.html", context)
        cancel_remaining(donation)
        messages.success(
            request,
            _(
                "Your remaining payments are cancelled: nothing more will be charged. "
                "The payments already made stay with the campaign."
            ),
        )
    except DonorPageError as error:
        messages.error(request, str(error))
    return redirect(request.path)
