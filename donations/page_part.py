"""The donation box on cached pages (articles.page_cache): a fresh form token for
each visitor, the sources of the link they came by in its hidden fields, and a new
content version whenever what the box shows changes."""

from __future__ import annotations

import functools
import html
import uuid
from collections.abc import Callable, Mapping
from types import MappingProxyType

from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest

from articles import page_cache
from donations import open_boxes, sources
from donations.models import Campaign, DonationBox, Payment

FORM_TOKEN_SENTINEL = "form-token-sentinel-" + uuid.uuid4().hex
SOURCE_SENTINELS = {name: f"source-{name}-sentinel-{uuid.uuid4().hex}" for name in sources.FIELDS}


def connect() -> None:
    page_cache.per_visitor[FORM_TOKEN_SENTINEL] = lambda request: str(uuid.uuid4())
    for name, sentinel in SOURCE_SENTINELS.items():
        page_cache.per_visitor[sentinel] = _source_value(name)
    page_cache.passed_params.update(sources.FIELDS)
    page_cache.forgotten_with_pages.append(open_boxes.forget)
    # A payment changes a campaign's total shown in its box: a figure, whose change
    # needs not wait for every process to see it (page_cache.bump_for_figures).
    for model, bump in (
        (Campaign, page_cache.bump_content_version),
        (DonationBox, page_cache.bump_content_version),
        (Payment, page_cache.bump_for_figures),
    ):
        for signal in (post_save, post_delete):
            signal.connect(bump, sender=model, dispatch_uid=f"pages-{model.__name__}-{signal}")


def _source_value(name: str) -> Callable[[HttpRequest], str]:
    def value(request: HttpRequest) -> str:
        query = request.META.get("QUERY_STRING")
        return _escaped_sources(query).get(name, "") if query else ""  # most visits: no query

    return value


@functools.lru_cache(maxsize=256)
def _escaped_sources(query: str) -> Mapping[str, str]:
    """A query's sources as the form's hidden fields show them (html.escape is what
    Django's escape does, without its lazy wrapper): read once for all four fields, and
    once for the many visitors who come by the same link."""
    found = sources.sources_in(page_cache.parsed_query(query))
    return MappingProxyType({name: html.escape(value) for name, value in found.items()})
