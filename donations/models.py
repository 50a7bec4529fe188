"""Campaigns, donations, the payments Stripe confirmed, and the webhook event log.

Money is integer cents; times are timezone-aware UTC.
"""

from __future__ import annotations

import json
import uuid
from functools import reduce
from operator import or_
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donations.money import format_cents


def default_preset_amounts() -> list[int]:
    return [1000, 2000, 3000]


MAX_PRESETS = 6


def validate_preset_amounts(value: object) -> None:
    """1 to 6 different amounts in cents, each one a donation may be."""
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_PRESETS:
        raise ValidationError(
            _("Give 1 to %(max)s amounts, as a list of cents: [1000, 2000, 3000].")
            % {"max": MAX_PRESETS}
        )
    low, high = settings.DONATION_MIN_CENTS, settings.DONATION_MAX_CENTS
    for item in value:
        if type(item) is not int or not low <= item <= high:
            message = _("Each amount is whole cents from %(low)s to %(high)s; %(item)s is not.")
            raise ValidationError(
                message % {"low": low, "high": high, "item": json.dumps(item)[:40]}
            )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each amount may be offered once."))


def offered(amounts: object) -> list[int]:
    """The valid amounts of a stored list (one saved before validation may hold others)."""
    if not isinstance(amounts, list):
        return []
    low, high = settings.DONATION_MIN_CENTS, settings.DONATION_MAX_CENTS
    kept = [a for a in amounts if type(a) is int and low <= a <= high]
    return list(dict.fromkeys(kept))[:MAX_PRESETS]


def net_received(payments: str, also: Q | None = None) -> CombinedExpression:
    """Cents of the payments Stripe confirmed (reached through `payments`, e.g.
    "donations__payments"), less what was refunded of them; `also` narrows them."""
    counted = Q(**{f"{payments}__status__in": Payment.COUNTED}) & (also or Q())
    paid = Coalesce(Sum(f"{payments}__amount_cents", filter=counted), 0)
    return paid - Coalesce(Sum(f"{payments}__amount_refunded_cents", filter=counted), 0)


class CampaignQuerySet(models.QuerySet):
    def with_totals(self) -> CampaignQuerySet:
        """Annotate `raised` (cents paid less refunds), `donation_total` and `donor_total`
        (donations with at least one payment Stripe confirmed)."""
        counted = Q(donations__payments__status__in=Payment.COUNTED)
        return self.annotate(
            raised=net_received("donations__payments"),
            donation_total=Count("donations", distinct=True),
            donor_total=Count("donations", filter=counted, distinct=True),
        )


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    preset_amounts = models.JSONField(
        _("preset amounts (cents)"),
        default=default_preset_amounts,
        validators=[validate_preset_amounts],
        help_text=_("Amounts offered as buttons, in cents: [1000, 2000, 3000] is $10 / $20 / $30."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="usd")
    goal_cents = models.PositiveIntegerField(
        _("goal (cents)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def raised_cents(self) -> int:
        return int(Campaign.objects.with_totals().get(pk=self.pk).raised)

    @property
    def offered_amounts(self) -> list[int]:
        """The amounts its box offers as buttons."""
        return offered(self.preset_amounts)


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
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        ACTIVE = "active", _("Active (recurring)")
        PAST_DUE = "past_due", _("Past due")
        COMPLETED = "completed", _("Completed (all payments made)")
        CANCELED = "canceled", _("Canceled")
        EXPIRED = "expired", _("Checkout abandoned")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")

    RUNNING = (Status.ACTIVE, Status.PAST_DUE)  # a recurring donation still taking payments

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="donations")
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
    currency = models.CharField(max_length=3, default="usd")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
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
    stripe_checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_schedule_id = models.CharField(max_length=255, blank=True)
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
        return format_cents(self.amount_cents)

    def update(self, **fields: object) -> None:
        """Set and save these fields only (never the status: see donations.lifecycle)."""
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=[*fields, "updated_at"])

    def erase_personal_data(self) -> None:
        """Forget who gave, keep what was given: amounts, payments and Stripe ids stay."""
        self.update(first_name="", last_name="", email="", note="", erased_at=timezone.now())

    def paid_payment_count(self) -> int:
        """Payments Stripe took (refunded ones included): counted from the payments
        fetched with the donation (prefetch_related), else by the database."""
        if "payments" in getattr(self, "_prefetched_objects_cache", {}):
            return sum(payment.status in Payment.COUNTED for payment in self.payments.all())
        return self.payments.filter(status__in=Payment.COUNTED).count()


class Payment(models.Model):
    """One payment Stripe confirmed: a one-time checkout or one paid invoice."""

    class Status(models.TextChoices):
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")

    COUNTED = (Status.PAID, Status.REFUNDED)

    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="payments")
    stripe_invoice_id = models.CharField(max_length=255, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    stripe_charge_id = models.CharField(max_length=255, blank=True, db_index=True)
    amount_cents = models.PositiveIntegerField()
    amount_refunded_cents = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="usd")
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.TextField(blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        permissions = [("refund_payment", "Can refund a payment through Stripe")]
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_invoice_id"],
                condition=~Q(stripe_invoice_id=""),
                name="unique_invoice",
            ),
            models.UniqueConstraint(
                fields=["stripe_payment_intent_id"],
                condition=~Q(stripe_payment_intent_id=""),
                name="unique_payment_intent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount_display} {self.get_status_display()}"

    @property
    def amount_display(self) -> str:
        return format_cents(self.amount_cents)

    @property
    def refunded_display(self) -> str:
        return format_cents(self.amount_refunded_cents)

    @property
    def net_cents(self) -> int:
        """What the payment brought in: its amount less what was refunded."""
        return self.amount_cents - self.amount_refunded_cents


class WebhookEvent(models.Model):
    """Every Stripe event received, stored once by its id."""

    class Status(models.TextChoices):
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed (Stripe will retry)")

    stripe_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    donation = models.ForeignKey(
        Donation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="webhook_events",
        help_text=_("The donation the event was about (its payload is erased with the donor)."),
    )
    livemode = models.BooleanField(default=False)
    api_version = models.CharField(
        max_length=50,
        blank=True,
        help_text=_(
            "The API version Stripe rendered the event in; another than the site's "
            "means the object was fetched again in the site's version."
        ),
    )
    created = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text=_("When Stripe created the event.")
    )
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.TextField(blank=True)
    note = models.TextField(blank=True, help_text=_("Why an event was ignored."))
    attempts = models.PositiveIntegerField(default=1)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_id}"


class DonationBoxQuerySet(models.QuerySet):
    def open(self) -> DonationBoxQuerySet:
        """Boxes that take donations: their campaign is active."""
        return self.filter(campaign__active=True).select_related("campaign", "article")


class DonationBox(models.Model):
    """The donation box under one article, collecting for one campaign."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, related_name="donation_box"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="boxes")

    objects = DonationBoxQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "donation boxes"

    def __str__(self) -> str:
        return f"{self.campaign} under {self.article}"


class Receipt(models.Model):
    """One e-mail to a donor: a payment's receipt, a failed renewal, a cancellation.

    Each is created once (unique per kind and payment, or per kind and donation) and
    sent once: a sender claims it first, and a failed send is released to be retried.
    """

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment received")
        RENEWAL_FAILED = "renewal_failed", _("Renewal failed")
        CANCELLED = "cancelled", _("Donation cancelled")

    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="receipts")
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.CASCADE, related_name="receipts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "payment"], condition=Q(payment__isnull=False),
                name="one_receipt_per_payment_and_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "donation"], condition=Q(payment__isnull=True),
                name="one_receipt_per_donation_and_kind",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.donation}"
