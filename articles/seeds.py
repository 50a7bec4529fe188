"""Import plain-text seed posts from `seeds/*.txt` as published articles.

The format, as in `seeds/000_3ecc6590c8abffa7.txt`:

    line 1          the title
    a later line    "Published on February 25th, 2012"
    the rest        paragraphs separated by blank lines; a paragraph that is a
                    single short line without final punctuation is a sub-heading

Everything from the line "You are donating to :" to the end is the original
page's donation widget: it is not article text and is left out. Curly quotes
and non-breaking spaces are kept as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.db import transaction
from django.dispatch import Signal
from django.utils.text import slugify

from articles.models import Article

WIDGET_MARKER = re.compile(r"^You are donating to\s*:", re.MULTILINE)
PUBLISHED_LINE = re.compile(
    r"^Published on (?P<month>[A-Za-z]+) (?P<day>\d{1,2})(?:st|nd|rd|th)?, (?P<year>\d{4})$"
)
FINAL_PUNCTUATION = tuple(".!?:;,…\"'”’")
HEADING_MAX_LENGTH = 80
SUMMARY_MAX_LENGTH = 300
# Characters that Markdown would read as markup; seed text is plain prose.
MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]])")
MARKDOWN_LINE_START = re.compile(r"^([ \t]*)([#>+\-])", re.MULTILINE)
MARKDOWN_NUMBERED = re.compile(r"^([ \t]*\d+)\.", re.MULTILINE)


# Sent after a seed post is imported, inside its transaction, with `article`,
# `created` and `has_donation_box` (the post had the original page's donation widget):
# an app that puts something under seeded articles (a donation box) acts on it.
seed_imported = Signal()


class SeedError(ValueError):
    """A seed file that cannot be imported; the message names the file."""


@dataclass(frozen=True)
class SeedPost:
    source: str
    title: str
    published_at: datetime
    paragraphs: list[str]
    headings: frozenset[int]
    has_donation_box: bool = False

    @property
    def slug(self) -> str:
        return slugify(self.title)

    @property
    def summary(self) -> str:
        first = next((p for i, p in enumerate(self.paragraphs) if i not in self.headings), "")
        first = " ".join(first.split())
        if len(first) <= SUMMARY_MAX_LENGTH:
            return first
        return first[: SUMMARY_MAX_LENGTH - 1].rsplit(" ", 1)[0] + "…"

    def to_markdown(self) -> str:
        blocks = []
        for index, paragraph in enumerate(self.paragraphs):
            text = escape_markdown(paragraph)
            blocks.append(f"## {text}" if index in self.headings else text)
        return "\n\n".join(blocks) + "\n"


def escape_markdown(text: str) -> str:
    """Make plain prose render as itself, not as Markdown markup."""
    text = MARKDOWN_SPECIALS.sub(r"\\\1", text).replace("<", "&lt;")
    text = MARKDOWN_LINE_START.sub(r"\1\\\2", text)
    return MARKDOWN_NUMBERED.sub(r"\1\\.", text)


def _strip(line: str) -> str:
    """Strip ASCII white space only: non-breaking spaces are content."""
    return line.strip(" \t\r")


def _parse_date(line: str, source: str) -> datetime:
    match = PUBLISHED_LINE.match(_strip(line))
    if not match:
        raise SeedError(
            f"{source}: expected a line like 'Published on February 25th, 2012' "
            f"after the title, found {line.strip()!r}"
        )
    text = f"{match['month']} {match['day']} {match['year']}"
    try:
        return datetime.strptime(text, "%B %d %Y").replace(tzinfo=UTC)
    except ValueError:
        raise SeedError(f"{source}: {line.strip()!r} is not a real date") from None


def _is_heading(paragraph: str) -> bool:
    return (
        "\n" not in paragraph
        and len(paragraph) <= HEADING_MAX_LENGTH
        and not paragraph.rstrip().endswith(FINAL_PUNCTUATION)
    )


def _paragraphs(text: str) -> list[str]:
    blocks = re.split(r"\n[ \t\r]*\n", text)
    cleaned = ("\n".join(_strip(line) for line in b.split("\n")) for b in blocks)
    return [block.strip("\n") for block in cleaned if block.strip()]


def parse_seed(text: str, source: str) -> SeedPost:
    """Parse one seed file's text; raise SeedError naming `source` if malformed."""
    text, *widget = WIDGET_MARKER.split(text, maxsplit=1)
    title, _, rest = text.partition("\n")
    title = _strip(title)
    if not title.strip():
        raise SeedError(f"{source}: line 1 must be the title, but it is empty")
    if len(title) > 200 or not slugify(title):
        raise SeedError(f"{source}: {title[:80]!r} is not a usable title")
    date_line, _, rest = rest.lstrip("\n \t\r").partition("\n")
    if not date_line:
        raise SeedError(f"{source}: no 'Published on …' line after the title")
    published_at = _parse_date(date_line, source)
    paragraphs = _paragraphs(rest)
    headings = frozenset(i for i, p in enumerate(paragraphs) if _is_heading(p))
    if len(headings) == len(paragraphs):
        raise SeedError(f"{source}: the post has no text after its date")
    return SeedPost(source, title, published_at, paragraphs, headings, bool(widget))


def read_seed(path: Path) -> SeedPost:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SeedError(f"{path.name}: not UTF-8 text ({error.reason})") from None
    return parse_seed(text, path.name)


@transaction.atomic
def import_seed(post: SeedPost) -> tuple[Article, bool]:
    """Create or update the article for `post`; return it and whether it is new."""
    taken = Article.objects.filter(slug=post.slug).exclude(seed_file=post.source)
    if taken.exists():
        raise SeedError(f"{post.source}: the slug {post.slug!r} is already used by another article")
    article, created = Article.objects.select_for_update().get_or_create(
        seed_file=post.source,
        defaults={"slug": post.slug, "title": post.title, "body": ""},
    )
    article.title = post.title
    article.summary = post.summary
    article.body = post.to_markdown()
    article.status = Article.Status.PUBLISHED
    article.published_at = post.published_at
    article.save()
    seed_imported.send(
        sender=Article, article=article, created=created, has_donation_box=post.has_donation_box
    )
    return article, created
