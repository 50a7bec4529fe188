"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils import translation

from advocacy.languages import current_language


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_DESCRIPTION": settings.SITE_DESCRIPTION,
        "STRIPE_TEST_MODE": not settings.STRIPE_LIVE_MODE,
    }


def languages(request: HttpRequest) -> dict[str, object]:
    """The page in each of the site's languages (the switcher and hreflang links):
    code, name, address and whether it is this page's translation; the current
    language's first. A view whose page exists in some languages only (an article
    and its translations) sets `request.translations` (code → address); the others
    then link their home page, without an hreflang."""
    current = current_language()
    translations: dict[str, str] | None = getattr(request, "translations", None)
    alternates = []
    for code, name in settings.LANGUAGES:
        if translations is None:
            url, same_page = translate_url(request.get_full_path(), code), True
        elif code in translations:
            url, same_page = translations[code], True
        else:
            with translation.override(code):
                url, same_page = reverse("articles:list"), False
        alternates.append({
            "code": code, "name": name, "url": url, "current": code == current,
            "same_page": same_page, "absolute": settings.SITE_URL + url,
        })  # fmt: skip
    alternates.sort(key=lambda language: not language["current"])
    return {"LANGUAGE_ALTERNATES": alternates}
