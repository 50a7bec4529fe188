import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils import timezone
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from donations.models import Campaign, Dispute, Donation, Payment, Receipt
from donations.stripe_gateway import PINNED_API_VERSION
from tests.admin_pages import admin_action
from tests.factories import CampaignFactory, DonationFactory, PaymentFactory, UserFactory
from tests.stripe_events import checkout_session, event

pytestmark = pytest.mark.django_db


@pytest.fixture
def donation():
    donation = DonationFactory(
        monthly=True,
        first_name="Grace",
        last_name="Hopper",
        status=Donation.Status.ACTIVE,
        stripe_customer_id="cus_123",
        stripe_subscription_id="sub_123",
        note="<script>alert(1)</script>",
    )
    PaymentFactory(donation=donation, stripe_invoice_id="in_123")
    return donation


@pytest.mark.parametrize(
    "url",
    [
        "/admin/donations/donation/",
        "/admin/donations/donation/?status__exact=active",
        "/admin/donations/donation/?frequency__exact=month",
        "/admin/donations/donation/?q=sub_123",
        "/admin/donations/donation/?q=hopper",
        "/admin/donations/payment/",
        "/admin/donations/campaign/",
        "/admin/donations/campaign/add/",
        "/admin/donations/webhookevent/",
        "/admin/donations/webhookevent/?status__exact=failed",
        "/admin/donations/dispute/",
        "/admin/donations/dispute/?status__exact=lost",
        "/admin/donations/donation/?collection_paused__exact=1",
    ],
)
def test_admin_pages_render_for_staff(staff_client, donation, url):
    assert staff_client.get(url).status_code == 200


def test_donation_list_shows_payments_made_of_total(staff_client, donation):
    html = staff_client.get("/admin/donations/donation/").content.decode()
    assert "Grace Hopper" in html
    assert "1 of 3" in html
    assert "$20" in html


def test_search_finds_by_stripe_id(staff_client, donation):
    DonationFactory(first_name="Other")
    response = staff_client.get("/admin/donations/donation/?q=sub_123")
    assert list(response.context["cl"].result_list) == [donation]


def test_donation_page_links_stripe_ids_to_the_test_dashboard(staff_client, donation):
    html = staff_client.get(f"/admin/donations/donation/{donation.pk}/change/").content.decode()
    assert 'href="https://dashboard.stripe.com/test/customers/cus_123"' in html
    assert 'href="https://dashboard.stripe.com/test/subscriptions/sub_123"' in html
    assert 'href="https://dashboard.stripe.com/test/invoices/in_123"' in html  # payment inline
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_staff_cannot_add_donations_or_edit_payments(staff_client, donation):
    assert staff_client.get("/admin/donations/donation/add/").status_code == 403
    assert staff_client.get("/admin/donations/payment/add/").status_code == 403
    payment = donation.payments.get()
    response = staff_client.post(f"/admin/donations/payment/{payment.pk}/change/", {})
    assert response.status_code == 403


def test_campaign_list_shows_the_amount_raised(staff_client):
    campaign = CampaignFactory(name="Raised test", goal_cents=100_000)
    PaymentFactory(donation=DonationFactory(campaign=campaign, amount_cents=2000))
    PaymentFactory(donation=DonationFactory(campaign=campaign, amount_cents=1250))
    PaymentFactory(donation=DonationFactory(campaign=campaign), status="failed")
    html = staff_client.get("/admin/donations/campaign/").content.decode()
    assert "$32.50" in html
    assert "$1,000" in html
    assert campaign.raised_cents() == 3250


def test_webhook_log_is_read_only_and_shows_errors(staff_client, post_event, fake_stripe):
    failing = DonationFactory(monthly=True)
    boom = {"error": {"type": "api_error", "message": "boom"}}
    session = checkout_session(failing)
    fake_stripe.answer("GET", f"/v1/checkout/sessions/{session['id']}", boom, status=500)
    older = event("checkout.session.completed", session, event_id="evt_9",
                  api_version="2024-06-20")  # fetched again: Stripe fails  # fmt: skip
    post_event(older)
    html = staff_client.get("/admin/donations/webhookevent/").content.decode()
    assert "evt_9" in html
    assert "boom" in html
    assert staff_client.get("/admin/donations/webhookevent/add/").status_code == 403


