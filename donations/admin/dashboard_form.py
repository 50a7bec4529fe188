"""What the dashboard shows: a range of months, a campaign or all, a currency.

Amounts in different currencies are never added: with all campaigns, staff choose
the currency (the main campaign's by default); a chosen campaign brings its own."""

from __future__ import annotations

import re
from datetime import date

from django import forms

from donations.dashboard_scope import Scope
from donations.models import Campaign

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_MONTHS = 120


class MonthField(forms.CharField):
    """A month typed or picked as YYYY-MM (the browser's month input)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "size": 8})

    def clean(self, value: str | None) -> date:  # type: ignore[override]
        found = MONTH.match(super().clean(value) or "")
        if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 2000:
            raise forms.ValidationError("Enter a month as YYYY-MM, like 2026-01.")
        return date(int(found[1]), int(found[2]), 1)


class DashboardForm(forms.Form):
    first = MonthField(label="From")
    last = MonthField(label="To")
    campaign = forms.ChoiceField(label="Campaign", required=False)
    currency = forms.ChoiceField(
        label="Currency", required=False,
        help_text="With all campaigns: amounts in other currencies are left out.",
    )  # fmt: skip

    def __init__(self, data: dict[str, str], campaigns: list[Campaign], today: date) -> None:
        self.campaigns, self.today = {str(c.pk): c for c in campaigns}, today
        default = Scope.default(today, campaigns)
        initial = {
            "first": f"{default.first:%Y-%m}",
            "last": f"{default.last:%Y-%m}",
            "campaign": "",
            "currency": default.currency,
        }
        super().__init__({**initial, **{k: v for k, v in data.items() if k in initial}})
        self.fields["campaign"].choices = [("", "All campaigns")] + [
            (pk, c.name) for pk, c in self.campaigns.items()
        ]
        currencies = sorted({c.currency for c in campaigns} | {initial["currency"]})
        self.fields["currency"].choices = [(c, c.upper()) for c in currencies]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if isinstance(first, date) and isinstance(last, date):
            if first > last:
                raise forms.ValidationError("The first month comes after the last one.")
            if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
                raise forms.ValidationError(f"Choose at most {MAX_MONTHS} months.")
        return data

    def scope(self) -> Scope:
        """The range chosen, or the default (the last 12 months) where the form has
        an error, which the page shows."""
        if not self.is_valid():
            fallback = DashboardForm({}, list(self.campaigns.values()), self.today)
            fallback.is_valid()
            return fallback.scope()
        campaign = self.campaigns.get(self.cleaned_data["campaign"])
        currency = campaign.currency if campaign else self.cleaned_data["currency"]
        return Scope(self.cleaned_data["first"], self.cleaned_data["last"], currency, campaign)
