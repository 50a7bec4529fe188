"""The admin as staff see it: the site's name, and its sections in the order of use."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_admin_carries_the_sites_name(staff_client, settings):
    settings.SITE_NAME = "Immigrant Justice Now"
    page = staff_client.get("/admin/").content.decode()
    assert "Immigrant Justice Now administration" in page
    assert "<title>Run the site | Immigrant Justice Now admin</title>" in page
    assert "Django administration" not in page


def test_donations_come_first_and_the_lock_out_records_last(staff_client):
    page = staff_client.get("/admin/").content.decode()
    order = [page.index(name) for name in (
        '<a href="/admin/donations/"', '<a href="/admin/articles/"',
        '<a href="/admin/auth/"', "Security: failed sign-ins and lock-outs",
    )]  # fmt: skip
    assert order == sorted(order)
