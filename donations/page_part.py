"""The donation box on cached pages (articles.page_cache): a fresh form token for
each visitor, and a new content version whenever what the box shows changes."""

from __future__ import annotations

import uuid

from django.db.models.signals import post_delete, post_save

from articles import page_cache
from donations.models import Campaign, DonationBox, Payment

FORM_TOKEN_SENTINEL = "form-token-sentinel-" + uuid.uuid4().hex


def connect() -> None:
    page_cache.per_visitor[FORM_TOKEN_SENTINEL] = lambda: str(uuid.uuid4())
    # A payment changes a campaign's total shown in its box.
    for model in (Campaign, DonationBox, Payment):
        for signal in (post_save, post_delete):
            signal.connect(
                page_cache.bump_content_version,
                sender=model,
                dispatch_uid=f"pages-{model.__name__}-{signal}",
            )
