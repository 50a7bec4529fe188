"""The client's IP address, behind a known number of trusted reverse proxies.

Each proxy appends the address it received the request from to X-Forwarded-For,
so with TRUSTED_PROXY_COUNT proxies the client is that many entries from the
right; anything further left was sent by the client and can be forged. With no
trusted proxy the header is ignored and the connection's address is used.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    hops = int(settings.TRUSTED_PROXY_COUNT)
    if hops <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [address for address in forwarded if address]
    if len(forwarded) < hops:
        return remote  # not through all our proxies: the connection is the client
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def client_ip_key(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the client IP (a /64 for IPv6, which one client owns)."""
    address = ipaddress.ip_address(client_ip(request) or "0.0.0.0")  # noqa: S104 - a key, not a bind
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
