"""The site in Spanish, in a real browser: a reader of the seed article's Spanish version
switches between the languages, donates monthly ×3, and sees the thank-you page, their
donation's page and the receipt in Spanish."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from articles.models import Article
from donations.models import Donation, DonationBox
from stripe_testkit.waiting import wait_until
from tests.browser.axe_audit import audit, describe
from tests.browser.test_donating import pay

TITLE = "La ofensiva continua contra el 287(g)"


@pytest.fixture
def spanish(site):
    """The seed article's Spanish version (the organisation's text; a test's here),
    with the same donation box."""
    _url, _sandbox, english = site
    article = Article.objects.create(
        title=TITLE, slug="la-ofensiva-contra-el-287g", language="es", translation_of=english,
        body="El programa 287(g) convierte a la policía local en agentes de inmigración.",
        status=Article.Status.PUBLISHED,
    )  # fmt: skip
    DonationBox.objects.create(article=article, campaign=english.donation_box.campaign)
    return article


def audited(page: Page, artifacts, name: str) -> None:
    """In Spanish, nothing wider than the window (Spanish words are longer), axe-clean."""
    expect(page.locator("html")).to_have_attribute("lang", "es")
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    serious = audit(page, artifacts, name)
    assert not serious, describe(serious)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_reader_switches_language_and_stays_on_the_article(page, site, spanish, artifacts,
                                                              width):  # fmt: skip
    url, _sandbox, english = site
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(url + english.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Español").click()
    expect(page).to_have_url(url + f"/es/articles/{spanish.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Está donando a:")).to_be_visible()
    audited(page, artifacts, f"article-es-{width}")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(url + english.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(english.title)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_spanish_reader_donates_monthly_three_times_all_in_spanish(
    page, site, spanish, delivered, artifacts, width
):
    url, _sandbox, _english = site
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(url + spanish.get_absolute_url())
    page.get_by_label("Otro importe (USD)").fill("12,50")
    expect(page.get_by_text("Agregar 0,69\xa0US$ para que les llegue completa mi donación de "
                            "12,50\xa0US$")).to_be_visible()  # fmt: skip
    page.get_by_label("¿Le gustaría donar con regularidad?").select_option("month")
    page.get_by_label("¿Cuántas veces quiere que se repita?").fill("3")
    page.get_by_role("textbox", name=re.compile("^Nombre")).fill("Ada")
    page.get_by_label("Apellido").fill("Lovelace")
    page.get_by_label("Correo electrónico").fill("ada@example.org")
    page.get_by_role("button", name="Donar").click()
    pay(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("¡Gracias, Ada!")
    delivered()
    expect(page.get_by_test_id("amount")).to_have_text("12,50\xa0US$")
    expect(page.get_by_test_id("frequency")).to_have_text("Mensual")
    audited(page, artifacts, f"thanks-es-{width}")
    donation = Donation.objects.get()
    assert (donation.language, donation.amount_cents, donation.payment_count) == ("es", 1250, 3)
    page.get_by_role("link", name="La página de su donación").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Su donación")
    expect(page.get_by_test_id("still-to-come")).to_have_text("2 pagos")
    audited(page, artifacts, f"donor-page-es-{width}")
    wait_until(lambda: any(m.subject.startswith("Gracias:") for m in mail.outbox), timeout=30)
    (receipt,) = [m for m in mail.outbox if m.subject.startswith("Gracias:")]
    assert receipt.subject == f"Gracias: su donación a {donation.campaign.name}"
    assert "¡Gracias, Ada!" in receipt.body and "Pago: 1 de 3 (mensual)" in receipt.body
    assert "/es/donations/" in receipt.body