def test_staff_see_failed_background_jobs_with_their_error_and_retry_them(
    staff_client, post_event, fake_stripe
):
    """Settling a subscription is queued work: Stripe failing it is a job's error."""
    failing = DonationFactory(monthly=True)
    boom = {"error": {"type": "api_error", "message": "boom"}}
    fake_stripe.answer("GET", f"/v1/subscriptions/sub_test_{failing.pk}", boom, status=500)
    post_event(event("checkout.session.completed", checkout_session(failing)))
    jobs = "/admin/django_tasks_database/dbtaskresult/"
    html = staff_client.get(jobs).content.decode()
    assert "follow up task" in html and "boom" in html
    task = DBTaskResult.objects.get(task_path="donations.jobs.follow_up_task")
    assert (task.status, len(task.worker_ids)) == ("READY", 1)  # tried again later
    response = staff_client.post(jobs,
                                 {"action": "try_again", "_selected_action": [task.pk]},
                                 follow=True)  # fmt: skip
    assert "1 job(s) queued to run now." in response.content.decode()
    task.refresh_from_db()
    assert task.run_after <= timezone.now()


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get("/admin/donations/donation/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_see_amounts_net_of_refunds_and_flags(staff_client, donation):
    PaymentFactory(donation=donation, stripe_invoice_id="in_456", amount_refunded_cents=500)
    donation.attention = "Invoice in_456 reported $25 EUR; the donation is $20 USD."
    donation.save()
    html = staff_client.get("/admin/donations/donation/?attention=yes").content.decode()
    assert "Hopper" in html
    assert "$35" in html  # 2 × $20 less $5 refunded
    assert (
        "Hopper" not in staff_client.get("/admin/donations/donation/?attention=no").content.decode()
    )
    page = staff_client.get(f"/admin/donations/donation/{donation.pk}/change/").content.decode()
    assert "reported $25 EUR" in page
    assert "$15" in page  # the refunded payment's net


def test_staff_see_the_fee_covered_receipt_numbers_and_failed_attempts(staff_client, donation):
    donation.update(amount_cents=2091, fee_cover_cents=91)
    recovered = PaymentFactory(
        donation=donation, stripe_invoice_id="in_1", attempt_count=2,
        decline_code="insufficient_funds", failed_at=donation.created_at,
    )  # fmt: skip
    PaymentFactory(donation=donation, stripe_invoice_id="in_2", status="failed", attempt_count=4,
                   decline_code="expired_card", paid_at=None)  # fmt: skip
    page = staff_client.get(f"/admin/donations/donation/{donation.pk}/change/").content.decode()
    assert "$20.91 monthly (fee covered: $0.91)" in page
    assert recovered.receipt_number in page
    assert "2 × insufficient_funds, recovered" in page
    assert "4 × expired_card; no more tries" in page


def test_staff_see_which_events_came_in_another_api_version(staff_client, post_event):
    for number, version in enumerate(["2024-06-20", PINNED_API_VERSION]):
        body = {"id": f"cus_{number}", "object": "customer"}
        post_event(event("customer.created", body, event_id=f"evt_v{number}", api_version=version))
    other = staff_client.get("/admin/donations/webhookevent/?version=other").content.decode()
    assert "evt_v0" in other
    assert "evt_v1" not in other
    assert "2024-06-20" in other


def test_payments_and_webhook_events_cannot_be_deleted(staff_client, donation):
    payment = donation.payments.get()
    response = staff_client.get(f"/admin/donations/payment/{payment.pk}/delete/")
    assert response.status_code == 403


CAMPAIGN_FORM = {"name": "Winter appeal", "slug": "winter-appeal", "description": "",
                 "currency": "usd", "active": "on"}  # fmt: skip


@pytest.mark.parametrize(
    ("presets", "goal", "message"),
    [
        ("abc", "", "“abc”: Enter an amount in US dollars, like 25, 12.50 or 1,250.50."),
        ("1e300", "", "“1e300”: Enter an amount in US dollars"),
        ("", "", "This field is required."),
        ("10, 20, 30, 40, 50, 60, 70", "", "Give 1 to 6 amounts, separated by commas: 10, 20, 30."),
        ("10, 20, 10", "", "$10 is offered twice: give each amount once."),
        ("0.50", "", "$0.50: Donations must be between $1 and $10,000."),
        ("10.125", "", "“10.125”: Ensure that there are no more than 2 decimal places."),
        ("10", "0", "A goal is more than zero; leave it empty for none."),
        ("10", "-5", "A goal is more than zero; leave it empty for none."),
        ("10", "lots", "Enter an amount in US dollars"),
    ],
)
def test_campaign_amounts_staff_type_are_checked_with_a_message(
    staff_client, presets, goal, message
):
    data = {**CAMPAIGN_FORM, "preset_amounts": presets, "goal_cents": goal}
    response = staff_client.post("/admin/donations/campaign/add/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(message) in page
    assert f'value="{escape(presets)}"' in page or not presets  # what they typed, kept
    assert not Campaign.objects.filter(slug="winter-appeal").exists()


@pytest.mark.parametrize(
    ("presets", "goal", "amounts", "goal_cents", "shown_back"),
    [
        ("10, 20, 30", "5000", [1000, 2000, 3000], 500_000, "10, 20, 30"),
        ("10,20,30", "5,000", [1000, 2000, 3000], 500_000, "10, 20, 30"),
        ("$25; 1,000 12.50", "", [2500, 100_000, 1250], None, "25, 1000, 12.50"),
    ],
)
def test_campaign_amounts_are_typed_in_the_currency_and_shown_back_so(
    staff_client, presets, goal, amounts, goal_cents, shown_back
):
    data = {**CAMPAIGN_FORM, "preset_amounts": presets, "goal_cents": goal}
    assert staff_client.post("/admin/donations/campaign/add/", data).status_code == 302
    campaign = Campaign.objects.get(slug="winter-appeal")
    assert (campaign.preset_amounts, campaign.goal_cents) == (amounts, goal_cents)
    page = staff_client.get(f"/admin/donations/campaign/{campaign.pk}/change/").content.decode()
    assert f'value="{shown_back}"' in page
    assert f'value="{goal_cents // 100}"' in page if goal_cents else 'name="goal_cents" ' in page


@pytest.mark.parametrize(
    "query", ["created_at__year=99999", "created_at__year=0", "created_at__month=13",
              "received_at__year=99999", "paid_at__day=32", "published_at__year=abc"],
)  # fmt: skip
def test_a_date_no_list_can_show_is_dropped_with_a_message(staff_client, query):
    for url in ("/admin/donations/donation/", "/admin/donations/payment/",
                "/admin/donations/webhookevent/", "/admin/articles/article/",
                "/admin/donations/campaign/"):  # fmt: skip
        response = staff_client.get(f"{url}?{query}&q=x", follow=True)
        assert response.status_code == 200, url
        assert response.redirect_chain[0][0] == f"{url}?q=x"
        assert "That date is not one the list can show." in response.content.decode()


@pytest.mark.parametrize(
    ("currency", "presets", "message"),
    [
        ("xyz", "10", "Select a valid choice. xyz is not one of the available choices."),
        ("eur", "0.30", "€0.30: Donations must be between €0.50 and €999,999.99."),
        ("jpy", "10", "¥10: Donations must be between ¥50 and ¥99,999,999."),
        ("jpy", "1000.50", "Amounts in Japanese yen are whole numbers, like 1,000 or 25,000."),
        ("bhd", "12.345", "Ensure that there are no more than 2 decimal places."),
    ],
)
def test_a_currency_stripe_does_not_take_or_amounts_it_cannot_charge_are_refused(
    staff_client, currency, presets, message
):
    data = {**CAMPAIGN_FORM, "currency": currency, "preset_amounts": presets, "goal_cents": ""}
    response = staff_client.post("/admin/donations/campaign/add/", data)
    assert message in response.content.decode()
    assert not Campaign.objects.filter(slug="winter-appeal").exists()


def test_a_campaign_in_yen_is_saved_with_yen_amounts(staff_client):
    data = {**CAMPAIGN_FORM, "currency": "jpy", "preset_amounts": "1000, 3000",
            "goal_cents": "500000"}  # fmt: skip
    assert staff_client.post("/admin/donations/campaign/add/", data).status_code == 302
    campaign = Campaign.objects.get(slug="winter-appeal")
    assert (campaign.offered_amounts, campaign.goal_cents) == ([1000, 3000], 500_000)


def test_a_campaign_with_donations_keeps_its_currency(staff_client, donation):
    campaign = donation.campaign
    data = {**CAMPAIGN_FORM, "name": campaign.name, "slug": campaign.slug, "currency": "eur",
            "preset_amounts": "10", "goal_cents": ""}  # fmt: skip
    response = staff_client.post(f"/admin/donations/campaign/{campaign.pk}/change/", data)
    assert "This campaign has donations in USD: its currency stays." in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.currency == "usd"


def test_staff_see_disputes_fees_and_what_reached_the_balance(staff_client, donation):
    payment = donation.payments.get()
    Payment.objects.filter(pk=payment.pk).update(fee_cents=88, settled_cents=-1588,
                                                 settlement_currency="usd",
                                                 amount_disputed_cents=2000)  # fmt: skip
    Dispute.objects.create(stripe_dispute_id="dp_1", payment=payment, amount_cents=2000,
                           currency="usd", reason="fraudulent", status="lost",
                           funds_withdrawn=True)  # fmt: skip
    disputes = staff_client.get("/admin/donations/dispute/").content.decode()
    assert 'href="https://dashboard.stripe.com/test/disputes/dp_1"' in disputes
    assert "Lost" in disputes and "fraudulent" in disputes and "Grace Hopper" in disputes
    payments = staff_client.get("/admin/donations/payment/").content.decode()
    assert "$0.88" in payments and "-$15.88" in payments
    page = staff_client.get(f"/admin/donations/donation/{donation.pk}/change/").content.decode()
    assert "Reached the balance" in page and "-$15.88" in page
    assert staff_client.get("/admin/donations/dispute/add/").status_code == 403


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "thanks"}, "“thanks” is taken by a page of the site: choose another."),
        ({"embed_origins": "partner.example.org"}, "“partner.example.org” is not a site's origin"),
        (
            {"embed_origins": "https://ok.example\nhttps://x.example/page"},
            "“https://x.example/page”",
        ),
        ({"embed_origins": "javascript:alert(1)"}, "“javascript:alert(1)” is not a site's origin"),
    ],
)
def test_a_campaign_page_or_embed_site_that_cannot_be_is_refused(staff_client, changes, message):
    data = {**CAMPAIGN_FORM, "preset_amounts": "10", "goal_cents": "", **changes}
    response = staff_client.post("/admin/donations/campaign/add/", data)
    assert escape(message) in response.content.decode()
    assert not Campaign.objects.exists()


