"""The open donation box under an article, as a donation POSTed to it finds it.

Building the box's query (box, campaign and article in one join) costs the donate POST
more than any other step on PostgreSQL (1.7 ms of about 10, in process). Each process
keeps the box it found for as long as the site's content version (articles.page_cache)
is unchanged: every save of an article, a campaign or a box draws a new version, so a
box closed, moved to another campaign or under an unpublished article is looked up
again, with the same promise as the cached pages (a change staff save is seen by every
process once its save returns). The version is read before the query, so a box found
after a change is never kept under the version from before it.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from articles import page_cache
from donations.models import DonationBox

_kept: dict[str, tuple[str, DonationBox]] = {}  # slug: (content version, open box)


def open_box(slug: str) -> DonationBox:
    """The open box under the article `slug` (its campaign and article with it); Http404
    when there is none. Only boxes found are kept, so at most one per box."""
    try:
        version = page_cache.content_version()
    except Exception:  # the cache is down: a change saved meanwhile could not draw a
        page_cache.forget_all()  # new version (as the page cache's middleware does)
        return _looked_up(slug)
    kept = _kept.get(slug)
    if kept is not None and kept[0] == version:
        return kept[1]
    box = _looked_up(slug)
    _kept[slug] = (version, box)  # one assignment: threads need no lock
    return box


def _looked_up(slug: str) -> DonationBox:
    return get_object_or_404(DonationBox.objects.open(), article__slug=slug)


def forget() -> None:
    """Every box kept (page_cache.forget_all: the version may not have moved with a change)."""
    _kept.clear()
