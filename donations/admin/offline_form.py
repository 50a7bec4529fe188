"""The form staff fill in to record a gift by cheque, bank transfer or cash."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from donations import currencies
from donations.amount_field import AmountField
from donations.models import Campaign, Method, shown
from donations.offline import OfflineGift

EARLIEST = date(2000, 1, 1)


class OfflineGiftForm(forms.Form):
    campaign = forms.ModelChoiceField(
        Campaign.objects.all(), help_text="Its currency is the gift's."
    )
    amount = forms.CharField(help_text="In the campaign's currency: 250 or 12.50.")
    received_on = forms.DateField(
        label="Received on", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the cheque, transfer or cash came in.",
    )  # fmt: skip
    method = forms.ChoiceField(
        label="Paid by", choices=[(m.value, m.label) for m in Method if m != Method.CARD]
    )
    reference = forms.CharField(
        max_length=100, required=False, help_text="The cheque's number or the transfer's reference."
    )
    first_name = forms.CharField(label="Name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    email = forms.EmailField(
        required=False, help_text="Links the gift to the donor with this address, if any."
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, required=False
    )
    send_receipt = forms.BooleanField(
        required=False, label="E-mail the donor a receipt", help_text="Needs their address."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        main = Campaign.objects.filter(is_main=True).first()  # the one most gifts are for
        self.fields["campaign"].initial = main.pk if main else None

    def clean_received_on(self) -> date:
        day: date = self.cleaned_data["received_on"]
        if day > timezone.now().date():
            raise forms.ValidationError("A gift received in the future cannot be recorded yet.")
        if day < EARLIEST:
            raise forms.ValidationError("Gifts from before 2000 cannot be recorded here.")
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        campaign = data.get("campaign")
        if campaign is not None and "amount" in data:
            data["amount_cents"] = self._amount(data["amount"], campaign.currency)
        if data.get("send_receipt") and not data.get("email"):
            self.add_error("send_receipt", "Give the donor's e-mail address to send a receipt.")
        return data

    def _amount(self, text: str, currency: str) -> int | None:
        field = AmountField(currency=currency)
        try:
            amount = field.minor_units(field.clean(text))
        except forms.ValidationError as error:
            self.add_error("amount", error)
            return None
        if amount <= 0:
            self.add_error("amount", "A gift is more than zero.")
            return None
        if amount % currencies.step(currency):  # no online limits: a grant may be large
            step = shown(currencies.step(currency), currency)
            self.add_error("amount", f"{currency.upper()} amounts go in steps of {step}.")
            return None
        return amount

    def gift(self) -> OfflineGift:
        data = self.cleaned_data
        return OfflineGift(
            campaign=data["campaign"], amount_cents=data["amount_cents"],
            received_on=data["received_on"], method=Method(data["method"]),
            reference=data["reference"].strip(), first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(), email=data["email"].strip(),
            note=data["note"].strip(), send_receipt=data["send_receipt"],
        )  # fmt: skip
