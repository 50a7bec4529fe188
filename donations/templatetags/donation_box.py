"""`{% donation_box article %}`: the donation box under an article that has one."""

from __future__ import annotations

from typing import Any

from django import template

from articles.models import Article
from donations.forms import DonationForm
from donations.models import Campaign, DonationBox, shown
from donations.page_part import FORM_TOKEN_SENTINEL
from donations.services import resume_initial

register = template.Library()


@register.inclusion_tag("donations/donation_box.html", takes_context=True)
def donation_box(context: template.Context, article: Article) -> dict[str, Any]:
    """The form the donate view passed (with the visitor's errors), or a new one for the
    article's active campaign, refilled from a `resume` link back from Checkout."""
    form = context.get("donation_form")
    if form is None:
        box = DonationBox.objects.open().filter(article=article).first()
        if box is None:
            return {"form": None}
        request = context["request"]
        initial = resume_initial(request.GET.get("resume", ""), campaign=box.campaign)
        if context.get("for_page_cache"):
            initial["token"] = FORM_TOKEN_SENTINEL  # each visitor gets a fresh one
        form = DonationForm(campaign=box.campaign, initial=initial)
    return {
        "form": form,
        "article": article,
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
