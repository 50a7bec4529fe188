"""The donation box under an article, worded as the original page's widget."""

from __future__ import annotations

import uuid
from decimal import Decimal
from functools import cached_property
from typing import Any

from crispy_forms.bootstrap import PrependedAppendedText, PrependedText
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from advocacy.languages import current_language, current_locale
from donations import fee_cover, sources
from donations.amount_field import AmountField, decimals_typed, number_pattern
from donations.currencies import MAXIMUM_CHARGE, exponent
from donations.models import Campaign, Frequency, amount_limits, shown
from donations.money import symbol

# The fee cover's label for an amount (static/js/donation.js rewords it as the donor chooses).
FEE_WORDING = _("Add %(fee)s so all of my %(gift)s reaches you")
MIN_COUNT = 2
MAX_COUNT = 12
MAX_YEARLY_COUNT = 5


class DonationForm(forms.Form):
    amount = forms.ChoiceField(
        label=_("How much would you like to donate?"), widget=forms.RadioSelect, required=False
    )
    other_amount = AmountField(
        label=_("Other amount"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    frequency = forms.ChoiceField(
        label=_("Would you like to make regular donations?"),
        choices=Frequency.choices,
        initial=Frequency.ONE_TIME,
    )
    payment_count = forms.IntegerField(
        label=_("How many times would you like this to recur? (including this payment)"),
        required=False,
        min_value=MIN_COUNT,
        max_value=MAX_COUNT,
        widget=forms.NumberInput(attrs={"min": MIN_COUNT, "max": MAX_COUNT, "step": 1}),
        help_text=_("2 to 12 payments; 2 to 5 for yearly donations."),
    )
    cover_fee = forms.BooleanField(
        label=_("Add the processing fee so all of my gift reaches you"), required=False
    )
    first_name = forms.CharField(label=_("Name"), max_length=100)
    last_name = forms.CharField(label=_("Last Name"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254)
    note = forms.CharField(
        label=_("Additional Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    # Where the visitor came from (donations.sources): the link's parameters, carried.
    utm_source = forms.CharField(widget=forms.HiddenInput, required=False)
    utm_medium = forms.CharField(widget=forms.HiddenInput, required=False)
    utm_campaign = forms.CharField(widget=forms.HiddenInput, required=False)
    refcode = forms.CharField(widget=forms.HiddenInput, required=False)
    # A honeypot: hidden from people (and from assistive technology), filled in by bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4())
        email_hint = kwargs["initial"].pop("email_hint", None)
        super().__init__(*args, **kwargs)
        if email_hint:
            self.fields["email"].help_text = _(
                "You entered %(email)s before; please type it again."
            ) % {"email": email_hint}
        self.campaign = campaign
        self.currency = campaign.currency.lower()
        self.fields["amount"].choices = [
            (str(amount), shown(amount, self.currency)) for amount in campaign.offered_amounts
        ]
        other = AmountField(
            currency=self.currency,
            label=_("Other amount (%(code)s)") % {"code": self.currency.upper()},
            required=False,
            widget=self.fields["other_amount"].widget,
        )
        if decimals_typed(self.currency) == 0:
            other.widget.attrs["inputmode"] = "numeric"
        self.fields["other_amount"] = other
        self._word_fee_cover()

    @cached_property
    def helper(self) -> FormHelper:
        """The layout crispy-forms renders; built only for a form shown (a donation that
        goes on to Stripe never is)."""
        helper = FormHelper(self)
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Field("amount", template="donations/amount_buttons.html"),
            PrependedText("other_amount", symbol(self.currency, current_locale())),
            self._frequency_field(),
            Div(Field("payment_count"), css_class="payment-count"),
            Field("cover_fee", **self._fee_attributes()),
            Div(
                Div(Field("first_name", autocomplete="given-name"), css_class="col-sm-6"),
                Div(Field("last_name", autocomplete="family-name"), css_class="col-sm-6"),
                css_class="row",
            ),
            Field("email", autocomplete="email"),
            Field("note"),
            Field("token"),
            *(Field(name) for name in sources.FIELDS),
            Div(Field("website"), css_class="form-honeypot", aria_hidden="true"),
            Submit("donate", _("Donate"), css_class="btn-lg w-100"),
        )
        return helper

    @staticmethod
    def _frequency_field() -> PrependedText:
        """ "I would like to make [monthly] donation(s)"; a language whose sentence ends
        with the choice (Spanish: "Quiero hacer una donación [mensual]") translates the
        second part as a blank."""
        before = _("I would like to make")
        # Translators: after the frequency's choice; a single space if the sentence ends there.
        after = _("donation(s)").strip()
        if after:
            return PrependedAppendedText("frequency", before, after)
        return PrependedText("frequency", before)

    def _fee_attributes(self) -> dict[str, object]:
        """What static/js/donation.js needs to reword the fee cover for any amount."""
        rule = fee_cover.pricing()
        _shape, group, point = number_pattern(current_locale())
        return {
            "data_fee_basis_points": rule.basis_points,
            "data_fee_fixed": rule.fixed(self.currency),
            "data_fee_step": fee_cover.step(self.currency),
            "data_currency": self.currency.upper(),
            "data_exponent": exponent(self.currency),
            "data_wording": FEE_WORDING,
            # How the page's language writes numbers, to read and write amounts.
            "data_locale": current_language(),
            "data_group": group,
            "data_decimal": point,
        }

    def _word_fee_cover(self) -> None:
        """ "Add $0.91 so all of my $20 reaches you", for the amount chosen (or the first
        offered) when the page is made; the script rewords it as the donor chooses."""
        chosen = self.data.get("amount") if self.is_bound else self.initial.get("amount")
        gift = int(chosen) if str(chosen or "").isdigit() else None
        if gift is None and not self.is_bound and self.campaign.offered_amounts:
            gift = self.campaign.offered_amounts[0]
        if gift:
            self.fields["cover_fee"].label = FEE_WORDING % {
                "fee": shown(fee_cover.cover(gift, self.currency), self.currency),
                "gift": shown(gift, self.currency),
            }

    def full_clean(self) -> None:
        super().full_clean()
        # Tie each error message to its input for screen readers.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                described = [f"{self[name].auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{self[name].auto_id}_helptext")
                widget.attrs["aria-describedby"] = " ".join(described)

    def clean_other_amount(self) -> int | None:
        value: Decimal | None = self.cleaned_data.get("other_amount")
        if value is None:
            return None
        field: AmountField = self.fields["other_amount"]  # type: ignore[assignment]
        return field.minor_units(value)

    @property
    def is_bot(self) -> bool:
        """The honeypot was filled in: no person sees that field."""
        return bool(self.data.get("website", "").strip()) if self.is_bound else False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data.update({name: sources.cleaned(data.get(name)) for name in sources.FIELDS})
        if self.is_bot:
            raise forms.ValidationError(
                _("We could not accept this donation. Please try again."), code="honeypot"
            )
        cents = self._amount_cents(data)
        if cents is not None:
            added = fee_cover.cover(cents, self.currency) if data.get("cover_fee") else 0
            if cents + added > MAXIMUM_CHARGE:
                self.add_error("cover_fee", _("This amount is too large to add the fee to."))
            data["amount_cents"], data["fee_cover_cents"] = cents + added, added
        self._check_count(data)
        return data

    def _amount_cents(self, data: dict[str, Any]) -> int | None:
        if "other_amount" in self.errors:
            return None
        other = data.get("other_amount")
        chosen = data.get("amount")
        if other is None and not chosen:
            self.add_error("amount", _("Choose an amount or enter another amount."))
            return None
        cents = other if other is not None else int(chosen)
        field = "other_amount" if other is not None else "amount"
        low, high = amount_limits(self.currency)
        if not low <= cents <= high:
            self.add_error(
                field,
                _("Donations must be between %(low)s and %(high)s.")
                % {"low": shown(low, self.currency), "high": shown(high, self.currency)},
            )
            return None
        return cents

    def _check_count(self, data: dict[str, Any]) -> None:
        frequency = data.get("frequency")
        if frequency is None or "payment_count" in self.errors:
            return
        if frequency == Frequency.ONE_TIME:
            data["payment_count"] = 1
            return
        count = data.get("payment_count")
        if count is None:
            self.add_error("payment_count", _("Choose how many payments to make, from 2 to 12."))
        elif frequency == Frequency.YEARLY and count > MAX_YEARLY_COUNT:
            self.add_error(
                "payment_count",
                _("Yearly donations can recur at most %(max)s times.") % {"max": MAX_YEARLY_COUNT},
            )
