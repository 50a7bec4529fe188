"""Donations: who gave, how much, how often, and where Stripe has got with it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from donations.models.amounts import shown
from donations.models.campaigns import COUNTED, Campaign
from donations.models.donors import Donor

if TYPE_CHECKING:
    from donations.models.payments import Payment

Interval = Literal["week", "month", "year"]


class Frequency(models.TextChoices):
    ONE_TIME = "one_time", _("one time")
    WEEKLY = "week", _("weekly")
    MONTHLY = "month", _("monthly")
    YEARLY = "year", _("yearly")

    @property
    def interval(self) -> Interval:
        """The Stripe billing interval of a recurring frequency."""
        return _INTERVALS[self]


_INTERVALS: dict[str, Interval] = {"week": "week", "month": "month", "year": "year"}


class Method(models.TextChoices):
    """How the money came: through Stripe, or handed to staff (an offline gift)."""

    CARD = "card", _("card (Stripe)")
    CHEQUE = "cheque", _("cheque")
    BANK_TRANSFER = "bank_transfer", _("bank transfer")
    CASH = "cash", _("cash")


NEVER_PAID = ("pending", "expired", "failed")


def is_reference(reference: str) -> bool:
    """Whether `reference` can be one of our donation ids (a 64-bit positive integer)."""
    return (
        reference.isascii() and reference.isdigit() and len(reference) <= 18 and int(reference) > 0
    )


class DonationQuerySet(models.QuerySet):
    """The named ways a Stripe object leads to its donation. Lookups only read."""

    def never_paid(self) -> DonationQuerySet:
        """Donations without a payment Stripe confirmed (abandoned, failed, bots)."""
        return self.filter(status__in=NEVER_PAID).exclude(payments__status__in=["paid", "refunded"])

    def locked(self) -> DonationQuerySet:
        """Row-locked until the transaction ends (webhook handlers change what they find)."""
        return self.select_for_update()

    def by_public_id(self, public_id: object) -> Donation | None:
        return self.filter(public_id=public_id).first()

    def by_reference(self, reference: str) -> Donation | None:
        """By our id, as Checkout's client_reference_id or metadata carries it."""
        if not is_reference(reference):
            return None
        return self.filter(pk=int(reference)).first()

    def by_checkout_session(self, session_id: str) -> Donation | None:
        return self.filter(stripe_checkout_session_id=session_id).first() if session_id else None

    def of_subscription(self, subscription_id: str, reference: str = "") -> DonationQuerySet:
        """The donation with this subscription, and one without a subscription yet whose
        id is `reference` (from the subscription's metadata), since an invoice can arrive
        before checkout.session.completed told us the subscription."""
        matches = [Q(stripe_subscription_id=subscription_id)] if subscription_id else []
        if is_reference(reference):
            matches.append(Q(stripe_subscription_id="", pk=int(reference)))
        return self.filter(reduce(or_, matches)) if matches else self.none()

    def by_subscription(self, subscription_id: str, reference: str = "") -> Donation | None:
        """The donation of `of_subscription`, the one linked to the subscription first. One
        query, so a subscription linked meanwhile cannot fall between two."""
        found = list(self.of_subscription(subscription_id, reference).order_by("pk")[:2])
        linked = [d for d in found if d.stripe_subscription_id == subscription_id]
        return (linked or found or [None])[0]


