"""Donors as people: one record per e-mail address (more after staff merge two), with
every donation they made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def normalised(email: str) -> str:
    """The address a donor is known by: case and surrounding spaces do not make another
    person; plus-addresses do (ada+news@ and ada@ may be two people sharing a mailbox)."""
    return email.strip().lower()


class Donor(models.Model):
    first_name = models.CharField(_("name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(
        _("email"), blank=True, help_text=_("The address they last gave with.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        permissions = [("merge_donors", "Can merge two donors into one")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email or f"Donor {self.pk}"

    @property
    def language(self) -> str:
        """The language of their latest donation: what the site writes to them in."""
        latest = self.donations.order_by("-created_at", "-pk").values_list("language", flat=True)
        return latest.first() or settings.LANGUAGE_CODE


class DonorEmail(models.Model):
    """An address that leads to the donor (normalised); the merged donor's too."""

    donor = models.ForeignKey(Donor, on_delete=models.CASCADE, related_name="addresses")
    email = models.CharField(max_length=254, unique=True)

    def __str__(self) -> str:
        return self.email


def donor_for(email: str, first_name: str = "", last_name: str = "") -> Donor | None:
    """The donor known by `email`, created if new, their name brought up to date; None
    for an empty address (erased data).

    Raises IntegrityError when another transaction created the donor meanwhile (its
    address is unique): the caller's transaction is rolled back and tried again, which
    finds it. No savepoint of its own: two statements fewer on every first gift."""
    address = normalised(email)
    if not address:
        return None
    found = DonorEmail.objects.select_related("donor").filter(email=address).first()
    if found is None:
        donor = Donor.objects.create(
            first_name=first_name, last_name=last_name, email=email.strip()
        )
        DonorEmail.objects.create(donor=donor, email=address)
        return donor
    donor = found.donor
    fields = {"first_name": first_name, "last_name": last_name, "email": email.strip()}
    changed = {k: v for k, v in fields.items() if v and getattr(donor, k) != v}
    if changed:
        Donor.objects.filter(pk=donor.pk).update(**changed)
        for name, value in changed.items():
            setattr(donor, name, value)
    return donor
