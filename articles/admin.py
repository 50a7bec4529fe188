from django.contrib import admin

from advocacy.admin_lists import SafeDateLookups
from articles.models import Article


@admin.register(Article)
class ArticleAdmin(SafeDateLookups):
    list_display = ["title", "status", "published_at", "author", "updated_at"]
    list_filter = ["status", "published_at"]
    search_fields = ["title", "summary", "body", "author"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["seed_file", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "summary", "body"]}),
        ("Publication", {"fields": ["status", "published_at"]}),
        ("History", {"fields": ["seed_file", "created_at", "updated_at"]}),
    ]
