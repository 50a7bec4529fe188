"""The CSV export: a row per payment with its donation's fields, labels staff read,
no formulas, streamed."""

import csv
import io

import pytest

from donations.models import Donation, Method
from tests.admin_pages import admin_action
from tests.factories import DonationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def exported(client, donations):
    response = admin_action(client, "export_donations", donations, follow=False)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="donations-')
    header, *rows = csv.reader(io.StringIO(b"".join(response.streaming_content).decode()))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_each_payment_is_a_row_with_its_donations_fields(staff_client):
    donation = DonationFactory(
        monthly=True, status=Donation.Status.ACTIVE, first_name="Grace", amount_cents=2500,
        note="For the hotline", utm_source="newsletter", utm_medium="email", refcode="w1",
        fee_cover_cents=103,
    )  # fmt: skip
    paid = PaymentFactory(donation=donation, amount_cents=2500, fee_cents=103, settled_cents=2397,
                   settlement_currency="usd", stripe_invoice_id="in_1")  # fmt: skip
    PaymentFactory(donation=donation, amount_cents=2500, amount_refunded_cents=1000,
                   refund_reason="duplicate", stripe_invoice_id="in_2")  # fmt: skip
    first, second = exported(staff_client, [donation])
    assert first["donation"] == second["donation"] == str(donation.public_id)
    assert (first["first name"], first["note"]) == ("Grace", "For the hotline")
    assert first["frequency"] == "Monthly" and first["method"] == "Card (Stripe)"
    assert first["status"] == "Active (recurring)"
    assert first["source"] == "newsletter / email · refcode w1"
    assert (first["payment"], second["payment"]) == ("1 of 3", "2 of 3")
    assert (first["paid"], first["Stripe fee"], first["reached the balance"]) == (
        "25.00",
        "1.03",
        "23.97",
    )
    assert (second["refunded"], second["refund reason"], second["net"]) == (
        "10.00",
        "Duplicate",
        "15.00",
    )
    assert (first["Stripe payment"], second["payment status"]) == ("in_1", "Paid")
    assert (first["amount"], first["fee covered by the donor"]) == ("25.00", "1.03")
    assert first["receipt number"] == f"{paid.created_at:%Y}-{paid.pk:06d}"


def test_a_donation_without_payments_is_one_row_and_offline_gifts_say_how(staff_client):
    pending = DonationFactory()
    cheque = DonationFactory(method=Method.CHEQUE, status=Donation.Status.PAID)
    PaymentFactory(donation=cheque, reference="CHQ 1042", stripe_invoice_id="")
    rows = exported(staff_client, [pending, cheque])
    assert [(r["status"], r["payment"]) for r in rows] == [
        ("Pending", ""), ("Paid (cheque)", "1 of 1")
    ]  # fmt: skip
    assert (rows[1]["method"], rows[1]["reference"], rows[1]["source"]) == (
        "Cheque", "CHQ 1042", "(direct)"
    )  # fmt: skip


def test_no_cell_is_a_formula_in_a_spreadsheet(staff_client):
    donation = DonationFactory(first_name="=HYPERLINK(1)", note="@SUM(A1)", utm_source="+1")
    (row,) = exported(staff_client, [donation])
    assert (row["first name"], row["note"], row["utm_source"]) == (
        "'=HYPERLINK(1)", "'@SUM(A1)", "'+1"
    )  # fmt: skip
