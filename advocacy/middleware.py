"""Refuse malformed requests with a 400 before a view (or the database) sees them."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

from donations.stripe_gateway import stripe_seconds

# ASCII control characters (NUL included) and DEL, raw or percent-encoded.
CONTROL = re.compile(r"[\x00-\x1f\x7f]|%(?:[01][0-9a-fA-F]|7[fF])")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectMalformedRequests:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if CONTROL.search(request.META.get("QUERY_STRING", "")):
            return self._bad(request, "The address has characters that are not allowed.")
        if request.method == "POST" and request.content_type in FORM_TYPES:
            charset = (request.content_params or {}).get("charset", "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                return self._bad(request, "Forms must be sent as UTF-8.")
        return self.get_response(request)

    @staticmethod
    def _bad(request: HttpRequest, reason: str) -> HttpResponse:
        html = render_to_string("400.html", {"reason": reason}, request=request)
        return HttpResponseBadRequest(html)


class ServerTiming:
    """`Server-Timing: app;dur=…, stripe;dur=…`: the time this server spent on the request
    beside the time it waited on Stripe (milliseconds), for browsers' dev tools and
    `make bench`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        waited = stripe_seconds.set(0.0)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            total = time.perf_counter() - started
            stripe = stripe_seconds.get()
        finally:
            stripe_seconds.reset(waited)
        timings = [f"app;dur={(total - stripe) * 1000:.1f}"]
        if stripe:
            timings.append(f"stripe;dur={stripe * 1000:.1f}")
        response["Server-Timing"] = ", ".join(timings)
        return response
