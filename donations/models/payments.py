"""Payments Stripe confirmed, and the e-mails each one calls for."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from donations import declines
from donations.models.amounts import shown
from donations.models.campaigns import COUNTED
from donations.models.donations import Donation
from donations.models.outgoing import OutgoingMail


class RefundReason(models.TextChoices):
    """Stripe's reasons for a refund."""

    REQUESTED_BY_CUSTOMER = "requested_by_customer", _("Requested by the donor")
    DUPLICATE = "duplicate", _("Duplicate")
    FRAUDULENT = "fraudulent", _("Fraudulent")


class Payment(models.Model):
    """One payment Stripe confirmed: a one-time checkout or one paid invoice."""

    class Status(models.TextChoices):
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")

    COUNTED = COUNTED

    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="payments")
    stripe_invoice_id = models.CharField(max_length=255, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    stripe_charge_id = models.CharField(max_length=255, blank=True, db_index=True)
    reference = models.CharField(
        _("reference"), max_length=100, blank=True,
        help_text=_("An offline gift's cheque number or transfer reference."),
    )  # fmt: skip
    amount_cents = models.PositiveIntegerField()
    amount_refunded_cents = models.PositiveIntegerField(default=0)
    refund_reason = models.CharField(
        _("refund reason"), max_length=30, blank=True, choices=RefundReason.choices,
        help_text=_("Why staff refunded it (Stripe's reasons)."),
    )  # fmt: skip
    amount_disputed_cents = models.PositiveIntegerField(
        default=0, help_text=_("Withdrawn by a dispute and not (yet) given back.")
    )
    currency = models.CharField(max_length=3, default="usd")
    fee_cents = models.IntegerField(
        null=True, blank=True, help_text=_("Stripe's fee, in the settlement currency.")
    )
    settled_cents = models.IntegerField(
        null=True,
        blank=True,
        help_text=_("What reached the balance: net of Stripe's fee, refunds and disputes."),
    )
    settlement_currency = models.CharField(max_length=3, blank=True)
    stripe_sync_due_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("Since when Stripe is to be asked again (an event said it changed)."),
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.TextField(blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(
        null=True, blank=True,
        help_text=_("When its invoice was first reported failed, kept once paid (recovered)."),
    )  # fmt: skip
    decline_code = models.CharField(
        _("why it failed"), max_length=60, blank=True,
        help_text=_("Stripe's decline code of its latest failed attempt (insufficient_funds …)."),
    )  # fmt: skip
    attempt_count = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("How many times Stripe has tried to take it.")
    )
    next_attempt_at = models.DateTimeField(
        _("next attempt"), null=True, blank=True,
        help_text=_("When Stripe tries a failed renewal again; empty after its last attempt."),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        permissions = [("refund_payment", "Can refund a payment through Stripe")]
        indexes = [
            models.Index(fields=["paid_at"], name="payment_paid_at"),
            models.Index(fields=["failed_at"], name="payment_failed_at"),
        ]
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
        return shown(self.amount_cents, self.currency)

    @property
    def receipt_number(self) -> str:
        """Its receipt's number, the same on every e-mail and statement: the year it was
        recorded and its id ("2026-000042"). Offline gifts and failed payments too."""
        return f"{self.created_at:%Y}-{self.pk:06d}" if self.pk and self.created_at else ""

    @property
    def failure_reason(self) -> str:
        """Why a renewal failed, in the donor's words (donations.declines)."""
        return declines.reason(self.decline_code)

    @property
    def refunded_display(self) -> str:
        return shown(self.amount_refunded_cents, self.currency)

    @property
    def net_cents(self) -> int:
        """What the payment brought in: its amount less what was refunded and what a
        dispute withdrew (before Stripe's fee)."""
        return self.amount_cents - self.amount_refunded_cents - self.amount_disputed_cents

    @property
    def fee_display(self) -> str:
        return "–" if self.fee_cents is None else shown(self.fee_cents, self.settlement_currency)

    @property
    def settled_display(self) -> str:
        if self.settled_cents is None:
            return "–"
        return shown(self.settled_cents, self.settlement_currency)


class Dispute(models.Model):
    """A card holder's dispute of a payment, as Stripe last reported it."""

    class Status(models.TextChoices):
        WARNING_NEEDS_RESPONSE = "warning_needs_response", _("Inquiry: needs a response")
        WARNING_UNDER_REVIEW = "warning_under_review", _("Inquiry: under review")
        WARNING_CLOSED = "warning_closed", _("Inquiry closed")
        NEEDS_RESPONSE = "needs_response", _("Needs a response")
        UNDER_REVIEW = "under_review", _("Under review")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")
        PREVENTED = "prevented", _("Prevented")

    CLOSED = (Status.WON, Status.LOST, Status.WARNING_CLOSED, Status.PREVENTED)

    stripe_dispute_id = models.CharField(max_length=255, unique=True)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="disputes")
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=50)
    status = models.CharField(max_length=30, choices=Status.choices)
    evidence_due_by = models.DateTimeField(null=True, blank=True)
    funds_withdrawn = models.BooleanField(
        default=False, help_text=_("Its amount is withdrawn from the balance (not given back).")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{shown(self.amount_cents, self.currency)} {self.reason} ({self.status})"


class Receipt(OutgoingMail):
    """One e-mail to a donor: a payment's receipt, a failed renewal, a cancellation.

    Each is created once (unique per kind and payment, and refunded total for a
    refund's, or per kind and donation) and
    sent once: a sender claims it first, and a failed send is released to be retried.
    """

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment received")
        RENEWAL_FAILED = "renewal_failed", _("Renewal failed")
        RENEWAL_FINAL = "renewal_final", _("Renewal failed: Stripe's last attempt")
        CANCELLED = "cancelled", _("Donation cancelled")
        DISPUTE_OPENED = "dispute_opened", _("Dispute opened (to staff)")
        DISPUTE_CLOSED = "dispute_closed", _("Dispute closed (to staff)")
        REFUND = "refund", _("Refund made")

    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="receipts")
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.CASCADE, related_name="receipts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    refunded_cents = models.PositiveIntegerField(
        default=0, help_text=_("A refund e-mail: the payment's refunded total it tells of.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "payment", "refunded_cents"], condition=Q(payment__isnull=False),
                name="one_receipt_per_payment_kind_and_refund",
            ),
            models.UniqueConstraint(
                fields=["kind", "donation"], condition=Q(payment__isnull=True),
                name="one_receipt_per_donation_and_kind",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.donation}"