def test_staff_copy_the_embed_code_once_a_site_is_allowed(staff_client):
    data = {**CAMPAIGN_FORM, "preset_amounts": "10", "goal_cents": "",
            "embed_origins": "https://partner.example.org/"}  # fmt: skip
    staff_client.post("/admin/donations/campaign/add/", data)
    campaign = Campaign.objects.get()
    assert campaign.frame_origins == ["https://partner.example.org"]
    page = staff_client.get(f"/admin/donations/campaign/{campaign.pk}/change/").content.decode()
    assert escape(f'<iframe src="{settings.SITE_URL}/donate/winter-appeal/embed/"') in page
    assert "it works only on https://partner.example.org." in page
    assert f'href="{settings.SITE_URL}/donate/winter-appeal/"' in page


def test_a_donations_page_has_buttons_for_what_staff_may_do_to_it(client, donation):
    """Refund…, Cancel… and Resend, each posting the list's action, shown only to staff
    allowed it and only where it can act."""
    Receipt.objects.create(donation=donation, payment=donation.payments.get(), kind="payment",
                           sent_at=timezone.now())  # fmt: skip
    url = f"/admin/donations/donation/{donation.pk}/change/"
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_donation"))
    client.force_login(user)
    assert "inline-action" not in client.get(url).content.decode()
    for codename in ["refund_payment", "view_payment", "cancel_donation", "resend_receipt"]:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    page = client.get(url).content.decode()
    assert ">Refund…</button>" in page
    assert ">Cancel the remaining payments…</button>" in page
    assert ">Resend the receipt</button>" in page
    payment = donation.payments.get()
    refund_page = admin_action(client, "refund_payments", [payment]).content.decode()
    assert "Refund payments" in refund_page and f'name="amount-{payment.pk}"' in refund_page


def test_a_finished_donation_offers_no_cancel_and_a_refunded_one_no_refund(staff_client, donation):
    donation.status = Donation.Status.COMPLETED
    donation.save()
    Payment.objects.update(amount_refunded_cents=2000)
    page = staff_client.get(f"/admin/donations/donation/{donation.pk}/change/").content.decode()
    assert "Refund…</button>" not in page and "Cancel the remaining" not in page
    assert "Resend the receipt" not in page  # none was sent yet


def test_the_overviews_active_recurring_count_links_to_as_many_donations(staff_client, donation):
    """Past-due donations are still running (Stripe retries): counted and listed."""
    late = DonationFactory(monthly=True, status=Donation.Status.PAST_DUE,
                           campaign=donation.campaign)  # fmt: skip
    DonationFactory(monthly=True, status=Donation.Status.CANCELED, campaign=donation.campaign)
    overview = staff_client.get("/admin/donations/campaign/overview/").content.decode()
    link = f"?campaign__id__exact={donation.campaign.pk}&recurring=running"
    assert f'{link}">2</a>' in overview
    listed = staff_client.get("/admin/donations/donation/" + link)
    assert {d.pk for d in listed.context["cl"].result_list} == {donation.pk, late.pk}
