"""The donor's own page: reached by a signed link that expires, it shows the donation,
its payments and what is still to come, and lets the donor stop the remaining
payments or update their card (a Stripe Billing Portal session)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from donations.models import Donation, Payment
from donations.staff_actions import StaffActionError, cancel_now
from donations.stripe_gateway import PaymentsNotConfigured, StripeError, get_gateway

SALT = "donations.donor-page"


class DonorPageError(Exception):
    """What the donor asked could not be done; the message is for them."""


def donor_link(donation: Donation) -> str:
    """The path of the donation's own page; valid for DONOR_LINK_MAX_AGE_DAYS."""
    token = signing.TimestampSigner(salt=SALT).sign(str(donation.public_id))
    return reverse("donations:donor-page", kwargs={"token": token})


def donation_for_link(token: str) -> Donation | None:
    """The donation a link is for; None for a forged, altered or expired link."""
    max_age = int(settings.DONOR_LINK_MAX_AGE_DAYS) * 86400
    try:
        public_id = signing.TimestampSigner(salt=SALT).unsign(token, max_age=max_age)
    except signing.BadSignature:
        return None
    return Donation.objects.select_related("campaign").filter(public_id=public_id).first()


@dataclass
class Outlook:
    payments: list[Payment]
    still_to_come: int  # payments the schedule will still take
    can_cancel: bool
    can_update_card: bool


def outlook(donation: Donation) -> Outlook:
    payments = list(donation.payments.filter(status__in=Payment.COUNTED).order_by("paid_at"))
    running = donation.is_recurring and donation.status in Donation.RUNNING
    return Outlook(
        payments=payments,
        still_to_come=max(0, donation.payment_count - len(payments)) if running else 0,
        can_cancel=running and bool(donation.stripe_subscription_id),
        can_update_card=running and bool(donation.stripe_customer_id),
    )


def cancel_remaining(donation: Donation) -> None:
    if not outlook(donation).can_cancel:
        raise DonorPageError("There are no payments left to cancel.")
    try:
        cancel_now(donation)
    except StaffActionError as error:
        raise DonorPageError(
            "We could not reach our payment provider. Nothing was changed; please try again."
        ) from error


def card_update_url(donation: Donation, return_url: str) -> str:
    """A Stripe Billing Portal session where the donor updates their card."""
    if not outlook(donation).can_update_card:
        raise DonorPageError("This donation has no card to update.")
    try:
        session = get_gateway().create_billing_portal_session(
            donation.stripe_customer_id, return_url=return_url
        )
    except (StripeError, PaymentsNotConfigured) as error:
        raise DonorPageError(
            "We could not reach our payment provider. Please try again in a moment."
        ) from error
    return str(session.url)