class Donation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("donation", "Pending")
        PAID = "paid", pgettext_lazy("donation", "Paid")
        ACTIVE = "active", pgettext_lazy("donation", "Active (recurring)")
        PAST_DUE = "past_due", pgettext_lazy("donation", "Past due")
        COMPLETED = "completed", pgettext_lazy("donation", "Completed (all payments made)")
        CANCELED = "canceled", pgettext_lazy("donation", "Cancelled")
        EXPIRED = "expired", pgettext_lazy("donation", "Checkout abandoned")
        FAILED = "failed", pgettext_lazy("donation", "Failed")
        REFUNDED = "refunded", pgettext_lazy("donation", "Refunded")

    RUNNING = (Status.ACTIVE, Status.PAST_DUE)  # a recurring donation still taking payments

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="donations")
    donor = models.ForeignKey(
        Donor, null=True, blank=True, on_delete=models.SET_NULL, related_name="donations"
    )
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_name = models.CharField(_("name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"))
    note = models.TextField(_("additional note"), max_length=1000, blank=True)
    amount_cents = models.PositiveIntegerField(
        _("amount (cents)"), validators=[MinValueValidator(1)]
    )
    fee_cover_cents = models.PositiveIntegerField(
        _("fee covered (cents)"), default=0,
        help_text=_("Part of each payment the donor added to cover Stripe's fee (fee cover)."),
    )  # fmt: skip
    currency = models.CharField(max_length=3, default="usd")
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE,
        help_text=_("The donor's language: their e-mails and Stripe Checkout use it."),
    )  # fmt: skip
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    method = models.CharField(
        _("paid by"), max_length=20, choices=Method.choices, default=Method.CARD
    )
    payment_count = models.PositiveSmallIntegerField(
        _("payments in total"), default=1, help_text=_("1 for a one-time donation.")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    attention = models.TextField(
        _("needs attention"),
        blank=True,
        help_text=_("What staff should look at: Stripe reported something that differs."),
    )
    utm_source = models.CharField(_("source (utm_source)"), max_length=100, blank=True)
    utm_medium = models.CharField(_("medium (utm_medium)"), max_length=100, blank=True)
    utm_campaign = models.CharField(_("link campaign (utm_campaign)"), max_length=100, blank=True)
    refcode = models.CharField(_("refcode"), max_length=100, blank=True)
    stripe_checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_schedule_id = models.CharField(max_length=255, blank=True)
    collection_paused = models.BooleanField(
        _("paused"),
        default=False,
        help_text=_("Stripe has paused taking its payments (pause_collection)."),
    )
    schedule_outdated = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("A pause voided a payment: the schedule is extended to still take N."),
    )
    upgraded_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="upgrades",
        editable=False, help_text=_("The one-time gift whose thank-you page offered this."),
    )  # fmt: skip
    cancel_requested_at = models.DateTimeField(
        _("cancellation asked at"), null=True, blank=True, editable=False,
        help_text=_("When the donor (or staff) asked Stripe to stop the remaining payments."),
    )  # fmt: skip
    quiet_cancellation = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Cancelled without telling the donor (a card disputed as fraudulent)."),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    erased_at = models.DateTimeField(
        _("personal data erased at"), null=True, blank=True, editable=False
    )

    objects = DonationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("erase_personal_data", "Can erase a donor's personal data"),
            ("cancel_donation", "Can cancel a recurring donation now"),
            ("export_donations", "Can export donations as CSV"),
            ("resend_receipt", "Can resend a donor's receipt"),
            ("record_offline_gift", "Can record a gift by cheque, bank transfer or cash"),
        ]

    def __str__(self) -> str:
        return f"{self.donor_name} – {self.amount_display} {self.get_frequency_display()}"

    @property
    def donor_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_recurring(self) -> bool:
        return self.frequency != Frequency.ONE_TIME

    @property
    def amount_display(self) -> str:
        return shown(self.amount_cents, self.currency)

    @property
    def gift_cents(self) -> int:
        """What the donor meant to give a payment: its amount less the fee they covered."""
        return self.amount_cents - self.fee_cover_cents

    @property
    def gift_display(self) -> str:
        return shown(self.gift_cents, self.currency)

    @property
    def fee_cover_display(self) -> str:
        return shown(self.fee_cover_cents, self.currency)

    @property
    def is_offline(self) -> bool:
        return self.method != Method.CARD

    @property
    def status_display(self) -> str:
        """Its status, whether Stripe has paused its payments, and how an offline gift
        came."""
        label = str(self.get_status_display())
        if self.is_offline:
            return f"{label} ({self.get_method_display()})"
        if self.collection_paused and self.status in self.RUNNING:
            return str(_("%(status)s, paused") % {"status": label})
        return label

    def flag(self, note: str) -> None:
        """Add `note` to what staff should look at (once)."""
        if note not in self.attention:
            self.update(attention="\n".join(filter(None, [self.attention, note])))

    def update(self, **fields: object) -> None:
        """Set and save these fields only (never the status: see donations.lifecycle)."""
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=[*fields, "updated_at"])

    def erase_personal_data(self) -> None:
        """Forget who gave, keep what was given: amounts, payments and Stripe ids stay."""
        self.update(first_name="", last_name="", email="", note="", erased_at=timezone.now())

    def paid_payment_count(self, payments: Iterable[Payment] | None = None) -> int:
        """Payments Stripe took (refunded ones included): counted from `payments` (all the
        donation's, read already) or from those fetched with the donation
        (prefetch_related), else by the database."""
        if payments is None and "payments" in getattr(self, "_prefetched_objects_cache", {}):
            payments = self.payments.all()
        if payments is not None:
            return sum(payment.status in COUNTED for payment in payments)
        return self.payments.filter(status__in=COUNTED).count()
