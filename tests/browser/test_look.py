"""The page visitors see, at desktop and phone widths; screenshots go to artifacts/."""

import pytest
from playwright.sync_api import expect

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.mark.parametrize("viewport", WIDTHS)
def test_article_and_donation_box(page, site, artifacts, viewport):
    url, _, article = site
    width, height = WIDTHS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url + article.get_absolute_url())
    buttons = page.locator(".amount-buttons label")
    expect(buttons).to_have_text(["$10", "$20", "$30"])
    for label in buttons.all():
        box = label.bounding_box()
        assert box and box["height"] >= 40 and box["width"] >= 60  # button-sized targets
    count = page.get_by_label("How many times would you like this to recur?")
    expect(count).to_be_hidden()  # one time is the default
    page.get_by_label("Would you like to make regular donations?").select_option("month")
    expect(count).to_be_visible()  # the recurring choice reveals the count
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"sideways scrolling: {scroll_width}px in {width}px"
    page.screenshot(path=artifacts / f"article-{viewport}.png", full_page=True)
    page.locator("#donate").screenshot(path=artifacts / f"donation-box-{viewport}.png")


def test_home_page_on_a_phone(page, site, artifacts):
    url, _, _ = site
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=artifacts / "home-phone.png", full_page=True)
