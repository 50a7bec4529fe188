import re
import uuid

import pytest
from django.test import Client

from donations.models import Donation, Donor
from tests.concurrency import at_once
from tests.factories import (
    ArticleFactory,
    CampaignArticleFactory,
    DonationFactory,
    donation_form_data,
)
from tests.stripe_events import CHECKOUT, answer_checkout

pytestmark = pytest.mark.django_db
# Rate-limit tests use day-long windows ("2/d"): no window edge falls within a test.

TOKEN = "8d7f0a55-3d6c-4a55-9a3c-2f6b9a0c1e11"
SESSION = CHECKOUT


@pytest.fixture
def article():
    return CampaignArticleFactory()


def donate(client, article, **changes):
    data = donation_form_data(**{"note": "Keep going <b>please</b>", "token": TOKEN, **changes})
    return client.post(f"{article.get_absolute_url()}donate/", data)


def test_article_page_shows_the_seed_widget_wording(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    for text in (
        "You are donating to: <strong>Defend 287(g)</strong>",
        "How much would you like to donate?",
        ">$10</label>",
        ">$20</label>",
        ">$30</label>",
        "Other amount",
        "Would you like to make regular donations?",
        "I would like to make",
        "donation(s)",
        "How many times would you like this to recur? (including this payment)",
        "Name<span",
        "Last Name<span",
        "Email<span",
        "Additional Note",
        'value="Donate"',
    ):
        assert text in html, text
    assert 'id="donate"' in html


def test_article_without_a_campaign_has_no_donation_box(client):
    html = client.get(ArticleFactory().get_absolute_url()).content.decode()
    assert "You are donating to" not in html


def test_inactive_campaign_has_no_donation_box_and_refuses_posts(client, article, fake_stripe):
    article.donation_box.campaign.active = False
    article.donation_box.campaign.save()
    assert "You are donating to" not in client.get(article.get_absolute_url()).content.decode()
    # A form sent from the page as it was before the campaign closed: said so, not a 404.
    response = donate(client, article)
    page = response.content.decode()
    assert response.status_code == 410
    assert "This campaign is no longer taking donations" in page
    assert "Nothing was charged, and the details you typed were not kept." in page
    assert f'href="{article.get_absolute_url()}"' in page and 'href="/donate/"' in page
    assert "/es/articles/" not in page  # the language switcher: no link to a POST-only URL
    assert fake_stripe.requests == []
    assert not Donation.objects.exists()


def test_a_closed_box_under_a_spanish_article_says_so_in_spanish(client, fake_stripe):
    article = CampaignArticleFactory(language="es")
    article.donation_box.campaign.active = False
    article.donation_box.campaign.save()
    response = donate(client, article)
    assert article.get_absolute_url().startswith("/es/")
    assert response.status_code == 410
    assert "Esta campaña ya no recibe donaciones" in response.content.decode()
    assert 'href="/es/donate/"' in response.content.decode()


def test_a_closed_box_under_an_unpublished_article_is_still_not_found(client, fake_stripe):
    article = CampaignArticleFactory(draft=True)
    article.donation_box.campaign.active = False
    article.donation_box.campaign.save()
    assert donate(client, article).status_code == 404
    assert client.post("/articles/no-such-article/donate/", donation_form_data()).status_code == 404
    assert fake_stripe.requests == []


@pytest.mark.parametrize("trait", ["draft", "future"])
def test_an_unpublished_articles_box_refuses_visitors_and_takes_staffs_tries(
    staff_client, fake_stripe, trait
):
    article = CampaignArticleFactory(**{trait: True})
    assert donate(Client(), article).status_code == 404
    assert fake_stripe.requests == []
    answer_checkout(fake_stripe)
    assert donate(staff_client, article).status_code == 303  # previewing the box


def test_one_time_20_redirects_303_to_checkout(client, article, fake_stripe):
    answer_checkout(fake_stripe)
    response = donate(client, article)
    assert response.status_code == 303
    assert response["Location"] == SESSION["url"]
    donation = Donation.objects.get()
    assert donation.status == Donation.Status.PENDING
    assert donation.amount_cents == 2000
    assert donation.stripe_checkout_session_id == "cs_test_abc"
    assert donation.note == "Keep going <b>please</b>"
    assert donation.article == article


def test_exact_request_for_a_one_time_20(client, article, fake_stripe):
    answer_checkout(fake_stripe)
    donate(client, article)
    donation = Donation.objects.get()
    (request,) = fake_stripe.requests
    assert request.method == "POST"
    assert request.path == "/v1/checkout/sessions"
    assert request.headers["Authorization"] == "Bearer sk_test_fake"
    assert request.headers["Idempotency-Key"] == f"checkout-session-{donation.public_id}"
    assert request.form == {
        "mode": "payment",
        "submit_type": "donate",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "2000",
        "line_items[0][price_data][product_data][name]": "Donation to Defend 287(g)",
        "customer_email": "ada@example.org",
        "locale": "en",
        "client_reference_id": str(donation.pk),
        "metadata[donation_id]": str(donation.pk),
        "metadata[campaign]": "defend-287g",
        "metadata[frequency]": "one_time",
        "metadata[payment_count]": "1",
        "payment_intent_data[description]": "Donation to Defend 287(g)",
        "payment_intent_data[metadata][donation_id]": str(donation.pk),
        "payment_intent_data[metadata][campaign]": "defend-287g",
        "payment_intent_data[metadata][frequency]": "one_time",
        "payment_intent_data[metadata][payment_count]": "1",
        "success_url": "http://testserver/donate/thanks/?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": request.form["cancel_url"],
    }
    assert request.form["cancel_url"].startswith(
        f"http://testserver{article.get_absolute_url()}?resume="
    )
    assert request.form["cancel_url"].endswith("#donate")


def test_a_donor_covering_the_fee_is_charged_it_and_the_gift_is_kept_apart(
    client, article, fake_stripe
):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Add $0.61 so all of my $10 reaches you" in html  # the first amount offered
    answer_checkout(fake_stripe)
    donate(client, article, amount="2000", cover_fee="on", frequency="month", payment_count="3")
    (request,) = fake_stripe.requests
    assert request.form["line_items[0][price_data][unit_amount]"] == "2091"
    assert (
        request.form["line_items[0][price_data][product_data][description]"]
        == "$20 and $0.91 to cover the processing fee"
    )
    assert request.form["subscription_data[metadata][fee_cover_cents]"] == "91"
    donation = Donation.objects.get()
    charged = (donation.amount_cents, donation.fee_cover_cents, donation.gift_cents)
    assert charged == (2091, 91, 2000)


def test_the_fee_cover_is_reworded_for_the_amount_sent_back_with_errors(client, article):
    html = donate(client, article, amount="3000", cover_fee="on", email="nope").content.decode()
    assert "Add $1.21 so all of my $30 reaches you" in html
    assert re.search(r'name="cover_fee"[^>]*checked', html)


def test_exact_amount_for_another_amount_of_12_50(client, article, fake_stripe):
    answer_checkout(fake_stripe)
    donate(client, article, amount="", other_amount="12.50")
    (request,) = fake_stripe.requests
    assert request.form["line_items[0][price_data][unit_amount]"] == "1250"
    assert request.form["mode"] == "payment"
    assert Donation.objects.get().amount_cents == 1250


def test_exact_request_for_a_monthly_donation_of_three_payments(client, article, fake_stripe):
    answer_checkout(fake_stripe)
    response = donate(client, article, amount="3000", frequency="month", payment_count="3")
    assert response.status_code == 303
    donation = Donation.objects.get()
    (request,) = fake_stripe.requests
    form = request.form
    assert form["mode"] == "subscription"
    assert "submit_type" not in form
    assert "payment_intent_data[description]" not in form
    assert form["line_items[0][price_data][unit_amount]"] == "3000"
    assert form["line_items[0][price_data][recurring][interval]"] == "month"
    assert form["metadata[frequency]"] == "month"
    assert form["metadata[payment_count]"] == "3"
    assert form["subscription_data[metadata][donation_id]"] == str(donation.pk)
    assert form["subscription_data[metadata][payment_count]"] == "3"
    assert form["subscription_data[description]"] == "Donation to Defend 287(g)"
    assert request.headers["Idempotency-Key"] == f"checkout-session-{donation.public_id}"
    assert (donation.frequency, donation.payment_count) == ("month", 3)


def test_invalid_form_rerenders_with_errors_and_values_no_stripe_call(client, article, fake_stripe):
    response = donate(client, article, email="nope", first_name="Ada", note="My <note>")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in html
    assert 'value="nope"' in html
    assert 'value="Ada"' in html
    assert "My &lt;note&gt;</textarea>" in html
    assert 'value="2000" checked' in html
    assert fake_stripe.requests == []
    assert Donation.objects.count() == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": "", "other_amount": "9" * 5000},
        {"first_name": "x" * 100_000},
        {"payment_count": "9" * 400, "frequency": "month"},
        {"token": "not-a-uuid"},
        {"amount": "\x00"},
    ],
)
def test_oversized_or_garbage_fields_never_500(client, article, fake_stripe, changes):
    response = donate(client, article, **changes)
    assert response.status_code == 200
    assert Donation.objects.count() == 0
    assert fake_stripe.requests == []


