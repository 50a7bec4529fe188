"""The dashboard page: staff only, in the admin, charts with their tables and CSVs, a
fixed handful of queries, and a message for every range it cannot show."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.worker import run_ready
from tests.factories import DonationFactory, PaymentFactory, UserFactory, at, gift

pytestmark = pytest.mark.django_db
URL = "/admin/donations/dashboard/"
RANGE = "?first=2026-03&last=2026-06&currency=usd"


def test_staff_see_each_chart_with_its_table(staff_client, dashboard_gifts):
    page = staff_client.get(URL + RANGE).content.decode()
    assert "March 2026 to June 2026, all campaigns, amounts in USD" in page
    titles = ["Raised", "One-time and recurring", "Recurring revenue", "New and returning donors",
              "Gifts and the average gift", "Failed renewals and recoveries",
              "Refunds and disputes", "By source"]  # fmt: skip
    for title in titles:
        assert f">{title}</h2>" in page and "<title id=" in page
    assert page.count('<svg class="chart"') == 8
    assert '<th scope="row">April 2026</th><td class="number">$60</td>' in page
    assert "<strong>$90</strong><span>Gross</span>" in page


def test_the_dashboard_takes_a_fixed_handful_of_queries(
    staff_client, dashboard_gifts, memory_cache, django_assert_max_num_queries
):
    for n in range(30):
        gift(f"more{n}@example.org", 1500, at(2026, 3 + n % 4, 3), utm_source=f"s{n}")
    with django_assert_max_num_queries(10):  # computing the figures
        assert staff_client.get(URL + RANGE).status_code == 200
    with django_assert_max_num_queries(3):  # the figures computed a moment ago
        assert staff_client.get(URL + RANGE).status_code == 200


def test_figures_not_fresh_are_shown_while_the_worker_brings_them_up_to_date(
    staff_client, memory_cache, settings
):
    gift("ada@example.org", 1000, timezone.now())
    assert "<strong>$10</strong><span>Gross</span>" in staff_client.get(URL).content.decode()
    gift("bo@example.org", 2500, timezone.now())
    page = staff_client.get(URL).content.decode()
    assert "<strong>$10</strong><span>Gross</span>" in page  # computed a moment ago
    assert "being brought up to date" not in page
    settings.DASHBOARD_FRESH_SECONDS = 0  # as if a minute went by
    page = staff_client.get(URL).content.decode()
    assert "<strong>$10</strong><span>Gross</span>" in page and "being brought up to date" in page
    assert (
        DBTaskResult.objects.filter(task_path="donations.dashboard_cache.refresh_figures").count()
        == 1
    )
    staff_client.get(URL)  # asked once, whatever the pages meanwhile
    run_ready()
    assert "<strong>$35</strong><span>Gross</span>" in staff_client.get(URL).content.decode()


def test_staff_may_ask_for_the_figures_now(staff_client, memory_cache):
    gift("ada@example.org", 1000, timezone.now())
    staff_client.get(URL)
    gift("bo@example.org", 2500, timezone.now())
    page = staff_client.get(URL + "?now=1").content.decode()
    assert "<strong>$35</strong><span>Gross</span>" in page
    assert 'href="?now=1">Compute them now</a>' in page


def test_each_chart_downloads_as_csv(staff_client, dashboard_gifts):
    response = staff_client.get(URL + RANGE + "&csv=raised")
    assert response["Content-Disposition"] == 'attachment; filename="raised-2026-03-2026-06.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Month", "Gross (USD)", "Refunded (USD)", "Withdrawn by disputes (USD)",
                       "Stripe fees (USD)", "Net (USD)"]  # fmt: skip
    assert rows[3] == ["2026-05", "10.00", "4.00", "0.00", "0.59", "5.41"]
    sources = staff_client.get(URL + RANGE + "&csv=sources").content.decode()
    assert "refcode p-a,1,50.00,0.00" in sources


def test_a_source_is_escaped_in_the_chart_and_in_the_csv(staff_client):
    gift("x@example.org", 1000, timezone.now(), utm_source="<script>x</script>")
    gift("y@example.org", 1000, timezone.now(), utm_source="=HYPERLINK(1)")
    page = staff_client.get(URL).content.decode()
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "'=HYPERLINK(1)" in staff_client.get(URL + "?csv=sources").content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?first=2026-06&last=2026-03", "The first month comes after the last one."),
        ("?first=2026-13&last=2026-06", "From: Enter a month as YYYY-MM, like 2026-01."),
        ("?first=abc&last=", "To: This field is required."),
        ("?first=1990-01&last=2026-01", "From: Enter a month as YYYY-MM"),
        ("?first=2000-01&last=2026-01", "Choose at most 120 months."),
        ("?campaign=999&first=2026-01&last=2026-02", "Campaign: Select a valid choice."),
        ("?currency=xyz", "Currency: Select a valid choice."),
    ],
)
def test_a_range_it_cannot_show_gets_a_message_and_the_last_12_months(staff_client, query, message):
    response = staff_client.get(URL + query)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "Showing the last 12 months instead" in page
    assert page.count('<th scope="row">') == 7 * 12  # seven tables by month, 12 months


def test_only_staff_allowed_to_see_donations_see_it(client):
    assert client.get(URL).status_code == 302  # to the sign-in page
    user = UserFactory(is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert "Dashboard" not in client.get("/admin/").content.decode()
    user.user_permissions.add(Permission.objects.get(codename="view_donation"))
    assert client.get(URL).status_code == 200
    assert f'href="{URL}"' in client.get("/admin/").content.decode()


def test_offline_gifts_count_like_any(staff_client):
    cheque = DonationFactory(method="cheque", status="paid")
    PaymentFactory(donation=cheque, stripe_invoice_id="", amount_cents=2000)
    assert "<strong>$20</strong><span>Gross</span>" in staff_client.get(URL).content.decode()
