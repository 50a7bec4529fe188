"""The campaign form staff fill in: amounts in the campaign's currency ("10, 20, 30",
a goal of "5000"), stored in the smallest unit Stripe counts."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from donations.amount_field import AmountField
from donations.models import Campaign, shown
from donations.models.campaigns import MAX_PRESETS
from donations.money import typed

# Amounts are separated by semicolons, spaces, or commas that do not group thousands
# ("10, 20, 30", "10,20,30"; "1,000" is one amount).
SEPARATOR = re.compile(r"[;\s]+|,(?!\d{3}(?!\d))")


def _typed(minor: int, currency: str) -> str:
    """As staff type it: "10", "12.50"."""
    text = typed(minor, currency)
    whole, _, decimals = text.partition(".")
    return whole if not decimals.strip("0") else text


class CampaignForm(forms.ModelForm):
    preset_amounts = forms.CharField(
        label=_("Amounts offered"),
        help_text=_(
            "The buttons of its donation box, in its currency, separated by commas: 10, 20, 30."
        ),
    )
    goal_cents = forms.CharField(
        label=_("Goal"),
        required=False,
        help_text=_("In its currency, e.g. 5000. Leave empty for no goal and no progress bar."),
    )

    class Meta:
        model = Campaign
        fields = [
            "name", "slug", "description", "currency", "preset_amounts", "goal_cents", "active",
            "is_main", "embed_origins",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaign = self.instance
        currency = campaign.currency or "usd"
        if not self.is_bound:
            amounts = campaign.preset_amounts if isinstance(campaign.preset_amounts, list) else []
            self.initial["preset_amounts"] = ", ".join(
                _typed(a, currency) for a in amounts if type(a) is int
            )
            goal = campaign.goal_cents
            self.initial["goal_cents"] = _typed(goal, currency) if goal else ""

    def _currency(self) -> str:
        return str(self.cleaned_data.get("currency") or self.instance.currency or "usd")

    def _amount(self, text: str) -> int:
        field = AmountField(currency=self._currency())
        return field.minor_units(field.clean(text))

    def clean_preset_amounts(self) -> list[int]:
        currency = self._currency()
        items = [item for item in SEPARATOR.split(self.cleaned_data["preset_amounts"]) if item]
        if not 1 <= len(items) <= MAX_PRESETS:
            raise forms.ValidationError(
                _("Give 1 to %(max)s amounts, separated by commas: 10, 20, 30.")
                % {"max": MAX_PRESETS}
            )
        amounts = []
        for item in items:
            try:
                amounts.append(self._amount(item))
            except forms.ValidationError as error:
                raise forms.ValidationError(f"“{item[:40]}”: {error.messages[0]}") from None
        for amount in amounts:
            if amounts.count(amount) > 1:
                raise forms.ValidationError(
                    _("%(amount)s is offered twice: give each amount once.")
                    % {"amount": shown(amount, currency)}
                )
        return amounts

    def clean_goal_cents(self) -> int | None:
        text = self.cleaned_data["goal_cents"].strip()
        if not text:
            return None
        goal = self._amount(text)
        if goal <= 0:
            raise forms.ValidationError(_("A goal is more than zero; leave it empty for none."))
        return goal
