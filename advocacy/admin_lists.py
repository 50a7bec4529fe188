"""Admin lists that a mistyped or crafted date in their address cannot break.

Django's admin turns `?created_at__year=99999` (or year 0, month 13) into a query
that fails with a ValueError while the list is drawn: a 500 page. Such a parameter is
dropped here, and the list shown without it, with a message saying so.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

RANGES = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}


def _valid(name: str, value: str) -> bool:
    part = name.rsplit("__", 1)[-1]
    if part not in RANGES or "__" not in name:
        return True
    low, high = RANGES[part]
    return value.isascii() and value.isdigit() and low <= int(value) <= high


class SafeDateLookups(admin.ModelAdmin):
    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        query = request.GET.copy()
        invalid = [name for name, value in query.items() if not _valid(name, value)]
        if invalid:
            for name in invalid:
                del query[name]
            self.message_user(request, "That date is not one the list can show.", messages.WARNING)
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        return super().changelist_view(request, extra_context)  # type: ignore[no-any-return]
