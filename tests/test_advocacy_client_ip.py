"""The client IP behind TRUSTED_PROXY_COUNT proxies; never a spoofable header by default."""

import pytest
from django.test import RequestFactory

from advocacy.client_ip import client_ip, client_ip_key


def request(remote="10.0.0.5", forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.5"),  # no trusted proxy: the header is ignored
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the left part is the client's
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.5"),  # fewer hops than proxies: not through them
        (1, "not-an-ip", "10.0.0.5"),
        (1, None, "10.0.0.5"),
    ],
)
def test_the_client_is_that_many_hops_from_the_right(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request(forwarded=forwarded)) == expected


def test_an_ipv6_client_is_keyed_by_its_64(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    key = client_ip_key("g", request(remote="2001:db8:1:2:3:4:5:6"))
    assert key == "2001:db8:1:2::/64"
