"""Every donation made so far linked to its donor (one per normalised e-mail address,
named as they last gave)."""

from django.db import migrations


def link_donors(apps, schema_editor):
    Donation = apps.get_model("donations", "Donation")
    Donor = apps.get_model("donations", "Donor")
    DonorEmail = apps.get_model("donations", "DonorEmail")
    people = {}  # address -> (the latest name and address given, their donations' ids)
    rows = Donation.objects.filter(donor=None).exclude(email="").order_by("created_at", "pk")
    for pk, first, last, email in rows.values_list("pk", "first_name", "last_name", "email"):
        address = email.strip().lower()
        ids = people.get(address, (None, []))[1]
        people[address] = ((first, last, email.strip()), [*ids, pk])
    for address, ((first, last, email), ids) in people.items():
        donor = Donor.objects.create(first_name=first, last_name=last, email=email)
        DonorEmail.objects.create(donor=donor, email=address)
        for start in range(0, len(ids), 500):
            Donation.objects.filter(pk__in=ids[start : start + 500]).update(donor=donor)


class Migration(migrations.Migration):
    dependencies = [("donations", "0017_donors")]

    operations = [migrations.RunPython(link_donors, migrations.RunPython.noop)]
