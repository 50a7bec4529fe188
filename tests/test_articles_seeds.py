import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.models import Article
from articles.seeds import SeedError, escape_markdown, parse_seed, read_seed
from tests.factories import ArticleFactory

SEED = Path(settings.BASE_DIR) / "seeds" / "000_3ecc6590c8abffa7.txt"
GOOD = "A title\n\nPublished on March 3rd, 2020\n\nFirst paragraph.\n\nA heading\n\nSecond one.\n"


def test_the_seed_parses():
    post = read_seed(SEED)
    assert post.title == "The ongoing assault on 287(g)"
    assert post.published_at == datetime(2012, 2, 25, tzinfo=UTC)
    assert post.slug == "the-ongoing-assault-on-287g"
    assert [post.paragraphs[i] for i in post.headings] == ["Secure Communities"]
    assert post.paragraphs[0].startswith("In his persistence")
    assert post.paragraphs[-1].endswith("by the current administration.")
    assert post.summary == post.paragraphs[0]


def test_widget_text_is_left_out():
    markdown = read_seed(SEED).to_markdown()
    for widget_text in (
        "You are donating to",
        "How much would you like",
        "$10 $20 $30",
        "Last Name",
        "Additional Note",
    ):
        assert widget_text not in markdown


def test_curly_quotes_and_non_breaking_spaces_are_kept():
    markdown = read_seed(SEED).to_markdown()
    assert "ICE’s" in markdown
    assert "“match.”" in markdown
    assert "(MOA). \xa0The state" in markdown
    assert markdown.count("\xa0") == SEED.read_text(encoding="utf-8").count("\xa0")


def test_paragraphs_keep_their_order():
    post = parse_seed(GOOD, "good.txt")
    assert post.paragraphs == ["First paragraph.", "A heading", "Second one."]
    assert post.to_markdown() == "First paragraph.\n\n## A heading\n\nSecond one.\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2012. was a year", "2012\\. was a year"),
        ("- not a list", "\\- not a list"),
        ("# not a heading", "\\# not a heading"),
        ("a *star* and <b>tag</b>", "a \\*star\\* and &lt;b>tag&lt;/b>"),
    ],
)
def test_prose_is_escaped_from_markdown(text, expected):
    assert escape_markdown(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1 must be the title"),
        ("\n\nPublished on March 3rd, 2020\n\nText.", "line 1 must be the title"),
        ("Title\n\nText without a date.\n", "expected a line like 'Published on"),
        ("Title\n\nPublished on Smarch 3rd, 2020\n\nText.", "not a real date"),
        ("Title\n\nPublished on February 30th, 2020\n\nText.", "not a real date"),
        ("Title\n\nPublished on March 3rd, 2020\n", "no text after its date"),
        ("Title", "no 'Published on …' line"),
        ("!!!\n\nPublished on March 3rd, 2020\n\nText.", "not a usable title"),
    ],
)
def test_malformed_seeds_name_the_file_and_the_problem(text, message):
    with pytest.raises(SeedError) as error:
        parse_seed(text, "bad.txt")
    assert str(error.value).startswith("bad.txt: ")
    assert message in str(error.value)


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\xe9\n\nPublished on March 3rd, 2020\n\nText.".encode("latin-1"))
    with pytest.raises(SeedError, match=r"latin\.txt: not UTF-8"):
        read_seed(path)


@pytest.mark.django_db
def test_load_seed_twice_leaves_one_article(tmp_path):
    shutil.copy(SEED, tmp_path)
    call_command("load_seed", dir=tmp_path)
    call_command("load_seed", dir=tmp_path)
    article = Article.objects.get()
    assert article.title == "The ongoing assault on 287(g)"
    assert article in Article.objects.published()
    assert "<h2>Secure Communities</h2>" in article.body_html
    assert "You are donating to" not in article.body_html


@pytest.mark.django_db
def test_load_seed_updates_an_edited_seed(tmp_path):
    path = tmp_path / "post.txt"
    path.write_text(GOOD, encoding="utf-8")
    call_command("load_seed", dir=tmp_path)
    path.write_text(GOOD.replace("Second one.", "Second, edited."), encoding="utf-8")
    call_command("load_seed", dir=tmp_path)
    assert Article.objects.get().body.endswith("Second, edited.\n")


@pytest.mark.django_db
def test_malformed_file_is_reported_and_not_imported(tmp_path, capsys):
    (tmp_path / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b_bad.txt").write_text("Title\n\nNo date here.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 of 2 seed file"):
        call_command("load_seed", dir=tmp_path)
    assert "b_bad.txt: expected a line like" in capsys.readouterr().err
    assert list(Article.objects.values_list("seed_file", flat=True)) == ["a_good.txt"]


@pytest.mark.django_db
def test_a_slug_taken_by_another_article_is_an_error(tmp_path):
    ArticleFactory(slug="a-title")
    (tmp_path / "post.txt").write_text(GOOD, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_seed", dir=tmp_path)
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(CommandError, match=r"No \*\.txt seed files"):
        call_command("load_seed", dir=tmp_path)


@pytest.mark.django_db
def test_the_article_page_serves_the_seed(client):
    call_command("load_seed")
    response = client.get("/articles/the-ongoing-assault-on-287g/")
    html = response.content.decode()
    assert '<h1 class="article-title">The ongoing assault on 287(g)</h1>' in html
    assert 'datetime="2012-02-25T00:00:00+00:00"' in html
    home = client.get("/").content.decode()
    assert 'href="/articles/the-ongoing-assault-on-287g/"' in home
