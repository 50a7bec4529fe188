"""The webhook event log: every Stripe event received, stored once by its id."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from donations.models.donations import Donation


class WebhookEvent(models.Model):
    """Every Stripe event received, stored once by its id."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received (for the worker to apply)")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed (to be tried again)")

    stripe_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    donation = models.ForeignKey(
        Donation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="webhook_events",
        help_text=_("The donation the event was about (its payload is erased with the donor)."),
    )
    livemode = models.BooleanField(default=False)
    api_version = models.CharField(
        max_length=50,
        blank=True,
        help_text=_(
            "The API version Stripe rendered the event in; another than the site's "
            "means the object was fetched again in the site's version."
        ),
    )
    created = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text=_("When Stripe created the event.")
    )
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.TextField(blank=True)
    note = models.TextField(blank=True, help_text=_("Why an event was ignored."))
    attempts = models.PositiveIntegerField(default=1)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_id}"
