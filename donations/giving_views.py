"""'Manage my donations': ask for a link by e-mail, and the page it opens."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from donations.giving_link import ask_for_link, donations_of, donor_for_giving_link
from donations.models import Donor
from donations.ratelimits import email_key, ip_key, limited_by
from donations.statement_pdf import render_pdf
from donations.statements import statement_for, years_of


class GivingLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )  # fmt: skip


def _ip_rate(group: str, request: HttpRequest) -> str:
    return str(settings.GIVING_LINK_RATE_LIMIT)


def _address_rate(group: str, request: HttpRequest) -> str:
    return str(settings.GIVING_LINK_EMAIL_RATE_LIMIT)


@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "POST"])
@limited_by((ip_key, _ip_rate), (email_key, _address_rate))
def manage(request: HttpRequest) -> HttpResponse:
    """The same answer for a known and an unknown address (no one learns who gave);
    past the limits, a message and nothing sent."""
    form = GivingLinkForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "hours": settings.GIVING_LINK_MAX_AGE_HOURS, "sent": False}
    if request.method == "POST" and form.is_valid():
        if getattr(request, "limited", False):
            form.add_error(None, _("Too many requests for a link. Please wait a while."))
            return render(request, "donations/manage.html", context, status=429)
        ask_for_link(form.cleaned_data["email"])
        context["sent"] = True
    return render(request, "donations/manage.html", context)


@cache_control(private=True, no_store=True)
def all_giving(request: HttpRequest, token: str) -> HttpResponse:
    donor = donor_for_giving_link(token)
    if donor is None:
        return render(request, "donations/donor_link_invalid.html", status=404)
    return render(request, "donations/all_giving.html", _giving(donor, token))


def _giving(donor: Donor, token: str) -> dict[str, object]:
    """What the page of all of a donor's giving shows."""
    return {
        "donations": donations_of(donor),
        "hours": settings.GIVING_LINK_MAX_AGE_HOURS,
        "years": years_of(donor),
        "token": token,
    }


@cache_control(private=True, no_store=True)
def statement(request: HttpRequest, token: str, year: int, pdf: bool = False) -> HttpResponse:
    """A year's statement, as a page or a PDF, from the link to all of a donor's giving."""
    donor = donor_for_giving_link(token)
    if donor is None:
        return render(request, "donations/donor_link_invalid.html", status=404)
    found = statement_for(donor, year)
    if not found.lines:
        context = _giving(donor, token) | {"no_statement": str(year)}
        return render(request, "donations/all_giving.html", context, status=404)
    if pdf:
        response = HttpResponse(render_pdf(found), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="statement-{year}.pdf"'
        return response
    args = {"token": token, "year": year}
    context = {
        "statement": found,
        "pdf_url": reverse("donations:statement-pdf", kwargs=args),
        "back_url": reverse("donations:all-giving", kwargs={"token": token}),
    }
    return render(request, "donations/statement.html", context)
