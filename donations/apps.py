from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = "Donations"

    def ready(self) -> None:
        from articles.seeds import seed_imported
        from donations import jobs, page_part
        from donations.seeding import give_seeded_article_a_box

        seed_imported.connect(give_seeded_article_a_box, dispatch_uid="donations.seeded-box")
        page_part.connect()
        del jobs  # imported to declare its periodic tasks (jobs.schedule)
