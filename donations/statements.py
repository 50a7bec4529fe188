"""Year-end statements for taxes: every payment a donor made in a calendar year, net of
refunds, with its receipt number, the total per currency, and who the organisation is
(its legal name, address and tax id: settings) — as a page and as a PDF
(donations.statement_pdf).

Staff send a year's statements with `manage.py send_statements --year N` (or the
donors' admin action): a Statement row per donor and year is created once, and each
is sent on the queue by a sender that claims it first, so a statement goes out at most
once and a run stopped half-way is finished by running it again. A statement is mailed
in the donor's language (that of their latest donation).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from donations.models import Donor, Payment, Statement, shown
from donations.statement_pdf import render_pdf

logger = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=10)
NO_GOODS = _(
    "No goods or services were provided in return for these donations; they are gifts in full."
)


@dataclass(frozen=True)
class Line:
    paid_at: datetime
    receipt_number: str
    campaign: str
    amount: str
    refunded: str
    net: str


@dataclass(frozen=True)
class YearStatement:
    donor: Donor
    year: int
    lines: list[Line]
    totals: list[str]  # one per currency: "$1,250.50"
    fee_covered: bool  # some payments include the processing fee the donor added
    issued: date
    organisation: str = ""
    address: str = ""
    tax_id: str = ""
    no_goods: str = ""


def possible(year: int) -> bool:
    """A year a statement can be for: none before the site, none in the future (and no
    year a date cannot hold, typed into an address)."""
    return 2000 <= year <= timezone.now().year


def _payments(donor: Donor, year: int) -> QuerySet[Payment]:
    if not possible(year):
        return Payment.objects.none()
    return (
        Payment.objects.filter(donation__donor=donor, status__in=Payment.COUNTED)
        .filter(paid_at__year=year)
        .select_related("donation__campaign")
        .order_by("paid_at", "pk")
    )


def years_of(donor: Donor) -> list[int]:
    """The years in which `donor` made a payment, the latest first."""
    paid = Payment.objects.filter(donation__donor=donor, status__in=Payment.COUNTED)
    return sorted({when.year for when in paid.dates("paid_at", "year")}, reverse=True)


def statement_for(donor: Donor, year: int) -> YearStatement:
    lines, totals = [], defaultdict(int)
    fee_covered = False
    for payment in _payments(donor, year):
        currency, net = payment.currency, payment.net_cents
        lines.append(Line(
            paid_at=payment.paid_at or payment.created_at, receipt_number=payment.receipt_number,
            campaign=payment.donation.campaign.name, amount=payment.amount_display,
            refunded=shown(payment.amount_cents - net, currency) if net != payment.amount_cents
            else "–",
            net=shown(net, currency),
        ))  # fmt: skip
        totals[currency] += net
        fee_covered = fee_covered or payment.donation.fee_cover_cents > 0
    return YearStatement(
        donor=donor, year=year, lines=lines,
        totals=[shown(cents, currency) for currency, cents in sorted(totals.items())],
        fee_covered=fee_covered, issued=timezone.now().date(),
        organisation=settings.ORGANISATION_LEGAL_NAME, address=settings.ORGANISATION_ADDRESS,
        tax_id=settings.ORGANISATION_TAX_ID, no_goods=str(NO_GOODS),
    )  # fmt: skip


def donors_who_gave(year: int) -> QuerySet[Donor]:
    """Donors with a payment in `year` and an address to send to."""
    paid = Payment.objects.filter(status__in=Payment.COUNTED, paid_at__year=year)
    return Donor.objects.filter(
        erased_at=None, donations__payments__in=paid
    ).exclude(email="").distinct()  # fmt: skip


def send_year(year: int, donors: QuerySet[Donor] | None = None) -> tuple[int, int]:
    """Queue the statement of each donor (of `donors`, or all) who gave in `year` and
    has not been sent it; (queued, already sent)."""
    if not possible(year):
        raise ValueError(f"{year}: statements are for a year from 2000 to this one.")
    chosen = donors_who_gave(year)
    if donors is not None:
        chosen = chosen.filter(pk__in=donors.values("pk"))
    queued = sent = 0
    for donor in chosen.iterator():
        with transaction.atomic():
            statement, _created = Statement.objects.get_or_create(donor=donor, year=year)
            if statement.sent_at is not None:
                sent += 1
                continue
            send_statement.enqueue(statement.pk)
            queued += 1
    return queued, sent


@task()
def send_statement(statement_id: int) -> str:
    """Claim the statement, mail it with its PDF, record it sent; a failure releases it
    and raises, for the queue to try again."""
    statement = Statement.objects.select_related("donor").filter(pk=statement_id).first()
    if statement is None or not statement.claim(STALE_CLAIM):
        return "sent already, or being sent"
    try:
        with translation.override(statement.donor.language):
            message(statement_for(statement.donor, statement.year)).send()
    except Exception as error:
        statement.release(error)
        raise
    statement.record_sent()
    return "sent"


def message(statement: YearStatement) -> EmailMessage:
    context = {
        "statement": statement,
        "manage_url": settings.SITE_URL + reverse("donations:manage"),
        "site_name": settings.SITE_NAME,
    }
    subject = _("Your %(year)s donation statement from %(organisation)s") % {
        "year": statement.year,
        "organisation": statement.organisation,
    }
    body = render_to_string("donations/email/statement.txt", context)
    email = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [statement.donor.email])
    email.attach(f"statement-{statement.year}.pdf", render_pdf(statement), "application/pdf")
    return email
