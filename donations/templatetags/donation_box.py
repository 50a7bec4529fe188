"""`{% donation_box article %}`: the box under an article that has one;
`{% campaign_box campaign %}`: a campaign's box on its own page or in a partner's frame."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from articles.models import Article
from donations import sources
from donations.forms import DonationForm
from donations.models import Campaign, DonationBox, shown
from donations.page_part import FORM_TOKEN_SENTINEL, SOURCE_SENTINELS
from donations.services import resume_initial

register = template.Library()
TEMPLATE = "donations/donation_box.html"


@register.inclusion_tag(TEMPLATE, takes_context=True)
def donation_box(context: template.Context, article: Article) -> dict[str, Any]:
    """The form the donate view passed (with the visitor's errors), or a new one for the
    article's active campaign."""
    form = context.get("donation_form")
    if form is None:
        box = DonationBox.objects.open().filter(article=article).first()
        if box is None:
            return {"form": None}
        form = _new_form(context, box.campaign)
    action = reverse("donations:donate", kwargs={"slug": article.slug})
    return _box(context, form, action)


@register.inclusion_tag(TEMPLATE, takes_context=True)
def campaign_box(
    context: template.Context, campaign: Campaign, embedded: bool = False
) -> dict[str, Any]:
    form = context.get("donation_form") or _new_form(context, campaign)
    if embedded:  # the next page opens at the top, out of the partner's frame
        action = reverse("donations:campaign-embed", kwargs={"slug": campaign.slug})
        return {**_box(context, form, action), "target": "_top", "embedded": True}
    return _box(context, form, reverse("donations:campaign", kwargs={"slug": campaign.slug}))


def _new_form(context: template.Context, campaign: Campaign) -> DonationForm:
    """A new form with the sources of the link the visitor came by, refilled from a
    `resume` link back from Checkout."""
    query = context["request"].GET
    initial = {
        **sources.sources_in(query),
        **resume_initial(query.get("resume", ""), campaign=campaign),
    }
    if context.get("for_page_cache"):  # each visitor's own values, filled in per request
        initial |= {"token": FORM_TOKEN_SENTINEL, **SOURCE_SENTINELS}
    return DonationForm(campaign=campaign, initial=initial)


def _box(context: template.Context, form: DonationForm, action: str) -> dict[str, Any]:
    return {
        "form": form,
        "action": action,
        "csrf_token": context.get("csrf_token"),
        "progress": goal_progress(form.campaign),
    }


def goal_progress(campaign: Campaign) -> dict[str, Any] | None:
    """What the box shows of a campaign with a goal: raised (net of refunds), the goal,
    the donors, and the share reached (capped at 100 for the bar)."""
    if not campaign.goal_cents:
        return None
    totals = Campaign.objects.with_totals().values("raised", "donor_total").get(pk=campaign.pk)
    raised = int(totals["raised"])
    return {
        "raised": shown(raised, campaign.currency),
        "goal": shown(campaign.goal_cents, campaign.currency),
        "raised_cents": min(raised, campaign.goal_cents),
        "goal_cents": campaign.goal_cents,
        "percent": min(100, raised * 100 // campaign.goal_cents),
        "donors": int(totals["donor_total"]),
    }