def test_stripe_error_keeps_the_donation_as_failed_and_the_values(client, article, fake_stripe):
    fake_stripe.answer(
        "POST",
        "/v1/checkout/sessions",
        {"error": {"type": "invalid_request_error", "message": "Amount too small"}},
        status=400,
    )
    response = donate(client, article)
    html = response.content.decode()
    assert response.status_code == 502
    assert "We could not reach our payment provider" in html
    assert 'value="Ada"' in html
    donation = Donation.objects.get()
    assert donation.status == Donation.Status.FAILED
    assert "Amount too small" in donation.error


def test_stripe_unreachable_is_a_clear_message(client, article):
    response = donate(client, article)  # STRIPE_API_BASE points at a closed port
    assert response.status_code == 502
    assert "Nothing was charged" in response.content.decode()
    assert Donation.objects.get().status == Donation.Status.FAILED
    assert "APIConnectionError" in Donation.objects.get().error


def test_no_stripe_key_is_a_clear_message(client, article, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = donate(client, article)
    assert response.status_code == 502
    assert Donation.objects.get().error.startswith("PaymentsNotConfigured")


def test_a_double_submit_opens_one_session(client, article, fake_stripe):
    answer_checkout(fake_stripe)
    first = donate(client, article)
    second = donate(client, article)
    assert first["Location"] == second["Location"] == SESSION["url"]
    assert Donation.objects.count() == 1
    assert len(fake_stripe.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_one_form_submitted_four_times_at_once_is_one_donation(article, fake_stripe):
    answer_checkout(fake_stripe)
    answers = []
    at_once(lambda: answers.append(donate(Client(), article)), 4)
    assert [(a.status_code, a["Location"]) for a in answers] == [(303, SESSION["url"])] * 4
    assert Donation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_first_gifts_from_one_new_address_at_once_make_one_donor(article, fake_stripe):
    """Each may find no donor for the address; those that lose the race to create it
    (the address is unique) are tried again, and find it."""
    answer_checkout(fake_stripe)
    statuses = []
    at_once(
        lambda: statuses.append(donate(Client(), article, token=str(uuid.uuid4())).status_code), 4
    )  # as many as the address may open in a minute (DONATION_EMAIL_RATE_LIMIT, 5/m)
    assert statuses == [303] * 4
    (donor,) = Donor.objects.all()
    assert donor.donations.count() == Donation.objects.count() == 4


def test_resubmitting_with_changed_details_is_a_new_donation(client, article, fake_stripe):
    answer_checkout(fake_stripe)
    donate(client, article)
    donate(client, article, amount="3000")
    assert sorted(Donation.objects.values_list("amount_cents", flat=True)) == [2000, 3000]
    keys = {r.headers["Idempotency-Key"] for r in fake_stripe.requests}
    assert len(keys) == 2


def test_cancel_url_brings_back_the_filled_form(client, article, fake_stripe):
    answer_checkout(fake_stripe)
    donate(client, article, amount="", other_amount="12.5", frequency="month", payment_count="4")
    cancel_url = fake_stripe.requests[0].form["cancel_url"].removeprefix("http://testserver")
    html = client.get(cancel_url).content.decode()
    assert 'value="12.50"' in html
    assert '<option value="month" selected>' in html
    assert 'value="4"' in html
    assert 'value="Lovelace"' in html
    # The e-mail address is shown masked, not refilled: the link is in browser histories.
    assert "ada@example.org" not in html
    assert "You entered a•••@example.org before" in html


def test_a_resume_link_of_a_paid_donation_refills_nothing(client, article, fake_stripe):
    answer_checkout(fake_stripe)
    donate(client, article, amount="", other_amount="12.5")
    cancel_url = fake_stripe.requests[0].form["cancel_url"].removeprefix("http://testserver")
    Donation.objects.update(status=Donation.Status.PAID)
    response = client.get(cancel_url)
    assert 'value="12.50"' not in response.content.decode()
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_a_forged_resume_token_is_ignored(client, article):
    html = client.get(f"{article.get_absolute_url()}?resume=forged").content.decode()
    assert "You are donating to" in html
    assert "ada@example.org" not in html


def test_csrf_is_enforced_with_a_page_that_says_what_to_do(article, fake_stripe):
    client = Client(enforce_csrf_checks=True)
    response = donate(client, article)
    assert response.status_code == 403
    assert "reload the page and send the form again" in response.content.decode()
    assert Donation.objects.count() == 0


def test_an_oversized_post_is_a_friendly_400(client, article, fake_stripe, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = donate(client, article, note="x" * 20_000)
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()
    assert Donation.objects.count() == 0


def test_get_on_the_donate_url_is_not_allowed(client, article):
    assert client.get(f"{article.get_absolute_url()}donate/").status_code == 405


def test_rate_limit_stops_card_testing(client, article, fake_stripe, settings):
    settings.DONATION_RATE_LIMIT = "2/d"
    answer_checkout(fake_stripe)
    assert donate(client, article, token="").status_code == 303
    assert donate(client, article, token="").status_code == 303
    response = donate(client, article, token="")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert len(fake_stripe.requests) == 2


def test_thank_you_page_shows_what_was_chosen_and_the_recorded_status(client, fake_stripe):
    donation = DonationFactory(monthly=True, amount_cents=1250, stripe_checkout_session_id="cs_1")
    fake_stripe.answer(
        "GET", "/v1/checkout/sessions/cs_1", {**SESSION, "id": "cs_1",
                                              "client_reference_id": str(donation.pk)}
    )  # fmt: skip
    response = client.get("/donate/thanks/?session_id=cs_1")
    html = response.content.decode()
    assert response.status_code == 200
    assert "$12.50" in html
    assert "Monthly" in html
    assert '<dd class="col-sm-7" data-testid="count">3</dd>' in html
    assert "Pending: we are waiting for Stripe" in html
    assert "Advocacy sends your receipt to " in html  # the site, not Stripe
    donation.status = Donation.Status.ACTIVE
    donation.save()
    assert "Active (recurring)" in client.get("/donate/thanks/?session_id=cs_1").content.decode()


def test_thank_you_page_for_an_unknown_session_is_a_friendly_404(client, fake_stripe):
    response = client.get("/donate/thanks/?session_id=cs_unknown")
    assert response.status_code == 404
    assert "We could not find that donation" in response.content.decode()
    assert client.get("/donate/thanks/").status_code == 404


def test_thank_you_page_rejects_a_session_of_another_donation(client, fake_stripe):
    DonationFactory(stripe_checkout_session_id="cs_1")
    other = {**SESSION, "client_reference_id": "999"}
    fake_stripe.answer("GET", "/v1/checkout/sessions/cs_1", other)
    assert client.get("/donate/thanks/?session_id=cs_1").status_code == 404


def test_thank_you_page_still_works_when_stripe_is_down(client):
    DonationFactory(stripe_checkout_session_id="cs_1")
    assert client.get("/donate/thanks/?session_id=cs_1").status_code == 200


def test_pages_show_the_test_mode_badge(client, article):
    assert "Test mode</span>" in client.get(article.get_absolute_url()).content.decode()


def form_action(response) -> str:
    directives = response["Content-Security-Policy"].split(";")
    return next(d.strip() for d in directives if d.strip().startswith("form-action "))


def test_csp_lets_the_form_redirect_to_checkout(client, article, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:12111/"
    response = client.get(article.get_absolute_url())
    assert form_action(response) == (
        "form-action 'self' https://checkout.stripe.com https://billing.stripe.com "
        "http://127.0.0.1:12111"
    )
    settings.STRIPE_API_BASE = ""
    response = client.get(article.get_absolute_url())
    assert form_action(response) == (
        "form-action 'self' https://checkout.stripe.com https://billing.stripe.com"
    )


def test_a_failing_repeat_of_an_in_flight_submission_leaves_the_first_alone(
    client, article, fake_stripe
):
    answer_checkout(fake_stripe)
    donate(client, article)
    first = Donation.objects.get()
    first.checkout_url = ""  # as if the first request were still waiting for Stripe
    first.save()
    fake_stripe.routes.clear()
    conflict = {"error": {"type": "idempotency_error", "message": "In-progress request"}}
    fake_stripe.answer("POST", "/v1/checkout/sessions", conflict, status=409)
    assert donate(client, article).status_code == 502
    first.refresh_from_db()
    assert (first.status, first.error) == (Donation.Status.PENDING, "")
    assert Donation.objects.count() == 1


def test_thank_you_page_asks_stripe_once_however_often_it_is_checked(client, fake_stripe):
    donation = DonationFactory(stripe_checkout_session_id="cs_1")
    session = {**SESSION, "id": "cs_1", "client_reference_id": str(donation.pk)}
    fake_stripe.answer("GET", "/v1/checkout/sessions/cs_1", session)
    for _ in range(3):
        assert client.get("/donate/thanks/?session_id=cs_1").status_code == 200
    assert len(fake_stripe.calls("GET", "/v1/checkout/sessions/cs_1")) == 1


def test_the_rate_limit_counts_per_client_ip_behind_the_trusted_proxy(
    article, fake_stripe, settings
):
    settings.DONATION_RATE_LIMIT = "2/d"
    settings.DONATION_EMAIL_RATE_LIMIT = "100/d"
    settings.TRUSTED_PROXY_COUNT = 1
    answer_checkout(fake_stripe)

    def from_ip(address, forged=""):
        header = f"{forged}, {address}" if forged else address
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=header)
        return donate(client, article, token="").status_code

    assert [from_ip("203.0.113.7") for _ in range(3)] == [303, 303, 429]
    # A forged header entry left of what our proxy appended changes nothing.
    assert from_ip("203.0.113.7", forged="198.51.100.1") == 429
    assert from_ip("203.0.113.8") == 303  # another visitor has a bucket of their own


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(article, fake_stripe, settings):
    settings.DONATION_RATE_LIMIT = "1/d"
    answer_checkout(fake_stripe)
    first = Client(HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = Client(HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert donate(first, article, token="").status_code == 303
    assert donate(second, article, token="").status_code == 429  # same REMOTE_ADDR


def test_the_rate_limit_counts_per_email_whatever_the_ip(article, fake_stripe, settings):
    settings.DONATION_RATE_LIMIT = "100/d"
    settings.DONATION_EMAIL_RATE_LIMIT = "2/d"
    answer_checkout(fake_stripe)
    answers = [
        donate(
            Client(REMOTE_ADDR=f"203.0.113.{n}"), article, token="", email="A@example.org"
        ).status_code
        for n in range(3)
    ]
    assert answers == [303, 303, 429]
    response = donate(Client(REMOTE_ADDR="203.0.113.9"), article, token="", email="a@example.org ")
    assert response.status_code == 429
    assert 'value="Lovelace"' in response.content.decode()  # the form is kept


def test_the_honeypot_refuses_a_bot_without_calling_stripe(client, article, fake_stripe):
    response = donate(client, article, website="http://spam.example")
    assert response.status_code == 400
    assert "We could not accept this donation" in response.content.decode()
    assert fake_stripe.requests == []
    assert not Donation.objects.exists()


def test_the_honeypot_is_hidden_from_people(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'class="form-honeypot"\s+aria-hidden="true"', html)
    assert 'name="website"' in html
    assert 'tabindex="-1"' in html


def test_stripe_stalled_the_donor_gets_the_form_back_and_the_donation_is_failed(
    client, article, sandbox_server, settings
):
    settings.STRIPE_API_BASE = sandbox_server.url
    settings.STRIPE_READ_TIMEOUT = 0.3
    sandbox_server.pause()
    try:
        response = donate(client, article)
    finally:
        sandbox_server.resume()
    assert response.status_code == 502
    html = response.content.decode()
    assert "We could not reach our payment provider. Nothing was charged" in html
    assert 'value="Lovelace"' in html
    donation = Donation.objects.get()
    assert donation.status == Donation.Status.FAILED
    assert "timed out" in donation.error.lower()
    retry = donate(client, article)  # the same form again, Stripe back
    assert retry.status_code == 303
    assert retry["Location"].startswith(sandbox_server.url)


def test_a_retry_after_a_lost_answer_gets_the_same_checkout(
    client, article, sandbox_server, settings
):
    """Stripe opened the session but the site never stored it (a worker killed mid-way):
    the same form again sends the same parameters under the same idempotency key."""
    settings.STRIPE_API_BASE = sandbox_server.url
    first = donate(client, article)
    Donation.objects.update(checkout_url="", stripe_checkout_session_id="")
    second = donate(client, article)
    assert (first.status_code, second.status_code) == (303, 303)
    assert second["Location"] == first["Location"]
    assert Donation.objects.count() == 1


def test_the_thank_you_page_does_not_wait_for_a_stalled_stripe(client, sandbox_server, settings):
    settings.STRIPE_API_BASE = sandbox_server.url
    settings.STRIPE_THANKS_TIMEOUT = 0.2
    donation = DonationFactory(status=Donation.Status.PAID, email="grace@example.org")
    sandbox_server.pause()
    try:
        response = client.get(f"/donate/thanks/?session_id={donation.stripe_checkout_session_id}")
    finally:
        sandbox_server.resume()
    html = response.content.decode()
    assert response.status_code == 200
    assert ">Paid<" in html  # what the webhooks recorded
    assert "g•••@example.org" in html
    assert "grace@example.org" not in html
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_stripe_webhook_answers_without_a_policy(post_event):
    response = post_event(b'{"id": "evt_1", "object": "event"}')
    assert response.status_code == 400
    assert "Content-Security-Policy" not in response


@pytest.mark.parametrize(
    ("currency", "typed", "sent"), [("jpy", "1,000", "1000"), ("eur", "12.50", "1250")]
)
def test_checkout_is_asked_in_the_campaigns_currency_and_unit(
    client, fake_stripe, currency, typed, sent
):
    article = CampaignArticleFactory(donation_box__campaign__currency=currency,
                                     donation_box__campaign__slug=f"c-{currency}")  # fmt: skip
    answer_checkout(fake_stripe)
    assert donate(client, article, amount="", other_amount=typed).status_code == 303
    form = fake_stripe.calls("POST", "/v1/checkout/sessions")[0].form
    assert form["line_items[0][price_data][currency]"] == currency
    assert form["line_items[0][price_data][unit_amount]"] == sent
    assert Donation.objects.get().currency == currency


def test_a_spanish_pages_donation_is_spanish_down_to_checkout(client, fake_stripe):
    spanish = CampaignArticleFactory(language="es", title="La ofensiva contra el 287(g)")
    html = client.get(spanish.get_absolute_url()).content.decode()
    for text in ("Está donando a:", "¿Cuánto le gustaría donar?", ">20\xa0US$</label>",
                 "Quiero hacer una donación", 'value="Donar"', "Correo electrónico"):  # fmt: skip
        assert text in html, text
    assert "donation(s)" not in html  # the Spanish sentence ends with the choice
    answer_checkout(fake_stripe)
    response = donate(client, spanish, amount="", other_amount="1.250,50", frequency="month",
                      payment_count="3")  # fmt: skip
    assert response.status_code == 303
    donation = Donation.objects.get()
    assert (donation.language, donation.amount_cents) == ("es", 125050)
    form = fake_stripe.requests[0].form
    assert form["locale"] == "es"
    assert form["line_items[0][price_data][product_data][name]"] == "Donación a Defend 287(g)"
    assert "/es/donate/thanks/?session_id=" in form["success_url"]
    assert form["cancel_url"].startswith(f"http://testserver/es/articles/{spanish.slug}/?resume=")


@pytest.mark.parametrize(
    ("typed", "problem"),
    [("12.50", "como 25, 12,50 o 1.250,50"), ("1,505", "no haya más de 2 dígitos decimales")],
)
def test_spanish_amounts_refuse_what_english_would_read(client, article, fake_stripe, typed,
                                                         problem):  # fmt: skip
    spanish = CampaignArticleFactory(language="es")
    response = donate(client, spanish, amount="", other_amount=typed)
    html = response.content.decode()
    assert response.status_code == 200 and problem in html
    assert f'value="{typed}"' in html  # what was typed is kept
    assert Donation.objects.count() == 0
