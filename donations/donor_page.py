"""The donor's own page: reached by a signed link that expires, it shows the donation,
its payments, what is still to come and the card it will be taken from, and lets the
donor stop the remaining payments or update their card (a Stripe Billing Portal
session; back on the page, they are told whether the card changed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from donations.billing_periods import add_interval
from donations.models import Donation, Payment
from donations.staff_actions import StaffActionError, cancel_now
from donations.stripe_gateway import (
    PaymentsNotConfigured,
    StripeError,
    StripeUnavailable,
    get_gateway,
)

SALT = "donations.donor-page"


class DonorPageError(Exception):
    """What the donor asked could not be done; the message is for them."""


def donor_link(donation: Donation) -> str:
    """The path of the donation's own page; valid for DONOR_LINK_MAX_AGE_DAYS."""
    return reverse("donations:donor-page", kwargs={"token": _token(donation)})


def card_link(donation: Donation) -> str:
    """The path that opens the card update at once (a failed renewal's e-mail): the same
    token as the donation's page."""
    return reverse("donations:donor-card", kwargs={"token": _token(donation)})


def _token(donation: Donation) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(donation.public_id))


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
    upcoming: list[datetime]  # when the payments still to come are expected
    can_cancel: bool
    can_update_card: bool
    cancel_asked: bool  # asked of Stripe, not yet confirmed by its event
    failed: list[Payment]  # renewals Stripe could not take (yet)

    @property
    def still_to_come(self) -> int:
        return len(self.upcoming)

    @property
    def paid_cents(self) -> int:
        return sum(p.amount_cents - p.amount_refunded_cents for p in self.payments)


def outlook(donation: Donation) -> Outlook:
    """What the donor's page shows and offers: only what can still happen."""
    payments = list(donation.payments.filter(status__in=Payment.COUNTED).order_by("paid_at"))
    running = donation.is_recurring and donation.status in Donation.RUNNING
    asked = running and donation.cancel_requested_at is not None
    acting = running and not asked
    return Outlook(
        payments=payments,
        upcoming=_upcoming(donation, payments) if acting else [],
        can_cancel=acting and bool(donation.stripe_subscription_id),
        can_update_card=acting and bool(donation.stripe_customer_id),
        cancel_asked=asked,
        failed=list(donation.payments.filter(status=Payment.Status.FAILED)) if running else [],
    )


def _upcoming(donation: Donation, payments: list[Payment]) -> list[datetime]:
    """The dates of the payments still to come, counted from the first one as Stripe
    bills (the same day of each period; a pause moves them later)."""
    left = max(0, donation.payment_count - len(payments))
    first = payments[0].paid_at if payments else None
    if first is None:
        return []
    start = int(first.timestamp())
    return [
        datetime.fromtimestamp(add_interval(start, donation.frequency, number), UTC)
        for number in range(len(payments), len(payments) + left)
    ]


def cancel_remaining(donation: Donation) -> None:
    """Ask Stripe to stop the remaining payments (the page says it was asked at once;
    Stripe's event then records the cancellation)."""
    if not outlook(donation).can_cancel:
        raise DonorPageError(_("There are no payments left to cancel."))
    try:
        cancel_now(donation)
    except StaffActionError as error:
        raise DonorPageError(
            _("We could not reach our payment provider. Nothing was changed; please try again.")
        ) from error


@dataclass(frozen=True)
class Card:
    id: str
    brand: str
    last4: str
    expires: str  # "12/2030"


def card_on_file(donation: Donation) -> Card | None:
    """The card the remaining payments will be taken from, as Stripe has it; None when
    there is none or Stripe does not answer now (the page says so)."""
    if not donation.stripe_subscription_id:
        return None
    try:
        method = get_gateway().card_on_file(donation.stripe_subscription_id)
    except (StripeError, StripeUnavailable, PaymentsNotConfigured):
        return None
    card = method.card if method is not None else None
    if method is None or card is None:
        return None
    return Card(method.id, card.brand.title(), card.last4, f"{card.exp_month:02d}/{card.exp_year}")


def card_update_url(donation: Donation, return_url: str) -> str:
    """A Stripe Billing Portal session where the donor updates their card."""
    if not outlook(donation).can_update_card:
        raise DonorPageError(_("This donation has no card to update."))
    try:
        session = get_gateway().create_billing_portal_session(
            donation.stripe_customer_id, return_url=return_url
        )
    except (StripeError, PaymentsNotConfigured) as error:
        raise DonorPageError(
            _("We could not reach our payment provider. Please try again in a moment.")
        ) from error
    return str(session.url)
