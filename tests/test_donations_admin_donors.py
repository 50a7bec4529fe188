"""Donors in the admin: each with their giving, found by any address; merge and erase
after a page that says what will happen, each under its permission."""

import pytest
from django.contrib.auth.models import Permission

from donations.models import Donor, donor_for
from tests.admin_pages import admin_action
from tests.factories import DonationFactory, PaymentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada():
    donor = donor_for("ada@example.org", "Ada", "Lovelace")
    for amount in (2000, 3000):
        PaymentFactory(donation=DonationFactory(donor=donor, amount_cents=amount))
    return donor


@pytest.fixture
def work_ada():
    donor = donor_for("ada.l@work.example", "Ada", "L.")
    PaymentFactory(donation=DonationFactory(donor=donor, amount_cents=1000))
    return donor


def staff_with(client, *codenames):
    user = UserFactory(is_staff=True)
    for codename in ("view_donor", "change_donor", *codenames):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    return client


def test_the_list_shows_each_donors_giving_and_finds_them_by_any_address(staff_client, ada):
    page = staff_client.get("/admin/donations/donor/").content.decode()
    assert "Ada Lovelace" in page and "$50" in page
    assert '<td class="field-gifts">2</td>' in page
    found = staff_client.get("/admin/donations/donor/?q=ADA@example").content.decode()
    assert "Ada Lovelace" in found
    assert (
        "Ada Lovelace" not in staff_client.get("/admin/donations/donor/?gave=no").content.decode()
    )


def test_a_donors_page_has_lifetime_giving_every_donation_and_payment(staff_client, ada):
    page = staff_client.get(f"/admin/donations/donor/{ada.pk}/change/").content.decode()
    assert "<td>USD</td><td>$50</td><td>2</td>" in page
    assert page.count("/admin/donations/donation/") >= 2
    assert page.count("<td>Paid</td>") == 2


def test_merging_asks_whom_to_keep_then_makes_one_donor(staff_client, ada, work_ada):
    page = admin_action(staff_client, "merge_donors", [ada, work_ada]).content.decode()
    assert "Merge donors" in page and "no donation, payment or amount is lost" in page
    assert Donor.objects.count() == 2  # nothing yet
    done = admin_action(staff_client, "merge_donors", [ada, work_ada], confirm="yes",
                        keep=str(ada.pk)).content.decode()  # fmt: skip
    assert "Merged into Ada Lovelace: 1 donation(s) moved." in done
    assert list(Donor.objects.all()) == [ada]
    assert ada.donations.count() == 3


def test_merging_one_donor_is_refused_with_a_message(staff_client, ada):
    page = admin_action(staff_client, "merge_donors", [ada]).content.decode()
    assert "Select two or more donors to merge." in page


def test_erasing_a_donor_says_what_goes_then_erases_every_donation(staff_client, ada):
    page = admin_action(staff_client, "erase_donors", [ada]).content.decode()
    assert "This cannot be undone." in page and "2 donation(s)" in page
    assert Donor.objects.get().first_name == "Ada"
    done = admin_action(staff_client, "erase_donors", [ada], confirm="yes").content.decode()
    assert "Erased the personal data of 1 donor(s) and their 2 donation(s)." in done
    ada.refresh_from_db()
    assert (ada.first_name, ada.email) == ("", "")
    assert not ada.donations.exclude(email="").exists()


@pytest.mark.parametrize(
    ("action", "codename"),
    [("merge_donors", "merge_donors"), ("erase_donors", "erase_personal_data")],
)
def test_each_donor_action_needs_its_permission(client, ada, work_ada, action, codename):
    without = staff_with(client)
    page = without.get("/admin/donations/donor/").content.decode()
    assert f'value="{action}"' not in page
    admin_action(without, action, [ada, work_ada], confirm="yes", keep=str(ada.pk))
    assert Donor.objects.count() == 2 and Donor.objects.get(pk=ada.pk).first_name == "Ada"
    granted = staff_with(client, codename)
    assert f'value="{action}"' in granted.get("/admin/donations/donor/").content.decode()


def test_donors_are_neither_added_nor_deleted_by_hand(staff_client, ada):
    assert staff_client.get("/admin/donations/donor/add/").status_code == 403
    assert staff_client.get(f"/admin/donations/donor/{ada.pk}/delete/").status_code == 403
