"""Content Security Policy: django-csp, plus the Stripe Checkout origin as a form target.

The donation form's POST answers with a redirect to Checkout, and browsers check
that redirect against the page's `form-action`. The Checkout origin is read per
request because STRIPE_API_BASE may point at the sandbox on any port.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

STRIPE_CHECKOUT = "https://checkout.stripe.com"
STRIPE_PORTAL = "https://billing.stripe.com"  # the donor's page sends them there to update a card


def checkout_origins() -> list[str]:
    origins = [STRIPE_CHECKOUT, STRIPE_PORTAL]
    if settings.STRIPE_API_BASE:
        base = urlsplit(settings.STRIPE_API_BASE)
        origins.append(f"{base.scheme}://{base.netloc}")
    return origins


class SiteCSPMiddleware(CSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # django-csp builds the policy before it looks at the exemption: a response
        # exempt from it (`@csp_exempt()`: the webhook's JSON for Stripe's servers)
        # skips that work when there is no report-only policy to send either.
        exempt = getattr(response, "_csp_exempt", False)
        if exempt and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None):
            return response
        return super().process_response(request, response)

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        # django-csp appends "update" values to the configured directive.
        parts.update = {**(parts.update or {}), "form-action": checkout_origins()}
        return parts
