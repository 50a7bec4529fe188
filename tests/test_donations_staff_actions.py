"""Staff's refunds through the sandbox: one refund however often it is asked."""

import threading

import pytest
from django.db import connection
from django.test import Client

from donations.models import Payment
from donations.testmode.visitor import Visitor
from stripe_testkit.cards import VISA
from tests.admin_pages import ask_refund
from tests.factories import CampaignArticleFactory, StaffUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def paid(site_with_sandbox, site_sandbox_kit):
    live_server, _ = site_with_sandbox
    article = CampaignArticleFactory()
    visitor = Visitor(live_server.url)
    checkout = visitor.donate(
        article.get_absolute_url(), amount="2000", first_name="Ada", last_name="Lovelace",
        email="ada@example.org",
    )  # fmt: skip
    visitor.pay(checkout, VISA)
    site_sandbox_kit.wait_for_webhooks()
    return Payment.objects.get()


def refund_dollar(client, payment):
    return ask_refund(client, payment, "1.00").content.decode()


def staff():
    client = Client()
    client.force_login(StaffUserFactory())
    return client


def test_a_double_click_refunds_once(paid, site_sandbox_kit):
    client = staff()
    first, second = refund_dollar(client, paid), refund_dollar(client, paid)
    assert "Stripe is refunding $1 of" in first
    assert ("nothing more was refunded" in second) or ("has had a refund recorded" in second)
    site_sandbox_kit.wait_for_webhooks()
    paid.refresh_from_db()
    assert paid.amount_refunded_cents == 100  # Stripe's total, from charge.refunded


def test_two_staff_asking_at_once_refund_once(paid, site_sandbox_kit):
    clients, pages = [staff(), staff()], []
    together = threading.Barrier(2)

    def ask(client):
        try:
            together.wait()
            pages.append(refund_dollar(client, paid))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum("Stripe is refunding $1 of" in page for page in pages) == 1
    site_sandbox_kit.wait_for_webhooks()
    paid.refresh_from_db()
    assert paid.amount_refunded_cents == 100


def test_a_second_refund_asked_after_the_first_is_recorded_is_made(paid, site_sandbox_kit):
    client = staff()
    refund_dollar(client, paid)
    site_sandbox_kit.wait_for_webhooks()
    page = ask_refund(client, paid, "2.00", seen=100).content.decode()
    assert "Stripe is refunding $2 of" in page
    site_sandbox_kit.wait_for_webhooks()
    paid.refresh_from_db()
    assert paid.amount_refunded_cents == 300
