from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = "Donations"

    def ready(self) -> None:
        from articles.page_cache import page_parts
        from articles.seeds import seed_imported
        from donations.page_part import DONATION_BOX
        from donations.seeding import give_seeded_article_a_box

        seed_imported.connect(give_seeded_article_a_box, dispatch_uid="donations.seeded-box")
        if DONATION_BOX not in page_parts:
            page_parts.append(DONATION_BOX)
