from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = "Donations"

    def ready(self) -> None:
        from articles.seeds import seed_imported
        from donations import dashboard_cache, jobs, page_part
        from donations.seeding import give_seeded_article_a_box

        seed_imported.connect(give_seeded_article_a_box, dispatch_uid="donations.seeded-box")
        page_part.connect()
        del jobs, dashboard_cache  # imported to declare their periodic tasks (jobs.schedule)
