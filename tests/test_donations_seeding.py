"""The seeded article's donation box: given by the donations app when load_seed imports."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.models import Article
from donations.models import DonationBox
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db
SEED = Path(settings.BASE_DIR) / "seeds" / "000_3ecc6590c8abffa7.txt"
WITHOUT_WIDGET = "A title\n\nPublished on March 3rd, 2020\n\nFirst paragraph.\n"


def test_the_seed_article_gets_a_box_for_the_default_campaign_once(tmp_path):
    shutil.copy(SEED, tmp_path)
    call_command("load_seed", dir=tmp_path)
    box = Article.objects.get().donation_box
    assert box.campaign.name == "General Fund"
    assert box.campaign.preset_amounts == [1000, 2000, 3000]
    box.campaign = CampaignFactory(name="Chosen by staff")
    box.save()
    call_command("load_seed", dir=tmp_path)
    box.refresh_from_db()
    assert box.campaign.name == "Chosen by staff"
    assert DonationBox.objects.count() == 1


def test_a_seed_without_the_widget_gets_no_box(tmp_path):
    (tmp_path / "post.txt").write_text(WITHOUT_WIDGET, encoding="utf-8")
    call_command("load_seed", dir=tmp_path)
    assert not DonationBox.objects.exists()
