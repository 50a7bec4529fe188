"""Pages that carry a donor's own data are never stored by a browser or a proxy."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


class PrivateDonorPages:
    """The thank-you page and an article opened from a Checkout "back" link (`?resume=`)
    show a donation's details: `Cache-Control: private, no-store`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match  # as resolved for this request: no reverse() each time
        thanks = match is not None and match.view_name == "donations:thanks"
        if thanks or "resume" in request.GET:
            del response["Cache-Control"]  # a public page's own is replaced, not merged
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response
