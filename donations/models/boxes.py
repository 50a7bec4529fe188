"""The donation box under an article: which campaign it collects for."""

from __future__ import annotations

from django.db import models

from donations.models.campaigns import Campaign


class DonationBoxQuerySet(models.QuerySet):
    def open(self) -> DonationBoxQuerySet:
        """Boxes that take donations: their campaign is active."""
        return self.filter(campaign__active=True).select_related("campaign", "article")


class DonationBox(models.Model):
    """The donation box under one article, collecting for one campaign."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, related_name="donation_box"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="boxes")

    objects = DonationBoxQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "donation boxes"

    def __str__(self) -> str:
        return f"{self.campaign} under {self.article}"
