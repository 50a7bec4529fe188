"""The fundraising dashboard under the admin: charts drawn on the server, each with its
data table (for screen readers, and for reading exact figures) and a CSV of it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import SafeString

from donations import dashboard_cache
from donations.admin.dashboard_form import DashboardForm
from donations.charts import Series, bar_chart, ranked_chart
from donations.dashboard_cache import Figures
from donations.dashboard_scope import Scope
from donations.export import as_text
from donations.models import Campaign, shown
from donations.money import typed

MONEY, COUNT, TEXT, MONTH = "money", "count", "text", "month"


@dataclass
class Table:
    slug: str
    title: str
    note: str
    columns: list[tuple[str, str]]  # (heading, MONEY / COUNT / TEXT)
    rows: list[list[Any]]
    chart: SafeString


def tables(figures: Figures) -> list[Table]:
    """The dashboard's tables, each with its chart."""
    scope, months = figures.scope, figures.months
    labels = [f"{m.month:%b %Y}" for m in months]
    firsts = [m.month for m in months]

    def money(value: int) -> str:
        return shown(value, scope.currency)

    def table(slug: str, title: str, note: str, columns: list[tuple[str, str]],
              values: list[list[Any]], series: list[Series], **chart: Any) -> Table:  # fmt: skip
        rows = [[first, *row] for first, row in zip(firsts, values, strict=True)]
        svg = bar_chart(slug, title, labels, series, **chart)
        return Table(slug, title, note, [("Month", MONTH), *columns], rows, svg)

    def each(attribute: str) -> list[int]:
        return [getattr(m, attribute) for m in months]

    frequencies = [("week", "Weekly"), ("month", "Monthly"), ("year", "Yearly")]
    by_frequency = [[m.by_frequency.get(f, 0) for f, _ in frequencies] for m in months]
    found = figures.sources
    return [
        table("raised", "Raised", "Gross, Stripe's fees and net (after refunds, disputes and "
              "fees).", [("Gross", MONEY), ("Refunded", MONEY), ("Withdrawn by disputes", MONEY),
              ("Stripe fees", MONEY), ("Net", MONEY)],
              [[m.gross, m.refunded, m.disputed, m.fees, m.net] for m in months],
              [Series("Gross", each("gross"), "s1"), Series("Stripe fees", each("fees"), "s3"),
               Series("Net", each("net"), "s2")], shown=money),
        table("kinds", "One-time and recurring", "Gross, by the kind of donation.",
              [("One-time", MONEY), ("Recurring", MONEY)],
              [[m.one_time, m.recurring] for m in months],
              [Series("One-time", each("one_time"), "s1"),
               Series("Recurring", each("recurring"), "s2")], stacked=True, shown=money),
        table("recurring", "Recurring revenue", "What recurring donations paid, by frequency.",
              [(name, MONEY) for _, name in frequencies], by_frequency,
              [Series(name, [row[k] for row in by_frequency], f"s{k + 1}")
               for k, (_, name) in enumerate(frequencies)], stacked=True, shown=money),
        table("donors", "New and returning donors", "New: their first payment ever was that "
              "month.", [("New", COUNT), ("Returning", COUNT)],
              [[m.new_donors, m.donors - m.new_donors] for m in months],
              [Series("New", each("new_donors"), "s1"),
               Series("Returning", [m.donors - m.new_donors for m in months], "s2")],
              stacked=True),
        table("gifts", "Gifts and the average gift", "Payments received; the average is "
              "gross per payment.", [("Gifts", COUNT), ("Average gift", MONEY)],
              [[m.gifts, m.average] for m in months], [Series("Gifts", each("gifts"), "s1")]),
        table("renewals", "Failed renewals and recoveries", "By the month the renewal failed; "
              "recovered once a retry or a new card paid it.",
              [("Failed", COUNT), ("Recovered", COUNT)],
              [[m.failed, m.recovered] for m in months],
              [Series("Failed", each("failed"), "s3"), Series("Recovered", each("recovered"),
               "s2")]),
        table("refunds", "Refunds and disputes", "Refunds of the month's payments; disputes by "
              "the month they were opened.", [("Refunded", MONEY), ("Disputes", COUNT),
              ("Disputed", MONEY)],
              [[m.refunded, m.disputes, m.disputes_amount] for m in months],
              [Series("Refunded", each("refunded"), "s1"),
               Series("Disputed", each("disputes_amount"), "s3")], shown=money),
        Table("sources", "By source", "UTM parameters and refcode of the link that brought "
              "each gift; (direct) without any. Net before Stripe's fee.",
              [("Source", TEXT), ("Gifts", COUNT), ("Gross", MONEY), ("Net", MONEY)],
              [[s.label, s.gifts, s.gross, s.net] for s in found],
              ranked_chart("sources", "Gross by source", [(s.label, s.gross) for s in found[:12]],
                           shown=money)),
    ]  # fmt: skip


def cell(value: Any, kind: str, currency: str, *, for_csv: bool = False) -> str:
    if kind == MONEY:
        return typed(value, currency) if for_csv else shown(value, currency)
    if kind == MONTH:
        return f"{value:%Y-%m}" if for_csv else f"{value:%B %Y}"
    return str(value)


def dashboard_view(site: AdminSite, request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("donations.view_donation"):
        raise PermissionDenied
    campaigns = list(Campaign.objects.order_by("name"))
    form = DashboardForm(request.GET.dict(), campaigns, timezone.now().date())
    scope = form.scope()
    now = request.GET.get("now") == "1"  # staff asked for figures computed now
    kept = dashboard_cache.computed(scope) if now else dashboard_cache.figures(scope)
    found, months = tables(kept), kept.months
    wanted = request.GET.get("csv")
    chosen = next((t for t in found if t.slug == wanted), None)
    if chosen is not None:
        return table_csv(chosen, scope)
    shown_tables = [
        (t, [[cell(v, kind, scope.currency) for v, (_, kind) in zip(row, t.columns, strict=True)]
             for row in t.rows])
        for t in found
    ]  # fmt: skip
    gross = sum(m.gross for m in months)
    gifts = sum(m.gifts for m in months)
    totals = [
        ("Gross", shown(gross, scope.currency)),
        ("Net", shown(sum(m.net for m in months), scope.currency)),
        ("Gifts", str(gifts)),
        ("Average gift", shown(round(gross / gifts) if gifts else 0, scope.currency)),
        ("New donors", str(sum(m.new_donors for m in months))),
        ("Monthly recurring revenue now", shown(kept.recurring_now, scope.currency)),
    ]
    context = {
        **site.each_context(request),
        "title": "Fundraising dashboard",
        "form": form,
        "scope": scope,
        "tables": shown_tables,
        "totals": totals,
        "figures": kept,
        "query": _without(request, "now", "csv"),
    }
    return TemplateResponse(request, "admin/donations/dashboard.html", context)


def _without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def table_csv(table: Table, scope: Scope) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [f"{heading} ({scope.currency.upper()})" if kind == MONEY else heading
         for heading, kind in table.columns]
    )  # fmt: skip
    for row in table.rows:
        writer.writerow(
            [as_text(v) if kind == TEXT else cell(v, kind, scope.currency, for_csv=True)
             for v, (_, kind) in zip(row, table.columns, strict=True)]
        )  # fmt: skip
    name = f"{table.slug}-{scope.first:%Y-%m}-{scope.last:%Y-%m}.csv"
    return HttpResponse(
        buffer.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
