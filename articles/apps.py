from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        from django.core.signals import setting_changed
        from django.db.models.signals import post_delete, post_save

        from articles.models import Article
        from articles.page_cache import bump_content_version, forget_all

        for signal in (post_save, post_delete):
            signal.connect(bump_content_version, sender=Article, dispatch_uid=f"pages-{signal}")
        # Pages (and the headers kept with them) depend on settings, which only tests
        # change while the site runs.
        setting_changed.connect(lambda **kwargs: forget_all(), weak=False, dispatch_uid="pages")
