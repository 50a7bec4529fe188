from django.contrib import admin

from advocacy.admin_lists import SafeDateLookups
from articles.models import Article


@admin.register(Article)
class ArticleAdmin(SafeDateLookups):
    list_display = ["title", "language", "status", "published_at", "author", "updated_at"]
    list_filter = ["language", "status", "published_at"]
    autocomplete_fields = ["translation_of"]
    search_fields = ["title", "summary", "body", "author"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["seed_file", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "summary", "body"]}),
        ("Language", {"fields": ["language", "translation_of"]}),
        ("Publication", {"fields": ["status", "published_at"]}),
        ("History", {"fields": ["seed_file", "created_at", "updated_at"]}),
    ]
