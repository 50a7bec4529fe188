"""Campaigns: what a donation box collects for, in one currency, and their totals."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from donations import currencies
from donations.models.amounts import amount_limits, shown

COUNTED = ("paid", "refunded")  # Payment.COUNTED: payments Stripe took


def default_preset_amounts() -> list[int]:
    return [1000, 2000, 3000]


MAX_PRESETS = 6


def validate_preset_amounts(value: object) -> None:
    """1 to 6 different whole amounts (each one checked against the currency by
    Campaign.clean)."""
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_PRESETS:
        raise ValidationError(
            _("Give 1 to %(max)s amounts, as a list of cents: [1000, 2000, 3000].")
            % {"max": MAX_PRESETS}
        )
    for item in value:
        if type(item) is not int:
            raise ValidationError(
                _("Each amount is a whole number of cents; %(item)s is not.")
                % {"item": json.dumps(item)[:40]}
            )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each amount may be offered once."))


def amount_problem(amount: int, currency: str) -> str | None:
    """Why `amount` cannot be a donation in `currency`, or None."""
    low, high = amount_limits(currency)
    if not low <= amount <= high:
        return _("Donations must be between %(low)s and %(high)s.") % {
            "low": shown(low, currency),
            "high": shown(high, currency),
        }
    if amount % currencies.step(currency):
        return _("Stripe takes %(currency)s amounts in steps of %(step)s.") % {
            "currency": currency.upper(),
            "step": shown(currencies.step(currency), currency),
        }
    return None


def offered(amounts: object, currency: str = "usd") -> list[int]:
    """The valid amounts of a stored list (one saved before validation may hold others)."""
    if not isinstance(amounts, list):
        return []
    kept = [a for a in amounts if type(a) is int and amount_problem(a, currency) is None]
    return list(dict.fromkeys(kept))[:MAX_PRESETS]


def net_received(payments: str, also: Q | None = None) -> CombinedExpression:
    """What the payments Stripe confirmed (reached through `payments`, e.g.
    "donations__payments") brought in the currency of what they are reached from (a
    payment in another currency is flagged, never added), less what was refunded of
    them; `also` narrows them."""
    counted = Q(**{f"{payments}__status__in": COUNTED, f"{payments}__currency": F("currency")}) & (
        also or Q()
    )
    paid = Coalesce(Sum(f"{payments}__amount_cents", filter=counted), 0)
    refunded = Coalesce(Sum(f"{payments}__amount_refunded_cents", filter=counted), 0)
    return paid - refunded - Coalesce(Sum(f"{payments}__amount_disputed_cents", filter=counted), 0)


class CampaignQuerySet(models.QuerySet):
    def with_totals(self) -> CampaignQuerySet:
        """Annotate `raised` (paid less refunds, in the campaign's currency),
        `donation_total` and `donor_total` (donations with a payment Stripe confirmed)."""
        counted = Q(donations__payments__status__in=COUNTED)
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
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="usd",
        choices=currencies.choices(),
        help_text=_("What its donations are charged in. Fixed once it has donations."),
    )
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
        return offered(self.preset_amounts, self.currency)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.pk and self.donations.exists():
            before = Campaign.objects.filter(pk=self.pk).values_list("currency", flat=True)
            if before.first() != self.currency:
                errors["currency"] = _(
                    "This campaign has donations in %(currency)s: its currency stays. "
                    "Start a new campaign for another currency."
                ) % {"currency": str(before.first()).upper()}
        amounts = self.preset_amounts if isinstance(self.preset_amounts, list) else []
        for amount in (a for a in amounts if type(a) is int):
            problem = amount_problem(amount, self.currency)
            if problem:
                errors["preset_amounts"] = f"{shown(amount, self.currency)}: {problem}"
                break
        if errors:
            raise ValidationError(errors)


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
