"""The article: a Markdown body rendered to sanitised HTML when saved."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from articles.rendering import render_markdown


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """Articles the public may read: published and not dated in the future."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_language(self, language: str) -> ArticleQuerySet:
        return self.filter(language=language)


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
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE,
        help_text=_("The language the article is written in: its page is in this language."),
    )  # fmt: skip
    translation_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="translations",
        verbose_name=_("translation of"),
        help_text=_("The article this one translates: visitors switching language go from "
                    "one to the other."),
    )  # fmt: skip
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
        """The article's address in its own language (/es/articles/… in Spanish)."""
        with translation.override(self.language):
            return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        """A translation translates an original (not another translation), in another
        language than each article of its group."""
        original = self.translation_of
        translated = self.translations.all() if self.pk else Article.objects.none()
        if original is None:
            if translated.filter(language=self.language).exists():
                raise ValidationError(
                    {"language": _("A translation of this article is in that language.")}
                )
            return
        if original.pk == self.pk or original.translation_of_id is not None:
            raise ValidationError(
                {"translation_of": _("Choose the original article, not one of its translations.")}
            )
        if translated.exists():
            raise ValidationError(
                {
                    "translation_of": _(
                        "This article has translations of its own: it is an original."
                    )
                }
            )
        taken = {code for code, a in original.versions().items() if a.pk != self.pk}
        if self.language in taken:
            raise ValidationError(
                {"translation_of": _("That article already has a version in this language.")}
            )

    def versions(self, queryset: models.QuerySet[Article] | None = None) -> dict[str, Article]:
        """Language → this article or its translation in that language (among
        `queryset`): its original and the original's translations, in one query."""
        original = self.translation_of_id or self.pk
        if original is None:  # not saved, and a translation of nothing
            return {self.language: self}
        chosen = (queryset if queryset is not None else Article.objects.all()).filter(
            models.Q(pk=original) | models.Q(translation_of=original)
        )
        versions = {a.language: a for a in chosen.only("slug", "language")}
        versions[self.language] = self
        return versions

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )
