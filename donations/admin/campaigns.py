"""Campaigns in the admin, with their totals and the overview."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import escape, format_html

from advocacy.admin_lists import SafeDateLookups
from donations.admin.campaign_form import CampaignForm
from donations.embedding import embed_snippet
from donations.models import Campaign, shown
from donations.overview import campaign_figures, currency_totals


@admin.register(Campaign)
class CampaignAdmin(SafeDateLookups):
    form = CampaignForm
    list_display = ["name", "active", "is_main", "goal", "raised_amount", "donation_count"]
    list_filter = ["active"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["page", "embed_code"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "active", "is_main"]}),
        ("Amounts", {"fields": ["currency", "preset_amounts", "goal_cents"]}),
        ("Its donation page, and its box on other sites", {
            "fields": ["page", "embed_origins", "embed_code"],
        }),
    ]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[Campaign]:
        return super().get_queryset(request).with_totals()

    def get_urls(self) -> list[Any]:
        overview = self.admin_site.admin_view(self.overview_view)
        return [
            path("overview/", overview, name="donations_campaign_overview"),
            *super().get_urls(),
        ]

    def overview_view(self, request: HttpRequest) -> TemplateResponse:
        """Per campaign: raised this month and in all, recurring donations, what is still
        scheduled, failed renewals and donations flagged for staff."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = [
            {
                "campaign": f.campaign, "raised": shown(f.raised_cents, f.campaign.currency),
                "raised_this_month": shown(f.raised_this_month_cents, f.campaign.currency),
                "active_recurring": f.active_recurring,
                "scheduled": shown(f.scheduled_cents, f.campaign.currency),
                "past_due": f.past_due,
                "flagged": f.flagged,
            }
            for f in campaign_figures()
        ]  # fmt: skip
        charged, settled = currency_totals()
        totals = [
            {"currency": t.currency.upper(), "gross": shown(t.gross_cents, t.currency),
             "refunded": shown(t.refunded_cents, t.currency),
             "disputed": shown(t.disputed_cents, t.currency),
             "raised": shown(t.raised_cents, t.currency)}
            for t in charged
        ]  # fmt: skip
        balance = [
            {"currency": b.currency.upper(), "fees": shown(b.fee_cents, b.currency),
             "settled": shown(b.settled_cents, b.currency), "payments": b.payments}
            for b in settled
        ]  # fmt: skip
        context = {**self.admin_site.each_context(request), "title": "Campaigns overview",
                   "rows": rows, "totals": totals, "balance": balance,
                   "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "admin/donations/campaign/overview.html", context)

    @admin.display(description="Donation page")
    def page(self, obj: Campaign) -> str:
        if not obj.pk:
            return "Saved campaigns have a page of their own."
        url = settings.SITE_URL + obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description="Embed code")
    def embed_code(self, obj: Campaign) -> str:
        """What a partner pastes into their page; shown once sites are allowed."""
        if not obj.pk or not obj.frame_origins:
            return "Allow a site above and save: its embed code appears here."
        code = embed_snippet(obj)
        return format_html(
            '<textarea readonly rows="4" cols="80" class="vLargeTextField embed-code" '
            'aria-label="Embed code">{}</textarea><p class="help">Copy it into the partner '
            "site's page; it works only on {}.</p>",
            escape(code),  # shown as text, to copy
            ", ".join(obj.frame_origins),
        )

    @admin.display(description="Goal")
    def goal(self, obj: Campaign) -> str:
        return shown(obj.goal_cents, obj.currency) if obj.goal_cents else "–"

    @admin.display(description="Raised", ordering="raised")
    def raised_amount(self, obj: Any) -> str:
        return shown(obj.raised, obj.currency)

    @admin.display(description="Donations", ordering="donation_total")
    def donation_count(self, obj: Any) -> int:
        return int(obj.donation_total)
