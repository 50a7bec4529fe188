"""The page's language, from its address alone: /es/… is Spanish, every other address
the default language (English). Never from a cookie or the browser's Accept-Language,
so a shared link is read as it was sent, and no response varies on those headers (as
Django's LocaleMiddleware would mark the default language's pages)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def current_language() -> str:
    """The active language's code ("en", "es"): the page's in a request."""
    return translation.get_language() or settings.LANGUAGE_CODE


def current_locale() -> str:
    """The active language as Babel names its locale ("en", "es"): amounts and numbers."""
    return translation.to_locale(current_language())


def language_of(path: str) -> str:
    """ "es" for "/es/articles/…", the default language for any other path."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


class LanguageFromAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_of(request.path_info)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
