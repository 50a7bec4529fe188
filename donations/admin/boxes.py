"""Donation boxes in the admin: their own list, and a "Donation box" choice on each
article's page (the articles app knows nothing of donations: its admin is extended
here)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from articles.admin import ArticleAdmin
from articles.models import Article
from donations.models import Campaign, DonationBox


@admin.register(DonationBox)
class DonationBoxAdmin(admin.ModelAdmin):
    list_display = ["article", "campaign"]
    list_filter = ["campaign"]
    search_fields = ["article__title", "campaign__name"]
    list_select_related = ["article", "campaign"]
    autocomplete_fields = ["article"]


class ArticleWithBoxForm(forms.ModelForm):
    donation_campaign = forms.ModelChoiceField(
        Campaign.objects.all(),
        required=False,
        label="Donation box",
        empty_label="No donation box",
        help_text="The campaign whose donation box shows under the article. New articles "
        "get the main campaign's.",
    )

    class Meta:
        model = Article
        fields = [*ArticleAdmin.fieldsets[0][1]["fields"], *ArticleAdmin.fieldsets[1][1]["fields"]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            box = DonationBox.objects.filter(article=self.instance).first()
            self.initial["donation_campaign"] = box.campaign_id if box else None
        else:
            main = Campaign.objects.filter(is_main=True).first()
            self.initial["donation_campaign"] = main.pk if main else None


class ArticleWithBoxAdmin(ArticleAdmin):
    form = ArticleWithBoxForm
    fieldsets = [
        *ArticleAdmin.fieldsets[:2],
        ("Donations", {"fields": ["donation_campaign"]}),
        *ArticleAdmin.fieldsets[2:],
    ]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        campaign = form.cleaned_data.get("donation_campaign")
        article = form.instance
        if campaign is None:
            DonationBox.objects.filter(article=article).delete()
        else:
            DonationBox.objects.update_or_create(article=article, defaults={"campaign": campaign})


admin.site.unregister(Article)
admin.site.register(Article, ArticleWithBoxAdmin)
