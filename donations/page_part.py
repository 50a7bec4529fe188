"""The donation box as a part of the cached article page (articles.page_cache)."""

from __future__ import annotations

import uuid

from articles.models import Article
from articles.page_cache import PagePart
from donations.models import DonationBox

FORM_TOKEN_SENTINEL = "form-token-sentinel-" + uuid.uuid4().hex


def box_version(article: Article) -> str:
    """Changes whenever the box would render differently: another campaign, a campaign
    edited (its `updated_at`), deactivated or removed."""
    box = (
        DonationBox.objects.open()
        .filter(article=article)
        .values_list("pk", "campaign_id", "campaign__updated_at")
        .first()
    )
    return repr(box)


DONATION_BOX = PagePart(
    version=box_version, per_visitor={FORM_TOKEN_SENTINEL: lambda: str(uuid.uuid4())}
)
