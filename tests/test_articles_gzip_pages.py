"""A cached page's gzip put together from parts is the page, for any tokens."""

import gzip
import zlib

import pytest

from articles.gzip_pages import SegmentedPage


@pytest.mark.parametrize(
    "html",
    [
        "<p>no token at all</p>" * 50,
        "A" + "<b>x</b>" * 3000 + "B",
        "[CSRF] at the start, then [FORM] and [CSRF] again; and words " * 40,
        "ends with a token [FORM]",
        "",
    ],
)
def test_the_pieces_make_the_page(html):
    page = SegmentedPage(html, ["[CSRF]", "[FORM]"])
    values = {"[CSRF]": "a" * 64, "[FORM]": "5e0c6b2e-21f4-4d3b-9b43-8d9c4a0e2c11"}
    expected = html.replace("[CSRF]", values["[CSRF]"]).replace("[FORM]", values["[FORM]"])
    assert page.text(values).decode() == expected
    for _ in range(3):
        body = page.gzip(values)
        assert gzip.decompress(body).decode() == expected
        assert zlib.decompress(body, 16 + zlib.MAX_WBITS).decode() == expected


def test_each_answer_has_a_header_of_its_own_length():
    """As GZipMiddleware against BREACH: a filename of random length in the header."""
    page = SegmentedPage("<p>" + "text " * 500 + "[CSRF]</p>", ["[CSRF]"])
    lengths = {len(page.gzip({"[CSRF]": "t" * 64})) for _ in range(50)}
    assert len(lengths) > 5


def test_tokens_larger_than_a_stored_block_still_fit():
    page = SegmentedPage("<a>[CSRF]</a>", ["[CSRF]"])
    big = "z" * 70_000
    assert gzip.decompress(page.gzip({"[CSRF]": big})).decode() == f"<a>{big}</a>"
