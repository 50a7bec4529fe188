"""The staff overview: per campaign, what came in and what is still to come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from donations.models import Campaign, Donation, Frequency, Payment, net_received


@dataclass
class CampaignFigures:
    campaign: Campaign
    raised_cents: int
    raised_this_month_cents: int
    active_recurring: int
    scheduled_cents: int  # the payments still due of active recurring donations
    past_due: int  # renewals that failed: Stripe retries; staff may want to reach out
    flagged: int  # donations with something for staff to look at


def month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def campaign_figures(now: datetime | None = None) -> list[CampaignFigures]:
    since = month_start(now or timezone.now())
    campaigns = Campaign.objects.annotate(
        raised=net_received("donations__payments"),
        raised_month=net_received(
            "donations__payments", Q(donations__payments__paid_at__gte=since)
        ),
    ).order_by("name")
    running = (
        Donation.objects.filter(status__in=Donation.RUNNING)
        .exclude(frequency=Frequency.ONE_TIME)
        .annotate(paid=Count("payments", filter=Q(payments__status__in=Payment.COUNTED)))
        .values_list("campaign_id", "status", "amount_cents", "payment_count", "paid")
    )
    flagged = dict(
        Donation.objects.exclude(attention="")
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )
    figures = {
        c.pk: CampaignFigures(c, int(c.raised), int(c.raised_month), 0, 0, 0, flagged.get(c.pk, 0))
        for c in campaigns
    }
    for campaign_id, status, amount, chosen, paid in running:
        row = figures[campaign_id]
        row.active_recurring += 1
        row.scheduled_cents += amount * max(0, chosen - paid)
        row.past_due += status == Donation.Status.PAST_DUE
    return list(figures.values())


@dataclass
class CurrencyTotals:
    """What the payments in one currency brought: never added to another currency's."""

    currency: str
    gross_cents: int = 0
    refunded_cents: int = 0
    disputed_cents: int = 0  # withdrawn by disputes, not given back

    @property
    def raised_cents(self) -> int:
        return self.gross_cents - self.refunded_cents - self.disputed_cents


@dataclass
class BalanceTotals:
    """What reached Stripe's balance, in one settlement currency."""

    currency: str
    fee_cents: int = 0
    settled_cents: int = 0
    payments: int = 0


def currency_totals() -> tuple[list[CurrencyTotals], list[BalanceTotals]]:
    """Every payment Stripe took, summed per currency; fees and net per settlement
    currency (from Stripe's balance transactions; payments not yet asked about are not
    in them)."""
    counted = Payment.objects.filter(status__in=Payment.COUNTED)
    charged = [
        CurrencyTotals(row["currency"], row["gross"], row["refunded"], row["disputed"])
        for row in counted.values("currency")
        .annotate(gross=Sum("amount_cents"), refunded=Sum("amount_refunded_cents"),
                  disputed=Sum("amount_disputed_cents"))
        .order_by("currency")
    ]  # fmt: skip
    settled = [
        BalanceTotals(row["settlement_currency"], row["fees"], row["net"], row["n"])
        for row in counted.exclude(settled_cents=None)
        .values("settlement_currency")
        .annotate(fees=Sum("fee_cents"), net=Sum("settled_cents"), n=Count("pk"))
        .order_by("settlement_currency")
    ]  # fmt: skip
    return charged, settled
