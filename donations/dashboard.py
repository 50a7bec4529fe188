"""The fundraising dashboard's figures: by month, and by source, for a range of months,
one currency and optionally one campaign. Each figure is one SQL aggregate (a
handful of queries whatever the number of donations); Python only lays them out.

Definitions (the dashboard says them too):
- A gift is a payment Stripe took (or an offline gift), counted in the month it was
  paid; gross is its amount, net is gross less refunds, what disputes withdrew and
  Stripe's fee (fees only where the balance settles in the chosen currency).
- A donor is new in the month of their first payment ever (any campaign), returning
  after it.
- A failed renewal counts in the month its invoice was created; it is recovered once
  Stripe's retry (or the donor's new card) paid it.
- Recurring revenue is what recurring donations paid in the month, by frequency;
  "monthly recurring revenue now" is the running ones' amounts as a month's worth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Count, F, Min, Q, QuerySet, Sum

from donations import sources
from donations.dashboard_scope import MonthOf, Scope, month_key
from donations.models import Dispute, Donation, Frequency, Payment

COUNTED = Payment.COUNTED

PER_MONTH = {Frequency.WEEKLY: 52 / 12, Frequency.MONTHLY: 1.0, Frequency.YEARLY: 1 / 12}


@dataclass
class Month:
    month: date
    gross: int = 0
    refunded: int = 0
    disputed: int = 0
    fees: int = 0
    gifts: int = 0
    by_frequency: dict[str, int] = field(default_factory=dict)
    donors: int = 0
    new_donors: int = 0
    failed: int = 0
    recovered: int = 0
    disputes: int = 0
    disputes_amount: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.refunded - self.disputed - self.fees

    @property
    def one_time(self) -> int:
        return self.by_frequency.get(Frequency.ONE_TIME, 0)

    @property
    def recurring(self) -> int:
        return self.gross - self.one_time

    @property
    def average(self) -> int:
        return round(self.gross / self.gifts) if self.gifts else 0


@dataclass
class Source:
    label: str
    gifts: int
    gross: int
    net: int  # before Stripe's fee


def _within(rows: QuerySet[Any], scope: Scope, when: str, campaign: str) -> QuerySet[Any]:
    """`rows` in the scope's currency (and campaign, through the `campaign` path) whose
    `when` falls within its months."""
    chosen = rows.filter(
        currency=scope.currency, **{f"{when}__gte": scope.start, f"{when}__lt": scope.end}
    )
    if scope.campaign is not None:
        chosen = chosen.filter(**{campaign: scope.campaign})
    return chosen


def payments(scope: Scope) -> QuerySet[Payment]:
    """The payments received in the scope (offline gifts included)."""
    counted = Payment.objects.filter(status__in=COUNTED)
    return _within(counted, scope, "paid_at", "donation__campaign")


def months(scope: Scope) -> list[Month]:
    """Every month of the scope, with its figures (zeros for a month without any)."""
    table = {month_key(m): Month(m) for m in scope.months()}
    by_month = payments(scope).annotate(month=MonthOf("paid_at")).order_by()
    money = by_month.values("month", "donation__frequency").annotate(
        gross=Sum("amount_cents"), refunded=Sum("amount_refunded_cents"),
        disputed=Sum("amount_disputed_cents"), gifts=Count("pk"),
        fees=Sum("fee_cents", filter=Q(settlement_currency=scope.currency)),
    )  # fmt: skip
    for row in money:
        month = table[month_key(row["month"])]
        month.gross += row["gross"]
        month.refunded += row["refunded"]
        month.disputed += row["disputed"]
        month.fees += row["fees"] or 0
        month.gifts += row["gifts"]
        month.by_frequency[row["donation__frequency"]] = row["gross"]
    for when, donors, new in _donors(by_month):
        table[month_key(when)].donors, table[month_key(when)].new_donors = donors, new
    for row in _failures(scope):
        table[month_key(row["month"])].failed = row["failed"]
        table[month_key(row["month"])].recovered = row["recovered"]
    for row in _disputes(scope):
        table[month_key(row["month"])].disputes = row["disputes"]
        table[month_key(row["month"])].disputes_amount = row["amount"]
    return list(table.values())


def _donors(by_month: QuerySet[Payment]) -> list[tuple[Any, int, int]]:
    """(month, donors, new donors) of the scope's payments: one query, the donors'
    first payments found once for all (a correlated subquery per payment took
    seconds at 100,000 donations)."""
    scoped = (
        by_month.annotate(who=F("donation__donor")).values("month", "who").distinct().query
    ).sql_with_params()
    firsts = (
        Payment.objects.filter(status__in=COUNTED)
        .annotate(who=F("donation__donor"))
        .order_by()
        .values("who")
        .annotate(first=MonthOf(Min("paid_at")))
        .query
    ).sql_with_params()
    # Only SQL that Django compiled is put in; every value is a parameter.
    sql = (
        "SELECT s.month, COUNT(*), SUM(CASE WHEN f.first = s.month THEN 1 ELSE 0 END) "  # noqa: S608
        f"FROM ({scoped[0]}) s JOIN ({firsts[0]}) f ON f.who = s.who GROUP BY s.month"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*scoped[1], *firsts[1]))
        return [(month, int(donors), int(new or 0)) for month, donors, new in cursor.fetchall()]


def _failures(scope: Scope) -> QuerySet[Payment, dict[str, object]]:
    failed = _within(Payment.objects.all(), scope, "failed_at", "donation__campaign")
    return (
        failed.annotate(month=MonthOf("failed_at"))
        .order_by()
        .values("month")
        .annotate(failed=Count("pk"), recovered=Count("pk", filter=Q(status__in=COUNTED)))
    )


def _disputes(scope: Scope) -> QuerySet[Dispute, dict[str, object]]:
    disputes = _within(Dispute.objects.all(), scope, "created_at", "payment__donation__campaign")
    return (
        disputes.annotate(month=MonthOf("created_at"))
        .order_by()
        .values("month")
        .annotate(disputes=Count("pk"), amount=Sum("amount_cents"))
    )


MAX_SOURCES = 100


def by_source(scope: Scope) -> list[Source]:
    """What each source brought in the scope, the most first; past MAX_SOURCES, the
    rest together as "(other sources)"."""
    names = [f"donation__{name}" for name in sources.FIELDS]
    rows = (
        payments(scope)
        .order_by()
        .values(*names)
        .annotate(
            gifts=Count("pk"), gross=Sum("amount_cents"),
            net=Sum(F("amount_cents") - F("amount_refunded_cents") - F("amount_disputed_cents")),
        )
        .order_by("-gross", *names)
    )  # fmt: skip
    found = [
        Source(sources.label(*(row[n] for n in names)), row["gifts"], row["gross"], row["net"])
        for row in rows
    ]  # fmt: skip
    rest = found[MAX_SOURCES:]
    if rest:
        others = Source("(other sources)", *(sum(getattr(s, f) for s in rest)
                                             for f in ("gifts", "gross", "net")))  # fmt: skip
        found = [*found[:MAX_SOURCES], others]
    return found


def recurring_now(scope: Scope) -> int:
    """The running recurring donations' amounts as a month's worth (weekly × 52 / 12,
    yearly / 12), in the scope's currency and campaign."""
    running = Donation.objects.filter(status__in=Donation.RUNNING, currency=scope.currency)
    if scope.campaign is not None:
        running = running.filter(campaign=scope.campaign)
    totals = running.order_by().values("frequency").annotate(total=Sum("amount_cents"))
    return round(sum(PER_MONTH.get(r["frequency"], 0) * r["total"] for r in totals))
