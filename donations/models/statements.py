"""Year-end statements: one per donor and calendar year, sent at most once."""

from __future__ import annotations

from django.db import models

from donations.models.donors import Donor
from donations.models.outgoing import OutgoingMail


class Statement(OutgoingMail):
    """A donor's statement for a year, as mailed (donations.statements). Created once per
    donor and year; a sender claims it before sending, so a re-run after a failure sends
    only those not sent yet."""

    donor = models.ForeignKey(Donor, on_delete=models.CASCADE, related_name="statements")
    year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "donor"]
        constraints = [
            models.UniqueConstraint(fields=["donor", "year"], name="one_statement_per_donor_year")
        ]
        permissions = [("send_statements", "Can send year-end statements")]

    def __str__(self) -> str:
        return f"{self.year} – {self.donor}"
