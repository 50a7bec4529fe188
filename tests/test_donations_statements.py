"""Year-end statements: every payment of a donor's year net of refunds, with receipt
numbers and totals per currency, as a page and a PDF; sent once per donor and year."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from donations.giving_link import giving_link
from donations.models import Donation, Statement, donor_for
from donations.statement_pdf import render_pdf, text_of
from donations.statements import send_year, statement_for
from jobs.worker import run_ready
from tests.admin_pages import admin_action
from tests.factories import PaymentFactory, at, gift

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(settings):
    settings.ORGANISATION_LEGAL_NAME = "Defend Communities Inc."
    settings.ORGANISATION_ADDRESS = "12 Main St, Durham NC 27701"
    settings.ORGANISATION_TAX_ID = "12-3456789"
    gift("ada@example.org", 3000, at(2026, 3, 2), first_name="Ada", last_name="Lovelace",
                 status=Donation.Status.PAID, payment_amount_refunded_cents=1000)  # fmt: skip
    monthly = gift("ada@example.org", 2091, at(2026, 5, 1), fee_cover_cents=91, monthly=True,
                   status=Donation.Status.ACTIVE)  # fmt: skip
    PaymentFactory(donation=monthly, paid_at=at(2026, 6, 1))
    PaymentFactory(donation=monthly, status="failed", paid_at=None)  # not given
    gift("ada@example.org", 1250, at(2026, 7, 4), currency="eur", status=Donation.Status.PAID)
    gift("ada@example.org", 5000, at(2025, 12, 31), status=Donation.Status.PAID)  # another year
    gift("grace@example.org", 9900, at(2026, 1, 5), status=Donation.Status.PAID)  # another donor
    return donor_for("ada@example.org", "Ada", "Lovelace")


def test_a_year_lists_each_payment_net_of_refunds_with_totals_per_currency(ada):
    statement = statement_for(ada, 2026)
    assert [(line.amount, line.refunded, line.net) for line in statement.lines] == [
        ("$30", "$10", "$20"), ("$20.91", "–", "$20.91"), ("$20.91", "–", "$20.91"),
        ("€12.50", "–", "€12.50"),
    ]  # fmt: skip
    assert statement.totals == ["€12.50", "$61.82"]
    assert statement.fee_covered
    numbers = [line.receipt_number for line in statement.lines]
    assert len(set(numbers)) == 4 and all(n.startswith("2026-") for n in numbers)


def test_the_pdf_says_who_gave_to_whom_what_and_that_nothing_was_given_in_return(ada):
    statement = statement_for(ada, 2026)
    text = text_of(render_pdf(statement))
    for expected in (
        "Donation statement 2026", "Defend Communities Inc.", "12 Main St, Durham NC 27701",
        "Tax id: 12-3456789", "For Ada Lovelace <ada@example.org>", "$30", "$10",
        statement.lines[0].receipt_number, "Total given in 2026: €12.50, $61.82",
        "Amounts include the processing fee you chose to cover.",
        "No goods or services were provided in return for these donations",
    ):  # fmt: skip
        assert expected in text, expected


def test_each_donor_is_sent_a_year_once_and_a_rerun_finishes_what_failed(ada, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    settings.TASK_MAX_ATTEMPTS = 1
    assert send_year(2026) == (2, 0)  # Ada and Grace
    run_ready()  # the mail server is down
    assert Statement.objects.filter(sent_at=None, attempts=1).count() == 2
    assert "ConnectionRefusedError" in Statement.objects.get(donor=ada).error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_statements", "--year", "2026", verbosity=0)
    run_ready()
    call_command("send_statements", "--year", "2026", verbosity=0)  # run once more
    run_ready()
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "grace@example.org"]
    to_ada = next(m for m in mail.outbox if m.to == ["ada@example.org"])
    assert to_ada.subject == "Your 2026 donation statement from Defend Communities Inc."
    assert "Total given in 2026: €12.50, $61.82" in to_ada.body
    ((name, pdf, mime),) = to_ada.attachments
    assert (name, mime) == ("statement-2026.pdf", "application/pdf")
    assert "Tax id: 12-3456789" in text_of(pdf)
    assert send_year(2026) == (0, 2)


def test_the_giving_page_offers_each_years_statement_as_a_page_and_a_pdf(client, ada):
    link = giving_link(ada)
    page = client.get(link).content.decode()
    assert "Statement 2026" in page and "Statement 2025" in page
    statement = client.get(f"{link}statement/2026/")
    assert statement.status_code == 200
    html = statement.content.decode()
    assert "Total given in 2026: €12.50, $61.82" in html and "12-3456789" in html
    pdf = client.get(f"{link}statement/2026.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="statement-2026.pdf"'
    assert "Total given in 2026" in text_of(pdf.content)


def test_a_year_without_payments_says_so_and_a_link_opens_only_its_donors(client, ada):
    missing = client.get(f"{giving_link(ada)}statement/2019/")
    assert missing.status_code == 404
    assert "You made no payment in 2019" in missing.content.decode()
    grace = donor_for("grace@example.org")
    html = client.get(f"{giving_link(grace)}statement/2026/").content.decode()
    assert "$99" in html and "$30" not in html
    assert client.get("/donations/all/forged/statement/2026/").status_code == 404


@pytest.mark.parametrize("year", ["0", "1999", "2999", "10000", "99999999999999999999"])
def test_a_year_no_statement_can_be_for_is_a_clear_404_or_command_error(client, ada, year):
    response = client.get(f"{giving_link(ada)}statement/{year}/")
    assert response.status_code == 404
    assert f"You made no payment in {year}" in response.content.decode()
    with pytest.raises(CommandError, match="statements are for a year from 2000 to this one"):
        call_command("send_statements", "--year", year, verbosity=0)


def test_staff_send_last_years_statements_to_the_donors_they_select(staff_client, ada):
    gift("ada@example.org", 700, at(2025, 2, 2), status=Donation.Status.PAID)
    response = admin_action(staff_client, "send_last_years_statements", [ada])
    assert response.status_code == 200
    run_ready()
    (sent,) = mail.outbox
    assert sent.subject.startswith("Your 2025 donation statement")


def test_a_spanish_donors_statement_is_mailed_in_spanish(ada, mailoutbox):
    Donation.objects.filter(donor=ada).update(language="es")
    send_year(2026, donors=type(ada).objects.filter(pk=ada.pk))
    run_ready()
    (mail_to_ada,) = mailoutbox
    assert mail_to_ada.subject == "Su resumen de donaciones 2026 de Defend Communities Inc."
    assert "Hola, Ada:" in mail_to_ada.body
    assert "Total donado en 2026: 12,50\xa0€, 61,82\xa0US$" in mail_to_ada.body
    ((_name, pdf, _mime),) = mail_to_ada.attachments
    text = text_of(pdf)
    for expected in ("Resumen de donaciones 2026", "Identificación fiscal: 12-3456789",
                     "Reembolsado", "No se entregaron bienes ni servicios"):  # fmt: skip
        assert expected in text, expected
