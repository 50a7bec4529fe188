import pytest
from django.utils import translation

from donations.forms import DonationForm
from tests.factories import CampaignFactory, donation_form_data

DOLLARS = "Enter an amount in US dollars, like 25, 12.50 or 1,250.50."
pytestmark = pytest.mark.django_db


def form_for(**changes):
    return DonationForm(donation_form_data(**changes), campaign=CampaignFactory())


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": ""}, "amount", "Choose an amount or enter another amount."),
        ({"amount": "1234"}, "amount", "Select a valid choice."),
        ({"amount": "", "other_amount": "ten"}, "other_amount", DOLLARS),
        ({"amount": "", "other_amount": "1,50"}, "other_amount", DOLLARS),  # a decimal comma
        ({"amount": "", "other_amount": "12,50"}, "other_amount", DOLLARS),
        ({"amount": "", "other_amount": "1_000"}, "other_amount", DOLLARS),
        ({"amount": "", "other_amount": "1,0000"}, "other_amount", DOLLARS),
        ({"amount": "", "other_amount": "12.345"}, "other_amount", "no more than 2 decimal"),
        ({"amount": "", "other_amount": "0.99"}, "other_amount", "between $1 and $10,000"),
        ({"amount": "", "other_amount": "-5"}, "other_amount", "between $1 and $10,000"),
        ({"amount": "", "other_amount": "10000.01"}, "other_amount", "between $1 and $10,000"),
        ({"amount": "", "other_amount": "1" * 13}, "other_amount", "no more than 12 digits"),
        ({"amount": "", "other_amount": "1e400"}, "other_amount", DOLLARS),
        ({"amount": "", "other_amount": "Infinity"}, "other_amount", DOLLARS),
        ({"amount": "", "other_amount": "NaN"}, "other_amount", DOLLARS),
        ({"frequency": "daily"}, "frequency", "Select a valid choice."),
        ({"frequency": ""}, "frequency", "This field is required."),
        ({"frequency": "month"}, "payment_count", "Choose how many payments"),
        ({"frequency": "month", "payment_count": "1"}, "payment_count", "greater than or equal"),
        ({"frequency": "month", "payment_count": "13"}, "payment_count", "less than or equal"),
        ({"frequency": "week", "payment_count": "2.5"}, "payment_count", "Enter a whole number."),
        ({"frequency": "week", "payment_count": "two"}, "payment_count", "Enter a whole number."),
        ({"frequency": "year", "payment_count": "6"}, "payment_count", "at most 5 times"),
        ({"first_name": ""}, "first_name", "This field is required."),
        ({"first_name": "   "}, "first_name", "This field is required."),
        ({"last_name": "\t"}, "last_name", "This field is required."),
        ({"first_name": "x" * 101}, "first_name", "at most 100 characters"),
        ({"email": ""}, "email", "This field is required."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"email": "a@" + "b" * 260 + ".org"}, "email", "at most 254 characters"),
        ({"note": "x" * 1001}, "note", "at most 1000 characters"),
    ],
)
def test_bad_input_gets_a_clear_message_on_its_field(changes, field, message):
    form = form_for(**changes)
    assert not form.is_valid()
    assert field in form.errors
    assert message in " ".join(form.errors[field])


@pytest.mark.parametrize(
    ("changes", "cents"),
    [
        ({"amount": "1000"}, 1000),
        ({"amount": "3000"}, 3000),
        ({"amount": "", "other_amount": "12.50"}, 1250),
        ({"amount": "", "other_amount": "$1,250.5"}, 125050),
        ({"amount": "", "other_amount": "1,250.50"}, 125050),
        ({"amount": "", "other_amount": "1,000"}, 100000),
        ({"amount": "", "other_amount": " 1 "}, 100),
        ({"amount": "", "other_amount": "10000"}, 1_000_000),
        ({"amount": "2000", "other_amount": "7"}, 700),
    ],
)
def test_amount_in_cents(changes, cents):
    form = form_for(**changes)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount_cents"] == cents


def test_one_time_ignores_the_count():
    form = form_for(frequency="one_time", payment_count="99")
    assert not form.is_valid()  # the field itself is still checked when sent
    form = form_for(frequency="one_time", payment_count="")
    assert form.is_valid()
    assert form.cleaned_data["payment_count"] == 1


@pytest.mark.parametrize(("frequency", "count"), [("week", 12), ("month", 2), ("year", 5)])
def test_recurring_counts_in_range(frequency, count):
    form = form_for(frequency=frequency, payment_count=str(count))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["payment_count"] == count


