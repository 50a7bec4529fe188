"""A cached page's CSRF token is one Django accepts: its cookie's secret, masked anew."""

from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token
from django.test import RequestFactory

from articles.csrf_tokens import random_chars, visitor_token


def test_a_new_visitor_gets_a_secret_and_a_token_masking_it():
    request = RequestFactory().get("/")
    first, second = visitor_token(request), visitor_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True  # sent as the cookie
    assert len(secret) == 32 and len(first) == 64 and first != second
    assert _unmask_cipher_token(first) == _unmask_cipher_token(second) == secret


def test_a_returning_visitor_keeps_their_secret():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = "k" * 32
    assert _unmask_cipher_token(visitor_token(request)) == "k" * 32


def test_random_characters_are_the_allowed_ones_and_spread_over_all():
    drawn = "".join(random_chars() for _ in range(400))
    assert set(drawn) == set(CSRF_ALLOWED_CHARS)


def test_every_pair_of_characters_is_shifted_as_django_shifts_it():
    """The 32 shifts are made as one sum of big integers: any carry would show here."""
    for char in CSRF_ALLOWED_CHARS:
        request = RequestFactory().get("/")
        request.META["CSRF_COOKIE"] = char * 32
        for _ in range(20):
            assert _unmask_cipher_token(visitor_token(request)) == char * 32
