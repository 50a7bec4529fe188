"""Whole pages for anonymous visitors: rendered once per process and content version,
with the per-visitor values filled in on every request.

Rendering a page (the article's donation form above all) costs far more than sending
it, and an anonymous visitor's page is the same for everyone but for a few values:
the CSRF token and one-time tokens of forms on it. A view that offers its page
(`offer()`) renders it with a sentinel in place of each such value; the middleware
keeps it, and for the next anonymous visitor fills in their own values and replays
the headers the full stack produced, without running the rest of the stack.

A page is kept while the site's content version is unchanged (any save or delete of
content bumps it: `bump_content_version`, connected to Article here and to what other
apps put on pages there) and until its `valid_until` (e.g. when a scheduled article
appears on the home page). Only GETs from visitors with no session and no pending
messages are served from it, without a query string or with only the parameters
apps registered as filling per-visitor values (`passed_params`: a link's source
carried into a form's hidden fields); staff, forms with errors and resume links
always get the full stack.

The content version can never let an old page back in. It is a random token, not a
counter, kept without expiry in the durable cache (which no traffic can evict): were
it lost anyway, a new token is drawn and every page kept before is stale, never
valid again. It is read before the page is rendered, and bumped when a change is
saved and again once its transaction has committed: a request that read the content
before the commit keeps its page under a version that is already old.

Where the version lives in a cache every machine shares (Redis), a process trusts the
version it read for `LEASE` seconds instead of asking on every hit, and a change staff
make waits out that lease once its commit has bumped the version: when the save
returns, no process holds the old version any more, so no page of an unpublished
article is served from then on. A payment's change of a campaign's total does not wait
(`bump_for_figures`): its pages show the new total within the lease.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.request import split_domain_port
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from articles.csrf_tokens import visitor_token
from articles.gzip_pages import SegmentedPage

logger = logging.getLogger(__name__)
CSRF_SENTINEL = "csrf-sentinel-" + uuid.uuid4().hex
VERSION_KEY = "page-cache:content-version"
MAX_PAGES = 512
LEASE = 0.05  # seconds a process trusts the version it read from a shared cache
NOT_REPLAYED = {"content-length", "content-encoding", "set-cookie", "server-timing"}

# Sentinel → this visitor's value (HTML-escaped), registered by apps that put a form on
# pages; and the query parameters that change nothing on a page but such values.
per_visitor: dict[str, Callable[[HttpRequest], str]] = {}
passed_params: set[str] = set()
# What other apps keep per process under the content version, forgotten with the pages.
forgotten_with_pages: list[Callable[[], None]] = []


@dataclass
class Page:
    html: SegmentedPage
    version: str
    valid_until: datetime | None
    headers: dict[str, str] = field(default_factory=dict)


_pages: OrderedDict[tuple[str, ...], Page] = OrderedDict()
_lock = threading.Lock()
_local = threading.local()  # per thread: the version read, and when
_changes = [0]  # versions this process set
_lease: list[tuple[float, str] | None] = [None]  # (when its read began, the version)


def _versions() -> Any:
    return caches["durable"]


def content_version() -> str:
    """The current content version; a new one when the cache has none (first use, or
    the entry was lost), so that nothing kept before it is ever served again.

    On the SQLite database cache, a thread reads it again only when the database has
    changed since it last did (`PRAGMA data_version` moves with every commit of another
    connection; this process's own changes of the version move `_changes`): a page cache
    hit then costs no query at all while nothing is written. In a shared cache, the
    process reads it again once its lease has run out (see the module's docstring)."""
    store = _versions()
    db = _sqlite_database(store)
    if db is None:
        return _leased_version(store)
    stamp = _database_stamp(db)
    known = getattr(_local, "version", None)
    if stamp is not None and known is not None and known[0] == stamp:
        return str(known[1])
    version = _read_version(store)
    if stamp is not None:
        _local.version = (stamp, version)
    return version


def _leased_version(store: Any) -> str:
    lease, asked = _lease[0], time.monotonic()  # the lease runs from before the read
    if lease is not None and asked - lease[0] < LEASE:
        return lease[1]
    version = _read_version(store)
    _lease[0] = (asked, version)
    return version


def _read_version(store: Any) -> str:
    version = store.get(VERSION_KEY)
    if version is None:
        store.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = store.get(VERSION_KEY)
        if version is None:
            raise RuntimeError("The durable cache keeps nothing.")
    return str(version)


def _sqlite_database(store: Any) -> BaseDatabaseWrapper | None:
    """The SQLite database the versions live in (the database cache), whose changes
    `_database_stamp` sees at once; None where they live in a cache other machines share
    (Redis, or the database cache on PostgreSQL)."""
    if not isinstance(store, DatabaseCache):
        return None
    db = connections[router.db_for_read(store.cache_model_class)]
    return db if db.vendor == "sqlite" else None


def _database_stamp(db: BaseDatabaseWrapper) -> tuple[int, int] | None:
    """(SQLite's data_version on this thread's connection, this process's changes), or
    None inside a transaction."""
    if db.in_atomic_block:
        return None
    db.ensure_connection()
    return db.connection.execute("PRAGMA data_version").fetchone()[0], _changes[0]


def _new_version() -> None:
    _changes[0] += 1
    _lease[0] = None  # this process sees its own change at once
    try:
        _versions().set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # Every process drops its pages when it cannot reach the cache (see the
        # middleware); this one at least forgets its own.
        forget_all()
        logger.exception("Page cache: the content version could not be changed")


def bump_content_version(**kwargs: Any) -> None:
    """Connected to post_save and post_delete of everything shown on cached pages: a new
    version now, and another once the change is committed (at once outside a
    transaction), after which the commit waits out the other processes' leases (once
    per transaction, however many changes it saved)."""
    _new_version()
    saved = time.monotonic()
    transaction.on_commit(lambda: _new_version_committed(saved))


def bump_for_figures(**kwargs: Any) -> None:
    """For changes of figures on pages (a campaign's total), which need no wait: other
    processes show them once their lease runs out."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version_committed(saved: float) -> None:
    if getattr(_local, "committed", -1.0) > saved:  # this commit's version is drawn
        return
    _local.committed = time.monotonic()
    _new_version()
    if _sqlite_database(_versions()) is None:  # shared: other processes hold leases
        time.sleep(LEASE)  # even if the cache did not answer: their next look finds that


def rendering_for_cache(request: HttpRequest) -> bool:
    return bool(getattr(request, "for_page_cache", False))


def offer(
    request: HttpRequest, response: HttpResponse, *, valid_until: datetime | None = None
) -> HttpResponse:
    """Hand the page (rendered with sentinels) to the middleware, and fill in this
    visitor's values."""
    html = response.content.decode()
    response.cacheable_html = html  # type: ignore[attr-defined]
    response.cacheable_until = valid_until  # type: ignore[attr-defined]
    response.content = fill_in(request, html)
    return response


def fill_in(request: HttpRequest, html: str) -> str:
    if CSRF_SENTINEL in html:
        html = html.replace(CSRF_SENTINEL, get_token(request))
    for sentinel, make in per_visitor.items():
        if sentinel in html:
            html = html.replace(sentinel, make(request))
    return html


def forget_all() -> None:
    with _lock:
        _pages.clear()
    _lease[0] = None
    for forget in forgotten_with_pages:
        forget()


@functools.lru_cache(maxsize=256)
def parsed_query(query: str) -> QueryDict:
    """A query string as `request.GET` reads it (from the WSGI server's ISO-8859-1 text
    back to its bytes), parsed once for the many visitors who follow the same link; a
    QueryDict is immutable, so it is shared."""
    try:
        raw = query.encode("iso-8859-1")
    except UnicodeEncodeError:  # an ASGI server's query is text already
        raw = query.encode()
    return QueryDict(raw)


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._eligible(request):
            return self.get_response(request)
        # The port is not part of the key: pages do not depend on it (their canonical
        # address is SITE_URL's), and a Host header with any port cannot fill the cache.
        # The path says the language (/es/…: advocacy.languages), so no page is ever
        # served in another language than it was rendered in.
        host = split_domain_port(request.get_host())[0]
        key = (request.scheme or "", host, request.path)
        try:
            version = content_version()
        except Exception:  # the cache is down: the full stack still serves every page
            logger.warning("Page cache off: the cache did not answer", exc_info=True)
            forget_all()  # a change saved meanwhile could not bump the version
            return self.get_response(request)
        with _lock:
            page = _pages.get(key)
            if page is not None:
                _pages.move_to_end(key)
        if (
            page is not None
            and page.version == version
            and (page.valid_until is None or timezone.now() < page.valid_until)
        ):
            return self._serve(request, page)
        request.for_page_cache = True  # type: ignore[attr-defined]
        response = self.get_response(request)
        html = getattr(response, "cacheable_html", None)
        if html is not None and response.status_code == 200:
            patch_vary_headers(response, ("Accept-Encoding",))  # as each hit's (_serve)
            headers = {k: v for k, v in response.items() if k.lower() not in NOT_REPLAYED}
            segments = SegmentedPage(html, [CSRF_SENTINEL, *per_visitor])
            self._keep(key, Page(segments, version, response.cacheable_until, headers))  # type: ignore[attr-defined]
        return response

    @staticmethod
    def _eligible(request: HttpRequest) -> bool:
        return (
            request.method == "GET"
            and (
                not request.META.get("QUERY_STRING")
                or set(parsed_query(request.META["QUERY_STRING"])) <= passed_params
            )
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
        )

    def _serve(self, request: HttpRequest, page: Page) -> HttpResponse:
        """The page with this visitor's tokens; gzipped from its parts compressed once
        (gzip_pages) when the browser takes gzip, as GZipMiddleware would have."""
        self.csrf.process_request(request)  # this visitor's CSRF secret, from their cookie
        values = {
            slot: visitor_token(request) if slot == CSRF_SENTINEL else per_visitor[slot](request)
            for slot in page.html.slot_names
        }
        if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response = HttpResponse(page.html.gzip(values), headers=page.headers)
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(page.html.text(values), headers=page.headers)
        return self.csrf.process_response(request, response)  # type: ignore[no-any-return]

    @staticmethod
    def _keep(key: tuple[str, ...], page: Page) -> None:
        with _lock:
            _pages[key] = page
            _pages.move_to_end(key)
            while len(_pages) > MAX_PAGES:
                _pages.popitem(last=False)
