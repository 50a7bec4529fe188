"""How many Checkout Sessions may be opened, by whom: the defence against card testing.

A card tester posts the donation form again and again, with new card numbers on
Stripe's page each time, from few addresses or many, under made-up e-mail addresses.
Three counts (django-ratelimit, in the durable cache that no traffic can evict):

- per client IP (a /64 for IPv6): DONATION_RATE_LIMIT;
- per e-mail address as its mailbox receives it, whatever the IP: case, a quoted
  local part, `+tags`, and the dots Gmail ignores make no new address:
  DONATION_EMAIL_RATE_LIMIT;
- site-wide, a ceiling that no spread of addresses gets past: DONATION_SITE_RATE_LIMIT.

Every POST counts against all three, the refused ones too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.decorators import ratelimit

from advocacy.client_ip import client_ip, client_ip_key

logger = logging.getLogger(__name__)
# Providers that deliver `a.d.a@` to `ada@` (each is one mailbox).
DOTS_IGNORED = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
QUOTED_PAIR = re.compile(r"\\(.)")


def normalised_email(address: str) -> str:
    """The mailbox an address reaches: `"A.d.a+news"@GoogleMail.com` is `ada@gmail.com`."""
    local, at, domain = address.strip().lower().rpartition("@")
    if not at:
        return address.strip().lower()[:254]
    if len(local) >= 2 and local[0] == local[-1] == '"':
        local = QUOTED_PAIR.sub(r"\1", local[1:-1])
    local = local.split("+", 1)[0]
    domain = domain.rstrip(".")
    if domain in DOTS_IGNORED:
        local, domain = local.replace(".", ""), DOTS_IGNORED[domain]
    return f"{local}@{domain}"[:254]


def ip_key(group: str, request: HttpRequest) -> str:
    return "ip:" + client_ip_key(group, request)


def email_key(group: str, request: HttpRequest) -> str:
    return "email:" + normalised_email(str(request.POST.get("email", "")))


def site_key(group: str, request: HttpRequest) -> str:
    return "site"


def ip_rate(group: str, request: HttpRequest) -> str:
    return str(settings.DONATION_RATE_LIMIT)


def email_rate(group: str, request: HttpRequest) -> str:
    return str(settings.DONATION_EMAIL_RATE_LIMIT)


def site_rate(group: str, request: HttpRequest) -> str:
    return str(settings.DONATION_SITE_RATE_LIMIT)


Part = Callable[[str, HttpRequest], str]  # a key or a rate, as django-ratelimit calls it
View = Callable[..., HttpResponse]


def limited_by(*limits: tuple[Part, Part]) -> Callable[[View], View]:
    """Count a view's POSTs against each (key, rate); the view sees `request.limited`
    (and answers 429). Counters are the view's own: django-ratelimit keys them by view."""

    def limit(view: View) -> View:
        for key, rate in limits:
            view = ratelimit(key=key, rate=rate, method="POST", block=False)(view)
        return view

    return limit


SITE_WIDE, PER_ADDRESS, PER_CONNECTION = (
    (site_key, site_rate),
    (email_key, email_rate),
    (ip_key, ip_rate),
)
# The donation form: every limit (the offer to give monthly carries no address).
limited = limited_by(SITE_WIDE, PER_ADDRESS, PER_CONNECTION)


def note_refusal(request: HttpRequest) -> None:
    """A refused POST, in the log: repeated lines are an attack to look at."""
    logger.warning("Donation refused by the rate limits (client %s)", client_ip(request))
