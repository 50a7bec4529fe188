"""Donors as people in the admin: each with everything they gave; merge two records of
one person; erase a donor's personal data at once (the amounts stay)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from donations import donors, statements
from donations.admin_confirmation import confirmation, confirmed
from donations.models import Donation, Donor, Payment, shown
from donations.personal_data import erase_person

COUNTED = Q(donations__payments__status__in=Payment.COUNTED) & Q(
    donations__payments__currency=F("donations__currency")
)


def _day(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d}" if moment else "–"


class GaveFilter(admin.SimpleListFilter):
    title = "has given"
    parameter_name = "gave"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "Not yet (unpaid donations only)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(gift_count__gt=0)
        if self.value() == "no":
            return queryset.filter(gift_count=0)
        return queryset


class DonationInline(admin.TabularInline):
    model = Donation
    fields = ["donation", "campaign", "amount", "frequency", "status", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Donation")
    def donation(self, obj: Donation) -> str:
        url = reverse("admin:donations_donation_change", args=[obj.pk])
        return format_html('<a href="{}">#{}</a>', url, obj.pk)

    @admin.display(description="Amount")
    def amount(self, obj: Donation) -> str:
        return obj.amount_display


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "gifts", "given", "first_gift", "last_gift"]
    list_filter = [GaveFilter]
    search_fields = ["first_name", "last_name", "email", "addresses__email"]
    fields = ["first_name", "last_name", "email", "addresses_list", "giving", "payments",
              "created_at", "erased_at"]  # fmt: skip
    readonly_fields = ["email", "addresses_list", "giving", "payments", "created_at", "erased_at"]
    inlines = [DonationInline]
    actions = ["merge_donors", "erase_donors", "send_last_years_statements"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Donor]:
        paid = Sum("donations__payments__amount_cents", filter=COUNTED)
        back = Sum("donations__payments__amount_refunded_cents", filter=COUNTED) + Sum(
            "donations__payments__amount_disputed_cents", filter=COUNTED
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                **donors.gift_counts(),
                given_cents=Coalesce(paid, 0) - Coalesce(back, 0),
                currencies=Count("donations__currency", filter=COUNTED, distinct=True),
                currency=Max("donations__currency", filter=COUNTED),
            )
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # donors come with their donations (or an offline gift)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the record of money stays: erase the person instead

    def has_merge_donors_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("donations.merge_donors"))

    def has_send_statements_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("donations.send_statements"))

    @admin.action(description="Send last year's statement to the selected donors",
                  permissions=["send_statements"])  # fmt: skip
    def send_last_years_statements(self, request: HttpRequest, queryset: QuerySet[Donor]) -> None:
        year = timezone.now().year - 1
        queued, sent = statements.send_year(year, queryset)
        self.message_user(request, f"{year} statements: {queued} queued to send, {sent} sent "
                                   "before (never twice); donors who gave nothing that year "
                                   "get none.")  # fmt: skip

    def has_erase_donors_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("donations.erase_personal_data"))

    @admin.display(description="Gifts", ordering="gift_count")
    def gifts(self, obj: Any) -> int:
        return int(obj.gift_count)

    @admin.display(description="Given (net)", ordering="given_cents")
    def given(self, obj: Any) -> str:
        if obj.currencies > 1:
            return "in several currencies"
        return shown(obj.given_cents, obj.currency) if obj.currency else "–"

    @admin.display(description="First gift", ordering="first_gift")
    def first_gift(self, obj: Any) -> Any:
        return obj.first_gift or "–"

    @admin.display(description="Last gift", ordering="last_gift")
    def last_gift(self, obj: Any) -> Any:
        return obj.last_gift or "–"

    @admin.display(description="Known addresses")
    def addresses_list(self, obj: Donor) -> str:
        return ", ".join(address.email for address in obj.addresses.all()) or "–"

    @admin.display(description="Lifetime giving")
    def giving(self, obj: Donor) -> str:
        rows = donors.giving(obj)
        if not rows:
            return "Nothing paid yet."
        return format_html(
            "<table><thead><tr><th>Currency</th><th>Given (net)</th><th>Gifts</th>"
            "<th>First</th><th>Last</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((g.currency.upper(), shown(g.net_cents, g.currency), g.gifts, _day(g.first),
                  _day(g.last)) for g in rows),
            ),
        )  # fmt: skip

    @admin.display(description="Every payment")
    def payments(self, obj: Donor) -> str:
        found = Payment.objects.filter(donation__donor=obj).order_by("-paid_at", "-created_at")
        rows = [
            (_day(p.paid_at or p.created_at), p.amount_display, p.get_status_display(),
             p.refunded_display if p.amount_refunded_cents else "–")
            for p in found
        ]  # fmt: skip
        if not rows:
            return "None yet."
        return format_html(
            "<table><thead><tr><th>Date</th><th>Amount</th><th>Status</th><th>Refunded</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                rows,
            ),
        )  # fmt: skip

    @admin.action(description="Merge the selected donors into one…", permissions=["merge_donors"])
    def merge_donors(self, request: HttpRequest, queryset: QuerySet[Donor]) -> HttpResponse | None:
        chosen = list(queryset.order_by("pk"))
        if len(chosen) < 2:
            self.message_user(request, "Select two or more donors to merge.", messages.ERROR)
            return None
        keep = next((d for d in chosen if str(d.pk) == request.POST.get("keep")), None)
        if confirmed(request) and keep is not None:
            moved = donors.merge(keep, chosen)
            self.message_user(request, f"Merged into {keep}: {moved} donation(s) moved.")
            return None
        lines = [
            f"{donor} <{donor.email or 'no address'}>: {donor.donations.count()} donation(s)"
            for donor in chosen
        ]
        return confirmation(
            self, request, chosen, action="merge_donors", title="Merge donors",
            intro="These records become one donor, with every donation and address of each. "
            "The others are removed; no donation, payment or amount is lost.",
            lines=lines, submit="Merge", choices=[(d.pk, f"Keep {d} ({d.email})") for d in chosen],
            choice_name="keep", choices_legend="Whose name and address the donor keeps",
        )  # fmt: skip

    @admin.action(description="Erase these donors' personal data…", permissions=["erase_donors"])
    def erase_donors(self, request: HttpRequest, queryset: QuerySet[Donor]) -> HttpResponse | None:
        chosen = list(queryset)
        if confirmed(request):
            erased = sum(erase_person(donor) for donor in chosen)
            self.message_user(
                request,
                f"Erased the personal data of {len(chosen)} donor(s) and their {erased} "
                "donation(s).",
            )
            return None
        lines = [
            f"{donor} <{donor.email}>: {donor.donations.count()} donation(s)" for donor in chosen
        ]
        return confirmation(
            self, request, chosen, action="erase_donors", title="Erase donors' personal data",
            intro="The names, addresses and notes of these donors and of every donation they "
            "made are erased, here and in the Stripe events the site stored. Amounts, payments "
            "and Stripe ids stay. This cannot be undone.",
            lines=lines, submit="Erase their personal data", danger=True,
        )  # fmt: skip
