"""Top-level URL configuration."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from advocacy.health import healthz, worker_healthz
from advocacy.views import favicon
from articles.feeds import latest_articles
from articles.sitemaps import sections as sitemap_sections
from donations.views import stripe_webhook

# What visitors read, in each language: English at /, Spanish at /es/.
urlpatterns = i18n_patterns(
    path("", include("articles.urls")),
    path("", include("donations.urls")),
    path("feed/", latest_articles, name="feed"),
    prefix_default_language=False,
)
urlpatterns += [
    path("stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": sitemap_sections()},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("healthz", healthz, name="healthz"),
    path("healthz/worker", worker_healthz, name="healthz-worker"),
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
]
