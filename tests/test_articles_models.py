from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_future_articles():
    public = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(future=True)
    assert list(Article.objects.published()) == [public]


def test_published_includes_an_article_dated_now():
    article = ArticleFactory(published_at=timezone.now() - timedelta(seconds=1))
    assert article in Article.objects.published()


def test_save_renders_and_sanitises_markdown():
    article = ArticleFactory(
        body="## Heading\n\nSome *emphasis*.\n\n<script>alert(1)</script>"
        '\n\n[link](javascript:alert(1)) <img src=x onerror="alert(1)">'
    )
    assert "<h2>Heading</h2>" in article.body_html
    assert "<em>emphasis</em>" in article.body_html
    assert "<script" not in article.body_html
    assert "javascript:" not in article.body_html
    assert "onerror" not in article.body_html


def test_publishing_without_a_date_stamps_now():
    before = timezone.now()
    article = ArticleFactory(published_at=None)
    assert article.published_at is not None
    assert article.published_at >= before
    assert article.published_at.tzinfo is not None


def test_is_public_matches_the_queryset():
    assert ArticleFactory().is_public
    assert not ArticleFactory(draft=True).is_public
    assert not ArticleFactory(future=True).is_public


def test_newest_first():
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=10))
    new = ArticleFactory(published_at=timezone.now() - timedelta(days=1))
    assert list(Article.objects.published()) == [new, old]


def test_absolute_url_uses_the_slug():
    assert ArticleFactory(slug="a-title").get_absolute_url() == "/articles/a-title/"


def test_a_translation_translates_an_original_in_another_language(translated):
    english, spanish = translated
    same_language = ArticleFactory.build(language="en", translation_of=english)
    with pytest.raises(ValidationError, match="already has a version in this language"):
        same_language.clean()
    of_a_translation = ArticleFactory.build(language="es", translation_of=spanish)
    with pytest.raises(ValidationError, match="original article"):
        of_a_translation.clean()
    ArticleFactory.build(language="es", translation_of=ArticleFactory()).clean()  # fine


def test_an_original_keeps_its_translations_in_other_languages(translated):
    english, _spanish = translated
    english.language = "es"
    with pytest.raises(ValidationError, match="A translation of this article is in that language"):
        english.clean()
    english.language, english.translation_of = "en", ArticleFactory(language="es")
    with pytest.raises(ValidationError, match="translations of its own"):
        english.clean()


def test_an_unsaved_article_is_its_only_version(translated):
    draft = ArticleFactory.build(language="es")
    assert draft.versions() == {"es": draft}
