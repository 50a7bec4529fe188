"""The article page, rendered once per version of what is on it; per-visitor values
filled in on every request.

Rendering an article page (its donation form above all) costs far more than serving
it, and an anonymous visitor's page is the same for everyone but for a few values:
the CSRF token and one-time tokens of forms on it. So the page is rendered once per
process and per version, with a sentinel in place of each such value, and each
request gets its own values in. The version is the article's `updated_at` and what
the apps that put something on the page say of theirs (`page_parts`): an edit in
the admin changes the key, and the next request renders the new page.

Staff (previews), requests with a query string, visitors with pending messages and
anything but a 200 are rendered as usual.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from articles.models import Article

CSRF_SENTINEL = "csrf-sentinel-" + uuid.uuid4().hex
MAX_PAGES = 512


@dataclass
class PagePart:
    """Something another app puts on the article page (e.g. the donation box)."""

    version: Callable[[Article], str]  # changes whenever the part would render differently
    # Sentinel → a fresh value for each request (e.g. a form's one-time token).
    per_visitor: dict[str, Callable[[], str]] = field(default_factory=dict)


page_parts: list[PagePart] = []
_pages: OrderedDict[tuple[object, ...], str] = OrderedDict()
_lock = threading.Lock()


def cacheable(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and not request.GET
        and not request.user.is_staff
        and not len(get_messages(request))
    )


def page_key(request: HttpRequest, article: Article) -> tuple[object, ...]:
    return (
        article.pk,
        article.updated_at.isoformat(),
        request.scheme,
        request.get_host(),
        timezone.now().year,  # the footer's copyright year
        *(part.version(article) for part in page_parts),
    )


def cached_page(key: tuple[object, ...]) -> str | None:
    with _lock:
        html = _pages.get(key)
        if html is not None:
            _pages.move_to_end(key)
        return html


def remember_page(key: tuple[object, ...], html: str) -> None:
    with _lock:
        _pages[key] = html
        _pages.move_to_end(key)
        while len(_pages) > MAX_PAGES:
            _pages.popitem(last=False)


def filled_in(request: HttpRequest, html: str) -> HttpResponse:
    """The cached page with this visitor's CSRF token and fresh one-time tokens."""
    html = html.replace(CSRF_SENTINEL, get_token(request))
    for part in page_parts:
        for sentinel, make in part.per_visitor.items():
            html = html.replace(sentinel, make())
    return HttpResponse(html)


def forget_all() -> None:
    with _lock:
        _pages.clear()
