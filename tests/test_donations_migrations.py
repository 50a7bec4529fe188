"""Migrations that move data: an article's campaign becomes its donation box."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("articles", "0002_article_campaign"), ("donations", "0001_initial")]
AFTER = [("articles", "0003_remove_article_campaign"), ("donations", "0002_donation_box")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_an_articles_campaign_becomes_its_donation_box_and_back():
    apps = migrate(BEFORE)
    campaign = apps.get_model("donations", "Campaign").objects.create(name="G", slug="g")
    Article = apps.get_model("articles", "Article")
    with_box = Article.objects.create(title="A", slug="a", body="b", campaign_id=campaign.pk)
    Article.objects.create(title="B", slug="b", body="b")
    apps = migrate(AFTER)
    boxes = apps.get_model("donations", "DonationBox").objects.values_list(
        "article_id", "campaign_id"
    )
    assert list(boxes) == [(with_box.pk, campaign.pk)]
    apps = migrate(BEFORE)
    Article = apps.get_model("articles", "Article")
    assert Article.objects.get(slug="a").campaign_id == campaign.pk
    assert Article.objects.get(slug="b").campaign_id is None
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_donations_made_before_donors_existed_are_linked_to_one_donor_per_address():
    apps = migrate([("donations", "0017_donors")])
    campaign = apps.get_model("donations", "Campaign").objects.create(name="G", slug="g")
    Donation = apps.get_model("donations", "Donation")
    fields = {"campaign": campaign, "amount_cents": 1000, "frequency": "one_time"}
    first = Donation.objects.create(first_name="Ada", last_name="L", email="Ada@Example.org",
                                    **fields)  # fmt: skip
    again = Donation.objects.create(first_name="Ada", last_name="Lovelace",
                                    email=" ada@example.org ", **fields)  # fmt: skip
    other = Donation.objects.create(first_name="Ada", last_name="L", email="ada+x@example.org",
                                    **fields)  # fmt: skip
    erased = Donation.objects.create(first_name="", last_name="", email="", **fields)
    apps = migrate([("donations", "0018_link_donors")])
    Donation = apps.get_model("donations", "Donation")
    donors = {d.pk: d.donor for d in Donation.objects.select_related("donor")}
    assert donors[first.pk] == donors[again.pk] != donors[other.pk]
    assert donors[erased.pk] is None
    assert (donors[first.pk].first_name, donors[first.pk].last_name) == ("Ada", "Lovelace")
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
