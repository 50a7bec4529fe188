"""Campaigns: what a donation box collects for, in one currency, and their totals."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce
from django.urls import reverse
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


RESERVED_SLUGS = frozenset({"thanks"})  # /donate/thanks/ is the thank-you page


def embed_origins(text: str) -> list[str]:
    """The origins in `text`, one a line ("https://partner.example"), as CSP writes them;
    ValidationError naming the first line that is none."""
    origins = []
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        try:
            parts = urlsplit(line)
            port = parts.port
        except ValueError:
            parts, port = None, None
        if (
            parts is None
            or parts.scheme not in ("https", "http")
            or not parts.hostname
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or parts.username
            or not all(c.isalnum() or c in ".-" for c in parts.hostname)
        ):
            raise ValidationError(
                _("“%(line)s” is not a site's origin: write it as https://partner.example.org.")
                % {"line": line[:80]}
            )
        origins.append(f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port else ""))
    return list(dict.fromkeys(origins))


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
    is_main = models.BooleanField(
        _("main campaign"),
        default=False,
        help_text=_(
            "The site's main campaign: the header's Donate button opens its page, and new "
            "articles get its donation box. One campaign at a time."
        ),
    )
    embed_origins = models.TextField(
        _("sites that may embed its box"),
        blank=True,
        help_text=_(
            "One site a line, as https://partner.example.org: only these may show the "
            "embedded donation box. Leave empty to allow none."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_main"], condition=models.Q(is_main=True), name="one_main_campaign"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        """Made the main campaign: the one before it is no longer."""
        with transaction.atomic():
            if self.is_main:
                Campaign.objects.filter(is_main=True).exclude(pk=self.pk).update(is_main=False)
            super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("donations:campaign", kwargs={"slug": self.slug})

    def raised_cents(self) -> int:
        return int(Campaign.objects.with_totals().get(pk=self.pk).raised)

    @property
    def offered_amounts(self) -> list[int]:
        """The amounts its box offers as buttons."""
        return offered(self.preset_amounts, self.currency)

    @property
    def frame_origins(self) -> list[str]:
        """The origins allowed to frame its embedded box (a row saved before validation
        may hold a bad line: then none)."""
        try:
            return embed_origins(self.embed_origins)
        except ValidationError:
            return []

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("“%(slug)s” is taken by a page of the site: choose another.") % {
                "slug": self.slug
            }
        try:
            embed_origins(self.embed_origins)
        except ValidationError as error:
            errors["embed_origins"] = error.messages[0]
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