def test_one_time_is_the_default_and_nothing_recurring_is_preselected():
    form = DonationForm(campaign=CampaignFactory())
    html = form["frequency"].as_widget()
    assert '<option value="one_time" selected>' in html
    assert "selected" not in html.split("one time</option>")[1]


def test_presets_come_from_the_campaign():
    form = DonationForm(campaign=CampaignFactory(preset_amounts=[500, 2550]))
    assert form.fields["amount"].choices == [("500", "$5"), ("2550", "$25.50")]


def test_errors_are_tied_to_their_inputs():
    form = form_for(email="nope", frequency="month")
    form.is_valid()
    assert 'aria-describedby="id_email_error"' in str(form["email"])
    assert 'aria-invalid="true"' in str(form["email"])
    assert "id_payment_count_error id_payment_count_helptext" in str(form["payment_count"])


@pytest.mark.parametrize(
    ("currency", "typed", "units"),
    [
        ("jpy", "1,000", 1000),
        ("jpy", "¥2500", 2500),
        ("eur", "€12.50", 1250),
        ("eur", "12.5", 1250),
        ("gbp", "£1,250.50", 125050),
        ("bhd", "12.34", 12340),  # thousandths, the last one 0
        ("isk", "1000", 100000),  # hundredths of whole krónur
    ],
)
def test_another_amount_is_read_in_the_campaigns_currency(currency, typed, units):
    campaign = CampaignFactory(currency=currency, preset_amounts=[units])
    form = DonationForm(donation_form_data(amount="", other_amount=typed), campaign=campaign)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount_cents"] == units


@pytest.mark.parametrize(
    ("currency", "typed", "message"),
    [
        ("jpy", "12.50", "Amounts in Japanese yen are whole numbers, like 1,000 or 25,000."),
        ("jpy", "10", "Donations must be between ¥50 and ¥99,999,999."),
        ("eur", "0.30", "Donations must be between €0.50 and €999,999.99."),
        ("bhd", "12.345", "Ensure that there are no more than 2 decimal places."),
        ("eur", "12,50", "Enter an amount in euros, like 25, 12.50 or 1,250.50."),
    ],
)
def test_another_amount_the_currency_cannot_have_gets_a_message(currency, typed, message):
    campaign = CampaignFactory(currency=currency)
    form = DonationForm(donation_form_data(amount="", other_amount=typed), campaign=campaign)
    assert not form.is_valid()
    assert message in " ".join(form.errors["other_amount"])


def test_the_box_shows_the_campaigns_currency():
    form = DonationForm(campaign=CampaignFactory(currency="jpy", preset_amounts=[1000, 3000]))
    assert form.fields["amount"].choices == [("1000", "¥1,000"), ("3000", "¥3,000")]
    assert form.fields["other_amount"].label == "Other amount (JPY)"
    assert form.fields["other_amount"].widget.attrs["inputmode"] == "numeric"


@pytest.mark.parametrize(
    ("currency", "typed", "units"),
    [
        ("usd", "1.250,50", 125050),
        ("usd", "12,50", 1250),
        ("usd", "12,50 US$", 1250),
        ("usd", "US$ 7", 700),
        ("eur", "1.250,50 €", 125050),
        ("jpy", "2.500", 2500),
    ],
)
def test_in_spanish_an_amount_is_read_as_spanish_writes_it(currency, typed, units):
    campaign = CampaignFactory(currency=currency, preset_amounts=[units])
    with translation.override("es"):
        form = DonationForm(donation_form_data(amount="", other_amount=typed), campaign=campaign)
        assert form.is_valid(), form.errors
    assert form.cleaned_data["amount_cents"] == units


@pytest.mark.parametrize(
    ("currency", "typed", "message"),
    [
        (
            "usd",
            "12.50",
            "Escriba un importe en dólares estadounidenses, como 25, 12,50 o 1.250,50.",
        ),
        ("usd", "1.50", "como 25, 12,50 o 1.250,50"),  # a grouping point needs three digits
        (
            "jpy",
            "12,5",
            "Los importes en yenes japoneses son números enteros, como 1.000 o 25.000.",
        ),
        ("usd", "0,30", "Las donaciones deben ser de entre 1\xa0US$ y 10.000\xa0US$."),
    ],
)
def test_in_spanish_what_could_be_read_two_ways_is_refused(currency, typed, message):
    with translation.override("es"):
        form = DonationForm(donation_form_data(amount="", other_amount=typed),
                            campaign=CampaignFactory(currency=currency))  # fmt: skip
        assert not form.is_valid()
        assert message in " ".join(form.errors["other_amount"])
