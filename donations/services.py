"""Starting a donation: save it, then open a Stripe Checkout Session for it."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from stripe.params.checkout import SessionCreateParams

from advocacy.languages import current_language
from articles.models import Article
from donations import lifecycle, sources
from donations.amount_field import as_typed
from donations.lifecycle import Event
from donations.models import Campaign, Donation, Frequency, donor_for
from donations.stripe_gateway import PaymentsNotConfigured, StripeError, get_gateway

logger = logging.getLogger(__name__)
RESUME_SALT = "donations.resume"
RESUME_MAX_AGE = 7 * 24 * 3600
DETAIL_FIELDS = (
    "amount_cents",
    "fee_cover_cents",
    "frequency",
    "payment_count",
    "first_name",
    "last_name",
    "email",
    "note",
)


class DonationError(Exception):
    """A donation could not be started; the message is safe to show the visitor."""


def start_donation(
    *,
    campaign: Campaign,
    article: Article | None,
    token: uuid.UUID | None,
    details: dict[str, Any],
    base_url: str,
) -> Donation:
    """Save a pending donation and open its Checkout Session.

    `details` holds DETAIL_FIELDS as the form cleaned them. A repeated submission
    of the same form (same token, same details) reuses the first donation and its
    session instead of opening a second one.
    """
    donation, created = _donation_for_submission(
        campaign=campaign, article=article, token=token, details=details
    )
    if donation.checkout_url:
        return donation
    try:
        session = get_gateway().create_checkout_session(
            checkout_session_params(donation, base_url=base_url),
            idempotency_key=f"checkout-session-{donation.public_id}",
        )
    except (StripeError, PaymentsNotConfigured) as error:
        logger.warning("Checkout for donation %s failed: %s", donation.pk, error)
        if created:  # a repeated submission leaves the first one's donation alone
            error_text = f"{type(error).__name__}: {error}"
            lifecycle.apply(donation, Event.CHECKOUT_NOT_OPENED, error=error_text)
        raise DonationError(
            _("We could not reach our payment provider. Nothing was charged; please try again.")
        ) from error
    donation.update(stripe_checkout_session_id=session.id, checkout_url=session.url or "")
    return donation


def _donation_for_submission(
    *, campaign: Campaign, article: Article | None, token: uuid.UUID | None, details: dict[str, Any]
) -> tuple[Donation, bool]:
    """The donation for this submission, and whether this request created it.

    A form's first submission (each page view has its own token) is saved under its
    token at once, with no read before. A token already taken (the form sent again, or
    twice at once) names its donation: that one, while it is pending with the same
    details; otherwise a new donation under a new token."""
    fields = {name: details[name] for name in DETAIL_FIELDS}
    fields |= {name: details.get(name, "") for name in sources.FIELDS}
    fields["language"] = current_language()  # the page's language
    fields |= {"public_id": token or uuid.uuid4(), "campaign": campaign, "article": article}
    try:
        return _new_donation(fields), True
    except IntegrityError:  # the token is taken, or the donor was created meanwhile
        pass
    existing = Donation.objects.by_public_id(token) if token is not None else None
    if existing is not None:
        same = all(getattr(existing, f) == details[f] for f in DETAIL_FIELDS)
        if (
            same
            and existing.campaign_id == campaign.pk
            and existing.status == Donation.Status.PENDING
        ):
            return existing, False
        fields["public_id"] = uuid.uuid4()  # changed details or a finished attempt
    return _new_donation(fields), True


def _new_donation(fields: dict[str, Any]) -> Donation:
    """The donation, and its donor found or created, in one transaction (which an
    IntegrityError rolls back whole: donor_for keeps no savepoint of its own)."""
    with transaction.atomic():
        donor = donor_for(fields["email"], fields["first_name"], fields["last_name"])
        return Donation.objects.create(donor=donor, currency=fields["campaign"].currency, **fields)


def checkout_session_params(donation: Donation, *, base_url: str) -> SessionCreateParams:
    """What we send to Stripe to open the Checkout page for `donation`, in the donor's
    language."""
    with translation.override(donation.language):
        return _checkout_session_params(donation, base_url=base_url)


def _checkout_session_params(donation: Donation, *, base_url: str) -> SessionCreateParams:
    name = _("Donation to %(campaign)s") % {"campaign": donation.campaign.name}
    metadata = {
        "donation_id": str(donation.pk),
        "campaign": donation.campaign.slug,
        "frequency": donation.frequency,
        "payment_count": str(donation.payment_count),
        **sources.sources_in({name: getattr(donation, name) for name in sources.FIELDS}),
    }
    if donation.fee_cover_cents:
        metadata["fee_cover_cents"] = str(donation.fee_cover_cents)
    thanks = base_url + reverse("donations:thanks")
    params: SessionCreateParams = {
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": donation.currency,
                    "unit_amount": donation.amount_cents,
                    "product_data": {"name": name},
                },
            }
        ],
        "customer_email": donation.email,
        "locale": checkout_locale(donation.language),
        "client_reference_id": str(donation.pk),
        "metadata": metadata,
        "success_url": f"{thanks}?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": base_url + resume_path(donation),
    }
    if donation.fee_cover_cents:
        params["line_items"][0]["price_data"]["product_data"]["description"] = _(
            "%(gift)s and %(fee)s to cover the processing fee"
        ) % {"gift": donation.gift_display, "fee": donation.fee_cover_display}
    if donation.frequency == Frequency.ONE_TIME:
        params["mode"] = "payment"
        params["submit_type"] = "donate"
        params["payment_intent_data"] = {"description": name, "metadata": metadata}
    else:
        params["mode"] = "subscription"
        recurring = {"interval": Frequency(donation.frequency).interval}
        params["line_items"][0]["price_data"]["recurring"] = recurring
        params["subscription_data"] = {"description": name, "metadata": metadata}
    return params


# The languages Stripe Checkout is displayed in (its `locale` parameter).
_CHECKOUT_LOCALES_WORDS = """
    bg cs da de el en en-GB es es-419 et fi fil fr fr-CA hi-IN hr hu id it ja ko lt lv ms
    mt nb nl pl pt pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW"""
CHECKOUT_LOCALES = frozenset(_CHECKOUT_LOCALES_WORDS.split())


def checkout_locale(language: str) -> str:
    """Stripe Checkout's locale for a site language ("es"), or "auto" (the browser's)
    for one Checkout does not speak."""
    return language if language in CHECKOUT_LOCALES else "auto"


def resume_path(donation: Donation) -> str:
    """Where Checkout's "back" link goes: the article (or the campaign's page), with the
    form refilled.

    The token is the same for every attempt at one donation (no timestamp in it;
    its age is the donation's), so that the Checkout parameters, and with them the
    idempotency key's request, are the same when a failed attempt is retried.
    """
    token = signing.Signer(salt=RESUME_SALT).sign(str(donation.public_id))
    page = (donation.article or donation.campaign).get_absolute_url()
    return f"{page}?resume={token}#donate"


# A resume link refills the form only while its donation is still to be paid.
RESUMABLE = (Donation.Status.PENDING, Donation.Status.EXPIRED, Donation.Status.FAILED)


def resume_initial(token: str, *, campaign: Campaign) -> dict[str, Any]:
    """The form values of an abandoned checkout, from the signed `resume` token.

    The e-mail address is not refilled (the link travels in browser histories):
    the donor sees it masked and types it again.
    """
    if not token:
        return {}
    try:
        public_id = signing.Signer(salt=RESUME_SALT).unsign(token)
    except signing.BadSignature:
        return {}
    donation = Donation.objects.by_public_id(public_id)
    if donation is None or donation.campaign_id != campaign.pk or donation.status not in RESUMABLE:
        return {}
    if (timezone.now() - donation.created_at).total_seconds() > RESUME_MAX_AGE:
        return {}
    not_typed = ("amount_cents", "fee_cover_cents", "email")
    fields = (name for name in DETAIL_FIELDS if name not in not_typed)
    initial: dict[str, Any] = {name: getattr(donation, name) for name in fields}
    initial |= {name: getattr(donation, name) for name in sources.FIELDS}
    initial["email_hint"] = mask_email(donation.email)
    initial["cover_fee"] = donation.fee_cover_cents > 0
    if donation.gift_cents in campaign.offered_amounts:
        initial["amount"] = str(donation.gift_cents)
    else:
        initial["other_amount"] = as_typed(donation.gift_cents, donation.currency)
    if not donation.is_recurring:
        initial["payment_count"] = None
    return initial


def donation_back_from_checkout(session_id: str) -> Donation | None:
    """The donation whose Checkout Session sent the visitor to the thank-you page.

    The session is retrieved from Stripe once to confirm it is the donation's; the
    answer is cached, since the page checks again every few seconds while pending.
    """
    donation = Donation.objects.by_checkout_session(session_id)
    if donation is None:
        return None
    key = f"donations:checkout-owner:{session_id}"
    owner = cache.get(key)
    if owner is None:
        try:
            gateway = get_gateway(read_timeout=settings.STRIPE_THANKS_TIMEOUT, retries=0)
            owner = gateway.retrieve_checkout_session(session_id).client_reference_id
        except (StripeError, PaymentsNotConfigured) as error:
            # Show what the webhooks recorded rather than keep the visitor waiting.
            logger.warning("Could not retrieve checkout session %s: %s", session_id, error)
            return donation
        cache.set(key, owner, timeout=24 * 3600)
    return donation if owner == str(donation.pk) else None


def mask_email(email: str) -> str:
    """`a•••@example.org`: enough for the donor to recognise, little for anyone else."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"
