"""All of a donor's giving, for the donor: "Manage my donations".

A donor types their e-mail address; if it is a donor's, a fresh link to a page listing
every donation made with any of their addresses is mailed to it (on the queue). The
answer on the site is the same whether or not the address is known, so that no one
learns who gave. The link is signed for that donor and this purpose only (a link to
one donation's page does not open it, nor it one donation's page) and expires after
GIVING_LINK_MAX_AGE_HOURS.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from advocacy.languages import current_language
from donations.donor_page import donor_link
from donations.models import Donation, Donor, DonorEmail, normalised

logger = logging.getLogger(__name__)
SALT = "donations.all-giving"


def giving_link(donor: Donor) -> str:
    """The path of the page of all of `donor`'s giving."""
    token = signing.TimestampSigner(salt=SALT).sign(str(donor.pk))
    return reverse("donations:all-giving", kwargs={"token": token})


def donor_for_giving_link(token: str) -> Donor | None:
    """The donor a link is for; None for a forged, altered or expired one."""
    max_age = int(settings.GIVING_LINK_MAX_AGE_HOURS) * 3600
    try:
        pk = signing.TimestampSigner(salt=SALT).unsign(token, max_age=max_age)
    except signing.BadSignature:
        return None
    return Donor.objects.filter(pk=pk, erased_at=None).first()


def _made(donor: Donor) -> QuerySet[Donation]:
    """The donations `donor` made (not the checkouts opened and left)."""
    return donor.donations.exclude(status__in=[Donation.Status.PENDING, Donation.Status.EXPIRED])


def donations_of(donor: Donor) -> list[tuple[Donation, str]]:
    """Each donation of `donor`, newest first, with the path of its own page."""
    donations = (
        _made(donor).select_related("campaign").prefetch_related("payments").order_by("-created_at")
    )
    return [(donation, donor_link(donation)) for donation in donations]


def ask_for_link(address: str) -> None:
    """Mail the link if `address` is a donor's; nothing is said either way."""
    mail_giving_link.enqueue(address, current_language())


@task()
def mail_giving_link(address: str, language: str = settings.LANGUAGE_CODE) -> bool:
    """Send the link to `address` if it belongs to a donor with donations, in the
    language of the page it was asked on; whether one was sent."""
    with translation.override(language):
        return _mail_giving_link(address)


def _mail_giving_link(address: str) -> bool:
    known = DonorEmail.objects.select_related("donor").filter(email=normalised(address)).first()
    if known is None or known.donor.erased_at or not _made(known.donor).exists():
        return False
    context = {
        "donor": known.donor,
        "url": settings.SITE_URL + giving_link(known.donor),
        "hours": settings.GIVING_LINK_MAX_AGE_HOURS,
        "site_name": settings.SITE_NAME,
    }
    subject = _("Your donations to %(site)s") % {"site": settings.SITE_NAME}
    text = render_to_string("donations/email/giving_link.txt", context)
    email = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address.strip()])
    email.attach_alternative(render_to_string("donations/email/giving_link.html", context),
                             "text/html")  # fmt: skip
    email.send()
    return True
