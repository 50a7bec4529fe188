from playwright.sync_api import expect


def test_read_the_seed_article_from_the_home_page(page, site):
    url, _, article = site
    page.goto(url + "/")
    expect(page).to_have_title("Advocacy")
    page.get_by_role("link", name="The ongoing assault on 287(g)").click()
    expect(page).to_have_url(url + article.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("The ongoing assault on 287(g)")
    expect(page.locator("article")).to_contain_text("In his persistence")
    expect(page.locator("article")).to_contain_text("too effective to be continued")
    expect(page.locator("article")).not_to_contain_text("How much would you like")
    expect(page.get_by_role("heading", name="Secure Communities")).to_be_visible()
    expect(page.get_by_text("You are donating to:")).to_contain_text("General Fund")
