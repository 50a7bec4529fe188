"""The campaign's box on a partner's site: the code staff copy, and the policy that lets
only the sites they listed show it in a frame (CSP frame-ancestors)."""

from __future__ import annotations

from csp.constants import NONE
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from donations.models import Campaign

EMBED_HEIGHT = 1150  # px: the box's height with an error message, at 360 px wide


def embed_url(campaign: Campaign) -> str:
    return settings.SITE_URL + reverse("donations:campaign-embed", kwargs={"slug": campaign.slug})


def embed_snippet(campaign: Campaign) -> str:
    """The iframe a partner pastes into their page (add ?utm_source=… to credit them)."""
    return str(
        format_html(
            '<iframe src="{}" title="Donate to {}" loading="lazy" '
            'style="width:100%;max-width:600px;height:{}px;border:0"></iframe>',
            embed_url(campaign),
            campaign.name,
            EMBED_HEIGHT,
        )
    )


def allow_framing(response: HttpResponse, campaign: Campaign) -> HttpResponse:
    """Only the campaign's listed sites may frame the page; none when it lists none."""
    response._csp_replace = {"frame-ancestors": campaign.frame_origins or [NONE]}  # type: ignore[attr-defined]
    response.xframe_options_exempt = True  # type: ignore[attr-defined]  # CSP says who
    return response
