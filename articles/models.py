"""The article: a Markdown body rendered to sanitised HTML when saved."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.rendering import render_markdown


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """Articles the public may read: published and not dated in the future."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    author = models.CharField(_("author"), max_length=120, blank=True)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Shown on the home page and in search results.")
    )
    body = models.TextField(_("body"), help_text=_("Markdown."))
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    seed_file = models.CharField(
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("The seeds/ file this article was imported from, if any."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["seed_file"],
                condition=~models.Q(seed_file=""),
                name="unique_article_seed_file",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.body_html = render_markdown(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )
