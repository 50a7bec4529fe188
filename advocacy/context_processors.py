"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_DESCRIPTION": settings.SITE_DESCRIPTION,
        "STRIPE_TEST_MODE": not settings.STRIPE_LIVE_MODE,
    }


def languages(request: HttpRequest) -> dict[str, object]:
    """The page in each of the site's languages (the switcher and hreflang links):
    code, name and address; the current language's first. A page that exists in one
    language only (an article without a translation) links the other's home page."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    alternates = []
    for code, name in settings.LANGUAGES:
        url = translate_url(request.get_full_path(), code)
        alternates.append({"code": code, "name": name, "url": url, "current": code == current,
                           "absolute": settings.SITE_URL + url})  # fmt: skip
    alternates.sort(key=lambda language: not language["current"])
    return {"LANGUAGE_ALTERNATES": alternates}
