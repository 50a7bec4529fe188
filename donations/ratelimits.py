"""How many Checkout Sessions may be opened, by whom: the defence against card testing.

A card tester posts the donation form again and again, with new card numbers on
Stripe's page each time, from few addresses or many, under made-up e-mail addresses.
Three counts (in the durable cache, which no traffic can evict):

- per client IP (a /64 for IPv6): DONATION_RATE_LIMIT;
- per e-mail address as its mailbox receives it, whatever the IP: case, a quoted
  local part, `+tags`, and the dots Gmail ignores make no new address:
  DONATION_EMAIL_RATE_LIMIT;
- site-wide, a ceiling that no spread of addresses gets past: DONATION_SITE_RATE_LIMIT.

Every POST counts against all three, the refused ones too.

Counted here rather than by django-ratelimit, which counts each limit by itself (add,
then increment): five round trips to Redis for a POST's three counts, 1.5-1.7 ms of its
9 on PostgreSQL. Here a POST's counts take one round trip on Redis (a transaction of a
create-if-missing with its expiry, then an increment, per count), and the same add then
increment on the database cache (advocacy.cache: atomic across processes). Windows are
fixed, each value's ending at a second of its own (as django-ratelimit staggers them), so
the counters of a site do not all start again at once.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django_redis.cache import RedisCache

from advocacy.client_ip import client_ip, client_ip_key

logger = logging.getLogger(__name__)
# Providers that deliver `a.d.a@` to `ada@` (each is one mailbox).
DOTS_IGNORED = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
QUOTED_PAIR = re.compile(r"\\(.)")
RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


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


Part = Callable[[str, HttpRequest], str]  # a key or a rate, of (the view's name, request)
View = Callable[..., HttpResponse]


def parse_rate(rate: str) -> tuple[int, int]:
    """`10/m`, `3/h`, `100/10m`: how many in how many seconds."""
    match = RATE.match(rate.strip())
    if match is None:
        raise ImproperlyConfigured(f"{rate!r} is not a rate: write it as 10/m, 3/h or 100/10m")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * SECONDS[unit]


@dataclass(frozen=True)
class Counter:
    key: str  # of the value and its current window
    limit: int
    ttl: int  # seconds left in the window, and one


def counter(group: str, value: str, rate: str, now: float | None = None) -> Counter:
    """The counter of `value` (an address, an e-mail, "site") for the view `group`, in
    the window `now` falls in."""
    limit, period = parse_rate(rate)
    second = int(time.time() if now is None else now)
    end = second + period - (second - zlib.crc32(value.encode())) % period
    digest = hashlib.sha256(f"{group}|{value}|{limit}/{period}|{end}".encode()).hexdigest()
    return Counter(f"rl:{digest}", limit, end - second + 1)


def count(counters: list[Counter]) -> list[int]:
    """Each counter incremented; the counts. One round trip on Redis."""
    cache = caches[settings.RATE_LIMIT_CACHE]
    if isinstance(cache, RedisCache):
        transaction = cache.client.get_client(write=True).pipeline()
        for each in counters:
            key = cache.make_key(each.key)
            transaction.set(key, 0, ex=each.ttl, nx=True)
            transaction.incr(key)
        return [int(n) for n in transaction.execute()[1::2]]
    return [_count_in(cache, each) for each in counters]


def _count_in(cache: Any, each: Counter) -> int:
    for _ in range(3):  # added, or incremented; again if it expired in between
        if cache.add(each.key, 1, each.ttl):
            return 1
        try:
            return int(cache.incr(each.key))
        except ValueError:
            continue
    logger.error("Rate-limit counter %s could not be counted: refused", each.key)
    return each.limit + 1  # as refused: a limit that cannot count does not let all through


def limited_by(*limits: tuple[Part, Part]) -> Callable[[View], View]:
    """Count a view's POSTs against each (key, rate); the view sees `request.limited`
    (and answers 429). Counters are the view's own, keyed by its name."""

    def limit(view: View) -> View:
        group = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def counted(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                counters = [
                    counter(group, key(group, request), rate(group, request))
                    for key, rate in limits
                ]
                over = any(n > c.limit for n, c in zip(count(counters), counters, strict=True))
                request.limited = over  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return counted

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
