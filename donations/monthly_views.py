"""The thank-you page's offer to give monthly: accepted (on to Checkout for a new
monthly donation) or declined (not offered again in this browser session)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from donations import monthly_offer
from donations.models import Donation
from donations.ratelimits import PER_CONNECTION, SITE_WIDE, limited_by
from donations.services import DonationError
from donations.views import thanks_page


@require_POST
@limited_by(SITE_WIDE, PER_CONNECTION)  # the offer carries no address to count by
def make_monthly(request: HttpRequest) -> HttpResponse:
    session_id = request.POST.get("session_id", "")[:255]
    donation = Donation.objects.by_checkout_session(session_id) if session_id else None
    back = f"{reverse('donations:thanks')}?session_id={session_id}"
    if donation is None or not monthly_offer.offered(donation, request.session):
        return redirect(back)
    if request.POST.get("choice") != "yes":
        monthly_offer.decline(request.session)
        return redirect(back)
    form = monthly_offer.checked(donation, request.POST)
    if getattr(request, "limited", False) or not form.is_valid():
        if getattr(request, "limited", False):
            form.add_error(None, _("Too many attempts from your connection. Please wait a minute."))
        return thanks_page(request, donation, session_id, offer=form)
    try:
        monthly = monthly_offer.make_monthly(
            donation, form, base_url=f"{request.scheme}://{request.get_host()}"
        )
    except DonationError as error:
        form.add_error(None, str(error))
        return thanks_page(request, donation, session_id, offer=form)
    response = HttpResponseRedirect(monthly.checkout_url)
    response.status_code = 303
    return response
